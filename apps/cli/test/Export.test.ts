import { assert, describe, it } from "@effect/vitest"
import { Drift, Intercom } from "@parley/schema"
import { Effect, Fiber, Schema } from "effect"
import { appendFileSync, existsSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { startSandbox } from "../../../test-support/sandbox.ts"
import { driftEnv, readNdjson, runCli, spawnCli, tempDir, wait } from "./cli.ts"

const TOKEN = "tok-4f9a-very-secret-e71c"

const assertNoToken = (token: string, ...texts: ReadonlyArray<string>) => {
  for (const text of texts) assert.notInclude(text, token)
}

const idsOf = (lines: ReadonlyArray<unknown>, pick: (line: never) => unknown): Array<string> =>
  lines.map((line) => String(pick(line as never)))

const sorted = (xs: Iterable<string | number>) => [...xs].map(String).toSorted()

type Sandbox = Effect.Success<ReturnType<typeof startSandbox>>

/**
 * From the 10th list request on, every list request of `sandbox` hangs (until the process is stopped): an export
 * of 10 a page writes 9 pages at most, however slow this machine is, and cannot finish.
 */
const hangAfterNinePages = (sandbox: Sandbox) =>
  sandbox.admin.setFaults({ latency: { ms: 4 }, schedule: [{ fault: "pageTimeout", from: 10, mode: "hang" }] })

/** `ids` holds every id of `initial`, each once. */
const assertEveryOnce = (ids: ReadonlyArray<string | number>, initial: ReadonlyArray<string | number>) => {
  assert.strictEqual(new Set(ids).size, ids.length, "no conversation twice")
  assert.deepStrictEqual(sorted(ids), sorted(initial), "every conversation")
}

describe("parley export", () => {
  it.live("exports every conversation once from Drift (DRIFT_BASE_URL, DRIFT_TOKEN) as Intercom classic", () =>
    Effect.gen(function*() {
      const sandbox = yield* startSandbox({ conversations: 400, seed: 3, extraArgs: ["--token", TOKEN] })
      const dir = tempDir()
      const out = join(dir, "out.ndjson")
      const ran = yield* runCli(["export", "--to", "intercom", "--out", out, "--json"], {
        env: driftEnv(sandbox.url, TOKEN)
      })
      assert.strictEqual(ran.code, 0, ran.stderr)
      const lines = readNdjson(out)
      const ids = idsOf(lines, (c: { id: string }) => c.id)
      assertEveryOnce(ids, yield* sandbox.admin.ids())
      const decode = Schema.decodeUnknownSync(Intercom.Conversation)
      for (const line of lines) decode(line)
      // --json: the summary on stdout (the data went to a file), the human summary on stderr.
      const summary = JSON.parse(ran.stdout) as { ok: boolean; conversations: number; to: string; status: string }
      assert.deepInclude(summary, { ok: true, conversations: 400, to: "intercom", status: "done" })
      assert.match(ran.stderr, /exported 400 conversations/)
      const checkpoint = readFileSync(`${out}.checkpoint.json`, "utf8")
      assert.strictEqual((JSON.parse(checkpoint) as { phase: string }).phase, "done")
      assertNoToken(TOKEN, ran.stdout, ran.stderr, checkpoint, readFileSync(`${out}.checkpoint.json.ids`, "utf8"))
    }))

  it.live("--to intercom-2.11 to stdout: every line decodes as an API 2.11 conversation", () =>
    Effect.gen(function*() {
      const sandbox = yield* startSandbox({ conversations: 150, seed: 4 })
      const ran = yield* runCli(["export", "--to", "intercom-2.11", "--quiet"], {
        env: driftEnv(sandbox.url, sandbox.token)
      })
      assert.strictEqual(ran.code, 0, ran.stderr)
      assert.strictEqual(ran.stderr, "")
      const lines = ran.stdout.trim().split("\n").map((l) => JSON.parse(l) as unknown)
      const decode = Schema.decodeUnknownSync(Intercom.ConversationV2)
      const ids = lines.map((line) => decode(line).id as string)
      assert.deepStrictEqual(sorted(ids), sorted(yield* sandbox.admin.ids()))
    }))

  it.live("--sandbox: the embedded sandbox, no token; --status filters", () =>
    Effect.gen(function*() {
      const dir = tempDir()
      const out = join(dir, "sandbox.ndjson")
      const ran = yield* runCli(
        ["export", "--sandbox", "--sandbox-conversations", "300", "--out", out, "--json", "--quiet"],
        { env: { DRIFT_TOKEN: undefined } }
      )
      assert.strictEqual(ran.code, 0, ran.stderr)
      const decode = Schema.decodeUnknownSync(Drift.Thread)
      const threads = readNdjson(out).map((line) => decode(line))
      assert.strictEqual(threads.length, 300)
      assert.strictEqual(new Set(threads.map((t) => t.conversation.id)).size, 300)
      assert.deepInclude(JSON.parse(ran.stdout) as object, { sandbox: true, conversations: 300 })

      const closed = join(dir, "closed.ndjson")
      const filtered = yield* runCli([
        "export",
        "--sandbox",
        "--sandbox-conversations",
        "300",
        "--status",
        "closed",
        "--status",
        "pending",
        "--out",
        closed,
        "--quiet"
      ])
      assert.strictEqual(filtered.code, 0, filtered.stderr)
      const kept = readNdjson(closed).map((line) => decode(line))
      const expected = threads.filter((t) => t.conversation.status === "closed" || t.conversation.status === "pending")
      assert.isAbove(kept.length, 0)
      assert.deepStrictEqual(sorted(kept.map((t) => t.conversation.id)), sorted(expected.map((t) => t.conversation.id)))
    }))

  for (const cursor of ["snapshot", "offset"] as const) {
    it.live(`killed (SIGKILL) mid-export, then --resume: every conversation exactly once (${cursor} cursors)`, () =>
      Effect.gen(function*() {
        const sandbox = yield* startSandbox({
          conversations: 400,
          seed: 5,
          faults: { latency: { ms: 4 } },
          extraArgs: ["--cursor", cursor]
        })
        const initial = yield* sandbox.admin.ids()
        const dir = tempDir()
        const out = join(dir, "killed.ndjson")
        const checkpoint = `${out}.checkpoint.json`
        const args = ["export", "--out", out, "--page-size", "10", "--concurrency", "2", "--to", "intercom-2.11"]
        const env = driftEnv(sandbox.url, sandbox.token)
        // The export cannot finish before the kill.
        yield* hangAfterNinePages(sandbox)
        const child = spawnCli(args, { env })
        const done = yield* Effect.forkChild(wait(child, { args }))
        // Kill it once a few pages are checkpointed (a condition it is bound to reach, however long it takes; if the
        // export dies first, the loop ends and the assertion below says so).
        while (child.exitCode === null) {
          yield* Effect.sleep("25 millis")
          if (!existsSync(checkpoint)) continue
          const state = JSON.parse(readFileSync(checkpoint, "utf8")) as { emittedCount: number }
          if (state.emittedCount >= 60) break
        }
        child.kill("SIGKILL")
        const killed = yield* Fiber.join(done)
        assert.strictEqual(killed.signal, "SIGKILL")
        const saved = JSON.parse(readFileSync(checkpoint, "utf8")) as { emittedCount: number; phase: string }
        assert.notStrictEqual(saved.phase, "done")
        // A torn line, as if the process died in the middle of a write.
        appendFileSync(out, `{"type":"conversation","id":"torn`)
        // Meanwhile some conversations move to the front of the list.
        for (const id of [initial[0]!, initial[150]!, initial[390]!]) yield* sandbox.admin.touch(id)
        yield* sandbox.admin.setFaults({ latency: { ms: 4 } })

        const resumed = yield* runCli([...args, "--resume", "--json", "--quiet"], { env })
        assert.strictEqual(resumed.code, 0, resumed.stderr)
        const decode = Schema.decodeUnknownSync(Intercom.ConversationV2)
        assertEveryOnce(readNdjson(out).map((line) => decode(line).id as string), initial)
        const summary = JSON.parse(resumed.stdout) as { resumed: boolean; totalConversations: number }
        assert.deepInclude(summary, { resumed: true, totalConversations: 400 })
      }))
  }

  it.live("stopped (SIGINT) with no save due: the checkpoint vouches for every line written; --resume ends it exactly once", () =>
    Effect.gen(function*() {
      const sandbox = yield* startSandbox({ conversations: 400, seed: 7, faults: { latency: { ms: 4 } } })
      const initial = yield* sandbox.admin.ids()
      const dir = tempDir()
      const out = join(dir, "stopped.ndjson")
      const checkpoint = `${out}.checkpoint.json`
      // An hour between saves: only the save made when the run stops can vouch for what it wrote.
      const args = ["export", "--out", out, "--page-size", "10", "--concurrency", "2", "--checkpoint-every", "3600"]
      const env = driftEnv(sandbox.url, sandbox.token)
      // 9 pages of 10 are written, then nothing.
      yield* hangAfterNinePages(sandbox)
      const lines = () => (existsSync(out) ? readFileSync(out, "utf8").split("\n").length - 1 : 0)
      const child = spawnCli(args, { env })
      const done = yield* Effect.forkChild(wait(child, { args }))
      // A condition it is bound to reach, however slow this process is (if it dies first, the loop ends).
      while (child.exitCode === null && lines() < 90) yield* Effect.sleep("25 millis")
      child.kill("SIGINT")
      const stopped = yield* Fiber.join(done)
      assert.notStrictEqual(stopped.code, 0, stopped.stderr)
      assert.strictEqual(lines(), 90)
      const saved = JSON.parse(readFileSync(checkpoint, "utf8")) as {
        emittedCount: number
        phase: string
        sink: { lines: number }
      }
      assert.notStrictEqual(saved.phase, "done")
      assert.strictEqual(saved.emittedCount, 90)
      assert.strictEqual(saved.sink.lines, 90)

      yield* sandbox.admin.setFaults({ latency: { ms: 4 } })
      const resumed = yield* runCli([...args, "--resume", "--json", "--quiet"], { env })
      assert.strictEqual(resumed.code, 0, resumed.stderr)
      assertEveryOnce(readNdjson(out).map((t) => (t as { conversation: { id: number } }).conversation.id), initial)
    }))

  it.live("--since checkpoint: only what changed since the last export's watermark", () =>
    Effect.gen(function*() {
      const sandbox = yield* startSandbox({ conversations: 200, seed: 6 })
      const env = driftEnv(sandbox.url, sandbox.token)
      const dir = tempDir()
      const state = join(dir, "state.json")
      const full = yield* runCli(["export", "--out", join(dir, "full.ndjson"), "--checkpoint", state, "--quiet"], {
        env
      })
      assert.strictEqual(full.code, 0, full.stderr)
      const ids = yield* sandbox.admin.ids()
      const touched = [ids[10]!, ids[100]!, ids[199]!]
      for (const id of touched) yield* sandbox.admin.touch(id)
      const delta = join(dir, "delta.ndjson")
      const ran = yield* runCli(
        ["export", "--out", delta, "--checkpoint", state, "--since", "checkpoint", "--quiet"],
        { env }
      )
      assert.strictEqual(ran.code, 0, ran.stderr)
      const changed = readNdjson(delta).map((t) => (t as { conversation: { id: number } }).conversation.id)
      assert.deepStrictEqual(sorted(changed), sorted(touched))
      // Nothing changed since: an empty delta (replacing the previous delta is asked for).
      const again = yield* runCli(
        ["export", "--out", delta, "--checkpoint", state, "--since", "checkpoint", "--overwrite", "--quiet"],
        { env }
      )
      assert.strictEqual(again.code, 0, again.stderr)
      assert.strictEqual(readFileSync(delta, "utf8"), "")
    }))
})
