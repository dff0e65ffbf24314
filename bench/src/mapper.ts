/**
 * Mapper: a Drift thread to an Intercom conversation (classic and API 2.11) and back, with the synchronous
 * functions of `@parley/intercom` and with the wire-JSON-to-wire-JSON schema, beside `JSON.parse` of the thread's
 * wire JSON. No competitor: there is no library that maps Drift to Intercom.
 */
import { Mapping } from "@parley/intercom"
import type { Intercom } from "@parley/schema"
import { Drift } from "@parley/schema"
import { Schema } from "effect"
import * as Corpus from "./corpus.ts"
import * as Harness from "./harness.ts"
import { type Options, passSettings, type Section } from "./options.ts"
import * as Report from "./report.ts"

const THREADS = 200

interface Row {
  readonly name: string
  readonly what: string
  readonly msPerThread: number
  readonly threadsPerSecond: number
  readonly vsJsonParse: number
}

/** Runs the mapper benchmark. */
export const run = async (options: Options): Promise<Section> => {
  const ws = Corpus.workspace(2000)
  const wire = Corpus.threads(ws, THREADS)
  const texts = wire.map((t) => JSON.stringify(t))
  const bytes = Corpus.byteSize(texts)
  const decodeThread = Schema.decodeUnknownSync(Drift.Thread)
  const threads: Array<Drift.Thread> = wire.map((t) => decodeThread(t))
  const messages = threads.reduce((n, t) => n + t.messages.length, 0)
  const classic: Array<Intercom.Conversation> = threads.map((t) => Mapping.toIntercomSync(t))
  const v2: Array<Intercom.ConversationV2> = threads.map((t) => Mapping.toIntercomV2Sync(t))
  const toV2Json = Schema.decodeUnknownSync(Mapping.DriftJsonToIntercomV2Json)
  const fromV2Json = Schema.encodeUnknownSync(Mapping.DriftJsonToIntercomV2Json)
  const toClassicJson = Schema.decodeUnknownSync(Mapping.DriftJsonToIntercomJson)
  const v2Json = wire.map((t) => toV2Json(t))
  // Sanity: the 2.11 mapping loses nothing (the package's documented property), on this data too.
  for (let i = 0; i < threads.length; i++) {
    const back = JSON.stringify(fromV2Json(v2Json[i]))
    const again = JSON.stringify(Schema.encodeSync(Drift.Thread)(threads[i]!))
    if (back !== again) throw new Error(`thread ${i}: the 2.11 round trip changed the thread`)
  }
  let sink = 0
  const each = <A>(items: ReadonlyArray<A>, f: (a: A) => unknown) => () => {
    for (let i = 0; i < items.length; i++) sink += f(items[i]!) === undefined ? 0 : 1
    return sink
  }
  const tasks: Array<Harness.Task & { what: string }> = [
    { name: "`JSON.parse` (floor)", what: "the thread's wire JSON", fn: each(texts, (t) => JSON.parse(t)) },
    {
      name: "decode `Drift.Thread`",
      what: "wire object -> Drift.Thread (checks, DateTime, sanitized bodies)",
      fn: each(wire, decodeThread)
    },
    {
      name: "`Mapping.toIntercomSync`",
      what: "Drift.Thread -> Intercom classic",
      fn: each(threads, Mapping.toIntercomSync)
    },
    {
      name: "`Mapping.toIntercomV2Sync`",
      what: "Drift.Thread -> Intercom 2.11",
      fn: each(threads, Mapping.toIntercomV2Sync)
    },
    {
      name: "`Mapping.fromIntercomSync`",
      what: "Intercom classic -> Drift.Thread",
      fn: each(classic, (c) => Mapping.fromIntercomSync(c))
    },
    {
      name: "`Mapping.fromIntercomV2Sync`",
      what: "Intercom 2.11 -> Drift.Thread",
      fn: each(v2, (c) => Mapping.fromIntercomV2Sync(c))
    },
    {
      name: "`DriftJsonToIntercomJson` decode",
      what: "Drift wire object -> Intercom classic wire object (decode, map, encode)",
      fn: each(wire, toClassicJson)
    },
    {
      name: "`DriftJsonToIntercomV2Json` decode",
      what: "Drift wire object -> Intercom 2.11 wire object",
      fn: each(wire, toV2Json)
    },
    {
      name: "`DriftJsonToIntercomV2Json` encode",
      what: "Intercom 2.11 wire object -> Drift wire object",
      fn: each(v2Json, fromV2Json)
    }
  ]
  options.log(`mapper: ${THREADS} threads, ${messages} messages: timing ${tasks.length} tasks`)
  const timings = await Harness.run(tasks, passSettings(options))
  const json = timings.get(tasks[0]!.name)!.median
  const rows: Array<Row> = tasks.map((t) => {
    const median = timings.get(t.name)!.median
    return {
      name: t.name,
      what: t.what,
      msPerThread: median / THREADS,
      threadsPerSecond: THREADS / (median / 1000),
      vsJsonParse: median / json
    }
  })
  const markdown = [
    `### Mapper${options.quick ? " (quick: fewer passes)" : ""}`,
    "",
    `The first ${THREADS} seeded threads of the sandbox (seed 1): ${Report.num(messages)} messages (${
      (messages / THREADS).toFixed(1)
    } per thread), ${Report.num(bytes / THREADS)} B of wire JSON per thread on average. Default \`MapperConfig\`.`,
    "",
    Report.table(
      ["", "what", "threads/s", "per thread", "÷ JSON.parse"],
      rows.map((r) => [
        r.name,
        r.what,
        Report.num(r.threadsPerSecond),
        Report.duration(r.msPerThread),
        Report.ratio(r.vsJsonParse)
      ]),
      ["l", "l", "r", "r", "r"]
    )
  ].join("\n")
  const data = {
    mode: options.quick ? "quick" : "full",
    date: new Date().toISOString(),
    threads: THREADS,
    messages,
    wireBytes: bytes,
    rows: rows.map((r) => ({ ...r }))
  }
  return { title: "mapper", markdown, data }
}
