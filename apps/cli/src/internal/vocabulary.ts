/**
 * The names the flags offer (`--to`, `--format`), in a module of their own: the command tree is built, and its
 * help printed, without loading the converters and encoders they name.
 *
 * @internal
 */

/** The shapes (`Formats.shapes`). */
export const shapes = ["drift", "intercom", "intercom-2.11"] as const

/** The encodings (`Encoding.formats`). */
export const formats = ["ndjson", "json", "csv"] as const

/** The statuses `--status` filters on (Drift's filterable ones). */
export const statuses = ["open", "closed", "pending"] as const

/** One of {@link statuses} (the same strings as `Drift.FilterableStatus`). */
export type Status = (typeof statuses)[number]
