/**
 * The typed error of the mapper. Failures are values: the functions that can fail return a `Result` (or an
 * `Effect`) whose failure is a {@link MappingError}; nothing in the mapper throws. Config errors are
 * `Schema.SchemaError`s (see `MapperConfig.resolve`).
 *
 * @example
 * ```ts
 * import { Mapping } from "@parley/intercom"
 * import type { Intercom } from "@parley/schema"
 * import { Result } from "effect"
 *
 * declare const conversation: Intercom.ConversationV2 // its contact has a hex Intercom id, not a Drift id
 *
 * const result = Mapping.fromIntercomV2Sync(conversation)
 * if (Result.isFailure(result)) console.log(result.failure.path, result.failure.message)
 * ```
 *
 * @since 0.1.0
 */
import { JsonPath } from "@parley/schema"
import { Schema } from "effect"

/**
 * Renders a path the way Effect's schema errors do: `["conversation_parts"]["conversation_parts"][3]["id"]`
 * (`JsonPath.format` of `@parley/schema`, kept here for the mapper's users).
 *
 * @example
 * ```ts
 * import { MappingError } from "@parley/intercom"
 *
 * MappingError.formatPath(["source", "author", "id"]) // => `["source"]["author"]["id"]`
 * ```
 *
 * @since 0.1.0
 */
export const formatPath = (path: ReadonlyArray<string | number>): string => JsonPath.format(path)

/**
 * An Intercom conversation could not be mapped back to a Drift thread: an id that is not a decimal Drift id
 * (with `foreignIds: "fail"`), an author type Drift cannot hold, carried Drift data (`custom_attributes`) that
 * is malformed, or no contact at all. `path` points into the Intercom conversation (type side).
 *
 * @example
 * ```ts
 * import { MappingError } from "@parley/intercom"
 *
 * const e = new MappingError.MappingError({ path: ["id"], reason: "Expected a decimal Drift id", actual: "abc" })
 * e.message // => `Expected a decimal Drift id, got "abc" at ["id"]`
 * ```
 *
 * @since 0.1.0
 */
export class MappingError extends Schema.TaggedError<MappingError>()("MappingError", {
  path: Schema.Array(Schema.Union([Schema.String, Schema.Number])),
  reason: Schema.String,
  actual: Schema.optionalKey(Schema.Unknown)
}) {
  override get message(): string {
    const actual = this.actual === undefined ? "" : `, got ${JSON.stringify(this.actual) ?? String(this.actual)}`
    return `${this.reason}${actual} at ${formatPath(this.path)}`
  }
}
