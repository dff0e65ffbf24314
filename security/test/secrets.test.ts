/**
 * Secrets: the token never appears in stdout, stderr, log lines, spans, error messages, output, checkpoint or
 * rejects files. Every run uses a distinctive token (`src/secrets.ts`); everything the runs leave behind is
 * collected and searched for it (as is, its distinctive tail, base64 and URL-encoded). The faults and bad-input
 * suites run the same check over their own runs.
 *
 * The hostile case is a server that echoes the bearer token back in every answer: in error envelopes, in HTML
 * error pages, in bodies that do not decode, and in a response header.
 */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { DriftClient } from "@parley/drift-client"
import { Drift } from "@parley/schema"
import { Cause, Effect, Exit, Fiber, Layer, Option, Redacted } from "effect"
import { FetchHttpClient } from "effect/http"
import * as Fs from "node:fs"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import * as Path from "node:path"
import { startSandbox } from "../../test-support/sandbox.ts"
import { capture, renderings } from "../src/capture.ts"
import { countLines, runCli, spawnCli, tempDir, wait } from "../src/cli.ts"
import { findToken, TOKEN, tokenForms, Transcript } from "../src/secrets.ts"

type Mode = "401" | "403" | "500" | "502-html" | "429" | "bad-json" | "truncated" | "ok"

/** A fake Drift that echoes the bearer token in everything it answers. */
const startEchoServer = async () => {
  let mode: Mode = "ok"
  let echoHeaders = true
  const server = Http.createServer((req, res) => {
    const auth = req.headers.authorization ?? "(none)"
    const path = (req.url ?? "/").split("?")[0]!
    const headers = {
      "content-type": "application/json",
      ...(echoHeaders ? { "x-request-auth": auth, "www-authenticate": `Bearer realm="${auth}"` } : {})
    }
    const envelope = (status: number, type: string) => {
      res.writeHead(status, headers)
      res.end(JSON.stringify({ errors: [{ type, message: `request with ${auth} refused`, param: auth }] }))
    }
    switch (mode) {
      case "401":
        return envelope(401, "authentication_error")
      case "403":
        return envelope(403, "insufficient_scope")
      case "429":
        return envelope(429, "rate_limit_exceeded")
      case "500":
        return envelope(500, "server_error")
      case "502-html":
        res.writeHead(502, { ...headers, "content-type": "text/html" })
        return res.end(`<html><body>Bad gateway for ${auth}</body></html>`)
      case "bad-json":
        res.writeHead(200, headers)
        return res.end(JSON.stringify({ data: [{ id: auth, status: auth }] }))
      case "truncated":
        res.writeHead(200, headers)
        return res.end(`{"data":[{"id":1,"note":"${auth}`)
      case "ok": {
        res.writeHead(200, headers)
        if (path === "/conversations/list") {
          return res.end(JSON.stringify({
            data: [{
              id: 7,
              status: "open",
              contactId: 8,
              inboxId: 9,
              createdAt: 1_700_000_000_000,
              updatedAt: 1_700_000_000_000
            }]
          }))
        }
        if (path === "/conversations/7/messages") {
          return res.end(JSON.stringify({
            data: {
              messages: [{
                id: 70,
                orgId: 1,
                body: `hello, your token is ${auth}`.replace(TOKEN, "(scrubbed by the server)"),
                author: { type: "contact", id: 8 },
                type: "chat",
                conversationId: 7,
                createdAt: 1_700_000_000_000
              }]
            }
          }))
        }
        if (path === "/conversations/stats") return res.end(JSON.stringify({ conversationCount: { OPEN: 1 } }))
        if (path === "/users/list") return res.end(JSON.stringify({ data: [{ id: 1, name: "Ann" }] }))
        res.writeHead(404, headers)
        return res.end(JSON.stringify({ errors: [{ type: "not_found", message: `nothing at ${path} for ${auth}` }] }))
      }
    }
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    setMode: (next: Mode) => {
      mode = next
    },
    setEchoHeaders: (next: boolean) => {
      echoHeaders = next
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve()))
  }
}

const cliEnv = (baseUrl: string, extra: Record<string, string> = {}): Record<string, string> => ({
  DRIFT_TOKEN: TOKEN,
  DRIFT_BASE_URL: baseUrl,
  DRIFT_REQUESTS_PER_MINUTE: "Infinity",
  DRIFT_RETRY_TIMES: "1",
  DRIFT_RETRY_BASE_DELAY: "1 millis",
  DRIFT_TIMEOUT: "5 seconds",
  ...extra
})

const transcript = new Transcript()
let echo: Awaited<ReturnType<typeof startEchoServer>>

describe("the token never leaks", () => {
  beforeAll(async () => {
    echo = await startEchoServer()
  })

  afterAll(async () => {
    await echo.close()
    const leaks = transcript.leaks()
    console.log(
      `secrets: searched ${transcript.entries.length} outputs (${
        transcript.size.toLocaleString("en")
      } characters) for ${tokenForms.length} forms of the token: ${leaks.length} hits`
    )
    expect(leaks).toEqual([])
  })

  it("the search finds the token when it is there (control)", () => {
    const control = new Transcript()
    control.add("plain", `Authorization: Bearer ${TOKEN}`)
    control.add("base64", Buffer.from(`Bearer ${TOKEN}`).toString("base64"))
    control.add("clean", "Authorization: <redacted>")
    expect(control.leaks().length).toBe(3)
    expect(findToken("nothing here")).toEqual([])
  })

  /**
   * Two configurations: the server echoes the token in response headers and spans record Effect's default (no
   * headers); the server echoes it in bodies only and spans record every header (the request's `authorization` is
   * redacted by Effect). Not covered, and documented in SECURITY.md: recording every header of a server that echoes
   * the token in a response header puts it in that span.
   */
  for (const [echoHeaders, allHeaders] of [[true, false], [false, true]] as const) {
    it.live(`DriftClient against a server that echoes the token (${echoHeaders ? "in headers too" : "in bodies"}, ${allHeaders ? "every header recorded" : "default span headers"}): every error, log line and span is clean`, () =>
      Effect.gen(function*() {
        echo.setEchoHeaders(echoHeaders)
        const modes: ReadonlyArray<Mode> = ["401", "403", "429", "500", "502-html", "bad-json", "truncated", "ok"]
        for (const mode of modes) {
          echo.setMode(mode)
          const recorder = capture({ allHeaders })
          const layer = DriftClient.DriftClient.layer({
            token: Redacted.make(TOKEN),
            baseUrl: echo.url,
            retry: { times: 1, baseDelay: "1 millis" },
            rateLimit: false
          }).pipe(Layer.provide(FetchHttpClient.layer))
          const exit = yield* recorder.provide(
            DriftClient.DriftClient.use((drift) =>
              Effect.all([drift.listConversations(), drift.listMessages(Drift.ConversationId.make(7))])
            ).pipe(Effect.provide(layer), Effect.exit)
          )
          const label = `client ${mode} (${echoHeaders ? "header echo" : "body echo"})`
          transcript.add(`${label}: logs and spans`, recorder.dump())
          if (Exit.isFailure(exit)) {
            transcript.add(`${label}: cause`, Cause.pretty(exit.cause))
            const error = Cause.findErrorOption(exit.cause)
            if (Option.isSome(error)) transcript.add(`${label}: error`, renderings(error.value))
            expect(mode, Cause.pretty(exit.cause)).not.toBe("ok")
          } else {
            expect(mode).toBe("ok")
          }
        }
        echo.setEchoHeaders(true)
      }))
  }

  // One test per case: each is a CLI start, seconds on a busy machine, and fourteen in one test outgrew its budget.
  const exportCases: ReadonlyArray<readonly [string, Mode | undefined, Record<string, string>, number]> = [
    ["401", "401", {}, 1],
    ["403", "403", {}, 1],
    ["429", "429", {}, 1],
    ["500", "500", {}, 1],
    ["502 HTML", "502-html", {}, 1],
    ["undecodable", "bad-json", {}, 1],
    ["truncated", "truncated", {}, 1],
    ["401 debug", "401", { PARLEY_DEBUG: "1" }, 1],
    ["undecodable debug", "bad-json", { PARLEY_DEBUG: "1" }, 1],
    ["ok", "ok", {}, 0],
    ["ok debug", "ok", { PARLEY_DEBUG: "1" }, 0],
    ["unreachable", undefined, { DRIFT_BASE_URL: "http://127.0.0.1:1" }, 1],
    ["unreachable debug", undefined, { DRIFT_BASE_URL: "http://127.0.0.1:1", PARLEY_DEBUG: "1" }, 1],
    ["bad base URL", undefined, { DRIFT_BASE_URL: "ftp://nowhere" }, 2]
  ]
  for (const [name, mode, extra, code] of exportCases) {
    it.live(`parley export, ${name}: exit ${code}, the token nowhere in its output`, () =>
      Effect.gen(function*() {
        const dir = tempDir()
        if (mode !== undefined) echo.setMode(mode)
        const out = Path.join(dir, `${name.replaceAll(" ", "-")}.ndjson`)
        const ran = yield* runCli(["export", "--to", "intercom", "--out", out, "--json"], {
          env: cliEnv(echo.url, extra)
        })
        transcript.add(`export ${name}: stdout`, ran.stdout)
        transcript.add(`export ${name}: stderr`, ran.stderr)
        expect(ran.code, `${name}: ${ran.stderr}`).toBe(code)
        if (code !== 0 && extra.PARLEY_DEBUG === undefined) {
          // One line saying what happened, no stack trace.
          expect(ran.stderr.trim().split("\n").filter((l) => l.startsWith("parley:")).length, ran.stderr)
            .toBeGreaterThan(0)
          expect(ran.stderr).not.toMatch(/\n\s+at /)
        }
        transcript.addDirectory(dir)
        Fs.rmSync(dir, { recursive: true, force: true })
      }))
  }

  it.live(
    "parley export against the sandbox, killed and resumed: stdout, stderr, output, checkpoint and ids files",
    () =>
      Effect.gen(function*() {
        const sandbox = yield* startSandbox({ conversations: 300, extraArgs: ["--token", TOKEN] })
        yield* sandbox.admin.setFaults({
          schedule: [{ fault: "serverError", every: 19 }, { fault: "truncate", every: 47 }]
        })
        const dir = tempDir()
        const out = Path.join(dir, "export.ndjson")
        const checkpoint = Path.join(dir, "state.json")
        const args = [
          "export",
          "--to",
          "intercom-2.11",
          "--with-contacts",
          "--out",
          out,
          "--checkpoint",
          checkpoint,
          "--json"
        ]
        const env = cliEnv(sandbox.url, { DRIFT_RETRY_TIMES: "8" })
        const child = spawnCli(args, { env: env })
        const first = yield* Effect.forkChild(wait(child, { args }))
        while (child.exitCode === null && countLines(out) < 100) yield* Effect.sleep("10 millis")
        child.kill("SIGKILL")
        const killed = yield* Fiber.join(first)
        transcript.add("killed export stdout", killed.stdout)
        transcript.add("killed export stderr", killed.stderr)
        transcript.addFile(checkpoint)
        const resumed = yield* runCli([...args.filter((a) => a !== "--json"), "--resume"], { env })
        transcript.add("resumed export stdout", resumed.stdout)
        transcript.add("resumed export stderr", resumed.stderr)
        expect(resumed.code, resumed.stderr).toBe(0)
        expect(countLines(out)).toBe(300)
        transcript.addDirectory(dir)
        Fs.rmSync(dir, { recursive: true, force: true })
      }),
    { timeout: 240_000 }
  )

  it.live("parley export with a wrong token that contains the right one: refused with a line that repeats neither", () =>
    Effect.gen(function*() {
      const sandbox = yield* startSandbox({ conversations: 10, extraArgs: ["--token", TOKEN] })
      const dir = tempDir()
      // A wrong token (which contains the right one) is refused with a clear line that repeats neither.
      const wrong = yield* runCli(
        ["export", "--out", Path.join(dir, "wrong.ndjson")],
        { env: cliEnv(sandbox.url, { DRIFT_TOKEN: `${TOKEN}-wrong` }) }
      )
      transcript.add("wrong token stdout", wrong.stdout)
      transcript.add("wrong token stderr", wrong.stderr)
      expect(wrong.code).toBe(1)
      transcript.addDirectory(dir)
      Fs.rmSync(dir, { recursive: true, force: true })
    }))
})
