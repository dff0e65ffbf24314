/**
 * Text for messages: every error line Parley prints or stores is one line, whatever the server, the file system
 * or a schema put in it (newlines, tabs, runs of spaces).
 *
 * @example
 * ```ts
 * import { Text } from "@parley/schema"
 *
 * Text.oneLine("Expected a number\n  at [\"id\"]") // `Expected a number at ["id"]`
 * ```
 *
 * @since 0.2.0
 */

/**
 * `text` on one line: every run of whitespace (newlines included) becomes one space, and the ends are trimmed.
 *
 * @example
 * ```ts
 * import { Text } from "@parley/schema"
 *
 * Text.oneLine("  cannot\tread\r\nthe file ") // "cannot read the file"
 * ```
 *
 * @since 0.2.0
 */
export const oneLine = (text: string): string => text.replace(/\s+/g, " ").trim()
