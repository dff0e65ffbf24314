/**
 * Every mistake a user can make gets one line on stderr naming the value, the problem and the fix, with exit code
 * 2 (usage) or 1 (runtime): never "internal error", never a stack trace. The table runs the real binary.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { mkdirSync, writeFileSync } from "node:fs"
import { createServer, type Server } from "node:net"
import { join } from "node:path"
import { runCli, tempDir } from "./cli.ts"

interface Mistake {
  readonly args: ReadonlyArray<string>
  readonly code: 1 | 2
  /** Strings the line must hold (the value, the problem). */
  readonly names: ReadonlyArray<string>
  readonly env?: Record<string, string | undefined>
}

const listening = Effect.acquireRelease(
  Effect.callback<Server>((resume) => {
    const server = createServer()
    server.listen(0, "127.0.0.1", () => resume(Effect.succeed(server)))
  }),
  (server) =>
    Effect.callback<void>((resume) => {
      server.close(() => resume(Effect.void))
    })
)

const portOf = (server: Server): number => {
  const address = server.address()
  return typeof address === "object" && address !== null ? address.port : 0
}

describe("mistakes: one line naming the value, exit 2 or 1, never an internal error", () => {
  it.live("a table of mistakes through the parley binary", () =>
    Effect.gen(function*() {
      const busy = portOf(yield* listening)
      const dir = tempDir()
      const input = join(dir, "threads.ndjson")
      writeFileSync(input, "{}\n")
      const notJson = join(dir, "users.txt")
      writeFileSync(notJson, "these are not users\n")
      const folder = join(dir, "a-folder")
      mkdirSync(folder)
      const noToken = { DRIFT_TOKEN: undefined }
      const token = { DRIFT_TOKEN: "t0ken-for-mistakes", DRIFT_BASE_URL: "http://127.0.0.1:1" }
      const mistakes: ReadonlyArray<Mistake> = [
        // servers: ports, hosts, sizes
        { args: ["sandbox", "--port", "99999"], code: 2, names: ["--port", "99999", "0 to 65535"] },
        { args: ["sandbox", "--port", "-1"], code: 2, names: ["--port", "-1"] },
        { args: ["sandbox", "--port", "http"], code: 2, names: ["--port", "http"] },
        { args: ["sandbox", "--port", String(busy)], code: 1, names: [`port ${busy}`, "already in use", "--port"] },
        { args: ["sandbox", "--host", "10.255.255.1", "--port", "0"], code: 1, names: ["10.255.255.1", "--host"] },
        { args: ["sandbox", "--conversations", "100000000"], code: 2, names: ["--conversations", "100000000"] },
        { args: ["sandbox", "--error-rate", "2"], code: 2, names: ["--error-rate", "2"] },
        { args: ["inbox", "--port", "70000"], code: 2, names: ["--port", "70000"] },
        {
          args: ["inbox", "--port", String(busy), "--sandbox", "--conversations", "5"],
          code: 1,
          names: [`port ${busy}`, "already in use"]
        },
        { args: ["inbox", "--port", "0", "--file", "missing.ndjson"], code: 1, names: [join(dir, "missing.ndjson")] },
        { args: ["inbox", "--port", "0", "--file", ""], code: 2, names: ["--file", "empty"] },
        { args: ["inbox", "--port", "0", "--file", folder], code: 1, names: [folder, "not a file"] },
        { args: ["inbox", "--conversations", "-5"], code: 2, names: ["--conversations", "-5"] },
        // export: paths
        { args: ["export", "--sandbox", "--out", "/"], code: 1, names: ["/", "directory"] },
        { args: ["export", "--sandbox", "--out", folder], code: 1, names: [folder, "directory"] },
        { args: ["export", "--sandbox", "--out", ""], code: 1, names: ["empty"] },
        {
          args: ["export", "--sandbox", "--out", "/nonexistent-parley-dir/x.ndjson"],
          code: 1,
          names: ["/nonexistent-parley-dir/x.ndjson", "the folder /nonexistent-parley-dir does not exist"]
        },
        // export: values
        { args: ["export", "--sandbox", "--sandbox-conversations", "100000000"], code: 2, names: ["100000000"] },
        { args: ["export", "--sandbox", "--sandbox-conversations", "-1"], code: 2, names: ["-1"] },
        { args: ["export", "--sandbox", "--since", "yesterday"], code: 2, names: ["--since", "yesterday"] },
        { args: ["export", "--sandbox", "--since", "2024-13-45"], code: 2, names: ["--since", "2024-13-45"] },
        { args: ["export", "--sandbox", "--page-size", "80"], code: 2, names: ["--page-size", "80"] },
        { args: ["export", "--sandbox", "--page-size", "0"], code: 2, names: ["--page-size", "0"] },
        { args: ["export", "--sandbox", "--concurrency", "0"], code: 2, names: ["--concurrency", "0"] },
        { args: ["export", "--sandbox", "--status", "archived"], code: 2, names: ["--status", "archived"] },
        { args: ["export", "--sandbox", "--requests-per-minute", "-5"], code: 2, names: ["-5"] },
        { args: ["export", "--sandbox", "--progress-interval", "0"], code: 2, names: ["--progress-interval", "0"] },
        { args: ["export", "--to", "zendesk"], code: 2, names: ["zendesk"] },
        { args: ["export", "--bogus"], code: 2, names: ["--bogus"] },
        { args: ["export", "--sandbox", "--resume"], code: 2, names: ["--resume", "--out"] },
        { args: ["export", "--sandbox", "--with-users"], code: 2, names: ["--with-users", "--out"] },
        {
          args: ["export", "--out", join(dir, "d.ndjson"), "--since", "checkpoint"],
          code: 2,
          names: ["--since checkpoint"],
          env: token
        },
        // export: the environment
        { args: ["export"], code: 2, names: ["DRIFT_TOKEN"], env: noToken },
        {
          args: ["export"],
          code: 2,
          names: ["DRIFT_BASE_URL", "ftp://x"],
          env: { ...token, DRIFT_BASE_URL: "ftp://x" }
        },
        {
          args: ["export"],
          code: 2,
          names: ["DRIFT_REQUESTS_PER_MINUTE", "-3"],
          env: { ...token, DRIFT_REQUESTS_PER_MINUTE: "-3" }
        },
        {
          args: ["export"],
          code: 2,
          names: ["DRIFT_REQUESTS_PER_MINUTE"],
          env: { ...token, DRIFT_REQUESTS_PER_MINUTE: "lots" }
        },
        // convert
        { args: ["convert", "missing.ndjson", "--to", "drift"], code: 1, names: [join(dir, "missing.ndjson")] },
        { args: ["convert", "/", "--to", "drift"], code: 1, names: ["/", "directory"] },
        { args: ["convert", "", "--to", "drift"], code: 1, names: ["empty"] },
        { args: ["convert", input], code: 2, names: ["--to"] },
        { args: ["convert", input, "--to", "zendesk"], code: 2, names: ["zendesk"] },
        { args: ["convert", input, "--to", "drift", "--users", "nope.json"], code: 1, names: [join(dir, "nope.json")] },
        { args: ["convert", input, "--to", "drift", "--users", notJson], code: 2, names: ["--users", notJson] },
        {
          args: ["convert", input, "--to", "drift", "--out", "/nonexistent-parley-dir/y.ndjson"],
          code: 1,
          names: ["the folder /nonexistent-parley-dir does not exist"]
        },
        // the rest
        { args: ["sanitize", "--policy", "zendesk", "<b>x</b>"], code: 2, names: ["zendesk"] },
        { args: ["frobnicate"], code: 2, names: ["frobnicate"] }
      ]
      assert.isAtLeast(mistakes.length, 30)
      const results = yield* Effect.forEach(
        mistakes,
        (m) => Effect.map(runCli(m.args, { cwd: dir, env: m.env ?? {} }), (ran) => ({ m, ran })),
        { concurrency: 4 }
      )
      const wrong: Array<string> = []
      for (const { m, ran } of results) {
        const lines = ran.stderr.trimEnd().split("\n")
        const problems = [
          ran.code === m.code ? undefined : `exit ${ran.code}, not ${m.code}`,
          ran.stderr.includes("internal error") ? "says internal error" : undefined,
          /\n\s+at /.test(ran.stderr) ? "prints a stack" : undefined,
          lines.length === 1 ? undefined : `${lines.length} lines, not 1`,
          /^parley: \S/.test(lines[0]!) ? undefined : "not a `parley: ` line",
          ...m.names.map((name) => lines[0]!.includes(name) ? undefined : `does not name ${JSON.stringify(name)}`)
        ].filter((p) => p !== undefined)
        if (problems.length > 0) {
          wrong.push(
            `parley ${m.args.map((a) => JSON.stringify(a)).join(" ")}: ${problems.join(", ")}\n  ${ran.stderr}`
          )
        }
      }
      assert.deepStrictEqual(wrong, [])
    }), 600_000)
})
