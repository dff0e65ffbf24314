/**
 * The token is scrubbed before text is cut, and every fragment of it is: servers that echo the token whole inside
 * long bodies (so an excerpt's cut falls inside it), cut, base64'd (at every alignment), URL-encoded, JSON-escaped
 * and split across the fields of an error envelope. Searched for: any 12 characters in a row of the token or of
 * one of its encodings, in every rendering of every error of `DriftClient` and in `parley export`'s error line
 * and `--json` summary.
 */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { DriftClient, Secret } from "@parley/drift-client"
import { Cause, Effect, Exit, Layer, Option, Redacted } from "effect"
import { FetchHttpClient } from "effect/http"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import { renderings } from "../src/capture.ts"
import { runCli } from "../src/cli.ts"
import { TOKEN } from "../src/secrets.ts"

const b64 = (s: string) => Buffer.from(s).toString("base64")

/** How each mode echoes the token `t` (the raw bearer token, without `Bearer `). */
const modes: Record<string, (t: string) => { status: number; body: string; type?: string }> = {
  // whole, inside a long non-JSON body: the excerpt's cut falls inside the token
  "cut by the excerpt": (t) => ({ status: 200, body: `${"x".repeat(100 - 20)}${t}${"y".repeat(400)}` }),
  "cut by the one-line body": (t) => ({
    status: 502,
    body: `<html>${"z".repeat(120 - 6 - 20)}${t}</html>`,
    type: "html"
  }),
  "cut by the server": (t) => envelope(401, t.slice(0, t.length - 1), "refused"),
  "base64": (t) => envelope(401, b64(t), b64(`Bearer ${t}`)),
  "base64, shifted": (t) => envelope(403, b64(`x${t}`), b64(`user:${t}`)),
  "base64url": (t) => envelope(401, Buffer.from(`ab${t}`).toString("base64url"), "refused"),
  "URL-encoded": (t) =>
    envelope(401, encodeURIComponent(`Bearer ${t}`), `https://x.test/?token=${encodeURIComponent(t)}`),
  "JSON-escaped in a string": (t) => ({ status: 200, body: `{"data":[{"id":"${t}"}]}` }),
  "split across fields": (t) => envelope(500, t.slice(0, 20), t.slice(20)),
  "in a syntax error's tail": (t) => ({ status: 200, body: `{"data":[]}   ${t}` })
}

const envelope = (status: number, type: string, message: string) => ({
  status,
  body: JSON.stringify({ errors: [{ type: `auth ${type}`, message: `request refused: ${message}`, param: type }] })
})

let mode = "base64"
let server: Http.Server
let url = ""

/** Every 12-character run of the token and its encodings found in `text`. */
const fragmentsIn = (text: string): Array<string> => {
  const found = new Set<string>()
  for (const form of Secret.forms(TOKEN)) {
    for (let i = 0; i + 12 <= form.length; i++) {
      const gram = form.slice(i, i + 12)
      if (text.includes(gram)) found.add(gram)
    }
  }
  return [...found]
}

describe("token fragments", () => {
  beforeAll(async () => {
    server = Http.createServer((req, res) => {
      const auth = (req.headers.authorization ?? "").replace(/^Bearer /, "")
      const answer = modes[mode]!(auth)
      res.writeHead(answer.status, { "content-type": answer.type === "html" ? "text/html" : "application/json" })
      res.end(answer.body)
    })
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  it("the search finds fragments when they are there (control)", () => {
    expect(fragmentsIn(`x ${TOKEN.slice(3, 20)} y`).length).toBeGreaterThan(0)
    expect(fragmentsIn(b64(`user:${TOKEN}`)).length).toBeGreaterThan(0)
    expect(fragmentsIn("nothing here")).toEqual([])
  })

  it("Secret.scrubber removes every form and fragment, and nothing else", () => {
    const scrub = Secret.scrubber(TOKEN)
    for (const [name, make] of Object.entries(modes)) {
      const { body } = make(TOKEN)
      expect(fragmentsIn(scrub(body)), name).toEqual([])
    }
    expect(scrub("an ordinary message, nothing secret")).toBe("an ordinary message, nothing secret")
  })

  it.live("DriftClient: no fragment in any rendering of any error", () =>
    Effect.gen(function*() {
      const layer = DriftClient.DriftClient.layer({
        token: Redacted.make(TOKEN),
        baseUrl: url,
        retry: { times: 0, baseDelay: "1 millis" },
        rateLimit: false
      }).pipe(Layer.provide(FetchHttpClient.layer))
      for (const name of Object.keys(modes)) {
        mode = name
        const exit = yield* DriftClient.DriftClient.use((drift) => drift.listConversations()).pipe(
          Effect.provide(layer),
          Effect.exit
        )
        expect(Exit.isFailure(exit), name).toBe(true)
        if (Exit.isFailure(exit)) {
          const error = Cause.findErrorOption(exit.cause)
          const text = `${Cause.pretty(exit.cause)}\n${Option.isSome(error) ? renderings(error.value) : ""}`
          expect(fragmentsIn(text), `${name}: ${text}`).toEqual([])
        }
      }
    }))

  it.live("parley export --json: no fragment in the error line or the summary", () =>
    Effect.gen(function*() {
      // One CLI run per kind of echo (each run is a process: a few seconds on a loaded machine).
      for (const name of ["cut by the excerpt", "cut by the server", "base64, shifted", "split across fields"]) {
        mode = name
        const ran = yield* runCli(["export", "--json", "--quiet"], {
          env: {
            DRIFT_TOKEN: TOKEN,
            DRIFT_BASE_URL: url,
            DRIFT_REQUESTS_PER_MINUTE: "Infinity",
            DRIFT_RETRY_TIMES: "0",
            DRIFT_TIMEOUT: "5 seconds"
          }
        })
        expect(ran.code, `${name}: ${ran.stderr}`).not.toBe(0)
        expect(fragmentsIn(ran.stdout + ran.stderr), `${name}: ${ran.stderr}`).toEqual([])
      }
    }), { timeout: 240_000 })
})
