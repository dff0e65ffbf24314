/**
 * The HTML body sanitizer.
 *
 * Bodies are parsed with parse5, a WHATWG-spec HTML parser, as a fragment in `<body>` context, and written back
 * from an allow-list while walking the tree: no regular expressions touch markup. The output is well-formed (every
 * tag closed, text escaped), safe to render, and a fixed point: `sanitize(sanitize(x)) === sanitize(x)` for every
 * input. Bodies without markup take a one-scan fast path that never reaches the parser; bodies the parser would build
 * without implied elements, reparenting or reconstruction take a tree-free path that writes what the parse5 path
 * would (checked by a differential property test); every other body is parsed by parse5.
 *
 * @example
 * ```ts
 * import { Html } from "@parley/schema"
 *
 * Html.sanitize(`<p onclick="x()">Hi <b>there</b><script>alert(1)</script></p>`)
 * // => "Hi <b>there</b>"
 * Html.sanitize(`<a href="java&#x09;script:alert(1)">click</a>`)
 * // => "click"
 * Html.toPlainText("<p>Fish &amp; chips</p><p>today</p>")
 * // => "Fish & chips\ntoday"
 * ```
 *
 * @since 0.1.0
 */
import { Schema, SchemaGetter } from "effect"
import * as internal from "./internal/html.ts"

// -----------------------------------------------------------------------------
// Policies
// -----------------------------------------------------------------------------

/**
 * The elements a {@link Policy} may keep: those the sanitizer knows how to write so that parsing its output again
 * rebuilds the same tree.
 *
 * @example
 * ```ts
 * import type { Html } from "@parley/schema"
 *
 * const tags: ReadonlyArray<Html.Tag> = ["b", "em", "a"]
 * ```
 *
 * @since 0.1.0
 */
export type Tag = internal.Tag

/**
 * What a {@link Policy} lets one element carry. `urls` lists URL attributes (`href`, `src`) with the schemes each
 * accepts; an element with URL attributes is kept only when each is present and accepted by the WHATWG URL parser
 * as an absolute URL with one of those schemes. `text` lists plain-text attributes (`alt`, `title`). Every other
 * attribute (`style`, `on*`, `class`, ...) is removed.
 *
 * @example
 * ```ts
 * import type { Html } from "@parley/schema"
 *
 * const image: Html.ElementRule = { urls: { src: ["https"] }, text: ["alt"] }
 * ```
 *
 * @since 0.1.0
 */
export interface ElementRule extends internal.ElementRule {}

/**
 * An allow-list for {@link sanitize}: the elements kept and their attributes. Elements it does not list are
 * unwrapped (their text is kept), except those whose content is never readable text (script, style, template,
 * iframe, svg, math, ...), which are dropped whole. Block elements it does not list become line breaks.
 *
 * @example
 * ```ts
 * import { Html } from "@parley/schema"
 *
 * const boldOnly: Html.Policy = { name: "bold-only", elements: { b: {} } }
 * Html.sanitize("<b>yes</b> <i>no</i>", boldOnly) // => "<b>yes</b> no"
 * ```
 *
 * @since 0.1.0
 */
export interface Policy extends internal.Policy {}

const linkSchemes = ["http", "https", "mailto"] as const

/**
 * Drift's message body rules: `<b>`, `<em>` and `<a href>` (http, https or mailto) are kept, every other tag is
 * stripped, every other attribute removed, and reserved characters outside tags become entities.
 *
 * @example
 * ```ts
 * import { Html } from "@parley/schema"
 *
 * Html.sanitize(`<i>Hi</i> <a href="https://drift.com" style="color:red">us</a>`, Html.drift)
 * // => `Hi <a href="https://drift.com/">us</a>`
 * ```
 *
 * @since 0.1.0
 */
export const drift: Policy = {
  name: "drift",
  elements: {
    b: {},
    em: {},
    a: { urls: { href: linkSchemes } }
  }
}

/**
 * Intercom's richer body rules: `p`, `br`, `a[href]` (http, https or mailto), `b`, `i`, `em`, `strong`, `code`,
 * `pre`, `ul`, `ol`, `li`, and `img` with an http or https `src` (and its `alt`). Kept block elements stay
 * elements; `br` and `img` are written without a closing tag.
 *
 * @example
 * ```ts
 * import { Html } from "@parley/schema"
 *
 * Html.sanitize(`<p>Hi<br><img src="https://x.test/a.png" onerror="x()"></p>`, Html.intercom)
 * // => `<p>Hi<br><img src="https://x.test/a.png"></p>`
 * ```
 *
 * @since 0.1.0
 */
export const intercom: Policy = {
  name: "intercom",
  elements: {
    p: {},
    br: {},
    a: { urls: { href: linkSchemes } },
    b: {},
    i: {},
    em: {},
    strong: {},
    code: {},
    pre: {},
    ul: {},
    ol: {},
    li: {},
    img: { urls: { src: ["http", "https"] }, text: ["alt"] }
  }
}

// -----------------------------------------------------------------------------
// Sanitizing
// -----------------------------------------------------------------------------

/**
 * Sanitizes an HTML body under `policy` (Drift's by default).
 *
 * The body is parsed as the WHATWG parser would parse it inside `<body>`, then written back from the allow-list:
 *
 * - kept elements carry only their allowed attributes; URLs are written as the URL parser serializes them, and an
 *   `<a>` or `<img>` whose URL is missing or rejected (`javascript:`, `data:`, relative, protocol-relative, ...)
 *   is unwrapped (its text kept) or, for `<img>`, dropped;
 * - the content of script, style, template, iframe, noscript, textarea, title, svg, math, select, object and the
 *   like is dropped; other elements are unwrapped, and block boundaries of elements not kept become a single
 *   `"\n"` between content;
 * - `&`, `<`, `>` and `"` in text and attribute values are escaped; empty kept elements are not written;
 * - the result is a fixed point: sanitizing it again returns it unchanged;
 * - the time is linear in the body's length, whatever it holds, and the output is bounded by it: the parser's
 *   reconstruction of formatting elements (which re-opens, in each new block, the formatting elements an earlier
 *   block closed too early) may rebuild start tags totalling at most twice the body's length; past that budget the
 *   formatting elements it would re-open are forgotten, as if closed.
 *
 * A body with no markup (no `<` starting a tag, no `&` starting a character reference) skips the parser: native
 * string searches find the characters that matter, `<`, `>`, `&` and `"` are escaped, and, like the parser, NUL is
 * dropped and CR/CRLF become LF. A body with nothing to escape is returned as it is, without allocating.
 *
 * @example
 * ```ts
 * import { Html } from "@parley/schema"
 *
 * Html.sanitize(`<div>one</div><div>two &amp; <em>three</em></div>`)
 * // => "one\ntwo &amp; <em>three</em>"
 * Html.sanitize(`5 > 3 and "quoted"`)
 * // => "5 &gt; 3 and &quot;quoted&quot;"
 * ```
 *
 * @since 0.1.0
 */
export const sanitize = (html: string, policy: Policy = drift): string => internal.sanitize(html, policy)

/**
 * The elements `sanitize` drops whole, content included, under every policy: raw-text and template elements
 * (`script`, `style`, `template`, `textarea`, `title`, ...), embedded content (`iframe`, `object`, ...), the
 * namespace-confusion vectors `svg` and `math`, form controls and document metadata. None of them is a {@link Tag},
 * so no policy can keep one (`img` is not listed: {@link intercom} keeps it). Every other element a policy does not
 * keep is unwrapped and keeps its text.
 *
 * @example
 * ```ts
 * import { Html } from "@parley/schema"
 *
 * Html.droppedElements.includes("script") // true
 * ```
 *
 * @since 0.1.0
 */
export const droppedElements: ReadonlyArray<string> = internal.DROP_TAGS

/**
 * The plain text of an HTML body, for search and indexing: character references decoded, tags removed, the
 * content of script, style and the like dropped, block boundaries (`p`, `div`, `br`, `li`, headings, table rows,
 * ...) as single line breaks.
 *
 * @example
 * ```ts
 * import { Html } from "@parley/schema"
 *
 * Html.toPlainText("<p>Fish &amp; <b>chips</b></p><ul><li>one</li><li>two</li></ul>")
 * // => "Fish & chips\none\ntwo"
 * ```
 *
 * @since 0.1.0
 */
export const toPlainText = (html: string): string => internal.toPlainText(html)

// -----------------------------------------------------------------------------
// Schemas
// -----------------------------------------------------------------------------

/**
 * Fragments the property-test arbitrary of {@link sanitizedBody} joins (with random strings) before sanitizing,
 * so generated bodies carry markup.
 */
const fragments = [
  "<b>",
  "</b>",
  "<em>",
  "</em>",
  "<i>",
  "</i>",
  "<strong>",
  "</strong>",
  "<code>",
  "<a href=\"https://example.com/path?q=1&amp;r=2\">",
  "<a href=\"mailto:someone@example.com\">",
  "<a href=\"javascript:alert(1)\">",
  "</a>",
  "<p>",
  "</p>",
  "<div>",
  "</div>",
  "<br>",
  "<ul><li>",
  "</li><li>",
  "</li></ul>",
  "<pre>",
  "</pre>",
  "<img src=\"https://example.com/a.png\" alt=\"a\">",
  "<script>alert(1)</script>",
  "<svg><b>x</b></svg>",
  "<!-- c -->",
  "&amp;",
  "&lt;",
  "&quot;",
  " ",
  "\n",
  "<",
  ">",
  "\"",
  "&"
] as const

const Fragments = Schema.Array(Schema.Union([Schema.String, Schema.Literals(fragments)]))

/**
 * The type of {@link sanitizedBody} and {@link SanitizedBody}: a string on both sides.
 *
 * @example
 * ```ts
 * import { Html } from "@parley/schema"
 *
 * const body: Html.SanitizedBodySchema = Html.sanitizedBody(Html.intercom)
 * ```
 *
 * @since 0.1.0
 */
export interface SanitizedBodySchema extends Schema.decodeTo<Schema.declare<string>, Schema.String> {}

const bodySchemas = new WeakMap<Policy, SanitizedBodySchema>()

/**
 * A message body schema for `policy`: the encoded side is any string (JSON Schema `{ "type": "string" }`), the
 * decoded side the string sanitized by {@link sanitize} with `policy`. Encoding is the identity: a decoded body is
 * already what the wire carries (a string built in code is not re-checked). Its arbitrary generates sanitized bodies
 * with markup in them, so `decode(encode(a)) === a` holds for generated values. One schema per policy is cached.
 *
 * @example
 * ```ts
 * import { Html } from "@parley/schema"
 * import { Schema } from "effect"
 *
 * const IntercomBody = Html.sanitizedBody(Html.intercom)
 * Schema.decodeUnknownSync(IntercomBody)(`<p>Hi<script>x()</script></p>`) // => "<p>Hi</p>"
 * ```
 *
 * @since 0.1.0
 */
export const sanitizedBody = (policy: Policy): SanitizedBodySchema => {
  const cached = bodySchemas.get(policy)
  if (cached !== undefined) return cached
  const Sanitized = Schema.declare<string>((u): u is string => typeof u === "string", {
    expected: `an HTML body sanitized by the ${policy.name} policy`,
    toCodecArbitrary: () =>
      Schema.link<string>()(Fragments, {
        decode: SchemaGetter.transform((parts) => sanitize(parts.join(""), policy)),
        encode: SchemaGetter.transform((body) => [body])
      })
  })
  const schema = Schema.String.pipe(
    Schema.decodeTo(Sanitized, {
      decode: SchemaGetter.transform((body: string) => sanitize(body, policy)),
      encode: SchemaGetter.transform((body: string) => body)
    })
  )
  bodySchemas.set(policy, schema)
  return schema
}

/**
 * A Drift message body: any string on the wire, decoded through {@link sanitize} with {@link drift}; encoding is
 * the identity.
 *
 * @example
 * ```ts
 * import { Html } from "@parley/schema"
 * import { Schema } from "effect"
 *
 * Schema.decodeUnknownSync(Html.SanitizedBody)(`<b onclick="x()">hi</b> <u>there</u>`) // => "<b>hi</b> there"
 * Schema.encodeSync(Html.SanitizedBody)("<b>hi</b>") // => "<b>hi</b>"
 * ```
 *
 * @since 0.1.0
 */
export const SanitizedBody: SanitizedBodySchema = sanitizedBody(drift)
