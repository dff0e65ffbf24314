/**
 * The typed errors of the mapper.
 *
 * @example
 * ```ts
 * import { Mapping, MappingError } from "@parley/intercom"
 *
 * try {
 *   Mapping.fromIntercomV2Sync(conversationWithAHexContactId)
 * } catch (e) {
 *   if (e instanceof MappingError.MappingError) console.log(e.path, e.message)
 * }
 * ```
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/**
 * Renders a path the way Effect's schema errors do: `["conversation_parts"]["conversation_parts"][3]["id"]`.
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
export const formatPath = (path: ReadonlyArray<string | number>): string =>
  path.length === 0 ? "(root)" : path.map((k) => `[${JSON.stringify(k)}]`).join("")

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

/**
 * A {@link MapperConfig} option has a value the mapper cannot use (e.g. a `defaultAdminId` that is not a safe
 * integer, a `tagColor` that is not a hex color).
 *
 * @example
 * ```ts
 * import { MapperConfig, MappingError } from "@parley/intercom"
 *
 * try {
 *   MapperConfig.resolve({ tagColor: "red" })
 * } catch (e) {
 *   if (e instanceof MappingError.InvalidConfig) console.log(e.option) // "tagColor"
 * }
 * ```
 *
 * @since 0.1.0
 */
export class InvalidConfig extends Schema.TaggedError<InvalidConfig>()("InvalidConfig", {
  option: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `Invalid mapper option ${this.option}: ${this.reason}`
  }
}
