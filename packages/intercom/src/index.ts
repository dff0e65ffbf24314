/**
 * Drift thread <-> Intercom conversation (classic and API 2.11), both directions, as Schema transformations,
 * synchronous functions and a service.
 *
 * @since 0.1.0
 */

/**
 * The mapping schemas (`DriftToIntercom`, `DriftToIntercomV2`, wire-to-wire codecs), the synchronous functions
 * and the building blocks (tag ids, bodies, `waiting_since`).
 *
 * @example
 * ```ts
 * import { Mapping } from "@parley/intercom"
 * import type { Drift } from "@parley/schema"
 *
 * declare const thread: Drift.Thread
 *
 * const conversation = Mapping.toIntercomV2Sync(thread)
 * ```
 *
 * @since 0.1.0
 */
export * as Mapping from "./Mapping.ts"

/**
 * The `IntercomMapper` service and its layers.
 *
 * @example
 * ```ts
 * import { IntercomMapper } from "@parley/intercom"
 *
 * const layer = IntercomMapper.IntercomMapper.layer({ contactRole: "user" })
 * ```
 *
 * @since 0.1.0
 */
export * as IntercomMapper from "./IntercomMapper.ts"

/**
 * The mapper's options and their defaults.
 *
 * @example
 * ```ts
 * import { MapperConfig } from "@parley/intercom"
 *
 * MapperConfig.defaults.carry // "custom_attributes"
 * ```
 *
 * @since 0.1.0
 */
export * as MapperConfig from "./MapperConfig.ts"

/**
 * The typed error of mapping back: `MappingError` (Intercom -> Drift). Config errors are `SchemaError`s.
 *
 * @example
 * ```ts
 * import { MappingError } from "@parley/intercom"
 *
 * MappingError.formatPath(["id"]) // `["id"]`
 * ```
 *
 * @since 0.1.0
 */
export * as MappingError from "./MappingError.ts"

/**
 * The mapping rules as data (the README's mapping table is generated from them).
 *
 * @example
 * ```ts
 * import { MappingRules } from "@parley/intercom"
 *
 * MappingRules.lossAt(["conversation", "inboxId"]) // "no place in Intercom: the inboxId option (0) comes back"
 * ```
 *
 * @since 0.1.0
 */
export * as MappingRules from "./MappingRules.ts"
