/**
 * The tree-free engine: for bodies the WHATWG tree builder would build without implied elements (other than a
 * table's `tbody`/`tr`), reparenting or reconstruction, it tokenizes the body itself and drives the same writer
 * with the same per-element decisions (`enter`/`leave`) the parse5 walk makes, in the same order, with the same text
 * nodes. Character references are decoded by `entities`, the decoder parse5's own tokenizer uses (data state:
 * `decodeHTML`, legacy mode; attribute values: `decodeHTMLAttribute`).
 *
 * It also takes what the tree builder ignores or handles without touching the rest of the tree: end tags that close
 * nothing (no open element of that name; not `</p>`, `</br>`, nor a heading end tag with another heading open), the
 * start tags ignored in body (`body`, `html`, `head`, `frameset`, `frame`), an `a` in the current `a` (the adoption
 * agency pops it), `form` and `button` (not nested), containers dropped whole by every policy (`object`, `applet`,
 * `template`, `datalist`, ...: parsed as the tree builder would, nothing inside written), `svg`/`math` subtrees
 * skipped by the foreign-content rules (breakout tags, foreign end tags, CDATA, self-closing tags), CR and CRLF
 * (normalised first, as the input stream is), and NUL (dropped from text, U+FFFD in attribute values).
 *
 * It returns `undefined`, and the body goes to parse5, at the first thing outside its subset:
 *
 * - a doctype; end of input inside a tag, comment or raw-text element; NUL in a tag or attribute name;
 * - an end tag that does not close the current element while an element of its name is open (misnesting), `</br>`,
 *   `</p>` without `<p>`, except `</table>` closing the table's open `tr`/`tbody` (what the tree builder does too);
 * - any element that closes another implicitly: a block, heading, `hr`, `xmp`, `form` or `table` while a `p` is
 *   open, a heading in a heading, an `a` in an `a` that is not the current element, an `li` outside `ul`/`ol`/`menu`,
 *   a `dd`/`dt` outside `dl`, a `button` in a `button`, a `form` in a `form` or in a `template`;
 * - in a table, a row group or row (anything else there is foster-parented), or text other than whitespace;
 * - in svg/math, an integration point (`mi`, `mtext`, `annotation-xml`, `foreignObject`, `desc`, `title`, ...), an
 *   end tag no open foreign element takes, or a doctype;
 * - every element parse5 gives special treatment not listed here: select, option, caption, col, colgroup, nobr,
 *   image, plaintext, ruby parts, ...;
 * - a `<pre>` or `<listing>` followed by a character reference (the tree builder may drop the newline it gives).
 *
 * Everything it does accept ends as it would in the tree: elements still open at the end of input are closed there.
 * A differential property test (`test/Html.engines.test.ts`, and `pnpm fuzz` at a million cases) checks that both
 * paths write the same output, under both policies.
 *
 * @internal
 */
import { decodeHTML, decodeHTMLAttribute } from "entities/decode"
import { html as P5 } from "parse5"
import { DROP } from "./htmlPolicy.ts"
import type { Compiled } from "./htmlPolicy.ts"
import { decodeReferences } from "./htmlText.ts"
import { type Attribute, enter, leave, SKIP, Writer } from "./htmlWriter.ts"

// What a start tag is to the tree builder (in body, or in a table).
const C_FORMATTING = 1 // reconstructs (a no-op here), goes on the list of active formatting elements
const C_INLINE = 2 // "any other start tag"
const C_BLOCK = 3 // closes a `p` in button scope
const C_HEADING = 4
const C_PRE = 5 // a block whose first newline is dropped
const C_LI = 6
const C_DDT = 7
const C_VOID = 8
const C_HR = 9
const C_RAW = 10 // raw text, RCDATA or script data: the content is never written (every such element is dropped)
const C_RAW_BLOCK = 11 // xmp
const C_TABLE = 12
const C_SECTION = 13 // tbody, thead, tfoot
const C_ROW = 14
const C_CELL = 15
const C_IGNORED = 16 // start tags the tree builder ignores in body (fragment case): body, html, head, frameset, ...
const C_BUTTON = 17
const C_FORM = 18
const C_CONTAINER = 19 // object, applet: a scope boundary and a marker; dropped whole by every policy
const C_TEMPLATE = 20
const C_FOREIGN = 21 // svg, math: dropped whole; their subtree is skipped by the foreign-content rules

/** Start tags that end foreign content (parse5's `EXITS_FOREIGN_CONTENT`; `font` with color, face or size too). */
const EXITS_FOREIGN: ReadonlySet<string> = new Set([
  "b",
  "big",
  "blockquote",
  "body",
  "br",
  "center",
  "code",
  "dd",
  "div",
  "dl",
  "dt",
  "em",
  "embed",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "head",
  "hr",
  "i",
  "img",
  "li",
  "listing",
  "menu",
  "meta",
  "nobr",
  "ol",
  "p",
  "pre",
  "ruby",
  "s",
  "small",
  "span",
  "strong",
  "strike",
  "sub",
  "sup",
  "table",
  "tt",
  "u",
  "ul",
  "var"
])

/** Names of integration points (HTML inside foreign content): outside the subset, in either namespace. */
const INTEGRATION_POINTS: ReadonlySet<string> = new Set([
  "mi",
  "mo",
  "mn",
  "ms",
  "mtext",
  "annotation-xml",
  "foreignobject",
  "desc",
  "title"
])

const categories: ReadonlyMap<string, number> = new Map([
  ...["a", "b", "big", "code", "em", "font", "i", "s", "small", "strike", "strong", "tt", "u"].map((t) =>
    [t, C_FORMATTING] as const
  ),
  ...[
    "span",
    "sub",
    "sup",
    "mark",
    "abbr",
    "acronym",
    "cite",
    "dfn",
    "kbd",
    "q",
    "samp",
    "var",
    "time",
    "data",
    "bdi",
    "bdo",
    "ins",
    "del",
    "label"
  ].map((t) => [t, C_INLINE] as const),
  ...[
    "address",
    "article",
    "aside",
    "blockquote",
    "center",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "header",
    "hgroup",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "search",
    "section",
    "summary",
    "ul"
  ].map((t) => [t, C_BLOCK] as const),
  ...["h1", "h2", "h3", "h4", "h5", "h6"].map((t) => [t, C_HEADING] as const),
  ["pre", C_PRE],
  ["listing", C_PRE],
  ["li", C_LI],
  ["dd", C_DDT],
  ["dt", C_DDT],
  ...["br", "img", "wbr", "area", "embed", "keygen", "input", "param", "source", "track", "link", "meta", "base"].map((
    t
  ) => [t, C_VOID] as const),
  ["hr", C_HR],
  ...["script", "style", "iframe", "noembed", "noframes", "noscript", "textarea", "title"].map((t) =>
    [t, C_RAW] as const
  ),
  ["xmp", C_RAW_BLOCK],
  ["table", C_TABLE],
  ...["tbody", "thead", "tfoot"].map((t) => [t, C_SECTION] as const),
  ["tr", C_ROW],
  ["td", C_CELL],
  ["th", C_CELL],
  // (`caption`, `col`, `colgroup` too, but not in a cell: there they close it.)
  ...["body", "html", "head", "frameset", "frame"].map((t) => [t, C_IGNORED] as const),
  ["button", C_BUTTON],
  ["form", C_FORM],
  ["object", C_CONTAINER],
  ["applet", C_CONTAINER],
  ["template", C_TEMPLATE],
  ["svg", C_FOREIGN],
  ["math", C_FOREIGN]
])

/** A start tag's category: listed, or "any other start tag" for names parse5 does not know; 0 for the rest. */
const categoryOf = (name: string): number => {
  const c = categories.get(name)
  if (c !== undefined) return c
  return P5.getTagID(name) === P5.TAG_ID.UNKNOWN ? C_INLINE : 0
}

const isFontExit = (a: Attribute): boolean => a.name === "color" || a.name === "face" || a.name === "size"

const isSpace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0c
const isAlpha = (c: number): boolean => ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a)

/** ASCII-lowercase, as the tokenizer lowercases tag and attribute names (`toLowerCase` would change non-ASCII). */
const asciiLower = (s: string): string => {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c >= 0x41 && c <= 0x5a) return s.replace(/[A-Z]+/g, (m) => m.toLowerCase())
  }
  return s
}

const isWhitespaceText = (s: string): boolean => {
  for (let i = 0; i < s.length; i++) if (!isSpace(s.charCodeAt(i))) return false
  return true
}

const isTableContext = (name: string): boolean =>
  name === "table" || name === "tr" || name === "tbody" || name === "thead" || name === "tfoot"

const isHeading = (name: string): boolean =>
  name.length === 2 && name.charCodeAt(0) === 0x68 && name.charCodeAt(1) >= 0x31 && name.charCodeAt(1) <= 0x36

// Which attributes `readTag` keeps: none (end tags), those the policy reads for the element, a foreign `font`'s.
const ATTRS_NONE = 0
const ATTRS_POLICY = 1
const ATTRS_FONT = 2
const FONT_EXIT: ReadonlyArray<string> = ["color", "face", "size"]

/** Returned by the readers to mean "not in the subset". */
const BAIL = -1

/** The state of one run; one instance is reused (a run is synchronous and calls no user code). */
class Direct {
  s = ""
  n = 0
  w: Writer = new Writer()
  policy: Compiled = undefined as unknown as Compiled
  // The open elements: names and how to leave them.
  readonly names: Array<string> = []
  readonly kinds: Array<number> = []
  depth = 0
  pOpen = 0
  aOpen = 0
  buttonOpen = 0
  formOpen = 0
  templateOpen = 0
  /** Open elements whose content is not written (dropped containers and everything inside them). */
  dropped = 0
  /** Whether the body holds a NUL (dropped from text, U+FFFD in attribute values). */
  hasNul = false
  // The text of the current text node, decoded so far, and where its undecoded part starts.
  text = ""
  rawStart = 0
  /** The next "<!--" at or after the last position asked for (n when none): script data escapes. */
  nextCommentOpen = -1
  // The tag just read.
  tagName = ""
  attrs: Array<Attribute> = []
  /** Whether the tag just read ended with `/>` (the self-closing flag). */
  selfClosing = false
  /** The open foreign elements of the subtree being skipped. */
  readonly foreign: Array<string> = []

  current(): string {
    return this.depth === 0 ? "" : this.names[this.depth - 1]!
  }

  /** Adds the raw text `[rawStart, end)` to the current text node. */
  take(end: number): void {
    if (end > this.rawStart) {
      const raw = this.s.slice(this.rawStart, end)
      if (raw.indexOf("&") === -1) this.text += this.hasNul ? raw.replaceAll("\u0000", "") : raw
      else if (this.hasNul && raw.indexOf("\u0000") !== -1) {
        // The tree builder ignores NUL in text; a NUL ends a character reference like any other non-name character.
        for (const part of raw.split("\u0000")) this.text += decodeReferences(part, decodeHTML)
      } else this.text += decodeReferences(raw, decodeHTML)
    }
  }

  /** Ends the current text node (at a tag or comment); false when the text cannot be where it is. */
  endText(): boolean {
    const text = this.text
    if (text.length === 0) return true
    this.text = ""
    if (isTableContext(this.current()) && !isWhitespaceText(text)) return false // foster parenting
    if (this.dropped === 0) this.w.text(text)
    return true
  }

  /**
   * Opens `name`. Inside a dropped element nothing is written; an element the policy drops is still opened (its
   * content is parsed as the tree builder would, to know where it ends), and nothing inside it is written.
   */
  open(name: string, attrs: ReadonlyArray<Attribute>): boolean {
    let kind = SKIP
    if (this.dropped === 0) kind = enter(this.w, this.policy, name, attrs)
    if (kind === SKIP) this.dropped++
    const d = this.depth++
    this.names[d] = name
    this.kinds[d] = kind
    if (name === "p") this.pOpen++
    else if (name === "a") this.aOpen++
    else if (name === "button") this.buttonOpen++
    else if (name === "form") this.formOpen++
    else if (name === "template") this.templateOpen++
    return true
  }

  close(): void {
    const d = --this.depth
    const name = this.names[d]!
    if (name === "p") this.pOpen--
    else if (name === "a") this.aOpen--
    else if (name === "button") this.buttonOpen--
    else if (name === "form") this.formOpen--
    else if (name === "template") this.templateOpen--
    const kind = this.kinds[d]!
    if (kind === SKIP) this.dropped--
    else leave(this.w, kind)
  }

  voidElement(name: string, attrs: ReadonlyArray<Attribute>): void {
    if (this.dropped > 0) return
    const kind = enter(this.w, this.policy, name, attrs)
    if (kind !== SKIP) leave(this.w, kind)
  }

  /**
   * Whether the tree builder ignores the end tag `name` that does not close the current element: no element of that
   * name is open (then every rule ignores it, except `</p>` and `</br>`, and `</h1>`..`</h6>` with another heading
   * open). Only looked up in a shallow stack (deeper ones go to parse5, so that this stays linear).
   */
  ignoredEndTag(name: string): boolean {
    if (name === "p" || name === "br" || this.depth > 32) return false
    const heading = isHeading(name)
    for (let k = 0; k < this.depth; k++) {
      const open = this.names[k]!
      if (open === name || (heading && isHeading(open))) return false
    }
    return true
  }

  /**
   * Reads a tag from its name at `i` (just past `<` or `</`), following the tokenizer's tag states; sets `tagName`
   * and, for a start tag, `attrs` (the first of each name, values decoded). Returns the index past `>`, or BAIL at
   * end of input.
   */
  readTag(i: number, attributes: number): number {
    const s = this.s
    const n = this.n
    let j = i
    while (j < n) {
      const c = s.charCodeAt(j)
      if (isSpace(c) || c === 0x2f || c === 0x3e) break
      j++
    }
    if (j >= n) return BAIL
    const tagName = asciiLower(s.slice(i, j))
    this.tagName = tagName
    if (this.hasNul && tagName.indexOf("\u0000") !== -1) return BAIL
    // The attributes anything reads: those of the element's rule, when the policy keeps it and it is written.
    let keep: ReadonlyArray<string> | undefined
    if (attributes === ATTRS_POLICY) keep = this.dropped === 0 ? this.policy.kept.get(tagName)?.attributes : undefined
    else if (attributes === ATTRS_FONT && tagName === "font") keep = FONT_EXIT
    if (keep !== undefined && keep.length === 0) keep = undefined
    const attrs: Array<Attribute> = []
    let seen: Set<string> | undefined
    this.attrs = attrs
    let slash = false
    // Before attribute name.
    while (j < n) {
      let c = s.charCodeAt(j)
      if (isSpace(c) || c === 0x2f) {
        // `/` not followed by `>` is the self-closing start state going back to "before attribute name".
        slash = c === 0x2f
        j++
        continue
      }
      if (c === 0x3e) {
        this.selfClosing = slash
        return j + 1
      }
      slash = false
      // Attribute name: up to whitespace, `/`, `>` or `=` (a leading `=` is part of the name).
      const nameStart = j
      j++
      while (j < n) {
        c = s.charCodeAt(j)
        if (isSpace(c) || c === 0x2f || c === 0x3e || c === 0x3d) break
        j++
      }
      if (j >= n) return BAIL
      const name = asciiLower(s.slice(nameStart, j))
      if (this.hasNul && name.indexOf("\u0000") !== -1) return BAIL
      const start = keep !== undefined && keep.includes(name)
      // After attribute name.
      while (j < n && isSpace(s.charCodeAt(j))) j++
      if (j >= n) return BAIL
      let value = ""
      if (s.charCodeAt(j) === 0x3d) {
        j++
        while (j < n && isSpace(s.charCodeAt(j))) j++
        if (j >= n) return BAIL
        c = s.charCodeAt(j)
        if (c === 0x22 || c === 0x27) {
          const q = s.indexOf(c === 0x22 ? "\"" : "'", j + 1)
          if (q === -1) return BAIL
          if (start) value = s.slice(j + 1, q)
          j = q + 1
          // After a quoted value, anything but whitespace, `/` and `>` starts the next name (a parse error only).
        } else if (c !== 0x3e) {
          const vs = j
          while (j < n) {
            c = s.charCodeAt(j)
            if (isSpace(c) || c === 0x3e) break
            j++
          }
          if (j >= n) return BAIL
          if (start) value = s.slice(vs, j)
        }
        if (start && this.hasNul) value = value.replaceAll("\u0000", "\uFFFD")
        if (start && value.indexOf("&") !== -1) value = decodeReferences(value, decodeHTMLAttribute)
      }
      if (start) {
        // The first of each name counts. A linear search for the few attributes of a usual tag, a set beyond
        // (a tag with thousands of attributes would otherwise cost their square).
        let duplicate = false
        if (seen !== undefined) duplicate = seen.has(name)
        else {
          for (let k = 0; k < attrs.length; k++) {
            if (attrs[k]!.name === name) {
              duplicate = true
              break
            }
          }
        }
        if (!duplicate) {
          attrs.push({ name, value })
          if (seen !== undefined) seen.add(name)
          else if (attrs.length >= 16) seen = new Set(attrs.map((a) => a.name))
        }
      }
    }
    return BAIL
  }

  /** The index of the `</` of the end tag of the raw-text element `name` whose content starts at `from`, or BAIL. */
  rawTextEnd(name: string, from: number): number {
    const s = this.s
    const n = this.n
    let j = from
    while (true) {
      const lt = s.indexOf("</", j)
      if (lt === -1) return BAIL
      const after = lt + 2 + name.length
      if (after < n && asciiLower(s.slice(lt + 2, after)) === name) {
        const c = s.charCodeAt(after)
        if (isSpace(c) || c === 0x2f || c === 0x3e) return lt
      }
      j = lt + 2
    }
  }

  /**
   * The start tag `name` read up to `end`: the index to go on from, BAIL, or `-2 - end` for a tag the tree builder
   * ignores (the text around it stays one text node). Ends the current text node otherwise.
   */
  startTag(name: string, attrs: ReadonlyArray<Attribute>, end: number): number {
    const category = categoryOf(name)
    if (category === C_IGNORED && this.templateOpen === 0 && !isTableContext(this.current())) return -2 - end
    if (!this.endText()) return BAIL
    const cur = this.current()
    if (isTableContext(cur)) {
      switch (category) {
        case C_SECTION:
          if (cur !== "table") return BAIL
          return this.open(name, attrs) ? end : BAIL
        case C_ROW:
          if (cur === "tr") return BAIL
          if (cur === "table" && !this.open("tbody", [])) return BAIL
          return this.open(name, attrs) ? end : BAIL
        case C_CELL:
          if (cur === "table" && !this.open("tbody", [])) return BAIL
          if (cur !== "tr" && !this.open("tr", [])) return BAIL
          return this.open(name, attrs) ? end : BAIL
        default:
          return BAIL
      }
    }
    switch (category) {
      case C_FORMATTING:
        if (name === "a" && this.aOpen > 0) {
          // The adoption agency closes the open `a`: with no element after it, that is popping it.
          if (cur !== "a") return BAIL
          this.close()
        }
        return this.open(name, attrs) ? end : BAIL
      case C_BUTTON:
        if (this.buttonOpen > 0) return BAIL
        return this.open(name, attrs) ? end : BAIL
      case C_FORM:
        if (this.pOpen > 0 || this.formOpen > 0 || this.templateOpen > 0) return BAIL
        return this.open(name, attrs) ? end : BAIL
      case C_FOREIGN:
        if (this.policy.actions.get(name) !== DROP) return BAIL
        return this.selfClosing ? end : this.skipForeign(name, end)
      case C_CONTAINER:
      case C_TEMPLATE:
        if (this.policy.actions.get(name) !== DROP) return BAIL
        return this.open(name, attrs) ? end : BAIL
      case C_INLINE:
        return this.open(name, attrs) ? end : BAIL
      case C_BLOCK:
      case C_TABLE:
        if (this.pOpen > 0) return BAIL
        return this.open(name, attrs) ? end : BAIL
      case C_HEADING:
        if (this.pOpen > 0 || isHeading(cur)) return BAIL
        return this.open(name, attrs) ? end : BAIL
      case C_PRE: {
        if (this.pOpen > 0) return BAIL
        if (!this.open(name, attrs)) return BAIL
        // The newline right after the start tag is dropped: it must be the next token, and `</>` is no token.
        let k = end
        while (this.s.startsWith("</>", k)) k += 3
        const c = k < this.n ? this.s.charCodeAt(k) : -1
        if (c === 0x26) return BAIL
        return c === 0x0a ? k + 1 : end
      }
      case C_LI:
        if (cur !== "ul" && cur !== "ol" && cur !== "menu") return BAIL
        return this.open(name, attrs) ? end : BAIL
      case C_DDT:
        if (cur !== "dl") return BAIL
        return this.open(name, attrs) ? end : BAIL
      case C_HR:
        if (this.pOpen > 0) return BAIL
        this.voidElement(name, attrs)
        return end
      case C_VOID:
        this.voidElement(name, attrs)
        return end
      case C_RAW_BLOCK:
      case C_RAW: {
        if (category === C_RAW_BLOCK && this.pOpen > 0) return BAIL
        if (this.policy.actions.get(name) !== DROP) return BAIL
        const close = this.rawTextEnd(name, end)
        if (close === BAIL) return BAIL
        if (name === "script") {
          // Script data with "<!--" may enter the escaped states, whose end only the tokenizer knows.
          if (this.nextCommentOpen < end) {
            const at = this.s.indexOf("<!--", end)
            this.nextCommentOpen = at === -1 ? this.n : at
          }
          if (this.nextCommentOpen < close) return BAIL
        }
        return this.readTag(close + 2, ATTRS_NONE)
      }
      default:
        return BAIL
    }
  }

  /** The end tag `name`: 1 when it closed elements, 0 when the tree builder ignores it, BAIL otherwise. */
  endTag(name: string): number {
    let cur = this.current()
    if (cur !== name && this.ignoredEndTag(name)) return 0
    if (!this.endText()) return BAIL
    return this.closeByEndTag(name, cur) ? 1 : BAIL
  }

  closeByEndTag(name: string, cur: string): boolean {
    if (name === "table") {
      while (cur === "tr" || cur === "tbody" || cur === "thead" || cur === "tfoot") {
        this.close()
        cur = this.current()
      }
    } else if (name === "tbody" || name === "thead" || name === "tfoot") {
      if (cur === "tr") {
        this.close()
        cur = this.current()
      }
    }
    if (cur !== name || name === "") return false
    if (name === "form" && this.templateOpen > 0) return false
    this.close()
    return true
  }

  /** Runs the engine over `s`; the output, or undefined when the body is not in the subset. */
  run(s: string, policy: Compiled, escapeText: boolean): string | undefined {
    // The input stream's preprocessing: CRLF and CR become LF before tokenization.
    if (s.indexOf("\r") !== -1) s = s.replace(/\r\n?/g, "\n")
    const n = s.length
    this.hasNul = s.indexOf("\u0000") !== -1
    this.s = s
    this.n = n
    this.policy = policy
    this.depth = 0
    this.pOpen = 0
    this.aOpen = 0
    this.buttonOpen = 0
    this.formOpen = 0
    this.templateOpen = 0
    this.dropped = 0
    this.text = ""
    this.rawStart = 0
    this.nextCommentOpen = -1
    this.w.reset(escapeText)
    const ok = this.scan()
    this.s = ""
    this.text = ""
    this.attrs = []
    if (!ok) {
      this.w.end()
      return undefined
    }
    return this.w.end()
  }

  scan(): boolean {
    const s = this.s
    const n = this.n
    let i = s.indexOf("<")
    while (i !== -1) {
      const c = i + 1 < n ? s.charCodeAt(i + 1) : -1
      let next: number
      if (isAlpha(c)) {
        this.take(i)
        const end = this.readTag(i + 1, ATTRS_POLICY)
        if (end === BAIL) return false
        next = this.startTag(this.tagName, this.attrs, end)
        if (next === BAIL) return false
        if (next < BAIL) {
          // An ignored start tag: the text goes on after it, in the same text node.
          this.rawStart = next = -2 - next
          i = next < n ? s.indexOf("<", next) : -1
          continue
        }
      } else if (c === 0x2f) {
        const d = i + 2 < n ? s.charCodeAt(i + 2) : -1
        if (isAlpha(d)) {
          this.take(i)
          next = this.readTag(i + 2, ATTRS_NONE)
          if (next === BAIL) return false
          const closed = this.endTag(this.tagName)
          if (closed === BAIL) return false
          if (closed === 0) {
            this.rawStart = next
            i = next < n ? s.indexOf("<", next) : -1
            continue
          }
        } else if (d === 0x3e) {
          // "</>" is dropped: no token, the text around it is one text node (decoded in two parts).
          this.take(i)
          next = i + 3
        } else if (d === -1) {
          i = -1 // "</" at the end: text
          break
        } else {
          next = this.bogusComment(i)
          if (next === BAIL) return false
        }
      } else if (c === 0x21) {
        if (s.startsWith("--", i + 2)) {
          this.take(i)
          if (!this.endText()) return false
          next = this.comment(i + 4)
          if (next === BAIL) return false
        } else if (asciiLower(s.slice(i + 2, i + 9)) === "doctype") {
          return false
        } else {
          next = this.bogusComment(i)
          if (next === BAIL) return false
        }
      } else if (c === 0x3f) {
        next = this.bogusComment(i)
        if (next === BAIL) return false
      } else {
        i = s.indexOf("<", i + 1) // "<" as text
        continue
      }
      this.rawStart = next
      i = next < n ? s.indexOf("<", next) : -1
    }
    this.take(n)
    if (!this.endText()) return false
    while (this.depth > 0) this.close()
    return true
  }

  /**
   * Skips the foreign subtree of `root` (svg or math, dropped whole) whose content starts at `from`, following the
   * tree builder's rules for foreign content: returns where HTML content resumes (past the end tag that closes
   * `root`, at a start tag or `</p>`/`</br>` that ends foreign content, or the end of input), or BAIL at an
   * integration point, an end tag that no foreign element takes, a doctype, or end of input inside a token.
   */
  skipForeign(root: string, from: number): number {
    const s = this.s
    const n = this.n
    const stack = this.foreign
    stack.length = 0
    stack.push(root)
    let i = s.indexOf("<", from)
    while (i !== -1) {
      const c = i + 1 < n ? s.charCodeAt(i + 1) : -1
      let next: number
      if (isAlpha(c)) {
        next = this.readTag(i + 1, ATTRS_FONT)
        if (next === BAIL) return BAIL
        const name = this.tagName
        if (EXITS_FOREIGN.has(name) || (name === "font" && this.attrs.some(isFontExit))) return i
        if (INTEGRATION_POINTS.has(name)) return BAIL
        if (!this.selfClosing) stack.push(name)
      } else if (c === 0x2f) {
        const d = i + 2 < n ? s.charCodeAt(i + 2) : -1
        if (isAlpha(d)) {
          next = this.readTag(i + 2, ATTRS_NONE)
          if (next === BAIL) return BAIL
          const name = this.tagName
          if (name === "p" || name === "br") return i
          let k = stack.length - 1
          while (k >= 0 && stack[k] !== name) k--
          if (k < 0) return BAIL // goes to the HTML rules
          if (k === 0) return next
          stack.length = k
        } else if (d === 0x3e) next = i + 3
        else if (d === -1) return n
        else {
          const gt = s.indexOf(">", i + 2)
          if (gt === -1) return BAIL
          next = gt + 1
        }
      } else if (c === 0x21) {
        if (s.startsWith("--", i + 2)) next = this.comment(i + 4)
        else if (s.startsWith("[CDATA[", i + 2)) {
          const close = s.indexOf("]]>", i + 9)
          next = close === -1 ? BAIL : close + 3
        } else if (asciiLower(s.slice(i + 2, i + 9)) === "doctype") return BAIL
        else {
          const gt = s.indexOf(">", i + 2)
          next = gt === -1 ? BAIL : gt + 1
        }
        if (next === BAIL) return BAIL
      } else if (c === 0x3f) {
        const gt = s.indexOf(">", i + 2)
        if (gt === -1) return BAIL
        next = gt + 1
      } else {
        i = s.indexOf("<", i + 1)
        continue
      }
      i = next < n ? s.indexOf("<", next) : -1
    }
    return n // closed at the end of input
  }

  /** A bogus comment from the `<` at `i`: it ends at the first `>`. */
  bogusComment(i: number): number {
    this.take(i)
    if (!this.endText()) return BAIL
    const gt = this.s.indexOf(">", i + 2)
    return gt === -1 ? BAIL : gt + 1
  }

  /**
   * A comment whose text starts at `body` (just past `<!--`): `<!-->` and `<!--->` end at once; otherwise the first
   * `-->` or `--!>` ends it (a run of dashes before `>` or `!>` stays in the comment-end state).
   */
  comment(body: number): number {
    const s = this.s
    if (s.charCodeAt(body) === 0x3e) return body + 1
    if (s.charCodeAt(body) === 0x2d && s.charCodeAt(body + 1) === 0x3e) return body + 2
    let j = s.indexOf("--", body)
    while (j !== -1) {
      let k = j + 2
      while (s.charCodeAt(k) === 0x2d) k++
      const c = s.charCodeAt(k)
      if (c === 0x3e) return k + 1
      if (c === 0x21 && s.charCodeAt(k + 1) === 0x3e) return k + 2
      j = s.indexOf("--", k)
    }
    return BAIL
  }
}

const direct = new Direct()

/** The tree-free engine: the output for `html` under `policy`, or undefined when parse5 must build the tree. */
export const sanitizeDirect = (html: string, policy: Compiled, escapeText: boolean): string | undefined =>
  direct.run(html, policy, escapeText)
