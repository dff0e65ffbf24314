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
import { Schema } from "effect"
import * as v from "valibot"
import { z } from "zod"
import * as Corpus from "./corpus.ts"
import * as Harness from "./harness.ts"
import { type Options, passSettings, type Section } from "./options.ts"
import * as Report from "./report.ts"

/** The last millisecond of year 9999, Parley's upper bound for timestamps. */
const MAX_EPOCH_MILLIS = 253_402_300_799_999
const STATUSES = ["open", "closed", "pending", "bulk_sent"] as const
const HEX_COLOR = /^#?(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$/

// -----------------------------------------------------------------------------
// zod 4
// -----------------------------------------------------------------------------

const zodSchemas = (sanitize: boolean) => {
  const Id = z.int().nonnegative() // z.int(): a safe integer
  const Timestamp = z.int().min(0).max(MAX_EPOCH_MILLIS).transform((ms) => new Date(ms))
  const Pagination = z.object({ more: z.boolean().optional(), next: z.union([z.string(), z.int()]).optional() })
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
  const Message = z.object({
    id: Id,
    orgId: Id,
    body: Body.optional(),
    author: z.discriminatedUnion("type", [
      z.object({ type: z.literal("contact"), id: Id, bot: z.boolean().optional() }),
      z.object({ type: z.literal("user"), id: Id, bot: z.boolean().optional() })
    ]),
    type: z.enum(["chat", "private_note"]),
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
    attachments: z.array(z.object({ id: Id, fileName: z.string(), mimeType: z.string(), url: z.string() })).optional()
  })
  return {
    ConversationsPage: z.object({ data: z.array(Conversation), pagination: Pagination.optional() }),
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
    v.integer(),
    v.minValue(0),
    v.maxValue(MAX_EPOCH_MILLIS),
    v.transform((ms) => new Date(ms))
  )
  const Pagination = v.object({
    more: v.optional(v.boolean()),
    next: v.optional(v.union([v.string(), v.pipe(v.number(), v.integer())]))
  })
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
  const Message = v.object({
    id: Id,
    orgId: Id,
    body: v.optional(Body),
    author: v.variant("type", [
      v.object({ type: v.literal("contact"), id: Id, bot: v.optional(v.boolean()) }),
      v.object({ type: v.literal("user"), id: Id, bot: v.optional(v.boolean()) })
    ]),
    type: v.picklist(["chat", "private_note"]),
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
    )
  })
  return {
    ConversationsPage: v.object({ data: v.array(Conversation), pagination: v.optional(Pagination) }),
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
 * More, shorter rounds than the other benchmarks: the ratios are medians of per-round ratios, and on a shared
 * machine a burst of load can take a whole round; nine rounds out-vote it.
 */
const codecSettings = (options: Options): Harness.Settings =>
  options.quick ? passSettings(options) : { ...passSettings(options), rounds: 9, time: 300 }

/** The median of the per-round ratios `a / b` (both from the same interleaved run). */
const medianRatio = (a: Harness.Timing, b: Harness.Timing): number => {
  const ratios = a.rounds.map((x, i) => x / b.rounds[i]!).toSorted((x, y) => x - y)
  const mid = (ratios.length - 1) / 2
  return (ratios[Math.floor(mid)]! + ratios[Math.ceil(mid)]!) / 2
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
  // Every contender must accept every page (and agree on the item count).
  for (const c of list) {
    for (const p of parsed) {
      const out = c[kind](p) as { data: unknown }
      const n = kind === "conversations"
        ? (out.data as Array<unknown>).length
        : (out.data as { messages: Array<unknown> }).messages.length
      if (n !== itemsPerPage) throw new Error(`${c.name} decoded ${n} ${kind}`)
    }
  }
  let sink = 0
  const tasks: Array<Harness.Task> = []
  for (const c of list) {
    const decode = c[kind]
    tasks.push({
      name: `text ${c.name}`,
      fn: () => {
        for (let i = 0; i < texts.length; i++) sink += decode(JSON.parse(texts[i]!)) === undefined ? 0 : 1
        return sink
      }
    })
    if (c.role !== "floor") {
      tasks.push({
        name: `decode ${c.name}`,
        fn: () => {
          for (let i = 0; i < parsed.length; i++) sink += decode(parsed[i]!) === undefined ? 0 : 1
          return sink
        }
      })
    }
  }
  options.log(`codec: ${kind} pages: timing ${tasks.length} tasks`)
  const timings = await Harness.run(tasks, codecSettings(options))
  const per = (name: string) => timings.get(name)!.median / pages.length
  const json = per(`text ${list[0]!.name}`)
  const rows: Array<Row> = list.map((c) => {
    const fromText = per(`text ${c.name}`)
    const decode = c.role === "floor" ? 0 : per(`decode ${c.name}`)
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
      parleySpeedup: c.role === "competitor"
        ? medianRatio(timings.get(`decode ${c.name}`)!, timings.get(`decode ${list[1]!.name}`)!)
        : Number.NaN,
      parleySpeedupRange: c.role === "competitor"
        ? Harness.ratioRange(timings.get(`decode ${c.name}`)!, timings.get(`decode ${list[1]!.name}`)!)
        : undefined
    }
  })
  return { kind, bytes, rows, sink }
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
      "Parley decode speed ÷ this"
    ],
    rows.map((r) => [
      r.role === "parley" ? `**${r.name}**` : r.name,
      ...(withSanitizeColumn ? [r.sanitizes ? "yes" : "no"] : []),
      Report.duration(r.fromTextMs),
      Report.num(r.itemsPerSecond),
      Report.ratio(r.vsJsonParse),
      r.role === "floor" ? "—" : Report.duration(r.decodeMs),
      r.role === "floor" ? "—" : Report.ratio(r.decodeVsJsonParse),
      r.role === "competitor" ? Report.ratio(r.parleySpeedup) : "—"
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
    "times are per page (median). \"decode alone\" starts from the parsed object.",
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
    conversationsPage: { bytesPerPage: conversations.bytes, rows: rowData(conversations.rows) },
    messagesPage: { bytesPerPage: messages.bytes, rows: rowData(messages.rows) },
    targets: targetList
  }
  return { title: "codec", markdown, data }
}
