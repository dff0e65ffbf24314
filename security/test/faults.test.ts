/**
 * Faults with nothing lost: `parley export --to intercom` (the real binary, as a child process) against the
 * sandbox (the real server, as a child process) with 429s, 5xx of every kind, random latency, truncated bodies
 * and list pages that hang, then the same with the export SIGKILLed at random points and resumed, three times.
 * Each output must hold exactly the sandbox's conversations, once each, every one with as many messages as an
 * unfaulted read finds.
 */
import { expect, layer } from "@effect/vitest"
import { DriftClient } from "@parley/drift-client"
import { Drift } from "@parley/schema"
import { Context, Effect, Fiber, Layer, Option, Redacted } from "effect"
import { FetchHttpClient } from "effect/http"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { type RunningSandbox, type SandboxFaults, startSandbox } from "../../test-support/sandbox.ts"
import { countLines, lineCounter, type Ran, readLines, runCli, spawnCli, tempDir, wait } from "../src/cli.ts"
import { TOKEN, Transcript } from "../src/secrets.ts"

const CONVERSATIONS = Number(process.env.PARLEY_FAULT_CONVERSATIONS ?? 5000)

/**
 * The faults, as a schedule (every Kth request a rule sees), not as rates: how many of each kind happen is then
 * fixed by the number of requests (thousands), so "every kind of fault did happen" holds on any machine at any
 * speed. List pages and message pages have rules of their own, with periods whose common multiples lie beyond the
 * requests a run makes, so no rule's hit is taken by another's: on message pages about 5% 429 (a few with
 * `Retry-After: 1`), 5% 5xx (all four kinds), 1% truncated bodies; on list pages one in 31 answered 429, one in 37
 * truncated, and one in 29 timing out: hanging until the client's timeout (first run), or a 504 after 300 ms, as
 * Drift's list does on large workspaces (killed runs). Every request also gets 0-10 ms of random latency (timing
 * only, asserted on nowhere).
 */
const MESSAGES = "/conversations/:id/messages"
const LIST = "/conversations/list"
const faults = (pageTimeout: { readonly mode: "504" | "hang"; readonly ms?: number }): SandboxFaults => ({
  seed: 7,
  latency: { ms: 0, jitterMs: 10 },
  schedule: [
    { fault: "rateLimit", path: MESSAGES, every: 19 },
    { fault: "rateLimit", path: MESSAGES, every: 997, retryAfter: 1 },
    { fault: "serverError", path: MESSAGES, every: 79, status: 500 },
    { fault: "serverError", path: MESSAGES, every: 83, status: 502 },
    { fault: "serverError", path: MESSAGES, every: 89, status: 503 },
    { fault: "serverError", path: MESSAGES, every: 97, status: 504 },
    { fault: "truncate", path: MESSAGES, every: 101 },
    { fault: "pageTimeout", every: 29, ...pageTimeout },
    { fault: "rateLimit", path: LIST, every: 31 },
    { fault: "truncate", path: LIST, every: 37 }
  ]
})

/**
 * The client's settings for the faulted runs, through the environment as users set them: no client-side rate
 * limit (the sandbox is local), a 1 s timeout per attempt (a hanging page costs 1 s, not 30), up to 10 retries
 * from 10 ms, and `Retry-After` honoured up to 2 s. Measured on 2 cores: 5,000 conversations take ~6 s unfaulted,
 * ~13 s with these faults at `--concurrency 16`.
 */
const clientEnv = (baseUrl: string): Record<string, string> => ({
  DRIFT_TOKEN: TOKEN,
  DRIFT_BASE_URL: baseUrl,
  DRIFT_REQUESTS_PER_MINUTE: "Infinity",
  DRIFT_TIMEOUT: "1 second",
  DRIFT_RETRY_TIMES: "10",
  DRIFT_RETRY_BASE_DELAY: "10 millis",
  DRIFT_RETRY_MAX_DELAY: "2 seconds"
})

/** Conversation id -> message count, read once without faults. */
type Reference = ReadonlyMap<number, number>

class Fixture extends Context.Service<Fixture, {
  readonly sandbox: RunningSandbox
  readonly reference: Reference
}>()("security/Fixture") {}

const readReference = (sandbox: RunningSandbox) =>
  Effect.gen(function*() {
    const drift = yield* DriftClient.DriftClient
    const ids: Array<Drift.ConversationId> = []
    let next: string | undefined
    do {
      const page = yield* drift.listConversations({ limit: 50, ...(next === undefined ? {} : { next }) })
      ids.push(...page.data.map((c) => c.id))
      next = Option.getOrUndefined(Drift.nextCursor(page.pagination))
    } while (next !== undefined)
    const counts = yield* Effect.forEach(ids, (id) =>
      Effect.gen(function*() {
        let count = 0
        let cursor: string | undefined
        do {
          const page = yield* drift.listMessages(id, cursor === undefined ? {} : { next: cursor })
          count += page.data.messages.length
          cursor = Option.getOrUndefined(Drift.nextCursor(Drift.messagesPagination(page)))
        } while (cursor !== undefined)
        return count
      }), { concurrency: 16 })
    return new Map(ids.map((id, i) => [id as number, counts[i]!]))
  }).pipe(
    Effect.provide(
      DriftClient.DriftClient.layer({ token: Redacted.make(sandbox.token), baseUrl: sandbox.url, rateLimit: false })
        .pipe(Layer.provide(FetchHttpClient.layer))
    )
  )

const FixtureLive = Layer.effect(
  Fixture,
  Effect.gen(function*() {
    const sandbox = yield* startSandbox({ conversations: CONVERSATIONS, extraArgs: ["--token", TOKEN] })
    const reference = yield* readReference(sandbox).pipe(Effect.orDie)
    const ids = yield* sandbox.admin.ids()
    if (ids.length !== reference.size || ids.some((id) => !reference.has(id))) {
      return yield* Effect.die(new Error("the unfaulted read does not match the sandbox's id list"))
    }
    return { sandbox, reference }
  })
)

/** Checks an Intercom export against the reference; returns what it found. */
const verify = (out: string, reference: Reference) => {
  const lines = readLines(out)
  const seen = new Map<number, number>()
  const problems: Array<string> = []
  let messages = 0
  for (const line of lines) {
    const conversation = JSON.parse(line) as {
      id: string
      conversation_message?: unknown
      conversation_parts: { total_count: number; conversation_parts: ReadonlyArray<unknown> }
    }
    const id = Number(conversation.id)
    seen.set(id, (seen.get(id) ?? 0) + 1)
    const parts = conversation.conversation_parts.conversation_parts.length
    const count = (conversation.conversation_message === undefined ? 0 : 1) + parts
    messages += count
    if (conversation.conversation_parts.total_count !== parts) {
      problems.push(`${id}: total_count ${conversation.conversation_parts.total_count} but ${parts} parts`)
    }
    const expected = reference.get(id)
    if (expected === undefined) problems.push(`${id}: not in the sandbox`)
    else if (expected !== count) problems.push(`${id}: ${count} messages, the sandbox has ${expected}`)
  }
  for (const [id, n] of seen) if (n > 1) problems.push(`${id}: written ${n} times`)
  for (const id of reference.keys()) if (!seen.has(id)) problems.push(`${id}: missing`)
  return { lines: lines.length, unique: seen.size, messages, problems }
}

const referenceMessages = (reference: Reference) => [...reference.values()].reduce((a, b) => a + b, 0)

const faultsSince = (
  before: { faults: Record<string, number>; serverErrorsByStatus: Record<string, number> },
  after: { faults: Record<string, number>; serverErrorsByStatus: Record<string, number> }
) => ({
  serverErrorsByStatus: Object.fromEntries(
    Object.entries(after.serverErrorsByStatus).map(([k, v]) => [k, v - (before.serverErrorsByStatus[k] ?? 0)])
  ),
  latency: after.faults.latency! - before.faults.latency!,
  truncated: after.faults.truncated! - before.faults.truncated!,
  pageTimeouts: after.faults.pageTimeout! - before.faults.pageTimeout!,
  rateLimited: after.faults.rateLimited! - before.faults.rateLimited!
})

const expectNoLeaks = (transcript: Transcript) => expect(transcript.leaks()).toEqual([])

layer(FixtureLive, { timeout: "120 seconds", excludeTestServices: true })("export under faults", (it) => {
  it.effect(
    `${CONVERSATIONS} conversations through 429s, 5xx, latency, truncation and page timeouts: nothing lost`,
    () =>
      Effect.gen(function*() {
        const { reference, sandbox } = yield* Fixture
        const dir = tempDir()
        const out = Path.join(dir, "export.ndjson")
        const checkpoint = Path.join(dir, "export.checkpoint.json")
        yield* sandbox.admin.setFaults(faults({ mode: "hang" }))
        const sandboxBefore = yield* sandbox.admin.stats()
        const run = yield* runCli(
          ["export", "--to", "intercom", "--out", out, "--checkpoint", checkpoint, "--concurrency", "16", "--json"],
          { env: clientEnv(sandbox.url) }
        )
        const after = yield* sandbox.admin.stats()
        const injected = faultsSince(sandboxBefore, after)
        expect(run.code, run.stderr).toBe(0)
        const result = verify(out, reference)
        const summary = JSON.parse(run.stdout) as { retries: number; requests: number }
        console.log(
          `faults, one run: ${result.unique} conversations (${result.messages} messages) in ${
            (run.durationMs / 1000).toFixed(1)
          } s; ${summary.requests} requests, ${summary.retries} retries; injected: ${injected.rateLimited} x 429 (${
            after.scheduled[1]
          } with Retry-After) of ${after.requests - sandboxBefore.requests} requests, 5xx ${
            JSON.stringify(injected.serverErrorsByStatus)
          }, ${injected.truncated} truncated, ${injected.pageTimeouts} page timeouts, ${injected.latency} delayed`
        )
        expect(result.problems.slice(0, 20)).toEqual([])
        expect(result.lines).toBe(reference.size)
        expect(result.messages).toBe(referenceMessages(reference))
        // Every kind of fault did happen (every rule of the schedule injected some).
        expect(after.scheduled.filter((n) => n === 0)).toEqual([])
        expect(Object.keys(injected.serverErrorsByStatus).toSorted()).toEqual(["500", "502", "503", "504"])
        expect(injected.rateLimited).toBeGreaterThan(0)
        expect(injected.truncated).toBeGreaterThan(0)
        expect(injected.pageTimeouts).toBeGreaterThan(0)
        const checkpointState = JSON.parse(Fs.readFileSync(checkpoint, "utf8")) as { phase: string }
        expect(checkpointState.phase).toBe("done")

        const transcript = new Transcript()
        transcript.add("stdout", run.stdout)
        transcript.add("stderr", run.stderr)
        transcript.addDirectory(dir)
        expectNoLeaks(transcript)
        Fs.rmSync(dir, { recursive: true, force: true })
      }),
    { timeout: 150_000 }
  )

  it.effect(
    "SIGKILLed at random points three times and resumed: every conversation exactly once",
    () =>
      Effect.gen(function*() {
        const { reference, sandbox } = yield* Fixture
        const dir = tempDir()
        const out = Path.join(dir, "export.ndjson")
        const checkpoint = Path.join(dir, "export.checkpoint.json")
        const args = [
          "export",
          "--to",
          "intercom",
          "--out",
          out,
          "--checkpoint",
          checkpoint,
          "--concurrency",
          "16",
          "--page-size",
          "50"
        ]
        const lastPage = Math.ceil(reference.size / 50)
        const env = clientEnv(sandbox.url)
        const transcript = new Transcript()
        const runs: Array<Ran> = []
        const kills: Array<string> = []
        const sandboxBefore = yield* sandbox.admin.stats()
        const started = performance.now()
        let seed = 20_240_611
        const random = () => {
          seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31
          return seed / 2 ** 31
        }
        for (let kill = 0; kill < 3; kill++) {
          // Kill once the output holds a random number of further conversations (up to half of what is left), plus a
          // random delay, so the kill lands anywhere: mid-page, mid-write, between the write and the checkpoint.
          const done = countLines(out)
          const target = done + 1 + Math.floor(random() * (reference.size - done) * 0.5)
          const extraMs = Math.floor(random() * 40)
          // The run cannot end before the kill, however slow this process is: list pages from a few past the
          // target's on hang (the client times out and retries until the kill), so the output reaches the target
          // and stops growing some pages later. The kill itself lands wherever the export is then.
          yield* sandbox.admin.setFaults({
            ...faults({ mode: "504", ms: 300 }),
            pageTimeout: { fromPage: Math.min(Math.floor(target / 50) + 8, lastPage), mode: "hang" }
          })
          const runArgs = kill === 0 ? args : [...args, "--resume"]
          const child = spawnCli(runArgs, { env: env })
          const waiting = yield* Effect.forkChild(wait(child, { args: runArgs }))
          let finished = false
          const written = lineCounter(out)
          while (!finished) {
            yield* Effect.sleep("15 millis")
            if (child.exitCode !== null) finished = true
            else if (written() >= target) {
              yield* Effect.sleep(`${extraMs} millis`)
              child.kill("SIGKILL")
              finished = true
            }
          }
          const ran = yield* Fiber.join(waiting)
          runs.push(ran)
          kills.push(
            `${ran.signal ?? `exit ${ran.code}`} at ${countLines(out)} lines (target ${target}) after ${
              (ran.durationMs / 1000).toFixed(1)
            } s`
          )
          expect(ran.signal, `run ${kill} ended before the kill: ${ran.stderr}`).toBe("SIGKILL")
        }
        yield* sandbox.admin.setFaults(faults({ mode: "504", ms: 300 }))
        const last = yield* runCli([...args, "--resume"], { env })
        runs.push(last)
        kills.push(`the last run in ${(last.durationMs / 1000).toFixed(1)} s`)
        expect(last.code, last.stderr).toBe(0)
        const result = verify(out, reference)
        const injected = faultsSince(sandboxBefore, yield* sandbox.admin.stats())
        console.log(
          `faults + kills: ${result.unique} conversations (${result.messages} messages), 3 SIGKILLs (${
            kills.join("; ")
          }), ${runs.length} runs in ${
            ((performance.now() - started) / 1000).toFixed(1)
          } s; injected: ${injected.rateLimited} x 429, 5xx ${
            JSON.stringify(injected.serverErrorsByStatus)
          }, ${injected.truncated} truncated, ${injected.pageTimeouts} page timeouts`
        )
        expect(result.problems.slice(0, 20)).toEqual([])
        expect(result.lines).toBe(reference.size)
        expect(result.messages).toBe(referenceMessages(reference))

        for (const [i, ran] of runs.entries()) {
          transcript.add(`run ${i} stdout`, ran.stdout)
          transcript.add(`run ${i} stderr`, ran.stderr)
        }
        transcript.addDirectory(dir)
        expectNoLeaks(transcript)
        Fs.rmSync(dir, { recursive: true, force: true })
      }),
    { timeout: 150_000 }
  )
})
