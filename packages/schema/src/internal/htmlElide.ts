/**
 * Text elision, the pre-parse scan in front of parse5.
 *
 * parse5 tokenizes text one character at a time, which makes long text the dominant cost of a parse. Before
 * parsing, `elide` replaces long literal stretches of text, and of quoted attribute values, with a two-character
 * marker (U+E000 and a private-use index); the walk puts them back when it writes a text node or a kept attribute.
 * parse5 still parses every tag, comment and character reference that can reach the output; it only copies fewer
 * characters.
 *
 * Why the tree is the same:
 *
 * - Markers only go where the tokenizer is certain to be in the data state or inside a quoted attribute value. The
 *   scan follows the tokenizer's own rules for tags, comments, character references and bogus comments (none of
 *   which depend on the tree builder), and stops eliding for good at anything whose end only the tree knows
 *   (escaped script data; after svg, math, select or template, a raw-text element or `<![CDATA[` whose end is not
 *   the same under every reading).
 * - The content of raw-text elements (script, style, textarea, title, xmp, iframe, noembed, noframes, noscript,
 *   plaintext) is removed outright: it is never written, and it ends where the tokenizer's "appropriate end tag"
 *   rule says, which the scan applies only where the tree builder is certain to have switched the tokenizer.
 * - In those states, every character but `<`, `&`, the closing quote, NUL and CR is copied literally. A text run's
 *   core (the run without its leading and trailing whitespace) starts and ends with non-whitespace, and tree
 *   building only tells whitespace from other text, so the marker lands in the same place and the same text node.
 *   (The one exception, a column group inside `<template>` ignoring non-whitespace, is inside template content,
 *   which is never written.) After a character reference's name, the next character is kept, because whether a
 *   legacy reference without `;` is decoded in an attribute depends on it.
 * - Tree building reads two attribute values, `type` and `encoding`, which are never elided, and compares the
 *   attributes of formatting elements (the "Noah's Ark" clause), whose values are never elided either.
 *
 * A body that already holds U+E000 is not elided.
 *
 * @internal
 */
import { isAsciiAlnum, isAsciiAlpha } from "./htmlText.ts"

const MARK = "\uE000"
const FIRST_INDEX = 0xe001
const MAX_RUNS = 0xf8ff - FIRST_INDEX

/** A body with long data-state text runs replaced by markers, and the runs, in order. */
export interface Elided {
  readonly source: string
  readonly runs: ReadonlyArray<string>
}

const isSpace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0c || c === 0x0d

// Tag tokenizer states (WHATWG 13.2.5.8 to 13.2.5.40); quoted values are skipped with indexOf.
const TAG_NAME = 0
const BEFORE_ATTRIBUTE_NAME = 1
const ATTRIBUTE_NAME = 2
const AFTER_ATTRIBUTE_NAME = 3
const BEFORE_ATTRIBUTE_VALUE = 4
const ATTRIBUTE_VALUE_UNQUOTED = 5
const AFTER_ATTRIBUTE_VALUE = 6
const SELF_CLOSING = 7

// What a start tag's name means to the scan.
const TAG_PLAIN = 0 // attribute values may be elided
const TAG_RAW_TEXT = 1 // the tree builder may switch the tokenizer to a raw-text state
const TAG_FORMATTING = 2 // attributes are compared by the "Noah's Ark" clause: leave them alone
const TAG_MODAL = 3 // may put the tree builder where raw-text start tags do not switch the tokenizer

const TAG_CLASSES: ReadonlyMap<string, number> = new Map([
  ...["script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript", "plaintext"].map(
    (name) => [name, TAG_RAW_TEXT] as const
  ),
  // Foreign content (where these are ordinary elements), select (which ignores most of them) and template (whose
  // column groups ignore them).
  ...["svg", "math", "select", "template"].map((name) => [name, TAG_MODAL] as const),
  // Formatting elements, except `a`: a start tag `a` first removes any `a` from the list of active formatting
  // elements (back to the last marker), so an `a` never meets an identical twin there.
  ...["b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u"].map(
    (name) => [name, TAG_FORMATTING] as const
  )
])

/** The class of the start tag named `[start, end)`, ASCII case-insensitively. */
const classifyTag = (s: string, start: number, end: number): number =>
  end - start > 9 ? TAG_PLAIN : TAG_CLASSES.get(s.slice(start, end).toLowerCase()) ?? TAG_PLAIN

/**
 * Whether the value of the attribute named `[start, end)` may be elided: every attribute but `type` (`<input
 * type=hidden>` in a table) and `encoding` (`<annotation-xml>` integration points), the only values tree building
 * reads.
 */
const isElidableAttribute = (s: string, start: number, end: number): boolean => {
  const length = end - start
  if (length !== 4 && length !== 8) return true
  const name = s.slice(start, end).toLowerCase()
  return name !== "type" && name !== "encoding"
}

const orLength = (index: number, length: number): number => (index === -1 ? length : index)

/** The state of one elision: the source built so far and the runs taken out. */
class Elider {
  readonly s: string
  readonly minRun: number
  out = ""
  last = 0
  runs: Array<string> | undefined = undefined
  /** Whether anything was taken out (runs, or the content of raw-text elements). */
  changed = false
  /** Whether a start tag of class {@link TAG_MODAL} was seen: raw-text elements are then uncertain. */
  modal = false

  constructor(s: string, minRun: number) {
    this.s = s
    this.minRun = minRun
  }

  /** Replaces `[a, b)` with a marker; returns false when out of markers. */
  replace(a: number, b: number): boolean {
    if (this.runs === undefined) this.runs = []
    if (this.runs.length >= MAX_RUNS) return false
    this.out += this.s.slice(this.last, a) + MARK + String.fromCharCode(FIRST_INDEX + this.runs.length)
    this.runs.push(this.s.slice(a, b))
    this.last = b
    this.changed = true
    return true
  }

  // The next `<`, `&`, NUL and CR at or after the last position asked for (the length when there is none); the
  // positions asked for only grow.
  nextLt = -1
  nextAmp = -1
  nextNul = -1
  nextCr = -1

  /** The index of the first `<`, `&`, NUL or CR at or after `i`, or the length: native searches, remembered. */
  nextSpecial(i: number): number {
    const s = this.s
    const n = s.length
    if (this.nextLt < i) this.nextLt = orLength(s.indexOf("<", i), n)
    if (this.nextAmp < i) this.nextAmp = orLength(s.indexOf("&", i), n)
    if (this.nextNul < i) this.nextNul = orLength(s.indexOf("\u0000", i), n)
    if (this.nextCr < i) this.nextCr = orLength(s.indexOf("\r", i), n)
    return Math.min(this.nextLt, this.nextAmp, this.nextNul, this.nextCr)
  }

  /** Removes `[a, b)`. */
  drop(a: number, b: number): void {
    this.out += this.s.slice(this.last, a)
    this.last = b
    this.changed = true
  }

  /**
   * At the `>` of a raw-text start tag named `name` (lowercase), ending at `open`: drops the element's content,
   * which is never written, and returns the index just past its end tag, or -1 to stop the scan.
   *
   * Before any svg, math, select or template start tag, the tree builder does switch the tokenizer: to RCDATA
   * (title, textarea), RAWTEXT (style, xmp, iframe, noembed, noframes, noscript: parse5 parses with scripting
   * enabled), script data, or PLAINTEXT (to the end of input). The content then ends at the first `</name` followed
   * by whitespace, `/` or `>`, ASCII case-insensitively; in script data only if no `<!--` comes before it (escaped
   * script data is left to the tokenizer).
   *
   * After one of those, the start tag may instead be an ordinary element (in foreign content), be ignored (in
   * select), or be ignored by a template's column group. The scan then goes on only when both readings meet the same
   * end tag in the data state: when the content holds no `<` at all (it is then dropped: in every reading it lands
   * inside an element that is never written, the raw-text element itself, svg, math, select or template), or when a
   * dry scan of the content as markup reaches that end tag in the data state (the content is then left alone).
   */
  skipRawText(name: string, open: number): number {
    const s = this.s
    const n = s.length
    if (name === "plaintext") {
      if (this.modal) return -1
      this.drop(open, n)
      return -1
    }
    let end = -1
    let j = open
    while (true) {
      const lt = s.indexOf("</", j)
      if (lt === -1) break
      const after = lt + 2 + name.length
      if (after <= n && s.slice(lt + 2, after).toLowerCase() === name) {
        const c = after < n ? s.charCodeAt(after) : -1
        if (isSpace(c) || c === 0x2f || c === 0x3e) {
          end = lt
          break
        }
      }
      j = lt + 2
    }
    const contentEnd = end === -1 ? n : end
    if (name === "script") {
      const escape = s.indexOf("<!--", open)
      if (escape !== -1 && escape < contentEnd) return -1
    }
    if (this.modal) {
      if (end === -1) return -1
      if (s.indexOf("<", open) !== end) {
        // Markup inside: go on only if, read as markup, it also reaches the end tag in the data state. The content
        // may then be visible, so it is left as it is.
        if (this.scan(open, end, true) !== end) return -1
        return this.skipTag(end + 2 + name.length, true)
      }
    }
    this.drop(open, contentEnd)
    return end === -1 ? -1 : this.skipTag(end + 2 + name.length, true)
  }

  /**
   * From the tag name state at `i` (just past the tag name), the index just past the tag's `>`, or -1 at end of
   * input or when out of markers. Follows the tokenizer: quoted attribute values may hold `>`; character references
   * inside attribute values only consume letters, digits, `#` and `;`, so they never end a value or a tag.
   *
   * With `attributes` (a start tag that is not a formatting element other than `a`), the long literal stretches of
   * quoted attribute values are elided too, except in `type` and `encoding`: no other value is read by tree
   * building, and only formatting elements have their attributes compared (by the "Noah's Ark" clause).
   */
  skipTag(i: number, attributes: boolean): number {
    const s = this.s
    const n = s.length
    let state = TAG_NAME
    let nameStart = 0
    let elidable = false
    while (i < n) {
      const c = s.charCodeAt(i)
      switch (state) {
        case TAG_NAME:
          if (isSpace(c)) state = BEFORE_ATTRIBUTE_NAME
          else if (c === 0x2f) state = SELF_CLOSING
          else if (c === 0x3e) return i + 1
          break
        case BEFORE_ATTRIBUTE_NAME:
          if (isSpace(c)) break
          if (c === 0x2f || c === 0x3e) {
            state = AFTER_ATTRIBUTE_NAME
            continue
          }
          state = ATTRIBUTE_NAME // "=" here starts a name, like any other character
          nameStart = i
          break
        case ATTRIBUTE_NAME:
          if (isSpace(c) || c === 0x2f || c === 0x3e) {
            state = AFTER_ATTRIBUTE_NAME
            elidable = attributes && isElidableAttribute(s, nameStart, i)
            continue
          }
          if (c === 0x3d) {
            state = BEFORE_ATTRIBUTE_VALUE
            elidable = attributes && isElidableAttribute(s, nameStart, i)
          }
          break
        case AFTER_ATTRIBUTE_NAME:
          if (isSpace(c)) break
          if (c === 0x2f) state = SELF_CLOSING
          else if (c === 0x3d) state = BEFORE_ATTRIBUTE_VALUE
          else if (c === 0x3e) return i + 1
          else {
            state = ATTRIBUTE_NAME
            nameStart = i
          }
          break
        case BEFORE_ATTRIBUTE_VALUE:
          if (isSpace(c)) break
          if (c === 0x22 || c === 0x27) {
            const q = s.indexOf(c === 0x22 ? "\"" : "'", i + 1)
            if (q === -1) return -1
            if (elidable && q - i - 1 >= this.minRun && !this.elideValue(i + 1, q)) return -1
            i = q + 1
            state = AFTER_ATTRIBUTE_VALUE
            continue
          }
          if (c === 0x3e) return i + 1
          state = ATTRIBUTE_VALUE_UNQUOTED
          continue
        case ATTRIBUTE_VALUE_UNQUOTED:
          if (isSpace(c)) state = BEFORE_ATTRIBUTE_NAME
          else if (c === 0x3e) return i + 1
          break
        case AFTER_ATTRIBUTE_VALUE:
          if (isSpace(c)) state = BEFORE_ATTRIBUTE_NAME
          else if (c === 0x2f) state = SELF_CLOSING
          else if (c === 0x3e) return i + 1
          else {
            state = BEFORE_ATTRIBUTE_NAME
            continue
          }
          break
        case SELF_CLOSING:
          if (c === 0x3e) return i + 1
          state = BEFORE_ATTRIBUTE_NAME
          continue
      }
      i++
    }
    return -1
  }

  /**
   * Elides the long literal segments of the attribute value `[start, end)`: the stretches between character
   * references, NUL and CR. After a reference's name, the next character is kept as it is, because whether a legacy
   * reference without `;` is decoded in an attribute depends on it.
   */
  elideValue(start: number, end: number): boolean {
    const s = this.s
    let j = start
    while (j < end) {
      const segment = j
      let c = 0
      while (j < end) {
        c = s.charCodeAt(j)
        if (c === 0x26 || c === 0x00 || c === 0x0d) break
        j++
      }
      if (j - segment >= this.minRun && !this.replace(segment, j)) return false
      if (j >= end) return true
      j++
      if (c !== 0x26) continue
      if (j < end && s.charCodeAt(j) === 0x23) j++
      while (j < end && isAsciiAlnum(s.charCodeAt(j))) j++
      if (j < end) {
        const d = s.charCodeAt(j)
        if (d !== 0x26 && d !== 0x00 && d !== 0x0d) j++
      }
    }
    return true
  }

  /**
   * Scans from `i`, where the tokenizer is in the data state (as it is at the top of the loop). Returns -1 when it
   * gives up, `stopAt` when it meets a `<` at `stopAt` in the data state, and otherwise the end of input. A `dry` scan
   * changes nothing and gives up at raw-text start tags.
   */
  scan(i: number, stopAt: number, dry: boolean): number {
    const s = this.s
    const n = s.length
    const minRun = dry ? Number.POSITIVE_INFINITY : this.minRun
    while (i < n) {
      if (i > stopAt && stopAt !== -1) return -1
      const start = i
      i = this.nextSpecial(i)
      const c = i < n ? s.charCodeAt(i) : 0
      if (i - start >= minRun) {
        let a = start
        let b = i
        while (a < b && isSpace(s.charCodeAt(a))) a++
        while (b > a && isSpace(s.charCodeAt(b - 1))) b--
        if (b - a >= minRun && !this.replace(a, b)) return -1
      }
      if (i >= n) return n
      if (i === stopAt) return stopAt
      i++
      if (c === 0x26) {
        // A character reference consumes at most "#", letters, digits and ";" and returns to the data state.
        if (i < n && s.charCodeAt(i) === 0x23) i++
        while (i < n && isAsciiAlnum(s.charCodeAt(i))) i++
        if (i < n && s.charCodeAt(i) === 0x3b) i++
        continue
      }
      if (c !== 0x3c) continue // NUL or CR: one character of text
      const next = i < n ? s.charCodeAt(i) : -1
      if (isAsciiAlpha(next)) {
        let nameEnd = i + 1
        while (nameEnd < n) {
          const d = s.charCodeAt(nameEnd)
          if (isSpace(d) || d === 0x2f || d === 0x3e) break
          nameEnd++
        }
        const tagClass = classifyTag(s, i, nameEnd)
        if (tagClass === TAG_MODAL) this.modal = true
        else if (tagClass === TAG_RAW_TEXT && dry) return -1
        const open = this.skipTag(nameEnd, !dry && tagClass !== TAG_FORMATTING)
        if (open === -1) return -1
        i = tagClass === TAG_RAW_TEXT ? this.skipRawText(s.slice(i, nameEnd).toLowerCase(), open) : open
        if (i === -1) return -1
      } else if (next === 0x2f) {
        const after = i + 1 < n ? s.charCodeAt(i + 1) : -1
        if (after === 0x3e) i += 2 // "</>" is dropped
        else if (isAsciiAlpha(after)) {
          i = this.skipTag(i + 2, !dry) // end tag attributes are dropped by the tokenizer
          if (i === -1) return -1
        } else {
          // "</" then anything else: a bogus comment up to ">" (or the text "</" at the end of input)
          const gt = s.indexOf(">", i)
          if (gt === -1) return -1
          i = gt + 1
        }
      } else if (next === 0x21) {
        if (s.startsWith("--", i + 1)) {
          // A comment: "<!-->" and "<!--->" end at once; otherwise the first "-->" or "--!>" ends it.
          const body = i + 3
          if (s.charCodeAt(body) === 0x3e) i = body + 1
          else if (s.charCodeAt(body) === 0x2d && s.charCodeAt(body + 1) === 0x3e) i = body + 2
          else {
            const close = s.indexOf("-->", body)
            const bang = s.indexOf("--!>", body)
            if (close === -1 && bang === -1) return -1
            i = bang === -1 || (close !== -1 && close < bang) ? close + 3 : bang + 4
          }
        } else if (this.modal && s.startsWith("[CDATA[", i + 1)) {
          // A CDATA section in foreign content (ending at "]]>"), a bogus comment elsewhere (ending at ">"): only the
          // tree knows which, so go on only when both end at the same place. Neither is ever written.
          const gt = s.indexOf(">", i)
          if (gt === -1 || s.charCodeAt(gt - 1) !== 0x5d || s.charCodeAt(gt - 2) !== 0x5d || gt - 2 < i + 8) return -1
          i = gt + 1
        } else {
          // A DOCTYPE (ignored in a body) or a bogus comment (`<![CDATA[` too, outside foreign content): both end
          // at the first ">"
          const gt = s.indexOf(">", i)
          if (gt === -1) return -1
          i = gt + 1
        }
      } else if (next === 0x3f) {
        const gt = s.indexOf(">", i) // "<?": a bogus comment
        if (gt === -1) return -1
        i = gt + 1
      }
      // Otherwise "<" was text.
    }
    return stopAt === -1 ? n : -1
  }
}

/**
 * Replaces data-state text runs and literal stretches of attribute values of at least `minRun` characters with
 * markers, and removes the content of raw-text elements; `undefined` when nothing changed.
 */
export const elide = (s: string, minRun: number): Elided | undefined => {
  if (s.indexOf(MARK) !== -1) return undefined
  const elider = new Elider(s, minRun)
  elider.scan(0, -1, false)
  return elider.changed ? { source: elider.out + s.slice(elider.last), runs: elider.runs ?? [] } : undefined
}

/** Puts elided runs back into a text node's value. */
export const restore = (value: string, runs: ReadonlyArray<string>): string => {
  let i = value.indexOf(MARK)
  if (i === -1) return value
  let out = ""
  let last = 0
  while (i !== -1) {
    out += value.slice(last, i) + runs[value.charCodeAt(i + 1) - FIRST_INDEX]
    last = i + 2
    i = value.indexOf(MARK, last)
  }
  return out + value.slice(last)
}
