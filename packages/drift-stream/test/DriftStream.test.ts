import { describe, expect, it } from "@effect/vitest"
import { DriftClient } from "@parley/drift-client"
import { Checkpoint, DriftStream, RecordSink } from "@parley/drift-stream"
import { Drift } from "@parley/schema"
import { DateTime, Duration, Effect, Layer, Option, Redacted, Stream } from "effect"
import { FetchHttpClient } from "effect/http"
import { startSandbox } from "../../../test-support/sandbox.ts"

type Sandbox = Effect.Success<ReturnType<typeof startSandbox>>

const clientLayer = (sandbox: Sandbox) =>
  DriftClient.DriftClient.layer({
    token: Redacted.make(sandbox.token),
    baseUrl: sandbox.url,
    retry: { times: 8, baseDelay: "5 millis", maxDelay: "50 millis" },
    timeout: "2 seconds",
    rateLimit: false
  }).pipe(Layer.provide(FetchHttpClient.layer))

const streamLayer = (sandbox: Sandbox) =>
  Layer.mergeAll(DriftStream.DriftStream.layer, Checkpoint.Checkpoint.layerMemory).pipe(
    Layer.provideMerge(clientLayer(sandbox))
  )

/** Encodes a thread as its id. */
const encodeId = (t: Drift.Thread) => Effect.succeed([`${t.conversation.id}\n`])

/**
 * An output sink that records the ids it receives in `written` and fails (as a full disk would) on the append
 * after `limit` appends; `truncate` is a no-op since a failed append wrote nothing.
 */
const idSink = (written: Array<number>, limit: number): RecordSink.RecordSink => {
  let appends = 0
  let bytes = 0
  return {
    target: "ids",
    seekable: true,
    append: (records) =>
      Effect.suspend(() => {
        if (appends++ >= limit) {
          return Effect.fail(new RecordSink.SinkError({ path: "ids", operation: "write", reason: "stopped" }))
        }
        for (const r of records) {
          written.push(Number(r))
          bytes += r.length
        }
        return Effect.succeed({ bytes, records: written.length })
      }),
    sync: Effect.void,
    truncate: () => Effect.void,
    position: Effect.sync(() => ({ bytes, records: written.length }))
  }
}

const ids = (conversations: ReadonlyArray<Drift.Conversation>) => conversations.map((c) => c.id as number)

const expectExactlyOnce = (emitted: ReadonlyArray<number>, expected: ReadonlyArray<number>) => {
  expect(new Set(emitted).size).toBe(emitted.length)
  expect([...emitted].sort((a, b) => a - b)).toStrictEqual([...expected].sort((a, b) => a - b))
}

describe("DriftStream against the sandbox", () => {
  it.live("conversations: a full walk equals the sandbox's id set, once each", () =>
    Effect.gen(function*() {
      const sandbox = yield* startSandbox({ conversations: 730 })
      const expected = yield* sandbox.admin.ids()
      for (const pageSize of [50, 7]) {
        const emitted = yield* DriftStream.DriftStream.use((s) => Stream.runCollect(s.conversations({ pageSize })))
          .pipe(
            Effect.provide(streamLayer(sandbox))
          )
        expectExactlyOnce(ids(emitted), expected)
        // The list order: most recently updated first.
        const times = emitted.map((c) => c.updatedAt.epochMilliseconds)
        expect(times).toStrictEqual([...times].sort((a, b) => b - a))
      }
    }))

  it.live("conversations: status filters", () =>
    Effect.gen(function*() {
      const sandbox = yield* startSandbox({ conversations: 400 })
      const layer = streamLayer(sandbox)
      const all = yield* DriftStream.DriftStream.use((s) => Stream.runCollect(s.conversations())).pipe(
        Effect.provide(layer)
      )
      for (const statuses of [["open"], ["closed", "pending"]] as const) {
        const filtered = yield* DriftStream.DriftStream.use((s) => Stream.runCollect(s.conversations({ statuses })))
          .pipe(Effect.provide(layer))
        expect(filtered.length).toBeGreaterThan(0)
        expectExactlyOnce(ids(filtered), ids(all.filter((c) => (statuses as ReadonlyArray<string>).includes(c.status))))
      }
    }))

  it.live("threads: bounded concurrency keeps list order, messages across pages in order", () =>
    Effect.gen(function*() {
      const sandbox = yield* startSandbox({ conversations: 160 })
      const layer = streamLayer(sandbox)
      const conversations = yield* DriftStream.DriftStream.use((s) => Stream.runCollect(s.conversations())).pipe(
        Effect.provide(layer)
      )
      const threads = yield* DriftStream.DriftStream.use((s) =>
        Stream.runCollect(s.threads({ concurrency: 8, withContact: true }))
      ).pipe(Effect.provide(layer))
      expect(threads.map((t) => t.conversation.id)).toStrictEqual(conversations.map((c) => c.id))
      let multiPage = 0
      for (const thread of threads) {
        expect(thread.messages.every((m) => m.conversationId === thread.conversation.id)).toBe(true)
        const created = thread.messages.map((m) => m.createdAt.epochMilliseconds)
        expect(created).toStrictEqual([...created].sort((a, b) => a - b))
        expect(new Set(thread.messages.map((m) => m.id)).size).toBe(thread.messages.length)
        if (thread.messages.length > 20) multiPage++
        expect(thread.contact?.id).toBe(thread.conversation.contactId)
      }
      expect(multiPage).toBeGreaterThan(0)
      const single = threads.find((t) => t.messages.length > 20)!
      const again = yield* DriftStream.DriftStream.use((s) => Stream.runCollect(s.messages(single.conversation.id)))
        .pipe(Effect.provide(layer))
      expect(again.map((m) => m.id)).toStrictEqual(single.messages.map((m) => m.id))
    }))

  for (const cursor of ["snapshot", "offset"] as const) {
    it.live(`updates during the export (${cursor} cursors): every conversation that existed at the start, exactly once`, () =>
      Effect.gen(function*() {
        const sandbox = yield* startSandbox({ conversations: 600, extraArgs: ["--cursor", cursor] })
        const expected = yield* sandbox.admin.ids()
        const layer = streamLayer(sandbox)
        // Conversations keep moving to the front while the export pages through the list: one after every page the
        // stream emits (in the stream, not from a timed fiber, so the moves land mid-walk on any machine); with
        // offset cursors every move shifts the pages behind it (repeats and misses the stream must absorb).
        let touched = 0
        const touch = Effect.suspend(() => {
          const id = expected[(touched * 7919 + 300) % expected.length]!
          touched++
          return sandbox.admin.touch(id)
        })
        const pages: Array<DriftStream.ConversationPage> = []
        const emitted = yield* DriftStream.DriftStream.use((s) =>
          s.conversationPages({ pageSize: 10 }).pipe(
            Stream.tap((page) => Effect.andThen(Effect.sync(() => pages.push(page)), touch)),
            Stream.flatMap((page) => Stream.fromArray(page.conversations)),
            Stream.runCollect
          )
        ).pipe(Effect.provide(layer))
        expect(touched).toBe(pages.length)
        expect(touched).toBeGreaterThan(60)
        expectExactlyOnce(ids(emitted), expected)
        if (cursor === "offset") {
          // The shifting happened and was absorbed: the main pass met fewer than all, a catch-up pass found the rest.
          const main = pages.filter((p) => p.state.phase === "main").flatMap((p) => p.conversations).length
          expect(main).toBeLessThan(expected.length)
          expect(pages.at(-1)!.state.catchUpPass).toBeGreaterThan(0)
        }
      }))
  }

  it.live("faults on (429, 5xx, latency, truncated pages): nothing lost, nothing twice", () =>
    Effect.gen(function*() {
      const sandbox = yield* startSandbox({ conversations: 300 })
      const expected = yield* sandbox.admin.ids()
      // A fault schedule, not rates: which requests fail is fixed by their count, so every kind happens on any
      // machine at any speed (random rates over a dozen list requests fired with probability near one half).
      const schedule = [
        { fault: "rateLimit", path: "/conversations/list", nth: [2, 6] },
        { fault: "pageTimeout", nth: [4], ms: 50 },
        { fault: "truncate", path: "/conversations/list", nth: [8] },
        { fault: "serverError", path: "/conversations/list", nth: [10], status: 502 },
        { fault: "serverError", path: "/conversations/:id/messages", nth: [3, 120], status: 503 },
        { fault: "truncate", path: "/conversations/:id/messages", nth: [10, 100] },
        { fault: "serverError", path: "/conversations/:id/messages", nth: [50] },
        { fault: "latency", every: 2, ms: 2 }
      ] as const
      yield* sandbox.admin.setFaults({ schedule })
      const events: Array<DriftStream.ProgressEvent> = []
      const threads = yield* DriftStream.DriftStream.use((s) =>
        Stream.runCollect(
          s.threads({ pageSize: 25, concurrency: 4, onProgress: (e) => Effect.sync(() => events.push(e)) })
        )
      ).pipe(Effect.provide(streamLayer(sandbox)))
      expectExactlyOnce(threads.map((t) => t.conversation.id), expected)
      // Progress carries the client's traffic: every request, and the retries the faults caused.
      const last = events.findLast((e) => e._tag === "Thread")
      if (last?._tag !== "Thread") throw new Error("no Thread progress event")
      expect(last.client.requests).toBeGreaterThan(threads.length)
      expect(last.client.retries).toBeGreaterThan(0)
      expect(events.filter((e) => e._tag === "Thread").length).toBe(threads.length)
      const stats = yield* sandbox.admin.stats()
      // Each rule hit exactly the requests it names (the rules count disjoint requests, so none pre-empts another).
      expect(stats.scheduled.slice(0, -1)).toStrictEqual([2, 1, 1, 1, 2, 2, 1])
      expect(stats.faults).toMatchObject({ rateLimited: 2, pageTimeout: 1, truncated: 3, serverError: 4 })
      expect(stats.serverErrorsByStatus).toStrictEqual({ "500": 1, "502": 1, "503": 2 })
      expect(last.client.retries).toBeGreaterThanOrEqual(10)
    }))

  it.live("changedSince: only conversations updated after the watermark, and the new watermark", () =>
    Effect.gen(function*() {
      const sandbox = yield* startSandbox({ conversations: 200 })
      const layer = streamLayer(sandbox)
      const all = yield* DriftStream.DriftStream.use((s) => Stream.runCollect(s.conversations())).pipe(
        Effect.provide(layer)
      )
      const watermark = all[0]!.updatedAt
      const nothing = yield* DriftStream.DriftStream.use((s) =>
        Effect.flatMap(s.changedSince(watermark), (r) => Stream.runCollect(r.conversations))
      ).pipe(Effect.provide(layer))
      expect(nothing).toStrictEqual([])
      const touchedIds = [all[50]!.id, all[120]!.id, all[199]!.id]
      for (const id of touchedIds) yield* sandbox.admin.touch(id)
      const changed = yield* DriftStream.DriftStream.use((s) =>
        Effect.flatMap(
          s.changedSince(watermark),
          (r) => Effect.map(Stream.runCollect(r.conversations), (cs) => ({ cs, watermark: r.watermark }))
        )
      ).pipe(Effect.provide(layer))
      expectExactlyOnce(ids(changed.cs), touchedIds)
      expect(DateTime.isGreaterThan(changed.watermark, watermark)).toBe(true)
    }))

  it.live("resume: interrupted at several points, the pages written add up to every conversation once", () =>
    Effect.gen(function*() {
      const sandbox = yield* startSandbox({ conversations: 240 })
      const expected = yield* sandbox.admin.ids()
      for (const stopAfterPages of [1, 3, 7]) {
        const written: Array<number> = []
        const layer = streamLayer(sandbox)
        const run = (limit: number) =>
          Effect.gen(function*() {
            return yield* DriftStream.runExport({
              pageSize: 20,
              concurrency: 3,
              resume: true,
              output: idSink(written, limit),
              rejects: yield* RecordSink.memory,
              encode: encodeId
            })
          })
        yield* Effect.gen(function*() {
          const first = yield* Effect.result(run(stopAfterPages))
          expect(first._tag).toBe("Failure")
          const saved = yield* Checkpoint.Checkpoint.use((c) => c.load)
          expect(Option.isSome(saved)).toBe(true)
          const second = yield* run(Number.POSITIVE_INFINITY)
          expect(second.resumed).toBe(true)
          expect(second.state.phase).toBe("done")
        }).pipe(Effect.provide(layer))
        expectExactlyOnce(written, expected)
      }
    }))
})

/**
 * What the checkpoint cadence test sees: an output sink that counts the records appended and the records flushed
 * (`sync`), and a checkpoint store (in memory) that logs every save with how many records it vouches for and how
 * many were on disk at that moment.
 */
const cadence = () => {
  let appended = 0
  let synced = 0
  const saves: Array<{ readonly vouches: number; readonly onDisk: number; readonly phase: string }> = []
  const output: RecordSink.RecordSink = {
    target: "cadence",
    seekable: true,
    append: (records) => Effect.sync(() => ({ bytes: appended += records.length, records: appended })),
    sync: Effect.sync(() => {
      synced = appended
    }),
    truncate: () => Effect.void,
    position: Effect.sync(() => ({ bytes: appended, records: appended }))
  }
  const checkpoint = Layer.effect(Checkpoint.Checkpoint)(Effect.gen(function*() {
    const memory = yield* Checkpoint.Checkpoint
    return Checkpoint.Checkpoint.of({
      ...memory,
      save: (state, emitted) =>
        Effect.suspend(() => {
          saves.push({ vouches: Number(state.sink?.["lines"] ?? 0), onDisk: synced, phase: state.phase })
          return memory.save(state, emitted)
        })
    })
  })).pipe(Layer.provide(Checkpoint.Checkpoint.layerMemory))
  return { output, checkpoint, saves }
}

/** Every save vouched for records already flushed to disk. */
const expectSafe = (saves: ReadonlyArray<{ readonly vouches: number; readonly onDisk: number }>) => {
  for (const save of saves) expect(save.vouches).toBeLessThanOrEqual(save.onDisk)
}

describe("DriftStream checkpoint cadence", () => {
  it.live("checkpointEvery: every page with 0, once at the end when nothing is due, periodically as pages come; each save vouches only for records on disk", () =>
    Effect.gen(function*() {
      const sandbox = yield* startSandbox({ conversations: 200, faults: { latency: { ms: 5 } } })
      const run = (checkpointEvery: Duration.Input) => {
        const { checkpoint, output, saves } = cadence()
        return Effect.gen(function*() {
          const summary = yield* DriftStream.runExport({
            pageSize: 10,
            concurrency: 2,
            output,
            rejects: yield* RecordSink.memory,
            encode: encodeId,
            checkpointEvery
          })
          const saved = yield* Checkpoint.Checkpoint.use((c) => c.load)
          return { summary, saves, saved }
        }).pipe(
          Effect.provide(
            Layer.mergeAll(DriftStream.DriftStream.layer, checkpoint).pipe(Layer.provideMerge(clientLayer(sandbox)))
          )
        )
      }
      // 0: after every page (20 pages of 10, then the catch-up pass's).
      const everyPage = yield* run(0)
      const pages = everyPage.summary.state.counts.pages
      expect(pages).toBeGreaterThan(20)
      expect(everyPage.saves.length).toBe(pages)
      expect(everyPage.saves.map((s) => s.vouches)).toStrictEqual(
        Array.from({ length: pages }, (_, i) => Math.min(200, (i + 1) * 10))
      )
      expectSafe(everyPage.saves)
      // An hour: nothing is due before the end, which saves once.
      const atEnd = yield* run("1 hour")
      expect(atEnd.saves).toStrictEqual([{ vouches: 200, onDisk: 200, phase: "done" }])
      // 20 ms: the list pages alone take 20 x 5 ms one after the other, so at least one save comes before the last.
      const periodic = yield* run("20 millis")
      expect(periodic.saves.length).toBeGreaterThanOrEqual(2)
      expect(periodic.saves.length).toBeLessThanOrEqual(pages)
      expect(periodic.saves.at(-1)).toStrictEqual({ vouches: 200, onDisk: 200, phase: "done" })
      expectSafe(periodic.saves)
      for (const { saved, summary } of [everyPage, atEnd, periodic]) {
        expect(summary.written.threads).toBe(200)
        expect(Option.map(saved, (s) => s.state.phase)).toStrictEqual(Option.some("done"))
      }
    }))

  it.live("a run that fails saves the pages it wrote before failing, though no save was due", () =>
    Effect.gen(function*() {
      const sandbox = yield* startSandbox({ conversations: 200 })
      const written: Array<number> = []
      const program = Effect.gen(function*() {
        const failed = yield* Effect.flip(DriftStream.runExport({
          pageSize: 20,
          output: idSink(written, 3),
          rejects: yield* RecordSink.memory,
          encode: encodeId,
          checkpointEvery: "1 hour"
        }))
        expect(failed._tag).toBe("SinkError")
        const saved = yield* Checkpoint.Checkpoint.use((c) => c.load)
        expect(Option.map(saved, (s) => [s.state.emittedCount, s.state.sink?.["lines"]])).toStrictEqual(
          Option.some([60, 60])
        )
      })
      yield* program.pipe(Effect.provide(streamLayer(sandbox)))
      expect(written.length).toBe(60)
    }))
})

describe("DriftStream when a page keeps failing", () => {
  it.live("ends with PageFailed naming the cursor to resume from; resuming after the fault completes once", () =>
    Effect.gen(function*() {
      const sandbox = yield* startSandbox({ conversations: 200 })
      const expected = yield* sandbox.admin.ids()
      // Every list page from the third on times out (504), past the client's retry budget.
      yield* sandbox.admin.setFaults({ pageTimeout: { fromPage: 3, delayMs: 1, mode: "504" } })
      const layer = Layer.mergeAll(DriftStream.DriftStream.layer, Checkpoint.Checkpoint.layerMemory).pipe(
        Layer.provideMerge(
          DriftClient.DriftClient.layer({
            token: Redacted.make(sandbox.token),
            baseUrl: sandbox.url,
            retry: { times: 2, baseDelay: "1 millis", maxDelay: "5 millis" },
            rateLimit: false
          }).pipe(Layer.provide(FetchHttpClient.layer))
        )
      )
      const written: Array<number> = []
      const output = idSink(written, Number.POSITIVE_INFINITY)
      const run = Effect.flatMap(
        RecordSink.memory,
        (rejects) => DriftStream.runExport({ pageSize: 20, resume: true, output, rejects, encode: encodeId })
      )
      yield* Effect.gen(function*() {
        const failed = yield* Effect.flip(run)
        if (failed._tag !== "PageFailed") throw new Error(`expected PageFailed, got ${failed._tag}`)
        expect(failed.cursor).not.toBeNull()
        expect(failed.message).toContain(`cursor ${failed.cursor}`)
        expect(failed.message).toContain("Resume from")
        expect(written.length).toBe(40)
        // The checkpoint stands at the page that failed.
        const saved = yield* Checkpoint.Checkpoint.use((c) => c.load)
        expect(Option.map(saved, (s) => s.state.cursor)).toStrictEqual(Option.some(failed.cursor))
        yield* sandbox.admin.setFaults({})
        const resumed = yield* run
        expect(resumed.resumed).toBe(true)
      }).pipe(Effect.provide(layer))
      expectExactlyOnce(written, expected)
    }))
})

describe("DriftStream crash and resume", () => {
  it.live(
    "a child process killed (SIGKILL) at three points mid-export and resumed writes every conversation exactly once",
    () =>
      Effect.gen(function*() {
        const { spawn } = yield* Effect.promise(() => import("node:child_process"))
        const fs = yield* Effect.promise(() => import("node:fs"))
        const os = yield* Effect.promise(() => import("node:os"))
        const path = yield* Effect.promise(() => import("node:path"))
        const sandbox = yield* startSandbox({ conversations: 400 })
        const expected = yield* sandbox.admin.ids()
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "parley-crash-"))
        const out = path.join(dir, "out.ndjson")
        const checkpoint = path.join(dir, "export.checkpoint.json")
        const child = new URL("./fixtures/export-child.ts", import.meta.url).pathname
        const lines = () => (fs.existsSync(out) ? fs.readFileSync(out, "utf8").split("\n").filter((l) => l !== "") : [])
        const runChild = (killAfterLines: number | undefined) =>
          Effect.callback<{ readonly killed: boolean; readonly code: number | null }>((resume) => {
            const proc = spawn(process.execPath, [child, sandbox.url, sandbox.token, out, checkpoint], {
              stdio: ["ignore", "pipe", "pipe"]
            })
            let stderr = ""
            proc.stderr.on("data", (d) => (stderr += String(d)))
            // A condition, polled: the kill lands wherever the child is once the output holds that many lines.
            const timer = killAfterLines === undefined ? undefined : setInterval(() => {
              if (lines().length >= killAfterLines) proc.kill("SIGKILL")
            }, 5)
            proc.on("exit", (code, signal) => {
              if (timer) clearInterval(timer)
              if (signal !== "SIGKILL" && code !== 0) console.error(stderr)
              resume(Effect.succeed({ killed: signal === "SIGKILL", code }))
            })
            return Effect.sync(() => proc.kill("SIGKILL"))
          })
        let kills = 0
        for (const at of [15, 90, 210]) {
          // The child cannot finish before the kill, however slow this process is: list pages from the third past
          // the target on (10 conversations a page) hang, so it stalls with `at + 10` or more lines written.
          yield* sandbox.admin.setFaults({
            pageTimeout: { fromPage: Math.floor(at / 10) + 3, mode: "hang" },
            schedule: [{ fault: "latency", ms: 2 }]
          })
          const result = yield* runChild(at)
          if (result.killed) kills++
        }
        yield* sandbox.admin.setFaults({ schedule: [{ fault: "latency", ms: 2 }] })
        const final = yield* runChild(undefined)
        expect(final.code).toBe(0)
        expect(kills).toBe(3)
        const written = lines().map((l) => (JSON.parse(l) as { id: number }).id)
        expectExactlyOnce(written, expected)
        fs.rmSync(dir, { recursive: true, force: true })
      }),
    120_000
  )
})
