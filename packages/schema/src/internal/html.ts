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
const DROP_TAGS = [
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

/** Escapes `&`, `<`, `>` and `"`; returns `s` itself when there is nothing to escape. */
export const escape = (s: string): string => {
  let out = ""
  let last = 0
  const n = s.length
  for (let i = 0; i < n; i++) {
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
  return last === 0 ? s : out + s.slice(last)
}

/** Whether `s` is only ASCII whitespace as HTML counts it (CR never reaches here: the parser normalises it). */
const isWhitespace = (s: string): boolean => {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c !== 0x20 && c !== 0x0a && c !== 0x09 && c !== 0x0c) return false
  }
  return true
}

const isAsciiAlpha = (c: number): boolean => ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a)
const isAsciiAlnum = (c: number): boolean => isAsciiAlpha(c) || (c >= 0x30 && c <= 0x39)

/**
 * The fast path: one scan over a body that holds no markup, returning what the parser path would return for it,
 * or `undefined` as soon as it meets a `<` or `&` the tokenizer would not read as text. A `<` is text unless
 * followed by a letter, `/`, `!` or `?`; a `&` is text unless followed by a letter, digit or `#`. Like the parser,
 * it drops NUL and turns CRLF and CR into LF.
 */
export const fastPath = (s: string, escapeText: boolean): string | undefined => {
  let out = ""
  let last = 0
  const n = s.length
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i)
    if (c > 0x3e) continue
    let rep: string
    switch (c) {
      case 0x3c: {
        const next = i + 1 < n ? s.charCodeAt(i + 1) : 0
        if (isAsciiAlpha(next) || next === 0x2f || next === 0x21 || next === 0x3f) return undefined
        if (!escapeText) continue
        rep = "&lt;"
        break
      }
      case 0x26: {
        const next = i + 1 < n ? s.charCodeAt(i + 1) : 0
        if (isAsciiAlnum(next) || next === 0x23) return undefined
        if (!escapeText) continue
        rep = "&amp;"
        break
      }
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
        rep = i + 1 < n && s.charCodeAt(i + 1) === 0x0a ? "" : "\n"
        break
      default:
        continue
    }
    out += s.slice(last, i) + rep
    last = i + 1
  }
  return last === 0 ? s : out + s.slice(last)
}

// -----------------------------------------------------------------------------
// The walk
// -----------------------------------------------------------------------------

const bodyContext: Element = defaultTreeAdapter.createElement("body", P5.NS.HTML, [])

/** Writes kept elements lazily, so that an element that ends up with no content is never written. */
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

  readonly escapeText: boolean

  constructor(escapeText: boolean) {
    this.escapeText = escapeText
  }

  text(value: string): void {
    if (this.inPre === 0 && isWhitespace(value)) {
      if (!this.afterBoundary) this.ws += value
      return
    }
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
    return this.ws.length > 0 ? this.out + this.ws : this.out
  }
}

/** The start tag for a kept element, or undefined when a required URL attribute is missing or rejected. */
const openTag = (el: Element, rule: CompiledElement): string | undefined => {
  if (rule.open !== undefined) return rule.open
  const attrs = el.attrs
  let out = "<" + rule.tag
  for (const url of rule.urls) {
    let value: string | null = null
    for (let i = 0; i < attrs.length; i++) {
      const a = attrs[i]!
      if (a.name === url.name && a.namespace === undefined) {
        value = checkUrl(url, a.value)
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
        out += " " + name + "=\"" + escape(a.value) + "\""
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

const walk = (nodes: ReadonlyArray<ChildNode>, policy: Compiled, escapeText: boolean): string => {
  const w = new Writer(escapeText)
  const { actions, kept } = policy
  const levels: Array<ReadonlyArray<ChildNode>> = [nodes]
  const indices: Array<number> = [0]
  const kinds: Array<number> = [KIND_UNWRAP]
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
      top--
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
      const open = openTag(el, rule)
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

const parse = (html: string): ReadonlyArray<ChildNode> => parseFragment(bodyContext, html, {}).childNodes

/** Sanitizes `html` under `policy`. */
export const sanitize = (html: string, policy: Policy): string =>
  fastPath(html, true) ?? walk(parse(html), compiled(policy), true)

/** The text of `html`, entities decoded, block boundaries as line breaks. */
export const toPlainText = (html: string): string => fastPath(html, false) ?? walk(parse(html), PLAIN, false)
