/**
 * Text: escaping, newline normalisation, character references, and the no-markup fast path (a body with no `<`
 * starting a tag never reaches a tokenizer: it is one text node, its references decoded as the tokenizer would).
 *
 * @internal
 */
import { decodeHTML } from "entities/decode"

/** The index of the first `&`, `<`, `>` or `"` in `s`, or -1 (native searches: faster than a loop over characters). */
const firstSpecial = (s: string): number => {
  let first = s.indexOf("&")
  let i = s.indexOf("<")
  if (i !== -1 && (first === -1 || i < first)) first = i
  i = s.indexOf(">")
  if (i !== -1 && (first === -1 || i < first)) first = i
  i = s.indexOf("\"")
  if (i !== -1 && (first === -1 || i < first)) first = i
  return first
}

/** Escapes `&`, `<`, `>` and `"`; returns `s` itself when there is nothing to escape. */
export const escape = (s: string): string => {
  const first = firstSpecial(s)
  if (first === -1) return s
  let out = ""
  let last = 0
  const n = s.length
  for (let i = first; i < n; i++) {
    let rep: string
    switch (s.charCodeAt(i)) {
      case 0x26:
        rep = "&amp;"
        break
      case 0x3c:
        rep = "&lt;"
        break
      case 0x3e:
        rep = "&gt;"
        break
      case 0x22:
        rep = "&quot;"
        break
      default:
        continue
    }
    out += s.slice(last, i) + rep
    last = i + 1
  }
  return out + s.slice(last)
}

/**
 * CRLF and CR as LF. The parser normalises CR in its input, but a character reference (`&#13;`, `&#x0D;`) still
 * puts one in a text node or attribute value; writing it as it is would break "no CR is ever written" and
 * idempotence (the next pass reads the literal CR as LF). So it is treated as the literal character would be.
 */
export const normalizeNewlines = (s: string): string => (s.indexOf("\r") === -1 ? s : s.replace(/\r\n?/g, "\n"))

/** Whether `s` is only ASCII whitespace as HTML counts it (CR never reaches here: see `normalizeNewlines`). */
export const isWhitespace = (s: string): boolean => {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c !== 0x20 && c !== 0x0a && c !== 0x09 && c !== 0x0c) return false
  }
  return true
}

export const isAsciiAlpha = (c: number): boolean => ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a)
export const isAsciiAlnum = (c: number): boolean => isAsciiAlpha(c) || (c >= 0x30 && c <= 0x39)

/** Common named references, each with its semicolon (a name ending in `;` is always the longest match). */
const COMMON_NAMED: ReadonlyMap<string, string> = new Map([
  ["amp", "&"],
  ["lt", "<"],
  ["gt", ">"],
  ["quot", "\""],
  ["apos", "'"],
  ["nbsp", "\u00a0"],
  ["euro", "\u20ac"],
  ["mdash", "\u2014"],
  ["ndash", "\u2013"],
  ["hellip", "\u2026"],
  ["copy", "\u00a9"],
  ["reg", "\u00ae"],
  ["trade", "\u2122"],
  ["lsquo", "\u2018"],
  ["rsquo", "\u2019"],
  ["ldquo", "\u201c"],
  ["rdquo", "\u201d"],
  ["pound", "\u00a3"],
  ["middot", "\u00b7"],
  ["bull", "\u2022"]
])

/** The length of the reference {@link commonReference} last read. */
let commonLength = 0

/**
 * The character a common reference at `i` (the `&`) stands for, or undefined: a listed named reference with its
 * `;`, or a numeric one with its `;` for a code point that the decoder returns as it is (printable ASCII,
 * U+00A0..U+D7FF, U+E000..U+FDCF). Everything else (legacy references without `;`, C1 remapping, surrogates, ...)
 * is left to the decoder.
 */
const commonReference = (s: string, i: number): string | undefined => {
  const n = s.length
  let j = i + 1
  if (s.charCodeAt(j) === 0x23) {
    j++
    let hex = false
    if ((s.charCodeAt(j) | 0x20) === 0x78) {
      hex = true
      j++
    }
    const start = j
    let value = 0
    for (; j < n && j - start < 7; j++) {
      const c = s.charCodeAt(j)
      if (c >= 0x30 && c <= 0x39) value = value * (hex ? 16 : 10) + (c - 0x30)
      else if (hex && (c | 0x20) >= 0x61 && (c | 0x20) <= 0x66) value = value * 16 + ((c | 0x20) - 0x57)
      else break
    }
    if (j === start || s.charCodeAt(j) !== 0x3b) return undefined
    if (
      !((value >= 0x20 && value <= 0x7e) || (value >= 0xa0 && value <= 0xd7ff) || (value >= 0xe000 && value <= 0xfdcf))
    ) {
      return undefined
    }
    commonLength = j + 1 - i
    return String.fromCharCode(value)
  }
  const semi = s.indexOf(";", j)
  if (semi === -1 || semi - j > 6) return undefined
  const value = COMMON_NAMED.get(s.slice(j, semi))
  if (value !== undefined) commonLength = semi + 1 - i
  return value
}

/**
 * `raw` with its character references decoded as `decode` (an `entities` decoder) would, with the common references
 * (`&amp;`, `&#39;`, ...) decoded here; any other reference sends the whole string to `decode`.
 */
export const decodeReferences = (raw: string, decode: (raw: string) => string): string => {
  let i = raw.indexOf("&")
  if (i === -1) return raw
  let out = ""
  let last = 0
  while (i !== -1) {
    const next = raw.charCodeAt(i + 1)
    if (isAsciiAlnum(next) || next === 0x23) {
      const value = commonReference(raw, i)
      if (value === undefined) return decode(raw)
      out += raw.slice(last, i) + value
      last = i + commonLength
      i = raw.indexOf("&", last)
    } else i = raw.indexOf("&", i + 1)
  }
  return out + raw.slice(last)
}

/**
 * A body with no markup but a character reference: what the parser path writes for its one text node (CR and CRLF
 * as LF and NUL dropped, as the input stream and the tree builder do; references decoded as the tokenizer does).
 */
const textOnly = (s: string, escapeText: boolean): string => {
  if (s.indexOf("\r") !== -1) s = s.replace(/\r\n?/g, "\n")
  let text: string
  if (s.indexOf("\u0000") === -1) text = decodeReferences(s, decodeHTML)
  else {
    // A NUL ends a reference like any other character that cannot continue it; the tree builder then ignores it.
    text = ""
    for (const part of s.split("\u0000")) text += decodeReferences(part, decodeHTML)
  }
  text = normalizeNewlines(text)
  return escapeText && !isWhitespace(text) ? escape(text) : text
}

/** Whether the `<` at `i` would start markup: it does when followed by a letter, `/`, `!` or `?`. */
const startsMarkup = (s: string, i: number): boolean => {
  const next = s.charCodeAt(i + 1) // NaN past the end
  return isAsciiAlpha(next) || next === 0x2f || next === 0x21 || next === 0x3f
}

/** Whether the `&` at `i` would start a character reference: it does when followed by a letter, digit or `#`. */
const startsReference = (s: string, i: number): boolean => {
  const next = s.charCodeAt(i + 1)
  return isAsciiAlnum(next) || next === 0x23
}

/**
 * The fast path: a body that holds no markup, returning what the parser path would return for it, or `undefined`
 * when it meets a `<` the tokenizer would not read as text. A body with character references (and no markup) is one
 * text node, decoded here. A `<` is text unless followed by a letter, `/`,
 * `!` or `?`; a `&` is text unless followed by a letter, digit or `#`. Like the parser, it drops NUL and turns CRLF
 * and CR into LF. The searches are native `indexOf` calls; the common case (nothing to escape) allocates nothing.
 */
export const fastPath = (s: string, escapeText: boolean): string | undefined => {
  for (let i = s.indexOf("<"); i !== -1; i = s.indexOf("<", i + 1)) {
    if (startsMarkup(s, i)) return undefined
  }
  for (let i = s.indexOf("&"); i !== -1; i = s.indexOf("&", i + 1)) {
    if (startsReference(s, i)) return textOnly(s, escapeText)
  }
  let first = escapeText ? firstSpecial(s) : -1
  let i = s.indexOf("\u0000")
  if (i !== -1 && (first === -1 || i < first)) first = i
  i = s.indexOf("\r")
  if (i !== -1 && (first === -1 || i < first)) first = i
  if (first === -1) return s
  let out = ""
  let last = 0
  const n = s.length
  for (i = first; i < n; i++) {
    const c = s.charCodeAt(i)
    if (c > 0x3e) continue
    let rep: string
    switch (c) {
      case 0x3c:
        if (!escapeText) continue
        rep = "&lt;"
        break
      case 0x26:
        if (!escapeText) continue
        rep = "&amp;"
        break
      case 0x3e:
        if (!escapeText) continue
        rep = "&gt;"
        break
      case 0x22:
        if (!escapeText) continue
        rep = "&quot;"
        break
      case 0x00:
        rep = ""
        break
      case 0x0d:
        rep = s.charCodeAt(i + 1) === 0x0a ? "" : "\n"
        break
      default:
        continue
    }
    out += s.slice(last, i) + rep
    last = i + 1
  }
  return out + s.slice(last)
}
