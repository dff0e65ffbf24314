/**
 * Drift thread <-> Intercom conversation, as Schema transformations and as plain synchronous functions.
 *
 * Each mapping schema has the decoded Drift thread (`Schema.toType(Drift.Thread)`) on its encoded side and
 * the decoded Intercom conversation on its type side: `decode` maps Drift -> Intercom, `encode` maps
 * Intercom -> Drift. Working on the type sides lets them compose with the wire codecs of `@parley/schema`
 * ({@link DriftJsonToIntercomJson} is exactly that composition). The synchronous functions
 * ({@link toIntercomSync}, ...) run the same code without the schema machinery, for hot paths.
 *
 * The rules, and what each shape cannot hold, are in the package README's mapping table.
 *
 * @example
 * ```ts
 * import { Mapping } from "@parley/intercom"
 * import { Schema } from "effect"
 *
 * declare const line: string // one line of a Drift-shape NDJSON export
 *
 * const toIntercomJson = Schema.decodeUnknownSync(Mapping.DriftJsonToIntercomV2Json)
 * const intercom = toIntercomJson(JSON.parse(line)) // Intercom API 2.11 JSON
 * const back = Schema.encodeSync(Mapping.DriftJsonToIntercomV2Json)(intercom) // the Drift thread JSON again
 * ```
 *
 * @since 0.1.0
 */
import { Drift, Intercom } from "@parley/schema"
import { Effect, Result, Schema, SchemaGetter, SchemaIssue } from "effect"
import * as Body from "./internal/body.ts"
import * as core from "./internal/core.ts"
import { defaultResolved, type MapperConfig, resolveCached, type Resolved } from "./MapperConfig.ts"
import { MappingError } from "./MappingError.ts"

const ThreadType = Schema.toType(Drift.Thread)
const ClassicType = Schema.toType(Intercom.Conversation)
const V2Type = Schema.toType(Intercom.ConversationV2)

/**
 * The schema type of {@link DriftToIntercom}: encoded side the decoded `Drift.Thread`, type side the decoded
 * classic `Intercom.Conversation`.
 *
 * @example
 * ```ts
 * import { Mapping } from "@parley/intercom"
 *
 * const schema: Mapping.DriftToIntercomSchema = Mapping.DriftToIntercom
 * ```
 *
 * @since 0.1.0
 */
export interface DriftToIntercomSchema
  extends Schema.decodeTo<Schema.toType<typeof Intercom.Conversation>, Schema.toType<typeof Drift.Thread>>
{}

/**
 * The schema type of {@link DriftToIntercomV2}: encoded side the decoded `Drift.Thread`, type side the decoded
 * `Intercom.ConversationV2`.
 *
 * @example
 * ```ts
 * import { Mapping } from "@parley/intercom"
 *
 * const schema: Mapping.DriftToIntercomV2Schema = Mapping.DriftToIntercomV2
 * ```
 *
 * @since 0.1.0
 */
export interface DriftToIntercomV2Schema
  extends Schema.decodeTo<Schema.toType<typeof Intercom.ConversationV2>, Schema.toType<typeof Drift.Thread>>
{}

const issueOf = (failure: core.Failure): SchemaIssue.Issue =>
  new SchemaIssue.Pointer(failure.path, new SchemaIssue.InvalidValue({ message: failure.reason }, failure.actual))

const errorOf = (failure: core.Failure): MappingError =>
  new MappingError({
    path: [...failure.path],
    reason: failure.reason,
    ...(failure.actual === undefined ? {} : { actual: failure.actual })
  })

const backward = <A>(f: (a: A, config: Resolved) => Result.Result<Drift.Thread, core.Failure>, config: Resolved) =>
  SchemaGetter.transformEffect<Drift.Thread, A>((a) => Effect.fromResult(Result.mapError(f(a, config), issueOf)))

const classicSchema = (config: Resolved): DriftToIntercomSchema =>
  ThreadType.pipe(Schema.decodeTo(ClassicType, {
    decode: SchemaGetter.transform((thread: Drift.Thread) => core.toClassic(thread, config)),
    encode: backward(core.fromClassic, config)
  }))

const v2Schema = (config: Resolved): DriftToIntercomV2Schema =>
  ThreadType.pipe(Schema.decodeTo(V2Type, {
    decode: SchemaGetter.transform((thread: Drift.Thread) => core.toV2(thread, config)),
    encode: backward(core.fromV2, config)
  }))

/**
 * Drift thread <-> Intercom classic conversation (seed 003), with a resolved `config` (see
 * `MapperConfig.resolve`, or use {@link make}). Build it once and reuse it.
 *
 * @example
 * ```ts
 * import { MapperConfig, Mapping } from "@parley/intercom"
 * import type { Drift } from "@parley/schema"
 * import { Result, Schema } from "effect"
 *
 * declare const thread: Drift.Thread
 *
 * const config = Result.getOrThrow(MapperConfig.resolve({ contactRole: "lead", defaultAdminId: 25 }))
 * const ToIntercom = Mapping.driftToIntercom(config)
 * const conversation = Schema.decodeSync(ToIntercom)(thread)
 * const thread2 = Schema.encodeSync(ToIntercom)(conversation)
 * ```
 *
 * @since 0.1.0
 */
export const driftToIntercom = (config: Resolved = defaultResolved): DriftToIntercomSchema => classicSchema(config)

/**
 * Drift thread <-> Intercom API 2.11 conversation, with a resolved `config`. Build it once and reuse it.
 *
 * @example
 * ```ts
 * import { MapperConfig, Mapping } from "@parley/intercom"
 * import type { Drift } from "@parley/schema"
 * import { Result, Schema } from "effect"
 *
 * declare const thread: Drift.Thread
 *
 * const config = Result.getOrThrow(MapperConfig.resolve({ carryFields: ["status", "conversation"] }))
 * const conversation = Schema.decodeSync(Mapping.driftToIntercomV2(config))(thread)
 * ```
 *
 * @since 0.1.0
 */
export const driftToIntercomV2 = (config: Resolved = defaultResolved): DriftToIntercomV2Schema => v2Schema(config)

/**
 * Drift thread <-> Intercom classic conversation with the default config: `decode` maps a (decoded)
 * `Drift.Thread` to a classic `Intercom.Conversation`, `encode` maps it back (failing with a `SchemaError`
 * naming the path when an id is not a Drift id).
 *
 * @example
 * ```ts
 * import { Mapping } from "@parley/intercom"
 * import type { Drift } from "@parley/schema"
 * import { Schema } from "effect"
 *
 * declare const thread: Drift.Thread
 *
 * const conversation = Schema.decodeSync(Mapping.DriftToIntercom)(thread)
 * conversation.conversation_message.body // "<p>Hi there</p>"
 * ```
 *
 * @since 0.1.0
 */
export const DriftToIntercom: DriftToIntercomSchema = driftToIntercom()

/**
 * Drift thread <-> Intercom API 2.11 conversation with the default config (every Drift-only field carried in
 * `custom_attributes`, so `encode(decode(thread))` gives the thread back exactly).
 *
 * @example
 * ```ts
 * import { Mapping } from "@parley/intercom"
 * import type { Drift } from "@parley/schema"
 * import { Schema } from "effect"
 *
 * declare const thread: Drift.Thread
 *
 * const conversation = Schema.decodeSync(Mapping.DriftToIntercomV2)(thread)
 * Schema.encodeSync(Mapping.DriftToIntercomV2)(conversation) // equals thread
 * ```
 *
 * @since 0.1.0
 */
export const DriftToIntercomV2: DriftToIntercomV2Schema = driftToIntercomV2()

/**
 * {@link DriftToIntercom} flipped: `decode` maps an Intercom classic conversation to a Drift thread.
 *
 * @example
 * ```ts
 * import { Mapping } from "@parley/intercom"
 * import type { Intercom } from "@parley/schema"
 * import { Schema } from "effect"
 *
 * declare const conversation: Intercom.Conversation
 *
 * const thread = Schema.decodeSync(Mapping.IntercomToDrift)(conversation)
 * ```
 *
 * @since 0.1.0
 */
export const IntercomToDrift = Schema.flip(DriftToIntercom)

/**
 * {@link DriftToIntercomV2} flipped: `decode` maps an Intercom API 2.11 conversation to a Drift thread.
 *
 * @example
 * ```ts
 * import { Mapping } from "@parley/intercom"
 * import type { Intercom } from "@parley/schema"
 * import { Schema } from "effect"
 *
 * declare const conversation: Intercom.ConversationV2
 *
 * const thread = Schema.decodeSync(Mapping.IntercomV2ToDrift)(conversation)
 * ```
 *
 * @since 0.1.0
 */
export const IntercomV2ToDrift = Schema.flip(DriftToIntercomV2)

/**
 * The schema type of {@link driftJsonToIntercomJson}: Drift thread JSON on the encoded side, Intercom classic
 * JSON on the type side.
 *
 * @example
 * ```ts
 * import { Mapping } from "@parley/intercom"
 *
 * const codec: Mapping.DriftJsonToIntercomJsonSchema = Mapping.DriftJsonToIntercomJson
 * ```
 *
 * @since 0.1.0
 */
export interface DriftJsonToIntercomJsonSchema
  extends Schema.Codec<Intercom.ConversationEncoded, Drift.ThreadEncoded>
{}

/**
 * The schema type of {@link driftJsonToIntercomV2Json}: Drift thread JSON on the encoded side, Intercom API 2.11
 * JSON on the type side.
 *
 * @example
 * ```ts
 * import { Mapping } from "@parley/intercom"
 *
 * const codec: Mapping.DriftJsonToIntercomV2JsonSchema = Mapping.DriftJsonToIntercomV2Json
 * ```
 *
 * @since 0.1.0
 */
export interface DriftJsonToIntercomV2JsonSchema
  extends Schema.Codec<Intercom.ConversationV2Encoded, Drift.ThreadEncoded>
{}

/**
 * Wire to wire: Drift thread JSON (epoch ms, as `Drift.Thread` encodes it) <-> Intercom classic JSON (epoch
 * seconds). `decode` sanitizes the Drift bodies, maps, and writes Intercom JSON; `encode` reads Intercom JSON,
 * maps back and writes Drift JSON. Built with a resolved `config` (the defaults when absent).
 *
 * @example
 * ```ts
 * import { MapperConfig, Mapping } from "@parley/intercom"
 * import { Result, Schema } from "effect"
 *
 * declare const line: string // one line of a Drift-shape NDJSON export
 *
 * const config = Result.getOrThrow(MapperConfig.resolve({ contactRole: "user" }))
 * const json = Schema.decodeUnknownSync(Mapping.driftJsonToIntercomJson(config))(JSON.parse(line))
 * ```
 *
 * @since 0.1.0
 */
export const driftJsonToIntercomJson = (config?: Resolved): DriftJsonToIntercomJsonSchema =>
  Drift.Thread.pipe(Schema.decodeTo(driftToIntercom(config)), Schema.decodeTo(Schema.flip(Intercom.Conversation)))

/**
 * Wire to wire: Drift thread JSON <-> Intercom API 2.11 JSON, built with a resolved `config`.
 *
 * @example
 * ```ts
 * import { MapperConfig, Mapping } from "@parley/intercom"
 * import { Result, Schema } from "effect"
 *
 * declare const line: string // one line of a Drift-shape NDJSON export
 *
 * const config = Result.getOrThrow(MapperConfig.resolve({ carry: "none" }))
 * const json = Schema.decodeUnknownSync(Mapping.driftJsonToIntercomV2Json(config))(JSON.parse(line))
 * ```
 *
 * @since 0.1.0
 */
export const driftJsonToIntercomV2Json = (config?: Resolved): DriftJsonToIntercomV2JsonSchema =>
  Drift.Thread.pipe(Schema.decodeTo(driftToIntercomV2(config)), Schema.decodeTo(Schema.flip(Intercom.ConversationV2)))

/**
 * Drift thread JSON <-> Intercom classic JSON with the default config.
 *
 * @example
 * ```ts
 * import { Mapping } from "@parley/intercom"
 * import { Schema } from "effect"
 *
 * declare const driftJson: unknown // e.g. JSON.parse of one line of a Drift-shape export
 *
 * const intercomJson = Schema.decodeUnknownSync(Mapping.DriftJsonToIntercomJson)(driftJson)
 * ```
 *
 * @since 0.1.0
 */
export const DriftJsonToIntercomJson: DriftJsonToIntercomJsonSchema = driftJsonToIntercomJson()

/**
 * Drift thread JSON <-> Intercom API 2.11 JSON with the default config.
 *
 * @example
 * ```ts
 * import { Mapping } from "@parley/intercom"
 * import { Schema } from "effect"
 *
 * declare const driftJson: unknown // e.g. JSON.parse of one line of a Drift-shape export
 *
 * const intercomJson = Schema.decodeUnknownSync(Mapping.DriftJsonToIntercomV2Json)(driftJson)
 * const driftAgain = Schema.encodeSync(Mapping.DriftJsonToIntercomV2Json)(intercomJson)
 * ```
 *
 * @since 0.1.0
 */
export const DriftJsonToIntercomV2Json: DriftJsonToIntercomV2JsonSchema = driftJsonToIntercomV2Json()

// -----------------------------------------------------------------------------
// Synchronous API
// -----------------------------------------------------------------------------

/**
 * Drift thread -> Intercom classic conversation, synchronously (no schema checks: the input is trusted to be a
 * decoded `Drift.Thread`), with a resolved config (the defaults when absent). Never fails.
 *
 * @example
 * ```ts
 * import { Mapping } from "@parley/intercom"
 * import type { Drift } from "@parley/schema"
 *
 * declare const thread: Drift.Thread
 *
 * const conversation = Mapping.toIntercomSync(thread)
 * ```
 *
 * @since 0.1.0
 */
export const toIntercomSync = (thread: Drift.Thread, config: Resolved = defaultResolved): Intercom.Conversation =>
  core.toClassic(thread, config)

/**
 * Drift thread -> Intercom API 2.11 conversation, synchronously. Never fails.
 *
 * @example
 * ```ts
 * import { Mapping } from "@parley/intercom"
 * import type { Drift } from "@parley/schema"
 *
 * declare const thread: Drift.Thread
 *
 * const conversation = Mapping.toIntercomV2Sync(thread)
 * conversation.custom_attributes["drift_status"] // the Drift status, e.g. "pending"
 * ```
 *
 * @since 0.1.0
 */
export const toIntercomV2Sync = (thread: Drift.Thread, config: Resolved = defaultResolved): Intercom.ConversationV2 =>
  core.toV2(thread, config)

/**
 * Intercom classic conversation -> Drift thread, synchronously: a `Result` whose failure is a
 * {@link MappingError} naming the path when the conversation cannot be a Drift thread (e.g. a non-decimal id
 * with `foreignIds: "fail"`).
 *
 * @example
 * ```ts
 * import { MapperConfig, Mapping } from "@parley/intercom"
 * import type { Intercom } from "@parley/schema"
 * import { Result } from "effect"
 *
 * declare const conversation: Intercom.Conversation // e.g. one created in Intercom, with a hex id
 *
 * const config = Result.getOrThrow(MapperConfig.resolve({ foreignIds: "hash" }))
 * const thread = Mapping.fromIntercomSync(conversation, config) // Result<Drift.Thread, MappingError>
 * ```
 *
 * @since 0.1.0
 */
export const fromIntercomSync = (
  conversation: Intercom.Conversation,
  config: Resolved = defaultResolved
): Result.Result<Drift.Thread, MappingError> => Result.mapError(core.fromClassic(conversation, config), errorOf)

/**
 * Intercom API 2.11 conversation -> Drift thread, synchronously; reads the Drift fields carried in
 * `custom_attributes`. A `Result` whose failure is a {@link MappingError} naming the path.
 *
 * @example
 * ```ts
 * import { Mapping } from "@parley/intercom"
 * import type { Drift } from "@parley/schema"
 *
 * declare const original: Drift.Thread
 *
 * const thread = Mapping.fromIntercomV2Sync(Mapping.toIntercomV2Sync(original)) // Result.succeed(original)
 * ```
 *
 * @since 0.1.0
 */
export const fromIntercomV2Sync = (
  conversation: Intercom.ConversationV2,
  config: Resolved = defaultResolved
): Result.Result<Drift.Thread, MappingError> => Result.mapError(core.fromV2(conversation, config), errorOf)

/**
 * A mapper compiled from one config: the synchronous functions and the schemas, with the config resolved once.
 *
 * @example
 * ```ts
 * import { Mapping } from "@parley/intercom"
 * import { Result } from "effect"
 *
 * const mapper: Mapping.Mapper = Result.getOrThrow(Mapping.make({ contactRole: "user" }))
 * ```
 *
 * @since 0.1.0
 */
export interface Mapper {
  readonly config: Resolved
  readonly toIntercom: (thread: Drift.Thread) => Intercom.Conversation
  readonly toIntercomV2: (thread: Drift.Thread) => Intercom.ConversationV2
  readonly fromIntercom: (conversation: Intercom.Conversation) => Result.Result<Drift.Thread, MappingError>
  readonly fromIntercomV2: (conversation: Intercom.ConversationV2) => Result.Result<Drift.Thread, MappingError>
  readonly DriftToIntercom: DriftToIntercomSchema
  readonly DriftToIntercomV2: DriftToIntercomV2Schema
}

/**
 * The {@link Mapper} of a resolved config.
 *
 * @example
 * ```ts
 * import { MapperConfig, Mapping } from "@parley/intercom"
 *
 * const mapper = Mapping.fromResolved(MapperConfig.defaultResolved)
 * ```
 *
 * @since 0.1.0
 */
export const fromResolved = (resolved: Resolved): Mapper => ({
  config: resolved,
  toIntercom: (thread) => core.toClassic(thread, resolved),
  toIntercomV2: (thread) => core.toV2(thread, resolved),
  fromIntercom: (conversation) => fromIntercomSync(conversation, resolved),
  fromIntercomV2: (conversation) => fromIntercomV2Sync(conversation, resolved),
  DriftToIntercom: classicSchema(resolved),
  DriftToIntercomV2: v2Schema(resolved)
})

/**
 * Compiles a {@link Mapper} from `config`, checked now: a config the mapper cannot use is a `SchemaError`
 * naming the option's path.
 *
 * @example
 * ```ts
 * import { Mapping } from "@parley/intercom"
 * import type { Drift } from "@parley/schema"
 * import { Result } from "effect"
 *
 * declare const users: ReadonlyArray<Drift.User> // the `data` of Drift's `GET /users/list`
 * declare const threads: ReadonlyArray<Drift.Thread>
 *
 * const mapper = Mapping.make({ users, defaultAdminId: 25 })
 * if (Result.isSuccess(mapper)) threads.map(mapper.success.toIntercomV2)
 * ```
 *
 * @since 0.1.0
 */
export const make = (config?: MapperConfig): Result.Result<Mapper, Schema.SchemaError> =>
  Result.map(resolveCached(config), fromResolved)

// -----------------------------------------------------------------------------
// Building blocks
// -----------------------------------------------------------------------------

/**
 * The stable Intercom id of a Drift tag name: FNV-1a 64 of its UTF-8 bytes as 16 hex digits. The same name
 * always gets the same id; names are compared exactly (case and spaces matter).
 *
 * @example
 * ```ts
 * import { Mapping } from "@parley/intercom"
 *
 * Mapping.tagId("a") // "af63dc4c8601ec8c"
 * ```
 *
 * @since 0.1.0
 */
export const tagId = (name: string): string => core.tagId(name)

/**
 * A Drift body as an Intercom body: each line in a `<p>` (`"paragraphs"`, the default) when that maps back to the
 * same Drift body, else the body as it is; `"raw"`: as it is.
 *
 * @example
 * ```ts
 * import { Mapping } from "@parley/intercom"
 *
 * Mapping.bodyToIntercom("Hi\n<b>there</b>") // "<p>Hi</p><p><b>there</b></p>"
 * ```
 *
 * @since 0.1.0
 */
export const bodyToIntercom = (body: string, mode: "paragraphs" | "raw" = "paragraphs"): string =>
  Body.toIntercom(body, mode)

/**
 * An Intercom body re-sanitized to Drift's rules (`b`, `em`, `a[href]`; block markup becomes line breaks).
 *
 * @example
 * ```ts
 * import { Mapping } from "@parley/intercom"
 *
 * Mapping.bodyToDrift("<p>Hi</p><p><strong>there</strong></p>") // "Hi\nthere"
 * ```
 *
 * @since 0.1.0
 */
export const bodyToDrift = (html: string): string => Body.toDrift(html)

/**
 * The Intercom `waiting_since` of a Drift thread, in epoch seconds: the last contact chat message after the
 * last chat message of a (non-bot) user; `null` when nobody is waiting (closed or bulk sent, the last word is a
 * user's, or no contact message).
 *
 * @example
 * ```ts
 * import { Mapping } from "@parley/intercom"
 * import type { Drift } from "@parley/schema"
 *
 * declare const thread: Drift.Thread
 *
 * Mapping.waitingSinceSeconds(thread) // 1548700064 or null
 * ```
 *
 * @since 0.1.0
 */
export const waitingSinceSeconds = (thread: Drift.Thread, config: Resolved = defaultResolved): number | null =>
  core.waitingSinceSeconds(thread, config)
