/**
 * The engines agree: the tree-free path writes what the parse5 path writes, for every body it takes, under both
 * policies and for plain text. (The generated version of this, at the subset's edges, over HTML-like soup and the XSS
 * corpus, is `security/test/fuzz.test.ts`; `pnpm fuzz` runs it at a million cases.)
 */
import { describe, expect, it } from "@effect/vitest"
import { decodeHTML, decodeHTMLAttribute } from "entities/decode"
import * as Html from "../src/Html.ts"
import * as Engine from "../src/internal/html.ts"
import * as Policy from "../src/internal/htmlPolicy.ts"
import * as Text from "../src/internal/htmlText.ts"

const agree = (body: string): boolean => {
  let taken = false
  for (const policy of [Html.drift, Html.intercom]) {
    const direct = Engine.sanitizeTreeFree(body, policy)
    if (direct !== undefined) {
      taken = true
      expect(direct, `${policy.name}: ${JSON.stringify(body)}`).toBe(Engine.sanitize(body, policy, "parser"))
    }
    expect(Html.sanitize(body, policy), `${policy.name}: ${JSON.stringify(body)}`).toBe(
      Engine.sanitize(body, policy, "parser")
    )
  }
  const plain = Engine.sanitizeTreeFree(body, undefined)
  if (plain !== undefined) expect(plain, `plain text: ${JSON.stringify(body)}`).toBe(Engine.toPlainText(body, "parser"))
  return taken
}

/** Bodies inside the subset: the tree-free path must take each one. */
const inside: ReadonlyArray<string> = [
  "Hi <b>there</b> &amp; <em>you</em>",
  "<p>one</p><p>two <a href=\"https://ok.test/x?a=1&amp;b=2\">link</a></p>",
  "<div><p>nested <strong>block</strong></p>\n<blockquote>q</blockquote></div>",
  "<ul>\n <li>one</li>\n <li><b>two</b></li>\n</ul><ol><li>x</li></ol>",
  "<table><tr><td>implied tbody</td><td>two</td></tr></table>",
  "<table border=0>\n<tr>\n<td>a</td>\n</tr>\n</table>",
  "<table><td>implied tbody and tr</td></table>",
  "<table><tbody><tr><th>h</th></tr></tbody></table><p>after</p>",
  "<table><tr><td><table><tr><td>inner</td></tr></table></td></tr></table>",
  "<b><table><tr><td>x</td></tr></table></b>",
  "a<!-- c -->b<!---->c<!-->d<!--->e<!-- x --!>f<!-- y --->g",
  "<script>if (a < b) { x() }</script>after<style>p { }</style>",
  "<script>a </scriptx> b</script>after",
  "<textarea><b>not bold</b></textarea><title>t</title><noscript>n</noscript>",
  "<STYLE>x</Style >after",
  "<textarea></textarea x=\">\"><b>after</b>",
  "<pre>\nfirst newline dropped</pre><pre>\n\nsecond kept</pre>",
  "<pre></>\n\nx</pre><pre></></>\ny</pre><pre></x>\nz</pre><pre><!---->\nw</pre>",
  "<listing>\nx</listing>",
  "<B CLASS=x>upper</B> <A HREF='https://ok.test/'>link</A>",
  "<a href=https://ok.test/ title=t>unquoted</a>",
  "<a href=\"https://ok.test/1\" href=\"https://evil.test/\">first wins</a>",
  "<img src=\"https://ok.test/a.png\" alt=\"a &amp; b\" onerror=x()><br/><hr>",
  "<b/>self-closing is ignored</b>",
  "<b =x>leading equals</b> <b a\"b=1 x<y>odd names</b>",
  "&copy &notit; &amp &#x41; &#0; &#xD800; &#x110000; &unknown; &",
  "&am</>p; and x</>y",
  "a < b and c <3 and <!x> and <?pi> and </ x>",
  "<a href=\"https://ok.test/?a=1&copy=2&not=3&amp\">attr refs</a>",
  "<img src=https://ok.test/a.png alt=x&ampy>",
  "&#xE000;&#xE001;<b title=\"&#xE000;&#xE002;\">x</b>",
  "<h1>head</h1><h2>sub</h2><section><h3>s</h3></section>",
  "<dl><dt>term</dt><dd>def</dd></dl>",
  "<span>span <sub>sub</sub> <o:p>word</o:p> <x-custom>c</x-custom></span>",
  "<font face=Arial><i>x</i></font>",
  "<b>unclosed at the end <i>too",
  "<p>unclosed paragraph",
  "   <b> spaces </b>   ",
  "<pre>  <b>pre</b>\n  text</pre>",
  "<div>\n\n<p>x</p>\n\n</div>",
  // Stray end tags (ignored: the text around them is one text node), and start tags ignored in body.
  "x</b>y",
  "</b></em></a>after",
  "<b>x</i>y</b></p2>",
  "&am</x>p; <pre></x>\nkept</pre>",
  "<h1>x</h1></h2>y",
  "<b>x</b></b> y",
  "<body onload=alert(1)>a<html lang=x>b<head>c<frameset>d",
  "<scr<script>ipt>alert(1)</scr</script>ipt>X",
  "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>X",
  // An `a` in the current `a` closes it first.
  "<a href=\"https://a.test/\"><a href=\"https://b.test/\">x</a></a>",
  "<a href=\"https://a.test/\">one <a href=\"https://b.test/\">two</a> three</a>",
  // Dropped containers, parsed to know where they end; forms.
  "<template>x</template>",
  "<template><script>alert(1)</script></template>X<template><b>y</b></div></template>",
  "<object data=\"javascript:alert(1)\"><p>fallback</p></object>X",
  "<form>x</form>",
  "<form action=\"https://evil.example/steal\"><input name=password><button formaction=javascript:alert(1)>X</button></form>",
  // Foreign content, dropped whole: skipped by the foreign-content rules.
  "<svg onload=alert(1)><circle r=10></svg>X",
  "<svg><script>alert(1)</script></svg>X <math><mglyph/><mrow>x</mrow></math>y",
  "<a href=\"https://example.com/\"><svg><a xlink:href=\"javascript:alert(1)\"><text>X</text></a></svg></a>",
  "<svg><style><b>breaks out</b> after",
  "<svg><g><font color=red>out</font></g></svg> <svg><font>in</font></svg> <svg/>x<svg><![CDATA[<b>]]></svg>",
  // NUL and CR.
  "a\u0000b",
  "a&am\u0000p;b",
  "<a href=\"java\u0000script:alert(1)\">x</a> <a href=\"https://ok.test/\u0000\">y</a>",
  "a\r\nb\rc<pre>\r\nx</pre>"
]

/** Bodies outside the subset: the tree-free path must leave each to parse5. */
const outside: ReadonlyArray<string> = [
  "<b><i>x</b></i>",
  "<p>one<p>two",
  "<p><div>x</div></p>",
  "<li>no list</li>",
  "<a href=\"https://a.test/\"><b><a href=\"https://b.test/\">x</a></b></a>",
  "<td>stray</td><tr>row</tr>",
  "<br></br>",
  "<h1>x</h2>",
  "<p><button></p></button>",
  "<p><object><div>x</div></object></p>",
  "<div><object></div></object>",
  "<template><tr><td>x</td></tr></template>",
  "<template><form>x</form></template>",
  "<form><form>x</form></form>",
  "<button><button>x</button></button>",
  "<b\u0000>x</b>",
  "<table><body>x</table>",
  "</p>",
  "<table>text in a table</table>",
  "<table><b>x</b></table>",
  "<svg><title>x</title></svg>",
  "<math><mi>x</mi></math>",
  "<svg></p>x",
  "<svg><desc><b>x</b></desc></svg>",
  "<b><svg></b>x",
  "<select><option>x</option></select>",
  "<!DOCTYPE html>x",
  "<script><!--<script></script>--></script>",
  "<pre>&#10;x</pre>",
  "<h1><h2>x</h2></h1>",
  "<nobr>x</nobr>",
  "<image src=https://ok.test/a.png>",
  "<plaintext>x",
  "<!-- unterminated",
  "<b unterminated",
  "<script>unterminated"
]

describe("the tree-free path equals the parse5 path", () => {
  it.each(inside)("takes %j and agrees", (body) => {
    expect(agree(body)).toBe(true)
  })

  it.each(outside)("leaves %j to parse5", (body) => {
    for (const policy of [Html.drift, Html.intercom]) expect(Engine.sanitizeTreeFree(body, policy)).toBeUndefined()
    agree(body)
  })

  it("agrees inside every context: each body nested in inline, block, list and table contexts", () => {
    const contexts: ReadonlyArray<readonly [string, string]> = [
      ["<b>", "</b>"],
      ["<div>", "</div>"],
      ["<ul><li>", "</li></ul>"],
      ["<table><tr><td>", "</td></tr></table>"],
      ["<blockquote><em>", "</em></blockquote>"],
      ["x ", " y"]
    ]
    let taken = 0
    for (const body of [...inside, ...outside]) {
      for (const [open, close] of contexts) if (agree(open + body + close)) taken++
    }
    expect(taken).toBeGreaterThan(inside.length * 3)
  })
})

describe("the common references decode as the entities decoder does", () => {
  it("every numeric reference below U+110000 (decimal and hex), and the listed names, in text and attributes", () => {
    const refs: Array<string> = ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;", "&nbsp;", "&euro;", "&mdash;", "&ndash;"]
    refs.push("&hellip;", "&copy;", "&reg;", "&trade;", "&lsquo;", "&rsquo;", "&ldquo;", "&rdquo;", "&pound;")
    refs.push("&middot;", "&bull;", "&#0039;", "&#x0041;", "&#X41;", "&#00000065;", "&#x;", "&#;", "&amp", "&ampx;")
    for (let cp = 0; cp < 0x110000; cp += cp < 0x10000 ? 1 : 97) refs.push(`&#${cp};`, `&#x${cp.toString(16)};`)
    for (const ref of refs) {
      for (const body of [ref, `a${ref}b`, `${ref}=x`, `${ref}${ref}`]) {
        expect(Text.decodeReferences(body, decodeHTML), body).toBe(decodeHTML(body))
        expect(Text.decodeReferences(body, decodeHTMLAttribute), body).toBe(decodeHTMLAttribute(body))
      }
    }
  })
})

describe("plain http(s) URLs serialize as the WHATWG URL parser does", () => {
  it("generated URLs at the edges of the plain subset: the shortcut equals URL.parse(x).href whenever it answers", () => {
    const parts = [
      "http://",
      "https://",
      "HTTPS://",
      "https:",
      "a",
      "example",
      ".",
      "..",
      "-",
      "com",
      "1",
      "0x7f",
      "xn--",
      "xn--a",
      "/",
      "//",
      "/./",
      "/../",
      "?",
      "&",
      "=",
      "#",
      "%2e",
      "%",
      ":",
      "443",
      "@",
      "\\",
      " ",
      "\t",
      "^",
      "|",
      "'",
      "\"",
      "`",
      "{",
      "[",
      "é",
      "~",
      "!",
      "$",
      "(",
      "*",
      ",",
      ";",
      "+"
    ]
    let answered = 0
    let seed = 1
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff)
    for (let k = 0; k < 200_000; k++) {
      let raw = k % 2 === 0 ? "https://" : "http://"
      const len = next() % 9
      for (let j = 0; j < len; j++) raw += parts[next() % parts.length]!
      const fast = Policy.simpleHttpUrl(raw)
      if (fast === undefined) continue
      answered++
      expect(fast, raw).toBe(URL.parse(raw)?.href)
    }
    for (const raw of ["https://example.com", "https://docs.example.com/pricing/30312?utm_source=chat&ref=776"]) {
      expect(Policy.simpleHttpUrl(raw)).toBe(URL.parse(raw)!.href)
    }
    expect(answered).toBeGreaterThan(500)
  })
})
