/**
 * Where a text stops being JSON, for error messages. `JSON.parse` reports a position for some errors only, so a
 * body that fails to parse is parsed once more by `jsonc-parser` (Microsoft's fault-tolerant JSON parser, the
 * one VS Code uses), in strict mode (no comments, no trailing commas), which reports the offset of every error.
 * Only used after decoding failed.
 *
 * @internal
 */
import { parse, type ParseError, printParseErrorCode } from "jsonc-parser"

const strict = { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false } as const

// jsonc-parser's codes are a const enum, which isolated modules cannot read: compare their printed names.
const endOfInput = new Set(["UnexpectedEndOfString", "UnexpectedEndOfNumber", "UnexpectedEndOfComment"])

const isLiteralPrefix = (tail: string): boolean =>
  tail === "-" || (tail.length > 0 && ["true", "false", "null"].some((word) => word.startsWith(tail)))

/**
 * The offset of the first JSON syntax error in `text`: `text.length` when the text ends early (cut off, or
 * empty), the start of the first token that cannot continue a JSON text otherwise, `undefined` for valid JSON.
 */
export const syntaxErrorOffset = (text: string): number | undefined => {
  const errors: Array<ParseError> = []
  parse(text, errors, strict)
  const first = errors[0]
  if (first === undefined) return undefined
  const code = printParseErrorCode(first.error)
  const atEnd = first.offset + first.length >= text.length
  const cutOff = endOfInput.has(code) ||
    // a closer or value missing at the very end of the input
    (first.offset >= text.trimEnd().length && code !== "EndOfFileExpected") ||
    // a literal or number cut in the middle: "tr", "-", "12.", "1e"
    (atEnd && code === "InvalidSymbol" && isLiteralPrefix(text.slice(first.offset))) ||
    (atEnd && code === "InvalidNumberFormat")
  return cutOff ? text.length : first.offset
}
