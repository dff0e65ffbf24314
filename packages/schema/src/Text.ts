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

/**
 * `n` with its thousands grouped by commas, as `n.toLocaleString("en-US")` writes an integer (`-1,234,567`),
 * without loading the locale data (the first `toLocaleString` in a process costs ~10 ms). Numbers that are not
 * safe integers are left to `toLocaleString("en-US")`.
 *
 * @example
 * ```ts
 * import { Text } from "@parley/schema"
 *
 * Text.count(1234567) // "1,234,567"
 * ```
 *
 * @since 0.2.0
 */
export const count = (n: number): string => {
  if (!Number.isSafeInteger(n)) return n.toLocaleString("en-US")
  const digits = String(Math.abs(n))
  let out = digits.slice(0, ((digits.length - 1) % 3) + 1)
  for (let at = out.length; at < digits.length; at += 3) out += "," + digits.slice(at, at + 3)
  return n < 0 ? "-" + out : out
}
