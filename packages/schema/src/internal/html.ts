/**
 * The engine behind `Html.sanitize` and `Html.toPlainText`: a parse5 fragment parse in body context, then one
 * iterative walk over the tree that writes the output from an allow-list.
 *
 * Guarantees the walk keeps (each one is what makes `sanitize` idempotent):
 *
 * - Only elements the policy allows are written, with only the attributes it allows, in policy order; URL
 *   attributes are written as the WHATWG URL parser's serialization, and only for allowed schemes.
 * - An element is written only if the HTML parser would rebuild it in the same place when the output is parsed
 *   again: an `<a>` is never opened inside an `<a>`, a `p`/`ul`/`ol`/`pre`/`div`/`blockquote`/`li` never inside a
 *   `p`, an `<li>` never inside an `<li>` without a list in between. Such elements are unwrapped instead.
 * - Allowed elements that end up with no content are not written (start tags are written lazily).
 * - Whitespace-only text next to a block boundary is dropped; boundaries of blocks the policy does not keep
 *   become a single "\n" between two pieces of content (never leading, trailing, or next to a kept block).
 * - `<pre>` is always written as `<pre>\n`, because the parser drops one newline right after `<pre>`.
 * - Text is escaped (`&`, `<`, `>`, `"`); the parser has already dropped NUL and normalised CR/CRLF to LF.
 *
 * @internal
 */
import { defaultTreeAdapter, type DefaultTreeAdapterTypes, html as P5, parseFragment } from "parse5"

type Element = DefaultTreeAdapterTypes.Element
type ChildNode = DefaultTreeAdapterTypes.ChildNode
type TextNode = DefaultTreeAdapterTypes.TextNode

// -----------------------------------------------------------------------------
// Policies
// -----------------------------------------------------------------------------

/** The elements a policy may keep: those the walk knows how to write so that a re-parse rebuilds them. */
export type Tag =
  | "a"
  | "b"
  | "i"
  | "em"
  | "strong"
  | "code"
  | "u"
  | "s"
  | "small"
  | "sub"
  | "sup"
  | "mark"
  | "span"
  | "p"
  | "div"
  | "blockquote"
  | "pre"
  | "ul"
  | "ol"
  | "li"
  | "br"
  | "img"

/** What a policy lets an element carry. */
export interface ElementRule {
  /**
   * URL attributes and the schemes each accepts (lowercase, without the colon). An element that lists URL
   * attributes is kept only when every one of them is present and valid.
   */
  readonly urls?: { readonly href?: ReadonlyArray<string>; readonly src?: ReadonlyArray<string> }
  /** Plain-text attributes, written escaped. */
  readonly text?: ReadonlyArray<"alt" | "title">
}

/** An allow-list: which elements survive and with which attributes. */
export interface Policy {
  readonly name: string
  readonly elements: { readonly [K in Tag]?: ElementRule }
}

// Walk actions per tag.
const UNWRAP = 0 // write the children only
const DROP = 1 // write nothing, not even the children
const BREAK = 2 // a block boundary: write the children, with line breaks around
const INLINE = 3 // kept inline element
const BLOCK = 4 // kept block element
const VOID = 5 // kept void element

/** Elements whose content is never text a reader sees, or is a namespace-confusion vector: dropped whole. */
export const DROP_TAGS: ReadonlyArray<string> = [
  "script",
  "style",
  "template",
  "iframe",
  "noscript",
  "noembed",
  "noframes",
  "textarea",
  "title",
  "xmp",
  "plaintext",
  "object",
  "embed",
  "applet",
  "svg",
  "math",
  "select",
  "datalist",
  "frameset",
  "frame",
  "head",
  "base",
  "link",
  "meta",
  "param",
  "source",
  "track",
  "input",
  "keygen",
  "img",
  "image",
  "area",
  "col",
  "colgroup",
  "wbr"
] as const

/** Elements that start a new line when rendered: unwrapped with a line break around them unless kept. */
const BREAK_TAGS = [
  "address",
  "article",
  "aside",
  "blockquote",
  "body",
  "br",
  "caption",
  "center",
  "dd",
  "details",
  "dialog",
  "dir",
  "div",
  "dl",
  "dt",
  "fieldset",
  "figcaption",
  "figure",
  "footer",
  "form",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "header",
  "hgroup",
  "hr",
  "html",
  "legend",
  "li",
  "listing",
  "main",
  "marquee",
  "menu",
  "nav",
  "ol",
  "optgroup",
  "option",
  "p",
  "pre",
  "search",
  "section",
  "summary",
  "table",
  "tbody",
  "td",
  "tfoot",
  "th",
  "thead",
  "tr",
  "ul"
] as const

const BLOCK_TAGS: ReadonlySet<string> = new Set(["p", "div", "blockquote", "pre", "ul", "ol", "li"])
const VOID_TAGS: ReadonlySet<string> = new Set(["br", "img"])

/** A URL attribute rule, with its memo of decisions (raw value -> serialized URL, or null when rejected). */
interface UrlRule {
  readonly name: string
  readonly schemes: ReadonlySet<string>
  readonly memo: Map<string, string | null>
}

interface CompiledElement {
  readonly tag: string
  readonly action: number
  /** The start tag, when it never depends on attributes. */
  readonly open: string | undefined
  readonly close: string
  readonly urls: ReadonlyArray<UrlRule>
  readonly text: ReadonlyArray<string>
}

interface Compiled {
  readonly actions: ReadonlyMap<string, number>
  readonly kept: ReadonlyMap<string, CompiledElement>
}

const baseActions = (): Map<string, number> => {
  const actions = new Map<string, number>()
  for (const tag of BREAK_TAGS) actions.set(tag, BREAK)
  for (const tag of DROP_TAGS) actions.set(tag, DROP)
  return actions
}

const compile = (policy: Policy): Compiled => {
  const actions = baseActions()
  const kept = new Map<string, CompiledElement>()
  for (const tag of Object.keys(policy.elements) as Array<Tag>) {
    const rule = policy.elements[tag]
    if (rule === undefined) continue
    const action = VOID_TAGS.has(tag) ? VOID : BLOCK_TAGS.has(tag) ? BLOCK : INLINE
    const urls: Array<UrlRule> = []
    if (rule.urls !== undefined) {
      for (const name of ["href", "src"] as const) {
        const schemes = rule.urls[name]
        if (schemes !== undefined) {
          urls.push({ name, schemes: new Set(schemes.map((s) => s.toLowerCase())), memo: new Map() })
        }
      }
    }
    const text = rule.text === undefined ? [] : rule.text.filter((name) => name === "alt" || name === "title")
    actions.set(tag, action)
    kept.set(tag, {
      tag,
      action,
      open: urls.length === 0 && text.length === 0 ? `<${tag}>` : undefined,
      close: action === VOID ? "" : `</${tag}>`,
      urls,
      text
    })
  }
  return { actions, kept }
}

const compiledPolicies = new WeakMap<Policy, Compiled>()

const compiled = (policy: Policy): Compiled => {
  let c = compiledPolicies.get(policy)
  if (c === undefined) {
    c = compile(policy)
    compiledPolicies.set(policy, c)
  }
  return c
}

/** The policy `toPlainText` walks with: nothing kept. */
const PLAIN: Compiled = { actions: baseActions(), kept: new Map() }

// -----------------------------------------------------------------------------
// URLs
// -----------------------------------------------------------------------------

const MEMO_LIMIT = 1024

/**
 * The scheme the WHATWG URL parser would read from `raw`, lowercased, or "" when it would read none: leading C0
 * controls and spaces are skipped, tabs and newlines are ignored anywhere, a scheme is an ASCII letter followed by
 * letters, digits, "+", "-" or "." and ends at ":". A cheap pre-check: most rejections never build a URL.
 */
const schemeOf = (raw: string): string => {
  const n = raw.length
  let i = 0
  while (i < n && raw.charCodeAt(i) <= 0x20) i++
  let scheme = ""
  for (; i < n; i++) {
    const c = raw.charCodeAt(i)
    if (c === 0x09 || c === 0x0a || c === 0x0d) continue
    if (c === 0x3a) return scheme
    const lower = c | 0x20
    if (lower >= 0x61 && lower <= 0x7a) scheme += String.fromCharCode(lower)
    else if (scheme.length > 0 && ((c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e)) {
      scheme += String.fromCharCode(c)
    } else return ""
  }
  return ""
}

/** The serialized URL if the WHATWG URL parser accepts `raw` as an absolute URL with an allowed scheme. */
const checkUrl = (rule: UrlRule, raw: string): string | null => {
  const memo = rule.memo
  const hit = memo.get(raw)
  if (hit !== undefined) return hit
  let result: string | null = null
  if (rule.schemes.has(schemeOf(raw))) {
    const url = URL.parse(raw)
    if (url !== null && rule.schemes.has(url.protocol.slice(0, -1))) result = url.href
  }
  if (memo.size >= MEMO_LIMIT) memo.clear()
  memo.set(raw, result)
  return result
}

// -----------------------------------------------------------------------------
// Text
// -----------------------------------------------------------------------------

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
const normalizeNewlines = (s: string): string => (s.indexOf("\r") === -1 ? s : s.replace(/\r\n?/g, "\n"))

/** Whether `s` is only ASCII whitespace as HTML counts it (CR never reaches here: see `normalizeNewlines`). */
const isWhitespace = (s: string): boolean => {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c !== 0x20 && c !== 0x0a && c !== 0x09 && c !== 0x0c) return false
  }
  return true
}

const isAsciiAlpha = (c: number): boolean => ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a)
const isAsciiAlnum = (c: number): boolean => isAsciiAlpha(c) || (c >= 0x30 && c <= 0x39)

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

// -----------------------------------------------------------------------------
// Text elision
// -----------------------------------------------------------------------------

/*
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
 */

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
const restore = (value: string, runs: ReadonlyArray<string>): string => {
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

// -----------------------------------------------------------------------------
// The walk
// -----------------------------------------------------------------------------

const bodyContext: Element = defaultTreeAdapter.createElement("body", P5.NS.HTML, [])

/**
 * Writes kept elements lazily, so that an element that ends up with no content is never written. One instance is
 * reused by every call (a walk is synchronous and calls no user code), so a sanitize allocates no writer state.
 */
class Writer {
  out = ""
  /** Whitespace-only text waiting to learn whether a block boundary follows it. */
  ws = ""
  /** A line break is owed before the next content. */
  nl = false
  /** No content since the last block boundary (whitespace-only text here is dropped). */
  afterBoundary = false
  /** No content since a kept block element was closed (boundaries here owe no line break). */
  afterKeptBlock = false

  // The stack of kept elements: entries below `emitted` are written, the rest are pending.
  readonly tags: Array<string> = []
  readonly opens: Array<string> = []
  readonly closes: Array<string> = []
  readonly wsBefore: Array<string> = []
  depth = 0
  emitted = 0
  inP = 0
  inA = 0
  inPre = 0

  escapeText = true
  runs: ReadonlyArray<string> | undefined = undefined

  reset(escapeText: boolean, runs: ReadonlyArray<string> | undefined): void {
    this.out = ""
    this.ws = ""
    this.nl = false
    this.afterBoundary = false
    this.afterKeptBlock = false
    this.depth = 0
    this.emitted = 0
    this.inP = 0
    this.inA = 0
    this.inPre = 0
    this.escapeText = escapeText
    this.runs = runs
  }

  text(value: string): void {
    value = normalizeNewlines(value)
    if (this.inPre === 0 && isWhitespace(value)) {
      if (!this.afterBoundary) this.ws += value
      return
    }
    if (this.runs !== undefined) value = restore(value, this.runs)
    this.flush(value.charCodeAt(0) === 0x0a)
    this.out += this.escapeText ? escape(value) : value
  }

  /** Writes what content needs before it: an owed line break, pending start tags, buffered whitespace. */
  flush(startsWithNewline: boolean): void {
    if (this.nl) {
      this.nl = false
      let skip = this.out.charCodeAt(this.out.length - 1) === 0x0a
      if (!skip) {
        if (this.emitted === this.depth) skip = startsWithNewline
        else {
          for (let i = this.emitted; i < this.depth; i++) {
            if (BLOCK_TAGS.has(this.tags[i]!)) {
              skip = true
              break
            }
          }
        }
      }
      if (!skip) this.out += "\n"
    }
    for (let i = this.emitted; i < this.depth; i++) {
      this.out += this.wsBefore[i]! + this.opens[i]!
      if (this.tags[i] === "pre") this.out += "\n"
    }
    this.emitted = this.depth
    if (this.ws.length > 0) {
      this.out += this.ws
      this.ws = ""
    }
    this.afterBoundary = false
    this.afterKeptBlock = false
  }

  /** A block boundary that is not written as an element: owes a line break between content. */
  boundary(): void {
    this.ws = ""
    for (let i = this.emitted; i < this.depth; i++) this.wsBefore[i] = ""
    this.afterBoundary = true
    if (!this.afterKeptBlock && this.out.length > 0) this.nl = true
  }

  push(tag: string, open: string, close: string, ws: string): void {
    const d = this.depth++
    this.tags[d] = tag
    this.opens[d] = open
    this.closes[d] = close
    this.wsBefore[d] = ws
    if (tag === "p") this.inP++
    else if (tag === "a") this.inA++
    else if (tag === "pre") this.inPre++
  }

  /** Pops the top entry; returns whether it had been written. */
  pop(): boolean {
    const d = --this.depth
    const tag = this.tags[d]
    if (tag === "p") this.inP--
    else if (tag === "a") this.inA--
    else if (tag === "pre") this.inPre--
    if (d < this.emitted) {
      this.emitted = d
      return true
    }
    return false
  }

  openInline(tag: string, open: string, close: string): void {
    const ws = this.ws
    this.ws = ""
    this.push(tag, open, close, ws)
  }

  closeInline(): void {
    const d = this.depth - 1
    if (d < this.emitted) {
      // Written already: whitespace buffered inside it is not next to a boundary, it is content.
      if (this.ws.length > 0) {
        this.out += this.ws
        this.ws = ""
      }
      this.out += this.closes[d]!
      this.pop()
    } else if (this.ws.length > 0) {
      // Holds whitespace only: the element is written, as content.
      this.flush(false)
      this.out += this.closes[d]!
      this.pop()
    } else {
      const ws = this.wsBefore[d]!
      this.pop()
      this.ws = ws
    }
  }

  openBlock(tag: string, open: string, close: string): void {
    this.ws = ""
    for (let i = this.emitted; i < this.depth; i++) this.wsBefore[i] = ""
    this.afterBoundary = true
    this.push(tag, open, close, "")
  }

  closeBlock(): void {
    const close = this.closes[this.depth - 1]!
    this.ws = ""
    if (this.pop()) {
      this.out += close
      this.nl = false
      this.afterBoundary = true
      this.afterKeptBlock = true
    } else {
      this.boundary()
    }
  }

  voidElement(html: string): void {
    this.flush(false)
    this.out += html
  }

  /** Whether the parser would rebuild `tag` as a child of the current stack when the output is parsed again. */
  canOpen(tag: string): boolean {
    switch (tag) {
      case "a":
        return this.inA === 0
      case "p":
      case "div":
      case "blockquote":
      case "pre":
      case "ul":
      case "ol":
        return this.inP === 0
      case "li": {
        if (this.inP > 0) return false
        for (let i = this.depth - 1; i >= 0; i--) {
          const t = this.tags[i]
          if (t === "li") return false
          if (t === "ul" || t === "ol" || t === "pre" || t === "blockquote") return true
        }
        return true
      }
      default:
        return true
    }
  }

  end(): string {
    const out = this.ws.length > 0 ? this.out + this.ws : this.out
    this.out = ""
    this.ws = ""
    this.runs = undefined
    return out
  }
}

/** The start tag for a kept element, or undefined when a required URL attribute is missing or rejected. */
const openTag = (el: Element, rule: CompiledElement, runs: ReadonlyArray<string> | undefined): string | undefined => {
  if (rule.open !== undefined) return rule.open
  const attrs = el.attrs
  let out = "<" + rule.tag
  for (const url of rule.urls) {
    let value: string | null = null
    for (let i = 0; i < attrs.length; i++) {
      const a = attrs[i]!
      if (a.name === url.name && a.namespace === undefined) {
        value = checkUrl(url, runs === undefined ? a.value : restore(a.value, runs))
        break
      }
    }
    if (value === null) return undefined
    out += " " + url.name + "=\"" + escape(value) + "\""
  }
  for (const name of rule.text) {
    for (let i = 0; i < attrs.length; i++) {
      const a = attrs[i]!
      if (a.name === name && a.namespace === undefined) {
        out += " " + name + "=\"" + escape(normalizeNewlines(runs === undefined ? a.value : restore(a.value, runs))) +
          "\""
        break
      }
    }
  }
  return out + ">"
}

// Per-level state of the walk, kept in arrays so that deep trees do not overflow the call stack.
const KIND_UNWRAP = 0
const KIND_BREAK = 1
const KIND_INLINE = 2
const KIND_BLOCK = 3

const writer = new Writer()
const NO_NODES: ReadonlyArray<ChildNode> = []
const levels: Array<ReadonlyArray<ChildNode>> = []
const indices: Array<number> = []
const kinds: Array<number> = []

const walk = (
  nodes: ReadonlyArray<ChildNode>,
  policy: Compiled,
  escapeText: boolean,
  runs: ReadonlyArray<string> | undefined
): string => {
  const w = writer
  w.reset(escapeText, runs)
  const { actions, kept } = policy
  levels[0] = nodes
  indices[0] = 0
  kinds[0] = KIND_UNWRAP
  let top = 0
  while (top >= 0) {
    const list = levels[top]!
    const index = indices[top]!
    if (index >= list.length) {
      switch (kinds[top]) {
        case KIND_BREAK:
          w.boundary()
          break
        case KIND_INLINE:
          w.closeInline()
          break
        case KIND_BLOCK:
          w.closeBlock()
          break
      }
      levels[top--] = NO_NODES // do not keep the tree alive
      continue
    }
    indices[top] = index + 1
    const node = list[index]!
    const name = node.nodeName
    if (name.charCodeAt(0) === 0x23) {
      if (name === "#text") w.text((node as TextNode).value)
      continue // comments, doctypes
    }
    const el = node as Element
    if (el.namespaceURI !== P5.NS.HTML) continue
    const tag = el.tagName
    let action = actions.get(tag) ?? UNWRAP
    let kind = KIND_UNWRAP
    if (action === DROP) continue
    if (action >= INLINE) {
      const rule = kept.get(tag)!
      const open = openTag(el, rule, runs)
      if (open === undefined) {
        action = action === VOID ? DROP : action === BLOCK ? BREAK : UNWRAP
      } else if (action === VOID) {
        w.voidElement(open)
        continue
      } else if (!w.canOpen(tag)) {
        action = action === BLOCK ? BREAK : UNWRAP
      } else if (action === BLOCK) {
        w.openBlock(tag, open, rule.close)
        kind = KIND_BLOCK
      } else {
        w.openInline(tag, open, rule.close)
        kind = KIND_INLINE
      }
      if (action === DROP) continue
    }
    if (action === BREAK) {
      w.boundary()
      kind = KIND_BREAK
    }
    top++
    levels[top] = el.childNodes
    indices[top] = 0
    kinds[top] = kind
  }
  return w.end()
}

/** Runs of text shorter than this are left to the tokenizer: a marker and its bookkeeping cost more. */
const MIN_RUN = 12

/** Tuning knobs, for tests: `minRun` is the shortest text run elided (`Infinity` turns elision off). */
export interface Options {
  readonly minRun: number
}

const defaults: Options = { minRun: MIN_RUN }

const run = (html: string, policy: Compiled, escapeText: boolean, options: Options): string => {
  const elided = elide(html, options.minRun)
  const source = elided === undefined ? html : elided.source
  return walk(parseFragment(bodyContext, source, {}).childNodes, policy, escapeText, elided?.runs)
}

/** Sanitizes `html` under `policy`. */
export const sanitize = (html: string, policy: Policy, options: Options = defaults): string =>
  fastPath(html, true) ?? run(html, compiled(policy), true, options)

/** The text of `html`, entities decoded, block boundaries as line breaks. */
export const toPlainText = (html: string, options: Options = defaults): string =>
  fastPath(html, false) ?? run(html, PLAIN, false, options)
