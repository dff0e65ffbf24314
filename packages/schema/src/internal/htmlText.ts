/**
 * Text: escaping, newline normalisation, and the no-markup fast path (a body with no `<` starting a tag and no `&`
 * starting a character reference never reaches the parser).
 *
 * @internal
 */
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
 * when it meets a `<` or `&` the tokenizer would not read as text. A `<` is text unless followed by a letter, `/`,
 * `!` or `?`; a `&` is text unless followed by a letter, digit or `#`. Like the parser, it drops NUL and turns CRLF
 * and CR into LF. The searches are native `indexOf` calls; the common case (nothing to escape) allocates nothing.
 */
export const fastPath = (s: string, escapeText: boolean): string | undefined => {
  for (let i = s.indexOf("<"); i !== -1; i = s.indexOf("<", i + 1)) {
    if (startsMarkup(s, i)) return undefined
  }
  for (let i = s.indexOf("&"); i !== -1; i = s.indexOf("&", i + 1)) {
    if (startsReference(s, i)) return undefined
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
