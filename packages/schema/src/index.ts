/**
 * The shared types of Parley: every Drift and Intercom conversation model as an Effect Schema.
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
