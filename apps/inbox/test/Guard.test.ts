/**
 * Who may talk to the Inbox, by class: DNS rebinding (a foreign `Host`), cross-site state-changing requests (a
 * `text/plain` POST from another origin, a same-origin one without the run's token), and access beyond loopback
 * (`--token`). Real requests over loopback with `node:http` (which, unlike `fetch`, may set `Host`).
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Redacted } from "effect"
import * as Http from "node:http"
import { Guard, Inbox } from "../src/index.ts"
import { writeExport } from "./support.ts"

const send = (
  port: number,
  path: string,
  options: { readonly method?: string; readonly headers?: Record<string, string>; readonly body?: string } = {}
) =>
  Effect.callback<{ status: number; headers: Http.IncomingHttpHeaders; body: string }>((resume) => {
    const req = Http.request({
      host: "127.0.0.1",
      port,
      path,
      method: options.method ?? "GET",
      headers: options.headers
    }, (res) => {
      let body = ""
      res.setEncoding("utf8").on("data", (c: string) => (body += c))
      res.on("end", () => resume(Effect.succeed({ status: res.statusCode ?? 0, headers: res.headers, body })))
    })
    req.end(options.body)
  })

const startFile = (options: Partial<Inbox.Options> = {}) =>
  Effect.gen(function*() {
    const inbox = yield* Inbox.start({ port: 0, source: { _tag: "File", path: writeExport() }, ...options })
    yield* inbox.source.ready
    return inbox
  })

describe("Inbox guard", () => {
  it.live("DNS rebinding: a foreign Host is refused (421) and sees no conversation; loopback and --allow-host names are answered", () =>
    Effect.gen(function*() {
      const inbox = yield* startFile({ allowedHosts: ["inbox.internal"] })
      for (
        const host of [
          "attacker.example",
          `attacker.example:${inbox.port}`,
          "127.0.0.1.attacker.example",
          "localhost.evil"
        ]
      ) {
        for (const path of ["/api/threads", "/api/threads/1", "/api/workspace", "/", "/openapi.json"]) {
          const r = yield* send(inbox.port, path, { headers: { host } })
          assert.strictEqual(r.status, 421, `${host} ${path}`)
          assert.notInclude(r.body, "conversation")
        }
      }
      for (
        const host of [
          `127.0.0.1:${inbox.port}`,
          `localhost:${inbox.port}`,
          `app.localhost:${inbox.port}`,
          `[::1]:${inbox.port}`,
          `inbox.internal:${inbox.port}`
        ]
      ) {
        const r = yield* send(inbox.port, "/api/threads", { headers: { host } })
        assert.strictEqual(r.status, 200, host)
      }
    }))

  it.live("cross-site POST /api/reload (text/plain, a form, another origin, no token) is refused; the page's own is accepted", () =>
    Effect.gen(function*() {
      const inbox = yield* startFile()
      const host = `127.0.0.1:${inbox.port}`
      const page = yield* send(inbox.port, "/", { headers: { host } })
      assert.include(page.body, `<meta name="parley-inbox-csrf" content="${inbox.csrfToken}">`)
      const refused: ReadonlyArray<Record<string, string>> = [
        { host, origin: "http://evil.example", "content-type": "text/plain" },
        { host, origin: "http://evil.example", "content-type": "application/x-www-form-urlencoded" },
        { host, origin: "null", [Guard.CSRF_HEADER]: inbox.csrfToken },
        { host, origin: `http://${host}`, "sec-fetch-site": "cross-site", [Guard.CSRF_HEADER]: inbox.csrfToken },
        { host, origin: `http://${host}`, "content-type": "text/plain" },
        { host, [Guard.CSRF_HEADER]: "guessed" }
      ]
      for (const headers of refused) {
        const r = yield* send(inbox.port, "/api/reload", { method: "POST", headers, body: "x" })
        assert.strictEqual(r.status, 403, JSON.stringify(headers))
      }
      const ok = yield* send(inbox.port, "/api/reload", {
        method: "POST",
        headers: {
          host,
          origin: `http://${host}`,
          "sec-fetch-site": "same-origin",
          [Guard.CSRF_HEADER]: inbox.csrfToken
        }
      })
      assert.strictEqual(ok.status, 200, ok.body)
    }))

  it.live("beyond loopback needs --token; with it every request carries it (Bearer, or the cookie /?token= sets)", () =>
    Effect.gen(function*() {
      const insecure = yield* Effect.exit(
        Inbox.start({ port: 0, host: "0.0.0.0", source: { _tag: "File", path: writeExport() } })
      )
      assert.isTrue(Exit.isFailure(insecure))
      assert.include(String(insecure), "needs --token")
      const token = "inbox-secret-token-123"
      const inbox = yield* startFile({ token: Redacted.make(token) })
      const host = `127.0.0.1:${inbox.port}`
      assert.strictEqual((yield* send(inbox.port, "/api/threads", { headers: { host } })).status, 401)
      assert.strictEqual(
        (yield* send(inbox.port, "/api/threads", { headers: { host, authorization: "Bearer wrong" } })).status,
        401
      )
      assert.strictEqual(
        (yield* send(inbox.port, "/api/threads", { headers: { host, authorization: `Bearer ${token}` } })).status,
        200
      )
      const login = yield* send(inbox.port, `/?token=${token}`, { headers: { host } })
      assert.strictEqual(login.status, 303)
      const setCookie = String(login.headers["set-cookie"])
      assert.include(setCookie, "HttpOnly")
      assert.include(setCookie, "SameSite=Strict")
      const cookie = setCookie.split(";")[0]!
      assert.strictEqual((yield* send(inbox.port, "/api/threads", { headers: { host, cookie } })).status, 200)
      assert.strictEqual((yield* send(inbox.port, `/?token=wrong`, { headers: { host } })).status, 401)
    }))
})
