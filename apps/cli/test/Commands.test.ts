import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { readFileSync } from "node:fs"
import { runCli, spawnCli } from "./cli.ts"

describe("parley sanitize, openapi, --help", () => {
  it.live("sanitize: argument or stdin, Drift's or Intercom's policy, or plain text", () =>
    Effect.gen(function*() {
      const hostile =
        `<p onclick="x()">Hi <b>there</b><script>alert(1)</script><img src="https://x.test/a.png" onerror="x()"></p>`
      const drift = yield* runCli(["sanitize", hostile])
      assert.strictEqual(drift.code, 0, drift.stderr)
      assert.strictEqual(drift.stdout, "Hi <b>there</b>\n")
      const intercom = yield* runCli(["sanitize", "--policy", "intercom"], { input: hostile })
      assert.strictEqual(intercom.code, 0, intercom.stderr)
      assert.strictEqual(intercom.stdout, `<p>Hi <b>there</b><img src="https://x.test/a.png"></p>\n`)
      const plain = yield* runCli(["sanitize", "--plain", "-"], { input: "<p>Fish &amp; chips</p><p>today</p>" })
      assert.strictEqual(plain.stdout, "Fish & chips\ntoday\n")
    }))

  it.live("openapi: the DriftApi document as JSON", () =>
    Effect.gen(function*() {
      const ran = yield* runCli(["openapi"])
      assert.strictEqual(ran.code, 0, ran.stderr)
      const document = JSON.parse(ran.stdout) as { openapi: string; paths: Record<string, unknown> }
      assert.match(document.openapi, /^3\./)
      assert.property(document.paths, "/conversations/list")
    }))

  it.live("--help on stdout, exit 0; --version", () =>
    Effect.gen(function*() {
      const help = yield* runCli(["export", "--help"])
      assert.strictEqual(help.code, 0)
      assert.include(help.stdout, "--resume")
      const version = yield* runCli(["--version"])
      assert.strictEqual(version.code, 0)
      const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }
      assert.strictEqual(version.stdout.trim(), `parley v${pkg.version}`)
    }))

  it.live("inbox: serves Parley Inbox on the embedded sandbox and prints its URL", () =>
    Effect.gen(function*() {
      const child = spawnCli(["inbox", "--port", "0", "--sandbox", "--conversations", "30"])
      yield* Effect.addFinalizer(() => Effect.sync(() => child.kill("SIGKILL")))
      const url = yield* Effect.callback<string, Error>((resume) => {
        let out = ""
        child.stdout!.setEncoding("utf8").on("data", (c: string) => {
          out += c
          const match = /Parley Inbox on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)
          if (match !== null) resume(Effect.succeed(match[1]!))
        })
        child.on("exit", (code) => resume(Effect.fail(new Error(`parley inbox exited (${code}): ${out}`))))
      }).pipe(Effect.timeout("30 seconds"))
      const page = yield* Effect.promise(() => fetch(url).then((r) => r.text()))
      assert.include(page, "<div id=\"app\"")
      const workspace = yield* Effect.promise(() =>
        fetch(`${url}/api/workspace`).then((r) => r.json() as Promise<Record<string, unknown>>)
      )
      assert.isObject(workspace)
    }))
})
