/**
 * Policies, compiled: what the walk does with each tag (drop, unwrap, break, keep), the start and end tags of kept
 * elements, and the URL check (a cheap scheme pre-check, then the WHATWG URL parser, memoized per rule).
 *
 * @internal
 */
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
export const UNWRAP = 0 // write the children only
export const DROP = 1 // write nothing, not even the children
export const BREAK = 2 // a block boundary: write the children, with line breaks around
export const INLINE = 3 // kept inline element
export const BLOCK = 4 // kept block element
export const VOID = 5 // kept void element

/**
 * Elements whose content is never text a reader sees, or is a namespace-confusion vector: dropped whole under every
 * policy. None of them is a {@link Tag}, so no policy can keep one. (`img` is not here: a policy may keep it, and
 * where it is not kept, unwrapping a void element writes nothing anyway; parse5 reads `<image>` as `<img>`.)
 */
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

export const BLOCK_TAGS: ReadonlySet<string> = new Set(["p", "div", "blockquote", "pre", "ul", "ol", "li"])
const VOID_TAGS: ReadonlySet<string> = new Set(["br", "img"])

/** A URL attribute rule, with its memo of decisions (raw value -> serialized URL, or null when rejected). */
export interface UrlRule {
  readonly name: string
  readonly schemes: ReadonlySet<string>
  readonly memo: Map<string, string | null>
}

export interface CompiledElement {
  readonly tag: string
  readonly action: number
  /** The start tag, when it never depends on attributes. */
  readonly open: string | undefined
  readonly close: string
  readonly urls: ReadonlyArray<UrlRule>
  readonly text: ReadonlyArray<string>
  /** The names of every attribute the start tag reads (URL ones, then text ones). */
  readonly attributes: ReadonlyArray<string>
}

export interface Compiled {
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
      text,
      attributes: [...urls.map((u) => u.name), ...text]
    })
  }
  return { actions, kept }
}

const compiledPolicies = new WeakMap<Policy, Compiled>()

export const compiled = (policy: Policy): Compiled => {
  let c = compiledPolicies.get(policy)
  if (c === undefined) {
    c = compile(policy)
    compiledPolicies.set(policy, c)
  }
  return c
}

/** The policy `toPlainText` walks with: nothing kept. */
export const PLAIN: Compiled = { actions: baseActions(), kept: new Map() }

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

/** Whether `c` may appear as it is in the path or query of a {@link simpleHttpUrl} (printable ASCII, minus some). */
const isPlainUrlChar = (c: number): boolean =>
  c > 0x20 && c < 0x7f && c !== 0x22 && c !== 0x23 && c !== 0x25 && c !== 0x27 && c !== 0x3c && c !== 0x3e &&
  c !== 0x5b && c !== 0x5c && c !== 0x5d && c !== 0x5e && c !== 0x60 && c !== 0x7b && c !== 0x7c && c !== 0x7d

/**
 * The WHATWG serialization of a plain absolute http(s) URL, without building a `URL`, or undefined when `raw` is
 * not one of those: lowercase `http://` or `https://`, a host of lowercase ASCII labels (letters, digits, `-`; the
 * last one starting with a letter, so never an IPv4 number; no `xn--`), no userinfo or port, then a path and query
 * of printable ASCII that the parser leaves as they are (no percent sign, quote, backslash, brackets, fragment, ...,
 * and no dot segment). The parser then serializes the input as it is, with "/" for an empty path.
 */
export const simpleHttpUrl = (raw: string): string | undefined => {
  const n = raw.length
  let i: number
  if (raw.startsWith("https://")) i = 8
  else if (raw.startsWith("http://")) i = 7
  else return undefined
  let labelStart = i
  for (; i < n; i++) {
    const c = raw.charCodeAt(i)
    if (c === 0x2e) {
      if (i === labelStart) return undefined
      labelStart = i + 1
    } else if (c === 0x2f || c === 0x3f) break
    else if (!((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2d)) return undefined
    else if (i === labelStart && c === 0x78 && raw.startsWith("xn--", i)) return undefined
  }
  if (labelStart >= i) return undefined // empty host, or a trailing dot
  const last = raw.charCodeAt(labelStart)
  if (last < 0x61 || last > 0x7a) return undefined
  if (i === n) return raw + "/"
  if (raw.charCodeAt(i) === 0x3f) return undefined // a query without a path: keep it simple
  let inQuery = false
  for (; i < n; i++) {
    const c = raw.charCodeAt(i)
    if (c === 0x3f) inQuery = true
    else if (!isPlainUrlChar(c)) return undefined
    else if (!inQuery && c === 0x2e && raw.charCodeAt(i - 1) === 0x2f) return undefined // a dot segment, maybe
  }
  return raw
}

/** The serialized URL if the WHATWG URL parser accepts `raw` as an absolute URL with an allowed scheme. */
export const checkUrl = (rule: UrlRule, raw: string): string | null => {
  const memo = rule.memo
  const hit = memo.get(raw)
  if (hit !== undefined) return hit
  let result: string | null = null
  const simple = simpleHttpUrl(raw)
  if (simple !== undefined) {
    if (rule.schemes.has(raw.charCodeAt(4) === 0x73 ? "https" : "http")) result = simple
  } else if (rule.schemes.has(schemeOf(raw))) {
    const url = URL.parse(raw)
    if (url !== null && rule.schemes.has(url.protocol.slice(0, -1))) result = url.href
  }
  if (memo.size >= MEMO_LIMIT) memo.clear()
  memo.set(raw, result)
  return result
}
