import { describe, expect, it } from "@effect/vitest"
import { Arbitrary, Effect, Exit, Schema } from "effect"
import { defaultTreeAdapter, type DefaultTreeAdapterTypes, html as P5, parseFragment } from "parse5"
import * as Html from "../src/Html.ts"
import * as Engine from "../src/internal/html.ts"

// -----------------------------------------------------------------------------
// Hostile vectors, each with its exact expected output
// -----------------------------------------------------------------------------

/** [class, input, expected output under Html.drift] */
const driftVectors: ReadonlyArray<readonly [string, string, string]> = [
  // script
  ["script", "<script>alert(1)</script>hello", "hello"],
  ["script", "<SCRIPT SRC=//evil.test/x.js></SCRIPT>hi", "hi"],
  ["script", "<scr<script>ipt>alert(1)</scr</script>ipt>", "ipt&gt;alert(1)ipt&gt;"],
  ["script", "<script>/*</script><b>x</b>*/", "<b>x</b>*/"],
  ["script", "<<script>script>alert(1)<</script>/script>", "&lt;/script&gt;"],
  // event handlers and styles
  ["handler", "<b onclick=\"alert(1)\">x</b>", "<b>x</b>"],
  ["handler", "<img src=x onerror=alert(1)>", ""],
  ["handler", "<body onload=alert(1)>hi", "hi"],
  ["handler", "<a href=\"https://ok.test\" onmouseover=\"alert(1)\">x</a>", "<a href=\"https://ok.test/\">x</a>"],
  ["handler", "<em style=\"background:url(javascript:alert(1))\">x</em>", "<em>x</em>"],
  ["handler", "<b/onclick=alert(1)>x</b>", "<b>x</b>"],
  ["handler", "<svg onload=alert(1)>", ""],
  ["handler", "<details open ontoggle=alert(1)>x", "x"],
  ["handler", "<b title=\"x\" class=\"y\" id=\"z\">x</b>", "<b>x</b>"],
  // URL obfuscation: entities, whitespace, control characters, case
  ["url", "<a href=\"javascript:alert(1)\">x</a>", "x"],
  ["url", "<a href=\"JaVaScRiPt:alert(1)\">x</a>", "x"],
  ["url", "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">x</a>", "x"],
  ["url", "<a href=\"&#x6A;avascript&#x3A;alert(1)\">x</a>", "x"],
  ["url", "<a href=\"java&#x09;script:alert(1)\">x</a>", "x"],
  ["url", "<a href=\"java&NewLine;script:alert(1)\">x</a>", "x"],
  ["url", "<a href=\" &#14; javascript:alert(1)\">x</a>", "x"],
  ["url", "<a href=\"\u0001javascript:alert(1)\">x</a>", "x"],
  ["url", "<a href=\"javascript&colon;alert(1)\">x</a>", "x"],
  ["url", "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>", "x"],
  ["url", "<a href=\"vbscript:msgbox(1)\">x</a>", "x"],
  ["url", "<a href=\"//evil.test/x\">x</a>", "x"],
  ["url", "<a href=\"/relative/path\">x</a>", "x"],
  ["url", "<a href=\"https:\">x</a>", "x"],
  ["url", "<a>x</a>", "x"],
  ["url", "<a href=\"https://ok.test/a?b=1&c=2\">x</a>", "<a href=\"https://ok.test/a?b=1&amp;c=2\">x</a>"],
  ["url", "<a href=\"HTTPS://OK.TEST\">x</a>", "<a href=\"https://ok.test/\">x</a>"],
  ["url", "<a href=\"  https://ok.test/  \">x</a>", "<a href=\"https://ok.test/\">x</a>"],
  ["url", "<a href=\"ht&#x0A;tps://ok.test/\">x</a>", "<a href=\"https://ok.test/\">x</a>"],
  ["url", "<a href=\"mailto:someone@example.com\">mail</a>", "<a href=\"mailto:someone@example.com\">mail</a>"],
  // attribute breakout
  [
    "breakout",
    "<a href=\"https://ok.test/&quot;&gt;&lt;script&gt;\">x</a>",
    "<a href=\"https://ok.test/%22%3E%3Cscript%3E\">x</a>"
  ],
  [
    "breakout",
    "<a href='https://ok.test/\"onmouseover=\"alert(1)'>x</a>",
    "<a href=\"https://ok.test/%22onmouseover=%22alert(1)\">x</a>"
  ],
  ["breakout", "<a href=https://ok.test/ x=\">\"<b>y</b>\">z</a>", "<a href=\"https://ok.test/\">y&quot;&gt;z</a>"],
  ["breakout", "<b \">x</b>", "<b>x</b>"],
  // unclosed and nested tags
  ["nesting", "<b>bold <em>both", "<b>bold <em>both</em></b>"],
  ["nesting", "<b><em>x</b>y</em>", "<b><em>x</em></b><em>y</em>"],
  [
    "nesting",
    "<a href=\"https://a.test\">one<a href=\"https://b.test\">two</a>",
    "<a href=\"https://a.test/\">one</a><a href=\"https://b.test/\">two</a>"
  ],
  [
    "nesting",
    "<a href=\"https://a.test\"><table><td><a href=\"https://b.test\">x</a></td></table></a>",
    "<a href=\"https://a.test/\">x</a>"
  ],
  [
    "nesting",
    "<a href=\"https://a.test\"><marquee><a href=\"https://b.test\">x</a></marquee></a>",
    "<a href=\"https://a.test/\">x</a>"
  ],
  ["nesting", "<b></b><em> </em>x", "<em> </em>x"],
  ["nesting", "a <b></b>c", "a c"],
  ["nesting", "</b>stray</a>", "stray"],
  ["nesting", "<p>one<p>two", "one\ntwo"],
  ["nesting", "<b><b><b><b><b>deep</b></b></b></b></b>", "<b><b><b><b><b>deep</b></b></b></b></b>"],
  // comments and CDATA
  ["comment", "<!-- <script>alert(1)</script> -->ok", "ok"],
  ["comment", "<!--><script>alert(1)</script>-->", "--&gt;"],
  ["comment", "<![CDATA[<script>alert(1)</script>]]>", "alert(1)]]&gt;"],
  ["comment", "<!--[if IE]><script>alert(1)</script><![endif]-->x", "x"],
  ["comment", "<?xml version=\"1.0\"?>x", "x"],
  // svg / math namespace confusion (mXSS)
  ["mxss", "<svg><script>alert(1)</script></svg>", ""],
  ["mxss", "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>", ""],
  ["mxss", "<svg><p><style><img src=x onerror=alert(1)></style></p></svg>", ""],
  ["mxss", "<math><mi><b>x</b></mi></math>y", "y"],
  ["mxss", "<svg><foreignObject><b>x</b></foreignObject></svg>", ""],
  ["mxss", "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>", ""],
  ["mxss", "<svg></p><style><a id=\"</style><img src=1 onerror=alert(1)>\">", "&quot;&gt;"],
  // entities
  ["entity", "&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;script&gt;alert(1)&lt;/script&gt;"],
  ["entity", "AT&T &amp &notit; &#0; &#x110000; &#128;", "AT&amp;T &amp; ¬it; \uFFFD \uFFFD €"],
  ["entity", "&amp;lt;b&amp;gt;", "&amp;lt;b&amp;gt;"],
  ["entity", "5 < 6 & 7 > 3 \"q\"", "5 &lt; 6 &amp; 7 &gt; 3 &quot;q&quot;"],
  // noscript, template, style and other raw-text containers
  ["noscript", "<noscript><b>x</b></noscript>y", "y"],
  ["noscript", "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">", "&quot;&gt;"],
  ["template", "<template><script>alert(1)</script><b>x</b></template>y", "y"],
  ["style", "<style>@import \"javascript:alert(1)\";</style>x", "x"],
  ["rawtext", "<textarea><script>alert(1)</script></textarea>x", "x"],
  ["rawtext", "<title><b>x</b></title>y", "y"],
  ["rawtext", "<xmp><b>x</b></xmp>y", "y"],
  ["rawtext", "<iframe src=javascript:alert(1)>x</iframe>y", "y"],
  ["rawtext", "y<plaintext><b>x</b>", "y"],
  ["rawtext", "<object data=\"javascript:alert(1)\"><b>x</b></object>y", "y"],
  ["rawtext", "<embed src=javascript:alert(1)>y", "y"],
  ["rawtext", "<select><option>x</option></select>y", "y"],
  // block boundaries and input normalisation
  ["blocks", "<div>\n  <p>a</p>\n  <p>b</p>\n</div>", "a\nb"],
  ["blocks", "<h1>Title</h1><ul><li>one</li><li>two</li></ul>", "Title\none\ntwo"],
  ["blocks", "line1<br>line2<br/><br>line3", "line1\nline2\nline3"],
  ["blocks", "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>", "a\nb\nc"],
  ["input", "a\r\nb\rc\u0000d", "a\nb\ncd"],
  ["input", "<b>x</b>\r\n<i>y\u0000</i>", "<b>x</b>\ny"]
]

/** [input, expected output under Html.intercom] */
const intercomVectors: ReadonlyArray<readonly [string, string]> = [
  [
    "<p>Hi <strong>there</strong><br><img src=\"https://ok.test/a.png\" alt=\"pic\" onerror=\"x()\"></p>",
    "<p>Hi <strong>there</strong><br><img src=\"https://ok.test/a.png\" alt=\"pic\"></p>"
  ],
  ["<img src=\"javascript:alert(1)\">x", "x"],
  ["<img src=\"data:image/png;base64,AAAA\">x", "x"],
  ["<img src=\"//ok.test/a.png\">x", "x"],
  ["<img src=\"mailto:a@b.test\">x", "x"],
  [
    "<img src=http://ok.test/a.png alt='\"><script>alert(1)</script>'>",
    "<img src=\"http://ok.test/a.png\" alt=\"&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\">"
  ],
  [
    "<a href=\"https://ok.test/?a=1&b=2\"><img src=\"https://ok.test/a.png\"></a>",
    "<a href=\"https://ok.test/?a=1&amp;b=2\"><img src=\"https://ok.test/a.png\"></a>"
  ],
  ["<a href=\"javascript:alert(1)\"><i>x</i></a>", "<i>x</i>"],
  ["<a href=\"mailto:x@y.test\"><i>m</i></a>", "<a href=\"mailto:x@y.test\"><i>m</i></a>"],
  ["<h2>Title</h2><p>text</p>", "Title<p>text</p>"],
  ["<ul><li>one<li>two</ul>", "<ul><li>one</li><li>two</li></ul>"],
  ["<ol><li><p>a</p></li></ol>", "<ol><li><p>a</p></li></ol>"],
  ["<ul>\n  <li>a</li>\n  <li>b <ul><li>c</li></ul></li>\n</ul>", "<ul><li>a</li><li>b <ul><li>c</li></ul></li></ul>"],
  ["<pre>\n\n  code &lt;x&gt;</pre>", "<pre>\n\n  code &lt;x&gt;</pre>"],
  ["<pre><b>x</b>\n  y</pre>", "<pre>\n<b>x</b>\n  y</pre>"],
  ["<p><button><ul><li>x</li></ul></button></p>", "<p>x</p>"],
  ["<li><button><li>x</li></button></li>", "<li>x</li>"],
  ["<p>a<button><p>b</p></button></p>", "<p>a\nb</p>"],
  ["<div><p>a</p><p>b</p></div>", "<p>a</p><p>b</p>"],
  ["<table><tr><td>a</td><td>b</td></tr></table>", "a\nb"],
  ["<code onclick=x>a &lt; b</code>", "<code>a &lt; b</code>"],
  ["<p style=\"color:red\" class=\"x\">styled</p>", "<p>styled</p>"],
  ["<p></p><p> </p>x", "x"],
  ["<br><br/></br>", "<br><br><br>"],
  ["<svg><p>x</p></svg>", "<p>x</p>"],
  ["<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>", ""],
  ["<em>x</em> <b></b><p>y</p>", "<em>x</em><p>y</p>"],
  ["<em>x</em> <b><p>y</p></b>", "<em>x</em><b><p>y</p></b>"],
  ["<b>x<p>y</p>z</b>", "<b>x<p>y</p>z</b>"],
  ["<script>alert(1)</script><p>ok</p>", "<p>ok</p>"],
  ["<u>underline</u> <s>strike</s>", "underline strike"]
]

describe("Html.sanitize: hostile vectors (Drift policy)", () => {
  it("covers at least 40 vectors", () => {
    expect(driftVectors.length).toBeGreaterThanOrEqual(40)
  })
  for (const [kind, input, expected] of driftVectors) {
    it(`${kind}: ${JSON.stringify(input)}`, () => {
      const out = Html.sanitize(input)
      expect(out).toBe(expected)
      expect(Html.sanitize(input, Html.drift)).toBe(expected)
      expect(Html.sanitize(out)).toBe(out)
    })
  }
})

describe("Html.sanitize: Intercom policy", () => {
  for (const [input, expected] of intercomVectors) {
    it(`${JSON.stringify(input)}`, () => {
      const out = Html.sanitize(input, Html.intercom)
      expect(out).toBe(expected)
      expect(Html.sanitize(out, Html.intercom)).toBe(out)
    })
  }
})

describe("Html.sanitize: fast path and edge cases", () => {
  it("returns plain chat text unchanged", () => {
    const text = "Hi! Can you help me with my order #1234? Thanks :)"
    expect(Html.sanitize(text)).toBe(text)
  })

  it("escapes > and \" and literal < and & without parsing, like the parser would", () => {
    for (const text of ["a > b", "say \"hi\"", "I <3 you", "Q & A", "x <", "y &", "a\r\nb\u0000"]) {
      // A leading comment forces the parser path; it contributes nothing to the output.
      expect(Html.sanitize(text)).toBe(Html.sanitize(`<!---->${text}`))
      expect(Html.sanitize(text, Html.intercom)).toBe(Html.sanitize(`<!---->${text}`, Html.intercom))
    }
    expect(Html.sanitize("I <3 you & me")).toBe("I &lt;3 you &amp; me")
  })

  it("handles the empty string, whitespace and lone surrogates", () => {
    expect(Html.sanitize("")).toBe("")
    expect(Html.sanitize("   ")).toBe("   ")
    expect(Html.sanitize("x\uD800<b>\uDC00</b>")).toBe("x\uD800<b>\uDC00</b>")
  })

  it("survives very deep nesting without overflowing the stack", () => {
    const depth = 50_000
    expect(Html.sanitize("<div>".repeat(depth) + "x")).toBe("x")
    const bold = Html.sanitize("<b>".repeat(depth) + "x")
    expect(bold).toBe("<b>".repeat(depth) + "x" + "</b>".repeat(depth))
    expect(Html.sanitize(bold)).toBe(bold)
  })

  it("accepts a custom policy", () => {
    const boldOnly: Html.Policy = { name: "bold-only", elements: { b: {} } }
    expect(Html.sanitize("<b>yes</b> <i>no</i> <a href=\"https://x.test\">link</a>", boldOnly)).toBe(
      "<b>yes</b> no link"
    )
    const titled: Html.Policy = { name: "titled", elements: { a: { urls: { href: ["https"] }, text: ["title"] } } }
    expect(Html.sanitize("<a title='t\"' href='http://x.test' >a</a><a href='https://x.test' title=t>b</a>", titled))
      .toBe("a<a href=\"https://x.test/\" title=\"t\">b</a>")
  })
})

// -----------------------------------------------------------------------------
// Tokenizer edge cases (where the former pre-scan could go wrong; every engine must agree with parse5)
// -----------------------------------------------------------------------------

describe("tokenizer edge cases", () => {
  const cases: ReadonlyArray<readonly [string, string]> = [
    ["<script><!--<script></script><b>x</b></script>y", "y"],
    ["<svg><style><b>x</b></style></svg>", "<b>x</b>"],
    ["<svg><style><b title=\"</style>\">bold</b> text after</svg>", "<b>bold</b> text after"],
    ["<svg><style><!--</style>--><b>x</b></style>y", "<b>x</b>y"],
    ["<svg><style><b>x</b></style> and text after</svg>", "<b>x</b> and text after"],
    ["<template><col><style></template><b>x</b></style>y", "<b>x</b>y"],
    ["<select><style></select><b>x</b></style>y", "<b>x</b>y"],
    ["<math><![CDATA[</math><b>x</b>]]>y", ""],
    ["<svg><![CDATA[ x > y ]]></svg><b>after</b>", "<b>after</b>"],
    ["<![CDATA[</b><b>x</b>]]>y", "<b>x</b>]]&gt;y"],
    [
      "<a href=\"https://ok.test/?a=1&amp=2&amp;b&notit;c\">x</a>",
      "<a href=\"https://ok.test/?a=1&amp;amp=2&amp;b&amp;notit;c\">x</a>"
    ],
    ["<style>p { color: red }</style><b>bold text here</b>", "<b>bold text here</b>"],
    ["<textarea></textarea x=\">\"><b>after</b>", "<b>after</b>"],
    ["<title>unterminated <b>x</b>", ""],
    ["<b>x</b><plaintext><b>y</b>", "<b>x</b>"],
    ["<script>if (a </scriptx> b) {}</script>after", "after"],
    ["<STYLE>x</Style >after", "after"],
    ["<!-- a --!> b <!--> c <!---> d", " b  c  d"],
    ["<p title=\"a>b\">text after the tag</p>", "text after the tag"],
    ["text &notin; and more text, &amp more &#x41B; text", "text ∉ and more text, &amp; more Л text"],
    ["x\uE000y <b>text with a private-use character</b>", "x\uE000y <b>text with a private-use character</b>"]
  ]
  for (const [input, expected] of cases) {
    it(`${JSON.stringify(input)}`, () => {
      expect(Engine.sanitize(input, Html.drift, "parser")).toBe(expected)
      expect(Html.sanitize(input)).toBe(expected)
    })
  }
})

// -----------------------------------------------------------------------------
// toPlainText
// -----------------------------------------------------------------------------

describe("Html.toPlainText", () => {
  const cases: ReadonlyArray<readonly [string, string]> = [
    ["Fish &amp; chips", "Fish & chips"],
    ["<p>a</p><p>b</p>", "a\nb"],
    ["<script>x</script>y", "y"],
    ["&lt;b&gt; &quot;q&quot;", "<b> \"q\""],
    ["a < b & c > d", "a < b & c > d"],
    ["a\r\nb\u0000c", "a\nbc"],
    ["<a href=\"https://x.test\">link</a> text", "link text"],
    ["<ul>\n  <li>one</li>\n  <li>two</li>\n</ul>", "one\ntwo"],
    ["<h1>T</h1>body<br>next", "T\nbody\nnext"],
    ["<img alt=\"pic\" src=\"https://x.test/a.png\">x", "x"],
    ["<table><tr><td>a</td><td>b</td></tr></table>", "a\nb"],
    ["<svg><text>x</text></svg>y", "y"],
    ["  spaced  ", "  spaced  "],
    ["<b>a</b> <i>b</i>", "a b"],
    ["&nbsp;x&nbsp;", "\u00A0x\u00A0"],
    ["<div>one</div><div>two &amp; <em>three</em></div>", "one\ntwo & three"]
  ]
  for (const [input, expected] of cases) {
    it(`${JSON.stringify(input)}`, () => {
      expect(Html.toPlainText(input)).toBe(expected)
    })
  }

  it("reads the text of a sanitized body", () => {
    expect(Html.toPlainText(Html.sanitize("<p>Tom &amp; <b>Jerry</b> say &lt;hi&gt;</p>"))).toBe("Tom & Jerry say <hi>")
  })
})

// -----------------------------------------------------------------------------
// Schemas
// -----------------------------------------------------------------------------

const sample = (policy: Html.Policy) =>
  Effect.runPromise(Arbitrary.sampleEffect(Arbitrary.schema(Html.sanitizedBody(policy)), { count: 200, seed: 7 }))

/** An assertion for property callbacks: throws (falsifying the property) with both values shown. */
const same = <A>(actual: A, expected: A, what: string): void => {
  if (actual !== expected) {
    throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`)
  }
}

describe("Html.SanitizedBody", () => {
  it("decodes through sanitize and encodes as the identity", () => {
    const input = "<b onclick=\"x()\">hi</b> <u>there</u><script>alert(1)</script>"
    expect(Schema.decodeUnknownSync(Html.SanitizedBody)(input)).toBe("<b>hi</b> there")
    expect(Schema.encodeSync(Html.SanitizedBody)("<b>hi</b> there")).toBe("<b>hi</b> there")
    const IntercomBody = Html.sanitizedBody(Html.intercom)
    expect(Schema.decodeUnknownSync(IntercomBody)("<p>Hi<script>x()</script></p>")).toBe("<p>Hi</p>")
  })

  it("rejects non-strings", () => {
    expect(Exit.isFailure(Schema.decodeUnknownExit(Html.SanitizedBody)(42))).toBe(true)
  })

  it("has the JSON Schema of a plain string", () => {
    expect(Schema.toJsonSchemaDocument(Html.SanitizedBody).schema).toEqual({ type: "string" })
    expect(Schema.toJsonSchemaDocument(Html.sanitizedBody(Html.intercom)).schema).toEqual({ type: "string" })
  })

  it("generates sanitized, non-trivial bodies", async () => {
    const drift = await sample(Html.drift)
    for (const s of drift) expect(Html.sanitize(s)).toBe(s)
    expect(drift.some((s) => s.includes("<b>") || s.includes("<em>") || s.includes("<a href="))).toBe(true)
    expect(drift.some((s) => s.includes("&amp;") || s.includes("&lt;") || s.includes("&quot;"))).toBe(true)
    const intercom = await sample(Html.intercom)
    for (const s of intercom) expect(Html.sanitize(s, Html.intercom)).toBe(s)
    expect(intercom.some((s) => s.includes("<p>") || s.includes("<li>") || s.includes("<img "))).toBe(true)
  })

  const IntercomBody = Html.sanitizedBody(Html.intercom)
  it.prop("decode(encode(a)) === a (Drift)", [Html.SanitizedBody], ([a]) => {
    same(Schema.decodeSync(Html.SanitizedBody)(Schema.encodeSync(Html.SanitizedBody)(a)), a, "decode(encode(a))")
  }, { arbitrary: { runs: 300 } })
  it.prop("decode(encode(a)) === a (Intercom)", [IntercomBody], ([a]) => {
    same(Schema.decodeSync(IntercomBody)(Schema.encodeSync(IntercomBody)(a)), a, "decode(encode(a))")
  }, { arbitrary: { runs: 300 } })
})

// -----------------------------------------------------------------------------
// Properties over a structure-aware HTML-ish generator
// -----------------------------------------------------------------------------

const pick = <const A extends readonly [string, ...Array<string>]>(values: A): Arbitrary.Arbitrary<A[number]> =>
  Arbitrary.schema(Schema.Literals(values))

const join = (parts: ReadonlyArray<string>): string => parts.join("")

const TEXT_UNITS = [
  "a",
  "word",
  "two words",
  "Zé",
  " ",
  "\n",
  "\r",
  "\r\n",
  "\t",
  "\f",
  "\u0000",
  "\u0001",
  "\uD800",
  "\uDC00",
  "😀",
  "<",
  ">",
  "&",
  "\"",
  "'",
  "=",
  "/",
  "&amp;",
  "&lt",
  "&gt;",
  "&quot;",
  "&#0;",
  "&#x3c;",
  "&notin;",
  "&not",
  "&NewLine;",
  "&nbsp;",
  "<!--",
  "-->",
  "]]>",
  "<![CDATA["
] as const

/** Tags kept by one policy or the other. */
const KEPT_TAGS = ["a", "b", "em", "i", "strong", "code", "p", "br", "pre", "ul", "ol", "li", "img"] as const

/** Tags that are unwrapped, including scope boundaries the parser treats specially (button, td, marquee, ...). */
const OTHER_TAGS = [
  "div",
  "span",
  "h1",
  "table",
  "tr",
  "td",
  "caption",
  "button",
  "marquee",
  "form",
  "font",
  "nobr",
  "body",
  "html",
  "listing",
  "option",
  "image"
] as const

/** Raw-text, dropped and foreign-content tags. */
const DROPPED_TAGS = [
  "svg",
  "math",
  "mi",
  "mtext",
  "foreignObject",
  "desc",
  "annotation-xml",
  "script",
  "style",
  "template",
  "noscript",
  "textarea",
  "title",
  "xmp",
  "iframe",
  "noembed",
  "plaintext",
  "object",
  "select"
] as const

const TAGS = [...KEPT_TAGS, ...OTHER_TAGS, ...DROPPED_TAGS]

const tag = Arbitrary.flatMap(
  pick(["kept", "kept", "kept", "kept", "other", "other", "dropped"]),
  (kind) => kind === "kept" ? pick(KEPT_TAGS) : kind === "other" ? pick(OTHER_TAGS) : pick(DROPPED_TAGS)
)

const ATTR_NAMES = [
  "href",
  "src",
  "alt",
  "title",
  "onclick",
  "onerror",
  "style",
  "class",
  "xlink:href",
  "HREF",
  "encoding",
  "color"
] as const

const ATTR_VALUES = [
  "https://ok.test/a?b=1&c=2",
  "https://ok.test/",
  "http://ok.test/x",
  "mailto:a@b.test",
  "MAILTO:Q",
  "javascript:alert(1)",
  "java&#x09;script:alert(1)",
  "&#106;avascript:alert(1)",
  " JaVaScRiPt:alert(1)",
  "\u0001javascript:alert(1)",
  "data:text/html,<b>x</b>",
  "vbscript:x",
  "//evil.test",
  "/relative",
  "https://",
  "http://[::1]:80/x",
  "https://a.test/\"><script>alert(1)</script>",
  "text/html",
  "x&quot;y",
  "http:x",
  "https://ok.test/?a=1&amp=2&lt;b&notit;c&#65x",
  "a&ampx=some long value here",
  "https:\\\\evil.test",
  "ht\ntp://ok.test"
] as const

const text = Arbitrary.array(pick(TEXT_UNITS), { maxLength: 5 }).pipe(Arbitrary.map(join))

const attribute = Arbitrary.all([pick(ATTR_NAMES), pick(ATTR_VALUES), pick(["\"", "'", ""])]).pipe(
  Arbitrary.map(([name, value, quote]) =>
    quote === ""
      ? ` ${name}=${value.replace(/[\s>"'`=<]/g, "")}`
      : ` ${name}=${quote}${value.replaceAll(quote, "")}${quote}`
  )
)

/** Ready-made start tags with valid URLs: allowed elements often survive, so nesting rules get exercised. */
const LINKS = [
  "<a href=\"https://ok.test/p?q=1&amp;r=2\">",
  "<a href=\"mailto:x@ok.test\">",
  "<img src=\"https://ok.test/a.png\" alt=\"a\">"
] as const

const SNIPPETS = [
  "<!-- x -->",
  "<![CDATA[<b>x</b>]]>",
  "</p>",
  "</br>",
  "<br/>",
  "</a>",
  "</b>",
  "</li>",
  "<",
  "&",
  "</",
  "<!",
  "<?x>",
  "<table><td>",
  "<table><colgroup>",
  "<template><col>",
  "<svg><p>",
  "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
  "<style>",
  "</style>",
  "<script>",
  "</script >",
  "</SCRIPT/>",
  "<!--<script>",
  "<textarea>",
  "</textarea x=\">\">",
  "<title>",
  "</title>",
  "<plaintext>",
  "-->",
  "--!>",
  "<!-->",
  "<!--->",
  "<!DOCTYPE html>",
  "<select>",
  "</select>",
  "<input type=hidden>",
  "&amp=",
  "&ampx",
  "&notin;",
  "&#x41"
] as const

const element = (child: Arbitrary.Arbitrary<string>): Arbitrary.Arbitrary<string> =>
  Arbitrary.all([
    tag,
    Arbitrary.array(attribute, { maxLength: 2 }),
    Arbitrary.array(child, { maxLength: 3 }),
    pick(["close", "close", "none", "self", "stray"])
  ]).pipe(
    Arbitrary.map(([tag, attrs, children, closing]) =>
      `<${tag}${join(attrs)}${closing === "self" ? "/" : ""}>${join(children)}${
        closing === "close" ? `</${tag}>` : closing === "stray" ? `</${TAGS[(tag.length * 7) % TAGS.length]}>` : ""
      }`
    )
  )

const linked = (child: Arbitrary.Arbitrary<string>): Arbitrary.Arbitrary<string> =>
  Arbitrary.all([pick(LINKS), Arbitrary.array(child, { maxLength: 3 }), pick(["</a>", ""])]).pipe(
    Arbitrary.map(([open, children, close]) => open + join(children) + close)
  )

const leaf = Arbitrary.flatMap(pick(["text", "snippet"]), (kind) => kind === "text" ? text : pick(SNIPPETS))

const node = (depth: number): Arbitrary.Arbitrary<string> => {
  if (depth === 0) return leaf
  const child = node(depth - 1)
  const arbitraries = { text, snippet: pick(SNIPPETS), element: element(child), linked: linked(child) }
  return Arbitrary.flatMap(
    pick(["text", "snippet", "element", "element", "linked"]),
    (kind) => arbitraries[kind === "element" ? "element" : kind]
  )
}

/** An HTML-ish body: text with < > & " ', entities, tags (allowed, not, raw-text, foreign), hostile attributes. */
const htmlish = Arbitrary.array(node(3), { minLength: 1, maxLength: 5 }).pipe(Arbitrary.map(join))

/** Token soup: fragments of tags, comments, CDATA, references and quotes in any order, for the tokenizer's edges. */
const SOUP_TOKENS = [
  "<",
  "</",
  ">",
  "/>",
  "\"",
  "'",
  "=",
  " ",
  "\n",
  "\r",
  "\u0000",
  "&",
  "&amp",
  "&lt;",
  "&#x41",
  ";",
  "a",
  "b",
  "p",
  "li",
  "pre",
  "style",
  "SCRIPT",
  "textarea",
  "plaintext",
  "svg",
  "math",
  "select",
  "template",
  "table",
  "!--",
  "-->",
  "--!>",
  "![CDATA[",
  "]]>",
  "href",
  "type",
  "hidden",
  "long words here ",
  "https://ok.test/",
  "\uE000"
] as const

const soup = Arbitrary.array(pick(SOUP_TOKENS), { maxLength: 40 }).pipe(Arbitrary.map(join))

const bodyContext = defaultTreeAdapter.createElement("body", P5.NS.HTML, [])

/** Re-parses `out` and returns the first thing the policy does not allow, or undefined. */
const violation = (out: string, policy: Html.Policy): string | undefined => {
  const rules: { readonly [tag: string]: Html.ElementRule | undefined } = policy.elements
  const stack: Array<DefaultTreeAdapterTypes.ChildNode> = [...parseFragment(bodyContext, out, {}).childNodes]
  while (stack.length > 0) {
    const node = stack.pop()!
    if (node.nodeName === "#text") continue
    if (!("tagName" in node)) return `a ${node.nodeName} node`
    const rule = rules[node.tagName]
    if (rule === undefined || node.namespaceURI !== P5.NS.HTML) return `element <${node.tagName}>`
    for (const { name, value } of node.attrs) {
      const schemes: ReadonlyArray<string> | undefined = name === "href" || name === "src" ?
        rule.urls?.[name] :
        undefined
      if (schemes !== undefined) {
        const url = URL.parse(value)
        if (url === null || !schemes.includes(url.protocol.slice(0, -1))) return `${name}="${value}"`
      } else if (!(rule.text ?? []).some((allowed) => allowed === name)) return `attribute ${name}`
    }
    for (const [name] of Object.entries(rule.urls ?? {})) {
      if (!node.attrs.some((a) => a.name === name)) return `<${node.tagName}> without ${name}`
    }
    if (node.childNodes.length === 0 && node.tagName !== "br" && node.tagName !== "img") {
      return `empty <${node.tagName}>`
    }
    stack.push(...node.childNodes)
  }
  return undefined
}

describe("Html.sanitize properties", () => {
  const options = { arbitrary: { runs: 1000 } }

  for (const policy of [Html.drift, Html.intercom]) {
    it.prop(
      `${policy.name}: no throw, idempotent, only allowed elements, attributes and URLs`,
      [htmlish],
      ([input]) => {
        const out = Html.sanitize(input, policy)
        same(Html.sanitize(out, policy), out, "sanitize(sanitize(x))")
        same(violation(out, policy), undefined, "policy violation")
        same(out.includes("\u0000") || out.includes("\r"), false, "NUL or CR in output")
      },
      options
    )
  }

  it.prop("token soup: idempotent, only allowed output, the fast paths change nothing", [soup], ([input]) => {
    for (const policy of [Html.drift, Html.intercom]) {
      const out = Html.sanitize(input, policy)
      same(Html.sanitize(out, policy), out, `sanitize(sanitize(x)) (${policy.name})`)
      same(violation(out, policy), undefined, `policy violation (${policy.name})`)
      same(Engine.sanitize(input, policy, "parser"), out, `parse5 alone (${policy.name})`)
    }
  }, options)

  it.prop("the fast paths never change the result", [htmlish], ([input]) => {
    for (const policy of [Html.drift, Html.intercom]) {
      same(Html.sanitize(input, policy), Engine.sanitize(input, policy, "parser"), `fast paths (${policy.name})`)
    }
    same(Html.toPlainText(input), Engine.toPlainText(input, "parser"), "fast paths (plain text)")
  }, options)

  it.prop("toPlainText: no throw, no NUL or CR, fast path agrees with the parser", [htmlish, text], ([input, t]) => {
    const plain = Html.toPlainText(input)
    same(plain.includes("\u0000") || plain.includes("\r"), false, "NUL or CR in plain text")
    same(Html.toPlainText(t), Html.toPlainText(`<!---->${t}`), "toPlainText fast path")
    same(Html.sanitize(t), Html.sanitize(`<!---->${t}`), "sanitize fast path")
  }, options)
})

describe("Html.droppedElements", () => {
  // Where the parser puts "secret" inside the element (not void, not ignored in body content), sanitize drops it.
  const holdsText = (tag: string): boolean => {
    const fragment = parseFragment(`<${tag}>secret</${tag}>`)
    const first = fragment.childNodes[0]
    return first !== undefined && "tagName" in first && first.tagName === tag && first.childNodes.length > 0
  }

  it("is what sanitize drops whole, content included, under both policies", () => {
    expect(Html.droppedElements).toContain("script")
    expect(Html.droppedElements).toContain("svg")
    const holding = Html.droppedElements.filter(holdsText)
    expect(holding.length).toBeGreaterThan(10)
    for (const tag of holding) {
      for (const policy of [Html.drift, Html.intercom]) {
        expect(Html.sanitize(`before <${tag}>secret</${tag}> after`, policy), tag).not.toContain("secret")
      }
    }
    // Void and empty elements hold no text: what is dropped whole must not come out as an element either, under
    // any policy (the Intercom policy keeps `img`, so `img` cannot be in the list).
    for (const tag of Html.droppedElements) {
      for (const policy of [Html.drift, Html.intercom]) {
        const out = Html.sanitize(
          `before <${tag} src="https://ok.test/a.png" alt="secret" href="https://ok.test/">`,
          policy
        )
        expect(out, `${tag} (${policy.name})`).toBe("before ")
        expect(Object.keys(policy.elements), `${tag} (${policy.name})`).not.toContain(tag)
      }
    }
    expect(Html.droppedElements).not.toContain("img")
    expect(Html.sanitize("<img src=\"https://ok.test/a.png\">", Html.intercom)).toBe(
      "<img src=\"https://ok.test/a.png\">"
    )
    // An element not in the list is unwrapped and keeps its text.
    expect(holdsText("span")).toBe(true)
    expect(Html.sanitize("before <span>kept</span> after")).toBe("before kept after")
  })
})
