import { assert, describe, it } from "@effect/vitest"
import { Sandbox } from "@parley/drift-sandbox"
import { Effect } from "effect"
import { existsSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { startSandbox } from "../../../test-support/sandbox.ts"
import { driftEnv, runCli, tempDir } from "./cli.ts"

/** stderr is exactly one `parley: ...` line, with no stack trace. */
const assertOneLine = (stderr: string, pattern: RegExp) => {
  const lines = stderr.trimEnd().split("\n")
  assert.strictEqual(lines.length, 1, stderr)
  assert.match(lines[0]!, /^parley: /)
  assert.match(lines[0]!, pattern)
  assert.notMatch(stderr, /\n\s+at /)
}

describe("errors a person can act on: one line, an exit code, never the token", () => {
  it.live("no DRIFT_TOKEN: exit 2, says how to get one or use --sandbox", () =>
    Effect.gen(function*() {
      const dir = tempDir()
      const ran = yield* runCli(["export", "--out", join(dir, "x.ndjson")], { env: { DRIFT_TOKEN: undefined } })
      assert.strictEqual(ran.code, 2)
      assertOneLine(ran.stderr, /DRIFT_TOKEN is not set\. Create a token with the conversation_read scope .* --sandbox/)
      assert.strictEqual(ran.stdout, "")
    }))

  it.live("a wrong token (401): exit 1, names DRIFT_TOKEN, never prints it", () =>
    Effect.gen(function*() {
      const sandbox = yield* startSandbox({ conversations: 20 })
      const wrong = "wrong-token-9c2e77d1"
      const dir = tempDir()
      const out = join(dir, "x.ndjson")
      const ran = yield* runCli(["export", "--out", out, "--json"], { env: driftEnv(sandbox.url, wrong) })
      assert.strictEqual(ran.code, 1)
      assertOneLine(ran.stderr, /Drift rejected the token in DRIFT_TOKEN \(401\)/)
      const summary = JSON.parse(ran.stdout) as { ok: boolean; error: string }
      assert.isFalse(summary.ok)
      const checkpoint = existsSync(`${out}.checkpoint.json`) ? readFileSync(`${out}.checkpoint.json`, "utf8") : ""
      for (const text of [ran.stdout, ran.stderr, checkpoint]) {
        assert.notInclude(text, wrong)
      }
    }))

  it.live("a token without conversation_read (403): exit 1, names the scope", () =>
    Effect.gen(function*() {
      const sandbox = yield* Sandbox.start({
        port: 0,
        conversations: 10,
        tokens: [{ token: "scopeless-token-31f0", scopes: ["user_read"] }]
      })
      const ran = yield* runCli(["export", "--quiet"], { env: driftEnv(sandbox.url, "scopeless-token-31f0") })
      assert.strictEqual(ran.code, 1)
      assertOneLine(ran.stderr, /lacks a scope .*conversation_read/)
      assert.notInclude(ran.stderr, "scopeless-token-31f0")
    }))

  it.live("an unreachable host: exit 1, names the host and DRIFT_BASE_URL", () =>
    Effect.gen(function*() {
      const ran = yield* runCli(["export", "--quiet"], {
        env: { ...driftEnv("http://127.0.0.1:1", "some-token-5d1e"), DRIFT_RETRY_TIMES: "1" }
      })
      assert.strictEqual(ran.code, 1)
      assertOneLine(
        ran.stderr,
        /cannot reach Drift at 127\.0\.0\.1:1 .*Check DRIFT_BASE_URL \(now http:\/\/127\.0\.0\.1:1\)/
      )
      assert.notInclude(ran.stderr, "some-token-5d1e")
    }))

  // One test per case: each CLI start costs seconds on a busy machine, and eight in one test outgrew its budget.
  const usageErrors: ReadonlyArray<readonly [ReadonlyArray<string>, RegExp]> = [
    [["export", "--sandbox", "--page-size", "101"], /--page-size must be 1 to 100 .*, got 101/],
    [["export", "--sandbox", "--page-size", "80"], /--page-size 80: this Drift answers with the legacy list API/],
    [["export", "--sandbox", "--status", "archived"], /--status must be open, closed or pending/],
    [["export", "--sandbox", "--since", "last tuesday"], /--since must be an ISO date/],
    [["export", "--sandbox", "--resume"], /--resume needs --out FILE/],
    [["export", "--nope"], /Unrecognized flag: --nope/],
    [["convert", "x.ndjson"], /Missing required flag: --to/],
    [["export", "--to", "zendesk"], /zendesk/]
  ]
  for (const [args, pattern] of usageErrors) {
    it.live(`usage error \`parley ${args.join(" ")}\`: exit 2 with one line`, () =>
      Effect.gen(function*() {
        const ran = yield* runCli(args, { env: { DRIFT_TOKEN: undefined } })
        assert.strictEqual(ran.code, 2, `${args.join(" ")}: ${ran.stderr}`)
        assertOneLine(ran.stderr, pattern)
      }))
  }

  it.live("no command: exit 2, says so last", () =>
    Effect.gen(function*() {
      const bare = yield* runCli([])
      assert.strictEqual(bare.code, 2)
      assert.match(bare.stderr.trimEnd().split("\n").at(-1)!, /^parley: missing command/)
    }))

  it.live("a missing input file: exit 1, one line", () =>
    Effect.gen(function*() {
      const ran = yield* runCli(["convert", "/nonexistent/threads.ndjson", "--to", "drift"])
      assert.strictEqual(ran.code, 1)
      assertOneLine(ran.stderr, /cannot read input \/nonexistent\/threads\.ndjson: no such file/)
    }))
})
