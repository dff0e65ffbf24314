/**
 * `IntercomMapper`: the mapper as an Effect service, for programs that configure it once (from code or from
 * `Config`) and map threads inside streams.
 *
 * @example
 * ```ts
 * import { IntercomMapper } from "@parley/intercom"
 * import type { Drift } from "@parley/schema"
 * import { Effect, Stream } from "effect"
 *
 * declare const threads: Stream.Stream<Drift.Thread> // e.g. the `threads()` of @parley/drift-stream
 *
 * const program = Effect.gen(function*() {
 *   const mapper = yield* IntercomMapper.IntercomMapper
 *   return yield* threads.pipe(Stream.mapEffect(mapper.toIntercomV2), Stream.runCollect)
 * }).pipe(Effect.provide(IntercomMapper.IntercomMapper.layer({ contactRole: "user", defaultAdminId: 25 })))
 * ```
 *
 * @since 0.1.0
 */
import type { Drift, Intercom } from "@parley/schema"
import { Config, Context, Effect, Layer, type Schema } from "effect"
import { fromEnv, type MapperConfig, type Resolved } from "./MapperConfig.ts"
import * as Mapping from "./Mapping.ts"
import type { MappingError } from "./MappingError.ts"

/**
 * What the service offers.
 *
 * @example
 * ```ts
 * import type { IntercomMapper } from "@parley/intercom"
 *
 * const toJson = (mapper: IntercomMapper.Shape) => mapper.toIntercomV2
 * ```
 *
 * @since 0.1.0
 */
export interface Shape {
  /** The resolved config. */
  readonly config: Resolved
  /** Drift thread -> Intercom classic conversation. */
  readonly toIntercom: (thread: Drift.Thread) => Effect.Effect<Intercom.Conversation>
  /** Drift thread -> Intercom API 2.11 conversation. */
  readonly toIntercomV2: (thread: Drift.Thread) => Effect.Effect<Intercom.ConversationV2>
  /** Intercom classic conversation -> Drift thread. */
  readonly fromIntercom: (conversation: Intercom.Conversation) => Effect.Effect<Drift.Thread, MappingError>
  /** Intercom API 2.11 conversation -> Drift thread. */
  readonly fromIntercomV2: (conversation: Intercom.ConversationV2) => Effect.Effect<Drift.Thread, MappingError>
  /** The same mapping, synchronous, and its schemas, built with this config. */
  readonly mapper: Mapping.Mapper
}

/**
 * Builds the service's implementation from `config`; fails with a `SchemaError` naming the option's path when
 * an option cannot be used.
 *
 * @example
 * ```ts
 * import { IntercomMapper } from "@parley/intercom"
 * import { Effect } from "effect"
 *
 * const mapper = Effect.runSync(IntercomMapper.make({ contactRole: "lead" }))
 * ```
 *
 * @since 0.1.0
 */
export const make = (config?: MapperConfig): Effect.Effect<Shape, Schema.SchemaError> =>
  Effect.map(Effect.fromResult(Mapping.make(config)), (mapper): Shape => ({
    config: mapper.config,
    toIntercom: (thread) => Effect.sync(() => mapper.toIntercom(thread)),
    toIntercomV2: (thread) => Effect.sync(() => mapper.toIntercomV2(thread)),
    fromIntercom: (conversation) => Effect.suspend(() => Effect.fromResult(mapper.fromIntercom(conversation))),
    fromIntercomV2: (conversation) => Effect.suspend(() => Effect.fromResult(mapper.fromIntercomV2(conversation))),
    mapper
  }))

/**
 * The mapper service.
 *
 * @example
 * ```ts
 * import { IntercomMapper } from "@parley/intercom"
 * import type { Drift } from "@parley/schema"
 * import { Effect } from "effect"
 *
 * declare const thread: Drift.Thread
 *
 * const program = Effect.gen(function*() {
 *   const mapper = yield* IntercomMapper.IntercomMapper
 *   return yield* mapper.toIntercomV2(thread)
 * }).pipe(Effect.provide(IntercomMapper.IntercomMapper.layer()))
 * ```
 *
 * @since 0.1.0
 */
export class IntercomMapper extends Context.Service<IntercomMapper, Shape>()("@parley/intercom/IntercomMapper") {
  /**
   * The mapper with `config` (the defaults when absent).
   *
   * @example
   * ```ts
   * import { IntercomMapper } from "@parley/intercom"
   * import type { Drift } from "@parley/schema"
   *
   * declare const users: ReadonlyArray<Drift.User> // the `data` of Drift's `GET /users/list`
   *
   * const layer = IntercomMapper.IntercomMapper.layer({ contactRole: "user", users })
   * ```
   *
   * @since 0.1.0
   */
  static readonly layer = (config?: MapperConfig): Layer.Layer<IntercomMapper, Schema.SchemaError> =>
    Layer.effect(IntercomMapper, make(config))

  /**
   * The mapper with its config read from `Config`: a `Config<MapperConfig>`, or a record of one `Config` per
   * option. Default: {@link fromEnv} (`PARLEY_INTERCOM_*` variables).
   *
   * @example
   * ```ts
   * import { IntercomMapper } from "@parley/intercom"
   * import { Config } from "effect"
   *
   * const fromEnv = IntercomMapper.IntercomMapper.layerConfig()
   * const custom = IntercomMapper.IntercomMapper.layerConfig({ defaultAdminId: Config.Int("INTERCOM_DEFAULT_ADMIN") })
   * ```
   *
   * @since 0.1.0
   */
  static readonly layerConfig = (
    config: Config.Wrap<MapperConfig> = fromEnv
  ): Layer.Layer<IntercomMapper, Config.ConfigError | Schema.SchemaError> =>
    Layer.effect(
      IntercomMapper,
      Effect.gen(function*() {
        return yield* make(yield* Config.unwrap(config))
      })
    )
}
