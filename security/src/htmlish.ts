/**
 * A structure-aware generator of HTML-like input, for fast-check: nested elements with attributes (allowed,
 * dangerous, raw-text, foreign-content and made-up tags, in any case), closing tags that match, mismatch or are
 * missing, character references of every kind, comments, CDATA, processing instructions, doctypes, raw tokens of
 * the tokenizer (`</script` variants, `<!--`, `]]>`, quotes, `=`), and text: words, long runs, whitespace, NUL,
 * CR, form feeds, private-use characters (and references to them), lone surrogates and random code units.
 *
 * It is aimed at the sanitizer's fast paths (`packages/schema/src/internal/html*.ts`): the no-markup path that
 * skips the parser when no `<` or `&` starts markup, and the tree-free path, which must write what the parse5 path
 * writes.
 */
import * as fc from "fast-check"

const ALLOWED = ["a", "b", "i", "em", "strong", "code", "pre", "p", "br", "ul", "ol", "li", "img", "div", "span"]
const RAW_TEXT = [
  "script",
  "style",
  "textarea",
  "title",
  "xmp",
  "iframe",
  "noembed",
  "noframes",
  "noscript",
  "plaintext"
]
const MODAL = ["svg", "math", "select", "template"]
const OTHER = [
  "table",
  "tbody",
  "tr",
  "td",
  "th",
  "caption",
  "colgroup",
  "col",
  "form",
  "option",
  "optgroup",
  "frameset",
  "mglyph",
  "malignmark",
  "mtext",
  "mi",
  "annotation-xml",
  "foreignObject",
  "desc",
  "image",
  "input",
  "button",
  "object",
  "embed",
  "base",
  "link",
  "meta",
  "font",
  "nobr",
  "u",
  "s",
  "small",
  "h1",
  "h6",
  "body",
  "html",
  "head",
  "details",
  "blockquote",
  "listing",
  "dd",
  "hr",
  "frame",
  "isindex",
  "keygen"
]

const randomCase = (s: string): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constant(s) },
    { weight: 1, arbitrary: fc.constant(s.toUpperCase()) },
    {
      weight: 1,
      arbitrary: fc.array(fc.boolean(), { minLength: s.length, maxLength: s.length }).map((flags) =>
        Array.from(s, (c, i) => (flags[i] ? c.toUpperCase() : c)).join("")
      )
    }
  )

/** Tag names: allowed, raw-text, foreign/modal, others, made-up. */
export const tagName: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...ALLOWED).chain(randomCase) },
  { weight: 3, arbitrary: fc.constantFrom(...RAW_TEXT).chain(randomCase) },
  { weight: 3, arbitrary: fc.constantFrom(...MODAL).chain(randomCase) },
  { weight: 3, arbitrary: fc.constantFrom(...OTHER).chain(randomCase) },
  { weight: 1, arbitrary: fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9:-]{0,8}$/) }
)

const SPECIAL_CHARS = [
  "\u0000",
  "\r",
  "\r\n",
  "\n",
  "\t",
  "\f",
  " ",
  "\u00a0",
  "\ufeff",
  "\u2028",
  "\uE000",
  "\uE001",
  "\uE002",
  "\uF8FF",
  "\ud800",
  "\udc00",
  "\udfff",
  "\ud83d\ude00",
  "<",
  ">",
  "&",
  "\"",
  "'",
  "=",
  "/",
  "`",
  "-",
  "!",
  "?",
  "]",
  ";",
  "#"
]

const REFERENCES = [
  "&amp;",
  "&amp",
  "&lt;",
  "&lt",
  "&gt;",
  "&quot;",
  "&quot",
  "&apos;",
  "&nbsp;",
  "&nbsp",
  "&notin;",
  "&noti",
  "&not",
  "&#65;",
  "&#x41;",
  "&#x41",
  "&#0;",
  "&#xD800;",
  "&#xDFFF;",
  "&#1114112;",
  "&#x110000;",
  "&#x0D;",
  "&#13;",
  "&#x09;",
  "&#x0A;",
  "&#58;",
  "&#x3a",
  "&colon;",
  "&Tab;",
  "&NewLine;",
  "&#60;",
  "&#x3C;script&#x3E;",
  "&#128;",
  "&;",
  "& ",
  "&#",
  "&#x",
  "&#xZ;",
  // references to the private-use characters an earlier pre-scan used as in-band markers
  "&#xE000;",
  "&#xE001;",
  "&#xE002;&#xE000;",
  "&#57344;&#57345;",
  "&#xF8FF;",
  "&unknownentity;",
  "&AMP;",
  "&LT"
]

const RAW_TOKENS = [
  "<",
  "</",
  ">",
  "/>",
  "</>",
  "<!--",
  "-->",
  "--!>",
  "<!-->",
  "<!--->",
  "<!---",
  "<![CDATA[",
  "]]>",
  "<?",
  "<?xml version=\"1.0\"?>",
  "<!DOCTYPE html>",
  "<!",
  "<! x>",
  "</ x>",
  "</3",
  "<3",
  "< b>",
  "<=",
  "</script",
  "</script>",
  "</SCRIPT >",
  "</script/",
  "</script\t",
  "</script\n>",
  "</scriptx>",
  "</scr",
  "<!--<script>",
  "</style>",
  "</style ",
  "</textarea>",
  "</title>",
  "</TiTlE>",
  "</xmp>",
  "</noscript>",
  "</iframe>",
  "</noembed>",
  "</plaintext>",
  "</svg>",
  "</math>",
  "</select>",
  "</template>",
  "</table>",
  "</p>",
  "</a>",
  "</b>",
  "</li>",
  "</pre>",
  "<br/>",
  "</br>",
  "<p>",
  "<li>",
  "<a href=https://ok.test/>",
  "<img src=https://ok.test/a.png>",
  "\"",
  "'",
  "=",
  "`"
]

const WORDS = ["hello", "world", "Fish", "chips", "x", "ok", "alert(1)", "lorem ipsum dolor", "日本語", "émoji 😀"]

/** A long run of literal characters (the elision threshold is 12), possibly with whitespace at both ends. */
const longRun: fc.Arbitrary<string> = fc.tuple(
  fc.constantFrom("", " ", "\n", "  \t"),
  fc.string({ minLength: 10, maxLength: 80, unit: fc.constantFrom(..."abcdefgh ijklmnop.,:;()[]{}ÿé-") }),
  fc.constantFrom("", " ", "\n", "\t ")
).map(([a, b, c]) => a + b + c)

/** Text, as it may appear between tags. */
export const text: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...WORDS) },
  { weight: 3, arbitrary: longRun },
  { weight: 3, arbitrary: fc.constantFrom(...SPECIAL_CHARS) },
  { weight: 3, arbitrary: fc.constantFrom(...REFERENCES) },
  { weight: 1, arbitrary: fc.string({ maxLength: 8, unit: "binary" }) },
  {
    weight: 1,
    arbitrary: fc.string({
      maxLength: 8,
      unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c))
    })
  },
  {
    weight: 1,
    arbitrary: fc.string({ maxLength: 6, unit: fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)) })
  }
)

const URLS = [
  "https://ok.test/",
  "https://ok.test/a?b=1&c=2",
  "https://ok.test/a?b=1&amp;c=2",
  "HTTPS://OK.TEST",
  " https://ok.test/ ",
  "http://x.test/a.png",
  "mailto:someone@ok.test",
  "javascript:alert(1)",
  "JaVaScRiPt:alert(1)",
  "java\tscript:alert(1)",
  "java&#x09;script:alert(1)",
  "&#106;avascript:alert(1)",
  "javascript&colon;alert(1)",
  "\u0001javascript:alert(1)",
  "vbscript:msgbox(1)",
  "data:text/html,<script>alert(1)</script>",
  "data:image/png;base64,AAAA",
  "//evil.test/x",
  "/relative",
  "https:",
  "https://ok.test/\"onmouseover=\"alert(1)",
  "ht&#x0A;tps://ok.test/"
]

const ATTRIBUTE_NAMES = [
  "href",
  "src",
  "alt",
  "title",
  "HREF",
  "onclick",
  "onerror",
  "onload",
  "style",
  "type",
  "TYPE",
  "encoding",
  "xlink:href",
  "xmlns",
  "xmlns:xlink",
  "class",
  "id",
  "srcdoc",
  "formaction",
  "action",
  "data-x",
  "color",
  "face",
  "size",
  "=",
  "\"",
  "/"
]

const attributeValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...URLS) },
  { weight: 1, arbitrary: fc.constantFrom("hidden", "text/html", "application/xhtml+xml", "TEXT/HTML", "red") },
  { weight: 3, arbitrary: fc.array(text, { maxLength: 4 }).map((parts) => parts.join("")) },
  {
    weight: 2,
    arbitrary: fc.tuple(fc.constantFrom(...URLS), longRun, fc.constantFrom(...REFERENCES)).map((p) => p.join(""))
  }
)

/** One attribute, quoted with `"`, `'` or not at all, or just a name. */
export const attribute: fc.Arbitrary<string> = fc.tuple(
  fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom(...ATTRIBUTE_NAMES) },
    { weight: 1, arbitrary: fc.stringMatching(/^[a-zA-Z:-]{1,8}$/) }
  ),
  fc.constantFrom("\"", "'", "", "none"),
  attributeValue,
  fc.constantFrom(" ", " ", " ", " ", "\n", "\t", "/", "\f", "")
).map(([name, quote, value, sep]) => {
  if (quote === "none") return `${sep}${name}`
  if (quote === "") return `${sep}${name}=${value.replace(/[\s>]/g, "")}`
  return `${sep}${name}=${quote}${value.split(quote).join("")}${quote}`
})

/** How an element is closed. */
const closing = fc.constantFrom("proper", "proper", "proper", "none", "mismatched", "upper", "spaced", "unterminated")

interface Tree {
  readonly node: string
  readonly nodes: string
}

const trees = fc.letrec<Tree>((tie) => ({
  node: fc.oneof(
    { depthIdentifier: "html", maxDepth: 6 },
    { weight: 4, arbitrary: text },
    { weight: 2, arbitrary: fc.constantFrom(...RAW_TOKENS) },
    {
      weight: 6,
      arbitrary: fc.tuple(tagName, fc.array(attribute, { maxLength: 4 }), fc.boolean(), tie("nodes"), closing, tagName)
        .map(([tag, attributes, selfClosing, children, close, other]) => {
          const open = `<${tag}${attributes.join("")}${selfClosing ? " /" : ""}>`
          switch (close) {
            case "none":
              return open + children
            case "mismatched":
              return `${open}${children}</${other}>`
            case "upper":
              return `${open}${children}</${tag.toUpperCase()}>`
            case "spaced":
              return `${open}${children}</${tag} foo="bar" >`
            case "unterminated":
              return `${open}${children}</${tag}`
            default:
              return `${open}${children}</${tag}>`
          }
        })
    },
    {
      weight: 1,
      arbitrary: fc.tuple(
        fc.constantFrom("<!--", "<![CDATA[", "<?", "<!"),
        tie("nodes"),
        fc.constantFrom("-->", "]]>", ">", "--!>", "")
      )
        .map(([a, b, c]) => a + b + c)
    }
  ),
  nodes: fc.array(tie("node"), { depthIdentifier: "html", maxLength: 6 }).map((parts) => parts.join(""))
}))

/** An HTML-like body. */
export const htmlish: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: trees.nodes },
  // plain text bodies (the fast path), and long text with a little markup in it (elision)
  { weight: 1, arbitrary: fc.array(text, { maxLength: 20 }).map((parts) => parts.join("")) },
  {
    weight: 1,
    arbitrary: fc.tuple(longRun, trees.node, longRun, trees.node, longRun).map((parts) => parts.join(""))
  },
  // arbitrary code units
  { weight: 1, arbitrary: fc.string({ maxLength: 40, unit: "binary" }) }
)

// -----------------------------------------------------------------------------
// Bodies at the edges of the tree-free path's subset
// -----------------------------------------------------------------------------

const SUBSET_INLINE = ["b", "em", "i", "strong", "code", "u", "s", "span", "sub", "font", "a", "o:p", "x-custom"]
const SUBSET_BLOCK = ["p", "div", "blockquote", "pre", "h1", "h3", "section", "center", "listing"]
const SUBSET_RAW = ["script", "style", "textarea", "title", "noscript", "iframe", "xmp"]
const SUBSET_VOID = ["br", "img", "hr", "wbr", "input", "meta"]
/** Containers the tree-free path parses but does not write (dropped whole), and form parts. */
const SUBSET_CONTAINERS = ["object", "applet", "template", "datalist", "form", "button", "label", "svg", "math", "svg"]
/** What breaks the subset (each must send the body to parse5, which must agree). */
const SUBSET_BREAKERS = [
  "</b>",
  "</p>",
  "</div>",
  "</br>",
  "</table>",
  "</tr>",
  "<p>",
  "<li>",
  "<dd>",
  "<tr>",
  "<td>",
  "<table>",
  "<caption>",
  "<a href=https://ok.test/>",
  "<h2>",
  "<svg>",
  "<math>",
  "<template>",
  "<form>",
  "<button>",
  "<select>",
  "<nobr>",
  "<image>",
  "<plaintext>",
  "<!DOCTYPE html>",
  "<!doctype x>",
  "\u0000",
  "\r",
  "\r\n",
  "<script><!--",
  "<pre>&#10;",
  "</>",
  "</ x>",
  "<?pi>",
  "<!x>",
  "<![CDATA[x]]>",
  "<!-->",
  "<!--->",
  "<!-- a --!>",
  "<!-- a --->",
  "<!--",
  "<b",
  "<a href=\"",
  // Tokens the tree builder ignores in body (the text around them stays one node), and end tags that may be stray.
  "<body onload=x>",
  "<html lang=x>",
  "<head>",
  "<frameset>",
  "<col>",
  "</h2>",
  "</h1>",
  "</form>",
  "</template>",
  "</button>",
  "</object>",
  "</td>",
  "</body>",
  "</html>",
  "</x-custom>",
  "</li>",
  "</script>",
  "<a href=https://ok.test/n>nested</a>",
  // Foreign content (inside svg and math): self-closing tags, foreign end tags, integration points, breakouts.
  "<circle r=1/>",
  "<path d=x>",
  "</path>",
  "</svg>",
  "<svg/>",
  "<font color=red>",
  "<font>",
  "<mtext>",
  "<desc>",
  "<style>",
  "<script>x</script>"
]

const SUBSET_ATTRS: fc.Arbitrary<string> = fc.array(
  fc.tuple(
    fc.constantFrom("href", "HREF", "src", "alt", "title", "class", "onclick", "=x", "a\"b", "x<y", "alt"),
    fc.constantFrom(
      "",
      "=https://ok.test/p?a=1&amp;b=2",
      "='https://ok.test/q'",
      "=\"mailto:x@ok.test\"",
      "=https://ok.test/&copy=1&not",
      "=\"java&#x09;script:alert(1)\"",
      "=\"a > b\"",
      "='it\"s'",
      "=\"&#xE000;&#xE001;\"",
      "=\"x&amp\"",
      "=x&ampy",
      "= spaced ",
      "=\"https://ok.test/a.png\"",
      "=\"java\u0000script:alert(1)\"",
      "=https://ok.test/\u0000x",
      "=\"&amp\u0000x\""
    )
  ).map(([n, v]) => ` ${n}${v}`),
  { maxLength: 3 }
).map((parts) => parts.join("") + (parts.length > 0 && parts[0]!.length % 3 === 0 ? " /" : ""))

const SUBSET_TEXT: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...WORDS) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      " ",
      "\n",
      "\n\n",
      "\t",
      "  ",
      "a < b",
      "5 > 3",
      "&amp;",
      "&lt;b&gt;",
      "&nbsp;",
      "&#32;",
      "&#xE000;&#xE002;",
      "&copy",
      "&notit;",
      "&am</>p;",
      "x</>y",
      "&",
      "\"q\"",
      "<3",
      "<!---->",
      "<!-- c -->",
      "a\u0000b",
      "&am\u0000p;",
      "\r\n",
      "x\ry"
    )
  }
)

/** Properly nested bodies inside the tree-free path's subset, with now and then a construct that leaves it. */
const subsetTrees = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    { weight: 5, arbitrary: SUBSET_TEXT },
    {
      weight: 3,
      arbitrary: fc.tuple(fc.constantFrom(...SUBSET_INLINE, ...SUBSET_BLOCK), SUBSET_ATTRS, tie("nodes"), fc.boolean())
        .map(([t, attrs, children, upper]) => `<${upper ? t.toUpperCase() : t}${attrs}>${children}</${t}>`)
    },
    {
      weight: 1,
      arbitrary: fc.tuple(fc.constantFrom("ul", "ol"), fc.array(tie("nodes"), { maxLength: 3 })).map(([t, items]) =>
        `<${t}>${items.map((x) => `<li>${x}</li>`).join("\n")}</${t}>`
      )
    },
    {
      weight: 1,
      arbitrary: fc.tuple(
        fc.constantFrom("<table>", "<table border=0>"),
        fc.constantFrom("", "<tbody>", "\n<tbody>"),
        fc.constantFrom("", "<tr>", "\n <tr>"),
        fc.array(tie("nodes"), { minLength: 1, maxLength: 3 }),
        fc.constantFrom("</tr></tbody></table>", "</table>", "</tr></table>", "</tbody></table>")
      ).map(([open, body, row, cells, close]) =>
        `${open}${body}${row}${cells.map((c) => `<td>${c}</td>`).join("")}${close}`
      )
    },
    {
      weight: 1,
      arbitrary: fc.tuple(
        fc.constantFrom(...SUBSET_RAW),
        fc.constantFrom("x", "<b>x</b>", "a </scriptx> b", ""),
        fc
          .constantFrom(">", " >", "/>", " x=\">\">")
      ).map(([t, inner, end]) => `<${t}>${inner}</${t}${end}`)
    },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...SUBSET_VOID), SUBSET_ATTRS).map(([t, a]) => `<${t}${a}>`) },
    {
      weight: 1,
      arbitrary: fc.tuple(fc.constantFrom(...SUBSET_CONTAINERS), SUBSET_ATTRS, tie("nodes"), fc.boolean()).map((
        [t, attrs, children, closed]
      ) => `<${t}${attrs}>${children}${closed ? `</${t}>` : ""}`)
    },
    { weight: 1, arbitrary: fc.constantFrom("<pre>\nx</pre>", "<pre>\n\nx</pre>", "<listing>\ny</listing>") },
    { weight: 1, arbitrary: fc.constantFrom(...SUBSET_BREAKERS) }
  ),
  nodes: fc.array(tie("node"), { depthIdentifier: "subset", maxLength: 5 }).map((parts) => parts.join(""))
}))

/** A body aimed at the edges of the tree-free path's subset (properly nested, with some constructs outside it). */
export const subsetish: fc.Arbitrary<string> = subsetTrees.nodes
