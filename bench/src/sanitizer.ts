/**
 * Sanitizer: `Html.sanitize` (parse5 + allow-list walk) against sanitize-html (htmlparser2) and DOMPurify (on a
 * jsdom window), configured to the same allow-list, on the realistic and hostile corpora, with two floors: parse5
 * parsing alone, and `JSON.parse` of the same bodies as one JSON array of strings.
 *
 * Every library's output is parsed again by parse5 and checked against the allow-list: elements `b`, `em`, `a`
 * only (HTML namespace), no attribute but `href` on `a`, `href` an absolute URL with scheme http, https or
 * mailto, no comments.
 */
import { Html } from "@parley/schema"
import createDOMPurify from "dompurify"
import { JSDOM } from "jsdom"
import { type DefaultTreeAdapterTypes, parseFragment } from "parse5"
import sanitizeHtml from "sanitize-html"
import * as Corpus from "./corpus.ts"
import * as Harness from "./harness.ts"
import { type Options, passSettings, type Section } from "./options.ts"
import * as Report from "./report.ts"

// -----------------------------------------------------------------------------
// The competitors, configured to Parley's Drift policy
// -----------------------------------------------------------------------------

/** The elements whose content Parley drops whole: sanitize-html drops the text of the same ones. */
const DROP_CONTENT = [...Html.droppedElements]

/** sanitize-html, as close to `Html.drift` as its options allow (differences in the README). */
export const sanitizeHtmlOptions: sanitizeHtml.IOptions = {
  allowedTags: ["b", "em", "a"],
  allowedAttributes: { a: ["href"] },
  allowedSchemes: ["http", "https", "mailto"],
  allowedSchemesAppliedToAttributes: ["href"],
  allowProtocolRelative: false,
  // Disallowed tags are removed and their text kept, except the content of these.
  disallowedTagsMode: "discard",
  nonTextTags: DROP_CONTENT
}

/** DOMPurify's configuration, as briefed: the same tags, `href`, and a scheme allow-list for URLs. */
export const domPurifyConfig = {
  ALLOWED_TAGS: ["b", "em", "a"],
  ALLOWED_ATTR: ["href"],
  ALLOWED_URI_REGEXP: /^(?:https?|mailto):/i
}

interface Library {
  readonly name: string
  readonly sanitize: (html: string) => string
  /** Let the event loop turn every this many bodies (see {@link DOMPURIFY_YIELD_EVERY}). */
  readonly yieldEvery?: number
}

/**
 * How many bodies DOMPurify sanitizes before the benchmark lets the event loop turn. jsdom keeps every document
 * it parses alive through `WeakRef`s until the current job ends (the `KeepDuringJob` set of the WeakRef spec), so
 * one long synchronous loop over thousands of bodies grows the heap by hundreds of MB and slows down with it
 * (the "leak" of cure53/DOMPurify#1089 and kkomelin/isomorphic-dompurify#368). A server sanitizing one message
 * per request never sees that; yielding every 100 bodies keeps the benchmark as fair. The yield (one
 * `setImmediate`) is inside DOMPurify's timed passes and costs well under 0.1% of them.
 */
export const DOMPURIFY_YIELD_EVERY = 100

/** DOMPurify on one jsdom window (DOMPurify's documented set-up for Node). */
const domPurify = (): { readonly sanitize: (html: string) => string; readonly close: () => void } => {
  const window = new JSDOM("").window
  // jsdom's window is what DOMPurify documents for Node; its types differ from lib.dom's `Window`.
  const purify = createDOMPurify(window as unknown as Parameters<typeof createDOMPurify>[0])
  return { sanitize: (html) => purify.sanitize(html, domPurifyConfig), close: () => window.close() }
}

const sanitizeHtmlDrift = (html: string): string => sanitizeHtml(html, sanitizeHtmlOptions)

const libraries = (purify: ReturnType<typeof domPurify>): ReadonlyArray<Library> => [
  { name: "Parley `Html.sanitize`", sanitize: (html) => Html.sanitize(html) },
  { name: "sanitize-html", sanitize: sanitizeHtmlDrift },
  { name: "DOMPurify + jsdom", sanitize: purify.sanitize, yieldEvery: DOMPURIFY_YIELD_EVERY }
]

// -----------------------------------------------------------------------------
// The allow-list check
// -----------------------------------------------------------------------------

const HTML_NS = "http://www.w3.org/1999/xhtml"
const ALLOWED_ELEMENTS = new Set(["b", "em", "a"])
const ALLOWED_SCHEMES = new Set(["http:", "https:", "mailto:"])

/** The ways an output can break the allow-list. */
export const VIOLATIONS = ["element", "attribute", "scheme", "relative-href", "comment"] as const
export type Violation = (typeof VIOLATIONS)[number]

const VIOLATION_DESCRIPTIONS: Record<Violation, string> = {
  "element": "an element other than b, em, a (or not in the HTML namespace)",
  "attribute": "an attribute other than `href` on `a`",
  "scheme": "an `href` with a scheme other than http, https, mailto",
  "relative-href": "an `href` without a scheme (relative or protocol-relative)",
  "comment": "a comment"
}

type Node = DefaultTreeAdapterTypes.ChildNode | DefaultTreeAdapterTypes.DocumentFragment

/** The allow-list violations in one sanitized output, as parse5 reads it. */
export const violations = (output: string): Set<Violation> => {
  const found = new Set<Violation>()
  const stack: Array<Node> = [parseFragment(output)]
  while (stack.length > 0) {
    const node = stack.pop()!
    if (node.nodeName === "#comment") found.add("comment")
    if ("tagName" in node) {
      if (!ALLOWED_ELEMENTS.has(node.tagName) || node.namespaceURI !== HTML_NS) found.add("element")
      for (const attr of node.attrs) {
        if (node.tagName !== "a" || attr.name !== "href" || attr.namespace !== undefined) {
          found.add("attribute")
          continue
        }
        const url = URL.parse(attr.value)
        if (url === null) found.add("relative-href")
        else if (!ALLOWED_SCHEMES.has(url.protocol)) found.add("scheme")
      }
      if (node.tagName === "template" && "content" in node) stack.push(node.content)
    }
    if ("childNodes" in node) { for (const child of node.childNodes) stack.push(child) }
  }
  return found
}

const checkAll = async (library: Library, bodies: ReadonlyArray<string>) => {
  const byKind: Record<Violation, number> = {
    "element": 0,
    "attribute": 0,
    "scheme": 0,
    "relative-href": 0,
    "comment": 0
  }
  let bodiesWithViolations = 0
  let example: { input: string; output: string } | undefined
  for (let i = 0; i < bodies.length; i++) {
    if (i % 100 === 99) await Harness.nextTurn()
    const body = bodies[i]!
    const output = library.sanitize(body)
    const found = violations(output)
    if (found.size > 0) {
      bodiesWithViolations++
      example ??= { input: body, output }
      for (const v of found) byKind[v]++
    }
  }
  return { bodiesWithViolations, byKind, example }
}

// -----------------------------------------------------------------------------
// The benchmark
// -----------------------------------------------------------------------------

interface Row {
  readonly name: string
  readonly role: "parley" | "competitor" | "floor"
  readonly medianPassMs: number
  readonly rme: number
  readonly passes: number
  readonly messagesPerSecond: number
  readonly megabytesPerSecond: number
  readonly p50Ms: number
  readonly p99Ms: number
  /**
   * How many times faster Parley is: this row's time over Parley's, round by round (the two interleaved in each
   * round), as the median of those per-round ratios with their min and max. The corpus table, the headline and the
   * targets all read this one value.
   */
  readonly speedup: Harness.Ratio
  readonly violations?: Awaited<ReturnType<typeof checkAll>> | undefined
}

const runCorpus = async (corpus: Corpus.Corpus, options: Options) => {
  const bodies = corpus.bodies
  const bytes = Corpus.byteSize(bodies)
  const json = JSON.stringify(bodies)
  const perBodyJson = bodies.map((b) => JSON.stringify(b))
  const purify = domPurify()
  const libs = libraries(purify)
  let sink = 0
  const tasks: Array<Harness.Task> = [
    ...libs.map((lib) => ({
      name: lib.name,
      fn: lib.yieldEvery === undefined
        ? () => {
          for (let i = 0; i < bodies.length; i++) sink += lib.sanitize(bodies[i]!).length
          return sink
        }
        : async () => {
          const every = lib.yieldEvery!
          for (let i = 0; i < bodies.length; i++) {
            sink += lib.sanitize(bodies[i]!).length
            if (i % every === every - 1) await Harness.nextTurn()
          }
          return sink
        }
    })),
    {
      name: "floor: parse5 `parseFragment`",
      fn: () => {
        for (let i = 0; i < bodies.length; i++) sink += parseFragment(bodies[i]!).childNodes.length
        return sink
      }
    },
    {
      name: "floor: `JSON.parse` (one array)",
      fn: () => {
        sink += (JSON.parse(json) as Array<string>).length
        return sink
      }
    }
  ]
  options.log(`sanitizer: ${corpus.name} corpus, ${bodies.length} bodies, ${Report.num(bytes / 1e6, 2)} MB: timing`)
  const timings = await Harness.run(tasks, passSettings(options))
  options.log(`sanitizer: ${corpus.name}: per-message latency`)
  const cycles = 1
  const latencies = new Map<string, Harness.Latency>()
  for (const lib of libs) latencies.set(lib.name, await Harness.latency(lib.name, bodies, lib.sanitize, cycles))
  latencies.set(tasks[3]!.name, await Harness.latency("parse5", bodies, (b) => parseFragment(b), cycles))
  latencies.set(tasks[4]!.name, await Harness.latency("JSON.parse", perBodyJson, (b) => JSON.parse(b), cycles))
  options.log(`sanitizer: ${corpus.name}: allow-list check`)
  const checks = new Map<string, Awaited<ReturnType<typeof checkAll>>>()
  for (const lib of libs) checks.set(lib.name, await checkAll(lib, bodies))
  purify.close()
  const parleyTiming = timings.get(libs[0]!.name)!
  const rows: Array<Row> = tasks.map((task, i) => {
    const t = timings.get(task.name)!
    const l = latencies.get(task.name)!
    return {
      name: task.name,
      role: i === 0 ? "parley" : i < libs.length ? "competitor" : "floor",
      medianPassMs: t.median,
      rme: t.rme,
      passes: t.samples,
      messagesPerSecond: bodies.length / (t.median / 1000),
      megabytesPerSecond: bytes / 1e6 / (t.median / 1000),
      p50Ms: l.p50,
      p99Ms: l.p99,
      speedup: Harness.ratio(t, parleyTiming),
      violations: checks.get(task.name)
    }
  })
  return { bytes, rows, sink }
}

interface KindRow {
  readonly kind: Corpus.Kind
  readonly bodies: number
  readonly parleyUs: number
  readonly sanitizeHtmlUs: number
  readonly parse5Us: number
  /** sanitize-html's time over Parley's: median of the per-round ratios, with min and max. */
  readonly speedup: Harness.Ratio
  /** The share of Parley's time on the whole corpus this kind takes. */
  readonly parleyShare: number
  /** Parley's and sanitize-html's median time per message in each round (µs), for ratios of mixes round by round. */
  readonly parleyRoundsUs: ReadonlyArray<number>
  readonly sanitizeHtmlRoundsUs: ReadonlyArray<number>
}

/** Parley, sanitize-html and parse5 on each kind of body of `corpus` alone (µs per message, medians). */
const byKind = async (corpus: Corpus.Corpus, options: Options): Promise<ReadonlyArray<KindRow>> => {
  const groups = Corpus.composition(corpus).map((c) => ({
    kind: c.kind,
    bodies: corpus.bodies.filter((_, i) => corpus.kinds[i] === c.kind)
  }))
  let sink = 0
  const pass = (bodies: ReadonlyArray<string>, f: (html: string) => unknown) => () => {
    for (let i = 0; i < bodies.length; i++) sink += f(bodies[i]!) === undefined ? 0 : 1
    return sink
  }
  const tasks = groups.flatMap((g) => [
    { name: `${g.kind} parley`, fn: pass(g.bodies, (html) => Html.sanitize(html)) },
    { name: `${g.kind} sanitize-html`, fn: pass(g.bodies, sanitizeHtmlDrift) },
    { name: `${g.kind} parse5`, fn: pass(g.bodies, (html) => parseFragment(html)) }
  ])
  options.log(`sanitizer: ${corpus.name}: by kind (${tasks.length} tasks)`)
  const timings = await Harness.run(tasks, passSettings(options))
  const us = (name: string, n: number) => (timings.get(name)!.median * 1000) / n
  const roundsUs = (name: string, n: number) => timings.get(name)!.rounds.map((ms) => (ms * 1000) / n)
  const rows = groups.map((g) => {
    const parleyUs = us(`${g.kind} parley`, g.bodies.length)
    const sanitizeHtmlUs = us(`${g.kind} sanitize-html`, g.bodies.length)
    return {
      kind: g.kind,
      bodies: g.bodies.length,
      parleyUs,
      sanitizeHtmlUs,
      parse5Us: us(`${g.kind} parse5`, g.bodies.length),
      speedup: Harness.ratio(timings.get(`${g.kind} sanitize-html`)!, timings.get(`${g.kind} parley`)!),
      parleyShare: 0,
      parleyRoundsUs: roundsUs(`${g.kind} parley`, g.bodies.length),
      sanitizeHtmlRoundsUs: roundsUs(`${g.kind} sanitize-html`, g.bodies.length)
    }
  })
  const total = rows.reduce((t, r) => t + r.parleyUs * r.bodies, 0)
  return rows.map((r) => ({ ...r, parleyShare: (r.parleyUs * r.bodies) / total }))
}

/**
 * The speed ratio a mix of kinds would give, from per-kind times: `mix` maps kinds to weights. Computed round by
 * round (each round's per-kind medians), summarised like every other ratio: the median of the rounds, min and max.
 */
const mixRatio = (rows: ReadonlyArray<KindRow>, mix: Partial<Record<Corpus.Kind, number>>): Harness.Ratio => {
  const rounds = rows[0]?.parleyRoundsUs.length ?? 0
  const ratios: Array<number> = []
  for (let round = 0; round < rounds; round++) {
    let parley = 0
    let sh = 0
    for (const r of rows) {
      const w = mix[r.kind] ?? 0
      parley += w * r.parleyRoundsUs[round]!
      sh += w * r.sanitizeHtmlRoundsUs[round]!
    }
    ratios.push(sh / parley)
  }
  ratios.sort((a, b) => a - b)
  const mid = (ratios.length - 1) / 2
  return {
    median: (ratios[Math.floor(mid)]! + ratios[Math.ceil(mid)]!) / 2,
    min: ratios[0]!,
    max: ratios[ratios.length - 1]!,
    rounds
  }
}

const kindTable = (rows: ReadonlyArray<KindRow>): string =>
  Report.table(
    [
      "kind",
      "bodies",
      "Parley / message",
      "sanitize-html / message",
      "parse5 alone / message",
      "Parley speed ÷ sanitize-html",
      "share of Parley's time"
    ],
    rows.map((r) => [
      r.kind,
      Report.num(r.bodies),
      Report.duration(r.parleyUs / 1000),
      Report.duration(r.sanitizeHtmlUs / 1000),
      Report.duration(r.parse5Us / 1000),
      Report.ratioWithRange(r.speedup),
      `${(r.parleyShare * 100).toFixed(1)}%`
    ])
  )

const corpusTable = (rows: ReadonlyArray<Row>): string =>
  Report.table(
    ["", "messages/s", "MB/s", "p50 / message", "p99 / message", "Parley speed ÷ this", "bodies with violations"],
    rows.map((r) => [
      r.role === "parley" ? `**${r.name}**` : r.name,
      Report.num(r.messagesPerSecond),
      Report.num(r.megabytesPerSecond, 1),
      Report.duration(r.p50Ms),
      Report.duration(r.p99Ms),
      r.role === "parley"
        ? "1×"
        : Report.ratioWithRange(r.speedup),
      r.violations === undefined ? "—" : Report.num(r.violations.bodiesWithViolations)
    ])
  )

const compositionTable = (corpus: Corpus.Corpus): string => {
  const rows = Corpus.composition(corpus)
  const total = Corpus.byteSize(corpus.bodies)
  return Report.table(
    ["kind", "bodies", "share", "bytes share", "mean size", "what"],
    rows.map((r) => [
      r.kind,
      Report.num(r.count),
      `${(r.share * 100).toFixed(1)}%`,
      `${((r.bytes / total) * 100).toFixed(1)}%`,
      `${Report.num(r.bytes / r.count)} B`,
      Corpus.KIND_DESCRIPTIONS[r.kind]
    ]),
    ["l", "r", "r", "r", "r", "l"]
  )
}

const violationTable = (results: ReadonlyArray<{ corpus: string; rows: ReadonlyArray<Row> }>): string => {
  const rows: Array<Array<string>> = []
  for (const { corpus, rows: libRows } of results) {
    for (const r of libRows) {
      if (r.violations === undefined) continue
      rows.push([
        corpus,
        r.name,
        Report.num(r.violations.bodiesWithViolations),
        ...VIOLATIONS.map((v) => Report.num(r.violations!.byKind[v]))
      ])
    }
  }
  return Report.table(["corpus", "library", "bodies", ...VIOLATIONS], rows)
}

/** Runs the sanitizer benchmark. */
export const run = async (options: Options): Promise<Section> => {
  const size = options.quick ? 1000 : 10_000
  const corpora = [Corpus.realistic(size), Corpus.hostileCorpus(size)]
  const results: Array<{ corpus: Corpus.Corpus } & Awaited<ReturnType<typeof runCorpus>>> = []
  for (const corpus of corpora) results.push({ corpus, ...(await runCorpus(corpus, options)) })
  // Where the time goes on the realistic corpus (full runs only).
  const kinds = options.quick ? undefined : await byKind(corpora[0]!, options)
  const authorsMix = kinds === undefined ? undefined : mixRatio(kinds, { "plain": 90, "light-markup": 10 })
  const row = (i: number, name: string) => results[i]!.rows.find((r) => r.name === name)!
  const speedup = (i: number, name: string) => row(i, name).speedup.median
  const measured = (i: number, name: string) => Report.ratioWithRange(row(i, name).speedup)
  const parleyViolations = results.reduce((n, r) => n + r.rows[0]!.violations!.bodiesWithViolations, 0)
  const targetList: Array<Report.Target> = [
    {
      target: "≥ 5× sanitize-html, realistic corpus",
      measured: measured(0, "sanitize-html"),
      met: speedup(0, "sanitize-html") >= 5
    },
    {
      target: "no round below 4.5× sanitize-html, realistic corpus",
      measured: `${Report.ratio(row(0, "sanitize-html").speedup.min)} (lowest of ${
        row(0, "sanitize-html").speedup.rounds
      } rounds)`,
      met: row(0, "sanitize-html").speedup.min >= 4.5
    },
    {
      target: "≥ 3× sanitize-html, hostile corpus",
      measured: measured(1, "sanitize-html"),
      met: speedup(1, "sanitize-html") >= 3
    },
    {
      target: "zero allow-list violations (Parley, both corpora)",
      measured: String(parleyViolations),
      met: parleyViolations === 0
    }
  ]
  const markdown = [
    `### Sanitizer${options.quick ? " (quick: 1,000 bodies per corpus, fewer passes, no per-kind table)" : ""}`,
    "",
    ...results.flatMap((r) => [
      `**${r.corpus.name} corpus**: ${Report.num(r.corpus.bodies.length)} bodies, ${
        Report.num(r.bytes / 1e6, 2)
      } MB (UTF-8; MB/s counts these bytes for every row). messages/s and MB/s: median time of a pass over the ` +
      `whole corpus (${r.rows.map((row) => row.passes).reduce((a, b) => Math.min(a, b))} to ${
        r.rows.map((row) => row.passes).reduce((a, b) => Math.max(a, b))
      } passes per library); p50/p99: single messages, each timed once.`,
      "",
      compositionTable(r.corpus),
      "",
      corpusTable(r.rows),
      ""
    ]),
    ...(kinds === undefined ? [] : [
      "**Realistic corpus by kind of body** (each kind's bodies alone; medians per message):",
      "",
      kindTable(kinds),
      "",
      `Weighted to 90% \`plain\` / 10% \`light-markup\` (the mix the sanitizer's author measured), these per-kind ` +
      `times give **${Report.ratioWithRange(authorsMix!)}** sanitize-html's speed (derived round by round, not ` +
      `measured as one corpus).`,
      ""
    ]),
    "Allow-list violations (outputs re-parsed by parse5; bodies with at least one of each kind):",
    "",
    violationTable(results.map((r) => ({ corpus: r.corpus.name, rows: r.rows }))),
    "",
    Report.targets(targetList)
  ].join("\n")
  const data = {
    mode: options.quick ? "quick" : "full",
    date: new Date().toISOString(),
    violationKinds: VIOLATION_DESCRIPTIONS,
    corpora: results.map((r) => ({
      name: r.corpus.name,
      bodies: r.corpus.bodies.length,
      bytes: r.bytes,
      composition: Corpus.composition(r.corpus),
      rows: r.rows.map((row) => ({
        name: row.name,
        role: row.role,
        medianPassMs: row.medianPassMs,
        rmePercent: row.rme,
        passes: row.passes,
        messagesPerSecond: row.messagesPerSecond,
        megabytesPerSecond: row.megabytesPerSecond,
        p50Ms: row.p50Ms,
        p99Ms: row.p99Ms,
        parleySpeedup: row.speedup.median,
        parleySpeedupRange: { min: row.speedup.min, max: row.speedup.max, rounds: row.speedup.rounds },
        violations: row.violations === undefined
          ? undefined
          : {
            bodies: row.violations.bodiesWithViolations,
            byKind: row.violations.byKind,
            example: row.violations.example
          }
      }))
    })),
    byKind: kinds,
    derivedRatioAt90PlainTo10LightMarkup: authorsMix,
    targets: targetList
  }
  return { title: "sanitizer", markdown, data }
}

/** The composition tables of both corpora at the full size (for the README). */
export const compositionMarkdown = (size: number): string =>
  [Corpus.realistic(size), Corpus.hostileCorpus(size)].map((c) => `**${c.name}**\n\n${compositionTable(c)}`).join(
    "\n\n"
  )
