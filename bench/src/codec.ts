/**
 * Codec: decoding one `GET /conversations/list` page and one messages page (50 items each, the sandbox's seeded
 * wire JSON) with Parley's schemas, against the same shapes written by hand in zod 4 and valibot (what a user would
 * otherwise write), and against `JSON.parse` alone.
 *
 * Parley's `Drift.MessagesPage` sanitizes every body while decoding; the zod and valibot schemas do not, unless
 * they get the same `Html.sanitize` step (the "+ Html.sanitize" rows, the like-for-like comparison).
 *
 * Parley's rows use `Schema.decodeUnknownSync` as a user would: it reaches the compiled fast path that
 * `@parley/schema` registers for the wire pages (packages/schema/src/internal/compiled.ts). zod 4's own compiler
 * (`z.compile()`, zod >= 4.4) is measured beside `.parse` as the next anchor.
 *
 * Every ratio is the median of the per-round ratios (the rounds interleave the contenders), with the lowest and
 * highest single round.
 */
import { Drift, Html } from "@parley/schema"
import { DateTime, Schema } from "effect"
import * as v from "valibot"
import { z } from "zod"
import * as Corpus from "./corpus.ts"
import * as Harness from "./harness.ts"
import type { Options, Section } from "./options.ts"
import * as Report from "./report.ts"

/** The last millisecond of year 9999, Parley's upper bound for timestamps. */
const MAX_EPOCH_MILLIS = 253_402_300_799_999
const STATUSES = ["open", "closed", "pending", "bulk_sent"] as const
/** The message types Parley types (`chat`, `private_note`, ...); any other string is kept verbatim. */
const KNOWN_MESSAGE_TYPES = Drift.knownMessageTypes
const HEX_COLOR = /^#?(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$/

// -----------------------------------------------------------------------------
// zod 4
// -----------------------------------------------------------------------------

const zodSchemas = (sanitize: boolean) => {
  const Id = z.int().nonnegative() // z.int(): a safe integer, as Effect's `isInt`
  const Timestamp = z.int().min(0).max(MAX_EPOCH_MILLIS).transform((ms) => new Date(ms))
  // Drift.Cursor: a string, or a safe integer decoded to its decimal string; `null` read as no cursor.
  const Cursor = z.union([z.string(), z.int().transform((n) => String(n))])
  const Pagination = z.object({ more: z.boolean().optional(), next: Cursor.nullable().optional() })
  const Links = z.object({ self: z.string().nullable().optional(), next: z.string().nullable().optional() })
  const Conversation = z.object({
    id: Id,
    participants: z.array(Id).optional(),
    status: z.enum(STATUSES),
    contactId: Id,
    inboxId: Id,
    orgId: Id.optional(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    relatedPlaybookId: Id.optional(),
    conversationTags: z.array(z.object({ color: z.string().regex(HEX_COLOR), name: z.string() })).optional()
  })
  const Body = sanitize ? z.string().transform((body) => Html.sanitize(body)) : z.string()
  // Drift.MessageType, an open set: a known type, or any other string (checked not to be a known one).
  const MessageType = z.union([
    z.enum(KNOWN_MESSAGE_TYPES),
    z.string().refine((s) => !(KNOWN_MESSAGE_TYPES as ReadonlyArray<string>).includes(s))
  ])
  const Message = z.object({
    id: Id,
    orgId: Id,
    body: Body.optional(),
    author: z.discriminatedUnion("type", [
      z.object({ type: z.literal("contact"), id: Id, bot: z.boolean().optional() }),
      z.object({ type: z.literal("user"), id: Id, bot: z.boolean().optional() })
    ]),
    type: MessageType,
    conversationId: Id,
    createdAt: Timestamp,
    buttons: z.array(z.object({
      label: z.string(),
      value: z.string().optional(),
      type: z.literal("reply").optional(),
      style: z.enum(["primary", "danger"]).optional(),
      reaction: z.object({ type: z.enum(["replace", "delete"]), message: z.string().optional() }).optional()
    })).optional(),
    context: z.object({ ip: z.string().optional(), userAgent: z.string().optional() }).optional(),
    // An open record: the documented keys typed, every other key kept.
    attributes: z.looseObject({
      preMessages: z.unknown().optional(),
      developer_app_id: z.string().optional(),
      integrationSource: z.string().optional(),
      autoAssigneeId: Id.optional()
    }).optional(),
    attachments: z.array(z.object({ id: Id, fileName: z.string(), mimeType: z.string(), url: z.string() })).optional(),
    editedMessageId: Id.optional(),
    editType: z.string().optional()
  })
  return {
    ConversationsPage: z.object({
      data: z.array(Conversation),
      pagination: Pagination.optional(),
      links: Links.optional()
    }),
    MessagesPage: z.object({
      data: z.object({ messages: z.array(Message), pagination: Pagination.optional() }),
      pagination: Pagination.optional()
    })
  }
}

// -----------------------------------------------------------------------------
// valibot
// -----------------------------------------------------------------------------

const valibotSchemas = (sanitize: boolean) => {
  const Id = v.pipe(v.number(), v.safeInteger(), v.minValue(0))
  const Timestamp = v.pipe(
    v.number(),
    v.safeInteger(),
    v.minValue(0),
    v.maxValue(MAX_EPOCH_MILLIS),
    v.transform((ms) => new Date(ms))
  )
  const Cursor = v.union([v.string(), v.pipe(v.number(), v.safeInteger(), v.transform((n) => String(n)))])
  const Pagination = v.object({ more: v.optional(v.boolean()), next: v.optional(v.nullable(Cursor)) })
  const Links = v.object({ self: v.optional(v.nullable(v.string())), next: v.optional(v.nullable(v.string())) })
  const Conversation = v.object({
    id: Id,
    participants: v.optional(v.array(Id)),
    status: v.picklist(STATUSES),
    contactId: Id,
    inboxId: Id,
    orgId: v.optional(Id),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    relatedPlaybookId: v.optional(Id),
    conversationTags: v.optional(v.array(v.object({ color: v.pipe(v.string(), v.regex(HEX_COLOR)), name: v.string() })))
  })
  const Body = sanitize ? v.pipe(v.string(), v.transform((body) => Html.sanitize(body))) : v.string()
  const MessageType = v.union([
    v.picklist(KNOWN_MESSAGE_TYPES),
    v.pipe(v.string(), v.check((s) => !(KNOWN_MESSAGE_TYPES as ReadonlyArray<string>).includes(s)))
  ])
  const Message = v.object({
    id: Id,
    orgId: Id,
    body: v.optional(Body),
    author: v.variant("type", [
      v.object({ type: v.literal("contact"), id: Id, bot: v.optional(v.boolean()) }),
      v.object({ type: v.literal("user"), id: Id, bot: v.optional(v.boolean()) })
    ]),
    type: MessageType,
    conversationId: Id,
    createdAt: Timestamp,
    buttons: v.optional(v.array(v.object({
      label: v.string(),
      value: v.optional(v.string()),
      type: v.optional(v.literal("reply")),
      style: v.optional(v.picklist(["primary", "danger"])),
      reaction: v.optional(v.object({ type: v.picklist(["replace", "delete"]), message: v.optional(v.string()) }))
    }))),
    context: v.optional(v.object({ ip: v.optional(v.string()), userAgent: v.optional(v.string()) })),
    attributes: v.optional(v.looseObject({
      preMessages: v.optional(v.unknown()),
      developer_app_id: v.optional(v.string()),
      integrationSource: v.optional(v.string()),
      autoAssigneeId: v.optional(Id)
    })),
    attachments: v.optional(
      v.array(v.object({ id: Id, fileName: v.string(), mimeType: v.string(), url: v.string() }))
    ),
    editedMessageId: v.optional(Id),
    editType: v.optional(v.string())
  })
  return {
    ConversationsPage: v.object({
      data: v.array(Conversation),
      pagination: v.optional(Pagination),
      links: v.optional(Links)
    }),
    MessagesPage: v.object({
      data: v.object({ messages: v.array(Message), pagination: v.optional(Pagination) }),
      pagination: v.optional(Pagination)
    })
  }
}

// -----------------------------------------------------------------------------
// The benchmark
// -----------------------------------------------------------------------------

type Decoder = (input: unknown) => unknown

interface Contender {
  readonly name: string
  readonly role: "floor" | "parley" | "competitor"
  /** Whether message bodies come out sanitized. */
  readonly sanitizes: boolean
  readonly conversations: Decoder
  readonly messages: Decoder
}

const contenders = (): ReadonlyArray<Contender> => {
  const zodPlain = zodSchemas(false)
  const zodSanitized = zodSchemas(true)
  const compiled = (schemas: ReturnType<typeof zodSchemas>) => ({
    ConversationsPage: z.compile(schemas.ConversationsPage),
    MessagesPage: z.compile(schemas.MessagesPage)
  })
  const zodCompiled = compiled(zodPlain)
  const zodCompiledSanitized = compiled(zodSanitized)
  const valibotPlain = valibotSchemas(false)
  const valibotSanitized = valibotSchemas(true)
  return [
    { name: "`JSON.parse` only", role: "floor", sanitizes: false, conversations: (u) => u, messages: (u) => u },
    {
      name: "Parley `Schema.decodeUnknownSync`",
      role: "parley",
      sanitizes: true,
      conversations: Schema.decodeUnknownSync(Drift.ConversationsPage),
      messages: Schema.decodeUnknownSync(Drift.MessagesPage)
    },
    {
      name: "zod 4 `.parse`",
      role: "competitor",
      sanitizes: false,
      conversations: (u) => zodPlain.ConversationsPage.parse(u),
      messages: (u) => zodPlain.MessagesPage.parse(u)
    },
    {
      name: "zod 4 `z.compile()`",
      role: "competitor",
      sanitizes: false,
      conversations: (u) => zodCompiled.ConversationsPage.parse(u),
      messages: (u) => zodCompiled.MessagesPage.parse(u)
    },
    {
      name: "valibot `v.parse`",
      role: "competitor",
      sanitizes: false,
      conversations: (u) => v.parse(valibotPlain.ConversationsPage, u),
      messages: (u) => v.parse(valibotPlain.MessagesPage, u)
    },
    {
      name: "zod 4 + `Html.sanitize` on bodies",
      role: "competitor",
      sanitizes: true,
      conversations: (u) => zodSanitized.ConversationsPage.parse(u),
      messages: (u) => zodSanitized.MessagesPage.parse(u)
    },
    {
      name: "zod 4 `z.compile()` + `Html.sanitize` on bodies",
      role: "competitor",
      sanitizes: true,
      conversations: (u) => zodCompiledSanitized.ConversationsPage.parse(u),
      messages: (u) => zodCompiledSanitized.MessagesPage.parse(u)
    },
    {
      name: "valibot + `Html.sanitize` on bodies",
      role: "competitor",
      sanitizes: true,
      conversations: (u) => v.parse(valibotSanitized.ConversationsPage, u),
      messages: (u) => v.parse(valibotSanitized.MessagesPage, u)
    }
  ]
}

interface Row {
  readonly name: string
  readonly role: Contender["role"]
  readonly sanitizes: boolean
  /** JSON.parse + decode, per page (ms). */
  readonly fromTextMs: number
  /** Decode of an already parsed page, per page (ms). */
  readonly decodeMs: number
  readonly pagesPerSecond: number
  readonly itemsPerSecond: number
  /** fromText / JSON.parse. */
  readonly vsJsonParse: number
  /** decode / JSON.parse. */
  readonly decodeVsJsonParse: number
  /** The competitor's decode time / Parley's decode time: the median of the per-round ratios. */
  readonly parleySpeedup: number
  /** Its lowest and highest value in a single round. */
  readonly parleySpeedupRange: { readonly min: number; readonly max: number } | undefined
}

const PAGES = 20

/**
 * Interleaved pass by pass (see {@link Harness.interleaved}): 15 rounds of a second and a half or so, after a
 * warm-up long enough for V8 to optimize every contender; about 25 s per page kind.
 */
const codecSettings = (options: Options, tasks: number): Harness.InterleavedSettings =>
  options.quick
    ? { rounds: 3, roundTime: 40 * tasks, warmupTime: 60, warmupPasses: 20 }
    : { rounds: 15, roundTime: 100 * tasks, warmupTime: 300, warmupPasses: 100 }

/**
 * A comparable picture of a decoded page: timestamps as their instant (a `Date` from zod and valibot, a
 * `DateTime.Utc` from Parley), keys sorted, and message bodies as their type only (compared on their own).
 */
const normalize = (u: unknown): unknown => {
  if (u instanceof Date) return u.getTime()
  if (DateTime.isDateTime(u)) return u.epochMilliseconds
  if (Array.isArray(u)) return u.map(normalize)
  if (typeof u !== "object" || u === null) return u
  const o = u as Record<string, unknown>
  return Object.keys(o).toSorted().map((k) => [k, k === "body" ? typeof o[k] : normalize(o[k])])
}

const fieldsOf = (page: unknown) => JSON.stringify(normalize(page))

const bodiesOf = (page: unknown) =>
  JSON.stringify((page as { data: { messages: Array<{ body?: string }> } }).data.messages.map((m) => m.body))

/**
 * Every contender must accept every page, and decode it to the same fields as Parley (bodies compared between
 * the contenders that sanitize; the others must give back the wire body).
 */
const checkAgreement = (
  kind: "conversations" | "messages",
  parsed: ReadonlyArray<unknown>,
  list: ReadonlyArray<Contender>
) => {
  const parley = list.find((c) => c.role === "parley")!
  for (const p of parsed) {
    const reference = parley[kind](p)
    for (const c of list) {
      if (c.role === "floor") continue
      const out = c[kind](p)
      if (fieldsOf(out) !== fieldsOf(reference)) {
        throw new Error(`codec: ${c.name} does not decode a ${kind} page to the fields Parley decodes`)
      }
      if (kind === "messages" && bodiesOf(out) !== bodiesOf(c.sanitizes ? reference : p)) {
        throw new Error(`codec: ${c.name} does not give the ${c.sanitizes ? "sanitized" : "wire"} bodies`)
      }
    }
  }
}

const runKind = async (
  kind: "conversations" | "messages",
  pages: ReadonlyArray<unknown>,
  list: ReadonlyArray<Contender>,
  options: Options
) => {
  const texts = pages.map((p) => JSON.stringify(p))
  const bytes = Corpus.byteSize(texts) / pages.length
  const parsed = texts.map((t) => JSON.parse(t) as unknown)
  const itemsPerPage = 50
  for (const p of parsed) {
    const n = kind === "conversations"
      ? (p as { data: Array<unknown> }).data.length
      : (p as { data: { messages: Array<unknown> } }).data.messages.length
    if (n !== itemsPerPage) throw new Error(`codec: a ${kind} page of ${n} items`)
  }
  checkAgreement(kind, parsed, list)
  let sink = 0
  const tasks: Array<Harness.UnitTask> = []
  for (const c of list) {
    const decode = c[kind]
    tasks.push({
      name: `text ${c.name}`,
      fn: (i) => (sink += decode(JSON.parse(texts[i]!)) === undefined ? 0 : 1)
    })
    if (c.role !== "floor") {
      tasks.push({ name: `decode ${c.name}`, fn: (i) => (sink += decode(parsed[i]!) === undefined ? 0 : 1) })
    }
  }
  const settings = codecSettings(options, tasks.length)
  options.log(
    `codec: ${kind} pages: ${tasks.length} tasks interleaved, ${settings.rounds} rounds of ${
      (settings.roundTime / 1000).toFixed(1)
    } s`
  )
  const timings = await Harness.interleaved(tasks, pages.length, settings)
  const per = (name: string) => timings.get(name)!.median / pages.length
  const json = per(`text ${list[0]!.name}`)
  const parleyName = list.find((c) => c.role === "parley")!.name
  const parleyRounds = timings.get(`decode ${parleyName}`)!.rounds
  options.log(
    `codec: ${kind}: Parley decode per round (µs/page): ${
      parleyRounds.map((t) => (t * 1000 / pages.length).toFixed(1)).join(" ")
    }`
  )
  for (const c of list) {
    if (c.role !== "competitor") continue
    const rounds = timings.get(`decode ${c.name}`)!.rounds
    options.log(
      `codec: ${kind}: ${c.name} ÷ Parley per round: ${
        rounds.map((t, i) => (t / parleyRounds[i]!).toFixed(2)).join(" ")
      }`
    )
  }
  const rows: Array<Row> = list.map((c) => {
    const fromText = per(`text ${c.name}`)
    const decode = c.role === "floor" ? 0 : per(`decode ${c.name}`)
    const speedup = c.role === "competitor"
      ? Harness.ratio(timings.get(`decode ${c.name}`)!, timings.get(`decode ${parleyName}`)!)
      : undefined
    return {
      name: c.name,
      role: c.role,
      sanitizes: c.sanitizes,
      fromTextMs: fromText,
      decodeMs: decode,
      pagesPerSecond: 1000 / fromText,
      itemsPerSecond: (1000 / fromText) * itemsPerPage,
      vsJsonParse: fromText / json,
      decodeVsJsonParse: decode / json,
      parleySpeedup: speedup?.median ?? Number.NaN,
      parleySpeedupRange: speedup === undefined ? undefined : { min: speedup.min, max: speedup.max }
    }
  })
  const parleyDecode = timings.get(`decode ${parleyName}`)!
  return { kind, bytes, rows, sink, rounds: settings.rounds, passes: parleyDecode.samples }
}

const kindTable = (rows: ReadonlyArray<Row>, withSanitizeColumn: boolean): string =>
  Report.table(
    [
      "",
      ...(withSanitizeColumn ? ["bodies sanitized"] : []),
      "JSON.parse + decode / page",
      "items/s",
      "÷ JSON.parse",
      "decode alone / page",
      "decode ÷ JSON.parse",
      "Parley decode speed ÷ this (median of rounds; min to max)"
    ],
    rows.map((r) => [
      r.role === "parley" ? `**${r.name}**` : r.name,
      ...(withSanitizeColumn ? [r.sanitizes ? "yes" : "no"] : []),
      Report.duration(r.fromTextMs),
      Report.num(r.itemsPerSecond),
      Report.ratio(r.vsJsonParse),
      r.role === "floor" ? "—" : Report.duration(r.decodeMs),
      r.role === "floor" ? "—" : Report.ratio(r.decodeVsJsonParse),
      r.role === "competitor"
        ? `${Report.ratio(r.parleySpeedup)} (${Report.ratio(r.parleySpeedupRange!.min)} to ${
          Report.ratio(r.parleySpeedupRange!.max)
        })`
        : "—"
    ])
  )

const speedOf = (row: Row): string =>
  `Parley at ${Report.ratio(row.parleySpeedup)} the speed of ${row.name} (median of rounds; single rounds: ${
    Report.ratio(row.parleySpeedupRange!.min)
  } to ${Report.ratio(row.parleySpeedupRange!.max)})`

const find = (rows: ReadonlyArray<Row>, prefix: string): Row => rows.find((r) => r.name.startsWith(prefix))!

const rowData = (rows: ReadonlyArray<Row>) =>
  rows.map((r) => ({
    name: r.name,
    role: r.role,
    sanitizes: r.sanitizes,
    fromTextMsPerPage: r.fromTextMs,
    decodeMsPerPage: r.role === "floor" ? undefined : r.decodeMs,
    itemsPerSecond: r.itemsPerSecond,
    vsJsonParse: r.vsJsonParse,
    decodeVsJsonParse: r.role === "floor" ? undefined : r.decodeVsJsonParse,
    parleySpeedup: r.role === "competitor" ? r.parleySpeedup : undefined,
    parleySpeedupRange: r.parleySpeedupRange
  }))

/** Runs the codec benchmark. */
export const run = async (options: Options): Promise<Section> => {
  const ws = Corpus.workspace(2000)
  const all = contenders()
  const conversations = await runKind(
    "conversations",
    Corpus.conversationsPages(ws, PAGES),
    // Conversation pages carry no bodies: the "+ Html.sanitize" variants are the same schemas.
    all.filter((c) => !c.name.includes("Html.sanitize")),
    options
  )
  const messages = await runKind("messages", Corpus.messagesPages(ws, PAGES), all, options)
  const parleyMessages = find(messages.rows, "Parley")
  const zodC = find(conversations.rows, "zod 4")
  const zodM = find(messages.rows, "zod 4 `.parse`")
  const zodMS = find(messages.rows, "zod 4 +")
  const zodCompiledC = find(conversations.rows, "zod 4 `z.compile()`")
  const zodCompiledMS = find(messages.rows, "zod 4 `z.compile()` +")
  const targetList: Array<Report.Target> = [
    {
      target: "Parley decode ≥ 2× zod 4 `.parse` speed: conversations page",
      measured: speedOf(zodC),
      met: zodC.parleySpeedup >= 2
    },
    {
      target: "Parley decode ≥ 1.5× zod 4 + `Html.sanitize` speed: messages page (like for like)",
      measured: speedOf(zodMS),
      met: zodMS.parleySpeedup >= 1.5
    },
    {
      target: "Parley decode (sanitizes) ≥ zod 4 `.parse` speed (does not sanitize): messages page",
      measured: speedOf(zodM),
      met: zodM.parleySpeedup >= 1
    },
    {
      target: "(anchor, no target yet) Parley decode ÷ zod 4 `z.compile()`: conversations page",
      measured: speedOf(zodCompiledC),
      met: zodCompiledC.parleySpeedup >= 1
    },
    {
      target: "(anchor, no target yet) Parley decode ÷ zod 4 `z.compile()` + `Html.sanitize`: messages page",
      measured: speedOf(zodCompiledMS),
      met: zodCompiledMS.parleySpeedup >= 1
    },
    {
      target: "decode + sanitize ≤ 5× `JSON.parse` of the same bytes (messages page, decode alone)",
      measured: `${Report.ratio(parleyMessages.decodeVsJsonParse)}`,
      met: parleyMessages.decodeVsJsonParse <= 5
    },
    {
      target: "the same, counting JSON.parse + decode against JSON.parse",
      measured: `${Report.ratio(parleyMessages.vsJsonParse)}`,
      met: parleyMessages.vsJsonParse <= 5
    }
  ]
  const markdown = [
    `### Codec${options.quick ? " (quick: fewer passes)" : ""}`,
    "",
    `${PAGES} different pages of each kind from the sandbox's seeded data (seed 1), 50 items per page, decoded in turn; ` +
    "times are per page (median). \"decode alone\" starts from the parsed object. Every contender is checked first " +
    "to decode every page to the same fields as Parley. The contenders take turns one pass (all pages) at a time, " +
    `after a warm-up, in ${conversations.rounds} rounds (${conversations.passes} and ${messages.passes} timed passes ` +
    "of Parley's decode, conversations and messages); each page is timed on its own, a round's time is the sum of " +
    "the pages' medians in that round, and each ratio is the median of its per-round ratios, with the lowest and " +
    "highest round.",
    "",
    `**\`Drift.ConversationsPage\`** (${Report.num(conversations.bytes)} B of JSON per page)`,
    "",
    kindTable(conversations.rows, false),
    "",
    `**\`Drift.MessagesPage\`** (${Report.num(messages.bytes)} B of JSON per page; bodies: the sandbox's mix)`,
    "",
    kindTable(messages.rows, true),
    "",
    Report.targets(targetList)
  ].join("\n")
  const data = {
    mode: options.quick ? "quick" : "full",
    date: new Date().toISOString(),
    pages: PAGES,
    itemsPerPage: 50,
    method: "interleaved passes (Harness.interleaved); ratios: median of per-round ratios, with min and max",
    rounds: conversations.rounds,
    parleyTimedPasses: { conversations: conversations.passes, messages: messages.passes },
    conversationsPage: { bytesPerPage: conversations.bytes, rows: rowData(conversations.rows) },
    messagesPage: { bytesPerPage: messages.bytes, rows: rowData(messages.rows) },
    targets: targetList
  }
  return { title: "codec", markdown, data }
}
