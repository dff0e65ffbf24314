/**
 * The shared types of Parley: every Drift and Intercom conversation model as an Effect Schema, and the helpers
 * every package formats its errors with (JSON paths, one-line messages, token scrubbing).
 *
 * @since 0.1.0
 */

/**
 * Drift's conversation API models: wire shape (epoch-millisecond timestamps, numeric ids) on the encoded side,
 * `DateTime.Utc` and branded ids on the decoded side.
 *
 * @since 0.1.0
 */
export * as Drift from "./Drift.ts"

/**
 * Intercom's conversation models, classic (seed 003) and API 2.11.
 *
 * @since 0.1.0
 */
export * as Intercom from "./Intercom.ts"

/**
 * The HTML body sanitizer, built on a WHATWG-spec parser (parse5).
 *
 * @since 0.1.0
 */
export * as Html from "./Html.ts"

/**
 * JSON paths as errors print them: `["data"][3]["createdAt"]`, `(root)` when empty.
 *
 * @since 0.2.0
 */
export * as JsonPath from "./JsonPath.ts"

/**
 * Text for messages: `Text.oneLine`, every error line on one line.
 *
 * @since 0.2.0
 */
export * as Text from "./Text.ts"

/**
 * Scrubbing a token (whole, cut, encoded, split) from any text: `Secret.scrubber`, `Secret.scrub`.
 *
 * @since 0.2.0
 */
export * as Secret from "./Secret.ts"
