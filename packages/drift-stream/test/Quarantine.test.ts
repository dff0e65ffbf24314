/**
 * Never abort, never silently short: a conversation Drift answers undecodably is quarantined (and `strict`
 * restores stop-at-first), a resume neither loses nor repeats it, an export that comes up short of
 * `/conversations/stats` fails naming the numbers, a cursor the stream cannot follow fails instead of ending, and
 * both list APIs export everything. Over loopback against the sandbox; the odd answers are made by rewriting the
 * sandbox's real answers in the client's transport.
 */
import { NodeServices } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { DriftClient } from "@parley/drift-client"
import { Checkpoint, DriftStream, type DriftStreamError, RecordSink } from "@parley/drift-stream"
import type { Drift } from "@parley/schema"
import { Effect, Layer, Redacted, Stream } from "effect"
import { FetchHttpClient, HttpClient, HttpClientResponse } from "effect/http"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { startSandbox } from "../../../test-support/sandbox.ts"

type Sandbox = Effect.Success<ReturnType<typeof startSandbox>>
type Rewrite = (url: URL, body: unknown) => unknown

/** The stream over a client whose transport passes every JSON answer through `rewrite`. */
const layerWith = (sandbox: Sandbox, rewrite: Rewrite, checkpoint?: string) => {
  const http = Layer.effect(
    HttpClient.HttpClient,
    Effect.map(
      HttpClient.HttpClient,
      (client) =>
        client.pipe(HttpClient.transformResponse(Effect.flatMap((response) =>
          Effect.map(response.text, (text) => {
            const url = new URL(response.request.url)
            const body = text === "" ? undefined : JSON.parse(text) as unknown
            const rewritten = rewrite(url, body)
            // A fresh response either way: this proxy consumed the body, and the client reads it again.
            return HttpClientResponse.fromWeb(
              response.request,
              new Response(rewritten === body ? text : JSON.stringify(rewritten), {
                status: response.status,
                headers: { "content-type": "application/json" }
              })
            )
          })
        )))
    )
  ).pipe(Layer.provide(FetchHttpClient.layer))
  const client = DriftClient.DriftClient.layer({
    token: Redacted.make(sandbox.token),
    baseUrl: sandbox.url,
    retry: { times: 3, baseDelay: "5 millis", maxDelay: "20 millis" },
    rateLimit: false
  }).pipe(Layer.provide(http))
  return Layer.mergeAll(
    DriftStream.DriftStream.layer,
    checkpoint === undefined ? Checkpoint.Checkpoint.layerMemory : Checkpoint.Checkpoint.layerFile(checkpoint)
  ).pipe(Layer.provideMerge(client), Layer.provideMerge(NodeServices.layer))
}

const none: Rewrite = (_, body) => body

/** The messages answer of `victim` replaced by one whose message has a timestamp that is not one. */
const breakMessagesOf = (victim: number): Rewrite => (url, body) =>
  url.pathname === `/conversations/${victim}/messages` ? badMessages(victim) : body

const badMessages = (victim: number) => ({
  data: {
    messages: [{
      id: 1,
      orgId: 2,
      author: { type: "contact", id: 3, bot: false },
      type: "chat",
      conversationId: victim,
      createdAt: "yesterday"
    }]
  },
  pagination: { more: false }
})

const encodeId = (t: Drift.Thread) => Effect.succeed([`${t.conversation.id}\n`])

const lines = (file: string): Array<string> =>
  fs.existsSync(file) ? fs.readFileSync(file, "utf8").split("\n").filter((l) => l !== "") : []

const sorted = (xs: ReadonlyArray<number>) => [...xs].toSorted((a, b) => a - b)

describe("DriftStream quarantine", () => {
  it.live("a conversation whose messages do not decode goes to the rejects sink with its answer; the rest is exported", () =>
    Effect.gen(function*() {
      const sandbox = yield* startSandbox({ conversations: 120 })
      const all = yield* sandbox.admin.ids()
      const victim = all[37]!
      const output = yield* RecordSink.memory
      const rejects = yield* RecordSink.memory
      const summary = yield* DriftStream.runExport({ pageSize: 20, concurrency: 4, output, rejects, encode: encodeId })
        .pipe(Effect.provide(layerWith(sandbox, breakMessagesOf(victim))))
      const written = (yield* output.records).map(Number)
      expect(sorted(written)).toStrictEqual(sorted(all.filter((id) => id !== victim)))
      const rejected = (yield* rejects.records).map((line) => JSON.parse(line) as Record<string, unknown>)
      expect(rejected).toHaveLength(1)
      expect(rejected[0]).toMatchObject({
        conversationId: victim,
        what: "messages",
        request: `GET /conversations/${victim}/messages`,
        status: 200,
        answer: badMessages(victim)
      })
      expect(rejected[0]!["path"]).toBe(`["data"]["messages"][0]["createdAt"]`)
      expect(summary.state.counts.rejected).toBe(1)
      expect(summary.written).toStrictEqual({ threads: all.length - 1, rejected: 1 })
      // Drift's stats leave out `bulk_sent` conversations, which the list includes: read >= required.
      expect(summary.completeness).toMatchObject({ read: all.length, rejected: 1 })
      expect(summary.completeness!.atStart).toBe(summary.completeness!.atEnd)
      expect(summary.completeness!.required).toBeLessThanOrEqual(all.length)
      expect(summary.completeness!.required).toBeGreaterThan(all.length / 2)
    }))

  it.live("strict stops at the first such conversation with ThreadFailed, its reason a DecodeError", () =>
    Effect.gen(function*() {
      const sandbox = yield* startSandbox({ conversations: 60 })
      const victim = (yield* sandbox.admin.ids())[5]!
      const output = yield* RecordSink.memory
      const rejects = yield* RecordSink.memory
      const reason = yield* DriftStream.runExport({ pageSize: 20, strict: true, output, rejects, encode: encodeId })
        .pipe(
          Effect.map(() => "finished"),
          Effect.catchReason("ThreadFailed", "DecodeError", (reason) => Effect.succeed(reason.path)),
          Effect.provide(layerWith(sandbox, breakMessagesOf(victim)))
        )
      expect(reason).toBe(`["data"]["messages"][0]["createdAt"]`)
      expect(yield* rejects.records).toStrictEqual([])
    }))

  it.live("killed between writing a page and checkpointing it, a resume neither loses nor repeats the rejected conversation", () =>
    Effect.gen(function*() {
      const sandbox = yield* startSandbox({ conversations: 100 })
      const all = yield* sandbox.admin.ids()
      const victim = all[25]! // on the third page of 10
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "parley-quarantine-"))
      const out = path.join(dir, "out.ndjson")
      const rejectsFile = `${out}.rejects.ndjson`
      const checkpoint = path.join(dir, "out.checkpoint.json")
      const run = (crashOnAppend: number | undefined) =>
        Effect.scoped(Effect.gen(function*() {
          const saved = yield* Checkpoint.Checkpoint.use((c) => c.load)
          const mode = saved._tag === "Some" ? "keep" : "truncate"
          const file = yield* RecordSink.file(out, { mode })
          let appends = 0
          // Writes the page, then fails before the checkpoint is saved: what a kill at that instant leaves.
          const output: RecordSink.RecordSink = {
            ...file,
            append: (records) =>
              Effect.flatMap(file.append(records), (position) =>
                ++appends === crashOnAppend
                  ? Effect.fail(new RecordSink.SinkError({ path: out, operation: "write", reason: "killed" }))
                  : Effect.succeed(position))
          }
          return yield* DriftStream.runExport({
            pageSize: 10,
            concurrency: 3,
            resume: true,
            output,
            rejects: yield* RecordSink.file(rejectsFile, { mode, lazy: true }),
            encode: encodeId
          })
        })).pipe(Effect.provide(layerWith(sandbox, breakMessagesOf(victim), checkpoint)))
      const crashed = yield* Effect.flip(run(3))
      expect(crashed._tag).toBe("SinkError")
      // The crashed page's records and its reject are on disk, past what the checkpoint vouches for.
      expect(lines(rejectsFile)).toHaveLength(1)
      expect(lines(out)).toHaveLength(29)
      const summary = yield* run(undefined)
      expect(summary.resumed).toBe(true)
      expect(summary.state.phase).toBe("done")
      expect(sorted(lines(out).map(Number))).toStrictEqual(sorted(all.filter((id) => id !== victim)))
      const rejected = lines(rejectsFile).map((l) => JSON.parse(l) as { conversationId: number })
      expect(rejected.map((r) => r.conversationId)).toStrictEqual([victim])
      expect(summary.completeness?.read).toBe(all.length)
      fs.rmSync(dir, { recursive: true, force: true })
    }))
})

describe("DriftStream completeness", () => {
  it.live("a list that ends early is an Incomplete failure naming Drift's count and what was read", () =>
    Effect.gen(function*() {
      const sandbox = yield* startSandbox({ conversations: 90 })
      // The second list page claims to be the last (no pagination): the main walk ends after 20 of 90, and the
      // catch-up pass (which starts from the front again) finds nothing updated since the start.
      let listed = 0
      const rewrite: Rewrite = (url, body) => {
        if (url.pathname !== "/conversations/list" || ++listed !== 2) return body
        const { pagination: _, ...rest } = body as { pagination?: unknown }
        return rest
      }
      const output = yield* RecordSink.memory
      const rejects = yield* RecordSink.memory
      const error = yield* Effect.flip(
        DriftStream.runExport({ pageSize: 10, output, rejects, encode: encodeId }).pipe(
          Effect.provide(layerWith(sandbox, rewrite))
        )
      )
      if (error._tag !== "Incomplete") throw new Error(`expected Incomplete, got ${error._tag}: ${error.message}`)
      const incomplete: DriftStreamError.Incomplete = error
      expect({ exported: incomplete.exported, rejected: incomplete.rejected }).toStrictEqual({
        exported: 20,
        rejected: 0
      })
      expect(incomplete.required).toBeGreaterThan(40)
      expect(incomplete.required).toBeLessThanOrEqual(90)
      expect(incomplete.message).toContain(`Drift counts ${incomplete.required} conversations`)
      expect(incomplete.message).toContain(`${incomplete.required - 20} missing`)
      // What was read is written all the same.
      expect(yield* output.records).toHaveLength(20)
    }))

  it.live("a links.next the stream cannot follow fails with CursorUnrecognized instead of ending", () =>
    Effect.gen(function*() {
      const sandbox = yield* startSandbox({ conversations: 30 })
      const rewrite: Rewrite = (url, body) => {
        if (url.pathname !== "/conversations/list") return body
        const { pagination: _, ...rest } = body as { pagination?: unknown }
        return { ...rest, links: { self: url.href, next: "https://driftapi.example/conversations/list?after=xyz" } }
      }
      const error = yield* Effect.flip(
        DriftStream.DriftStream.use((s) => Stream.runDrain(s.conversations({ pageSize: 10 }))).pipe(
          Effect.provide(layerWith(sandbox, rewrite))
        )
      )
      expect(error._tag).toBe("CursorUnrecognized")
      expect(error.message).toContain("links.next")
    }))
})

describe("DriftStream on both list APIs", () => {
  for (const [api, pageSize] of [["legacy", 50], ["new", 100], ["new", 2]] as const) {
    it.live(`${api} list API, ${pageSize} per page: every conversation exactly once, complete`, () =>
      Effect.gen(function*() {
        const sandbox = yield* startSandbox({
          conversations: pageSize === 2 ? 5 : 230,
          extraArgs: ["--list-api", api]
        })
        const all = yield* sandbox.admin.ids()
        const output = yield* RecordSink.memory
        const rejects = yield* RecordSink.memory
        const summary = yield* DriftStream.runExport({ pageSize, output, rejects, encode: encodeId }).pipe(
          Effect.provide(layerWith(sandbox, none))
        )
        expect((yield* output.records).map(Number)).toStrictEqual([...all])
        // The main pass, then one catch-up page that finds nothing new.
        expect(summary.state.counts.pages).toBe(Math.ceil(all.length / pageSize) + 1)
        expect(summary.completeness?.read).toBe(all.length)
        expect(yield* rejects.records).toStrictEqual([])
      }))
  }
})
