import { assert, describe, it } from "@effect/vitest"
import { DriftApi } from "@parley/drift-client"
import { Drift } from "@parley/schema"
import { Effect, Schema } from "effect"
import { FetchHttpClient, HttpClient, HttpClientRequest } from "effect/http"
import { HttpApiClient } from "effect/http-api"
import { Sandbox } from "../src/index.ts"
import { call, getJson, type ListPage, walk } from "./http.ts"

const start = (options: Sandbox.Options = {}) => Sandbox.start({ port: 0, conversations: 600, seed: 3, ...options })

const envelope = (text: string) =>
  JSON.parse(text) as { errors: Array<{ type: string; message: string; param?: string }> }

describe("Sandbox (in-process, over loopback HTTP)", () => {
  it.live("answers 401 without or with a wrong token, 403 on a write with the read-only token", () =>
    Effect.gen(function*() {
      const { url, token, readonlyToken } = yield* start()
      const missing = yield* call(`${url}/conversations/list`)
      assert.strictEqual(missing.status, 401)
      assert.strictEqual(envelope(missing.text).errors[0]!.type, "authentication_error")
      const wrong = yield* call(`${url}/conversations/list`, { token: "nope" })
      assert.strictEqual(wrong.status, 401)
      assert.isAbove(envelope(wrong.text).errors.length, 0)
      const read = yield* call(`${url}/conversations/list`, { token: readonlyToken })
      assert.strictEqual(read.status, 200)
      const write = yield* call(`${url}/conversations/new`, {
        method: "POST",
        token: readonlyToken,
        body: { email: "a@example.com", message: { body: "hi" } }
      })
      assert.strictEqual(write.status, 403)
      assert.deepStrictEqual(envelope(write.text), {
        errors: [{ type: "insufficient_scope", message: "This token lacks the conversation_write scope" }]
      })
      const ok = yield* call(`${url}/users/list`, { token })
      assert.strictEqual(ok.status, 200)
    }))

  it.live("answers limit 51 (and other bad parameters) with Drift's 400 envelope naming the parameter", () =>
    Effect.gen(function*() {
      const { url, token } = yield* start()
      for (
        const [query, param] of [["limit=51", "limit"], ["limit=0", "limit"], ["limit=x", "limit"], [
          "statusId=4",
          "statusId"
        ], ["next=bogus", "next"]] as const
      ) {
        const response = yield* call(`${url}/conversations/list?${query}`, { token })
        assert.strictEqual(response.status, 400, query)
        const body = envelope(response.text)
        assert.strictEqual(body.errors[0]!.type, "validation_error")
        assert.strictEqual(body.errors[0]!.param, param)
        Schema.decodeUnknownSync(Drift.ApiErrors)(body)
      }
      const max = (yield* getJson(`${url}/conversations/list?limit=50`, token)) as ListPage
      assert.strictEqual(max.data.length, 50)
      const byDefault = (yield* getJson(`${url}/conversations/list`, token)) as ListPage
      assert.strictEqual(byDefault.data.length, 25)
    }))

  it.live("answers unknown ids with the 404 envelope", () =>
    Effect.gen(function*() {
      const { url, token } = yield* start()
      for (const path of ["/conversations/123", "/conversations/123/messages", "/contacts/5", "/users/7"]) {
        const response = yield* call(`${url}${path}`, { token })
        assert.strictEqual(response.status, 404, path)
        assert.strictEqual(envelope(response.text).errors[0]!.type, "not_found")
      }
      const route = yield* call(`${url}/no/such/route`, { token })
      assert.strictEqual(route.status, 404)
    }))

  it.live("walks the list with every limit and filter; pagination is absent on the last page", () =>
    Effect.gen(function*() {
      const { url, token, store } = yield* start()
      const all = yield* store.ids
      const byDefault = yield* walk(url, token)
      assert.deepStrictEqual(byDefault.ids, all)
      assert.strictEqual(byDefault.pages, Math.ceil(600 / 25))
      const fifty = yield* walk(url, token, { limit: 50 })
      assert.deepStrictEqual(fifty.ids, all)
      const stats = (yield* getJson(`${url}/conversations/stats`, token)) as Drift.ConversationStats
      const open = yield* walk(url, token, { limit: 50, statusIds: [1] })
      assert.strictEqual(open.ids.length, stats.conversationCount.OPEN)
      const some = yield* walk(url, token, { limit: 50, statusIds: [1, 3] })
      assert.strictEqual(some.ids.length, stats.conversationCount.OPEN! + stats.conversationCount.PENDING!)
      const last = (yield* getJson(`${url}/conversations/list?limit=50&statusId=2`, token)) as ListPage
      assert.deepStrictEqual(last.pagination?.more, true)
    }))

  it.live("creates conversations by email and messages that move the conversation to the front", () =>
    Effect.gen(function*() {
      const { url, token } = yield* start()
      const users = (yield* getJson(`${url}/users/list`, token)) as { data: Array<{ id: number; bot?: boolean }> }
      assert.isTrue(users.data.some((u) => u.bot === true), "some users are bots")
      const assignee = users.data.find((u) => u.bot !== true)!.id
      const first = (yield* getJson(`${url}/conversations/list?limit=50`, token)) as ListPage
      const existing = first.data[10]!
      const conversation = (yield* getJson(`${url}/conversations/${existing.id}`, token)) as {
        data: { contactId: number }
      }
      const contact = (yield* getJson(`${url}/contacts/${conversation.data.contactId}`, token)) as {
        data: { id: number; attributes: { email: string | null } }
      }
      const email = contact.data.attributes.email ?? "fallback.person@example.com"
      const created = yield* call(`${url}/conversations/new`, {
        method: "POST",
        token,
        body: {
          email,
          message: {
            body: "A conversation was started <a href='https://x.example'>here</a>",
            attributes: { integrationSource: "Message from facebook", autoAssigneeId: assignee, extra: [1, 2] }
          }
        }
      })
      assert.strictEqual(created.status, 200, created.text)
      const response = Schema.decodeUnknownSync(Drift.CreateConversationResponse)(JSON.parse(created.text))
      if (contact.data.attributes.email !== null) assert.strictEqual(response.contactId, contact.data.id)
      assert.deepStrictEqual(response.participants as ReadonlyArray<number> | undefined, [assignee])
      const messages = (yield* getJson(`${url}/conversations/${response.id}/messages`, token)) as {
        data: { messages: Array<{ body: string; attributes: unknown }> }
      }
      assert.deepStrictEqual(messages.data.messages[0]!.attributes, {
        integrationSource: "Message from facebook",
        autoAssigneeId: assignee,
        extra: [1, 2]
      })
      const fresh = yield* call(`${url}/conversations/new`, {
        method: "POST",
        token,
        body: { email: "brand.new.contact@example.com", message: { body: "hi" } }
      })
      const freshBody = JSON.parse(fresh.text) as { contactId: number; participants: Array<number> }
      assert.notStrictEqual(freshBody.contactId, contact.data.id)
      assert.deepStrictEqual(freshBody.participants, [])
      const newContact = (yield* getJson(`${url}/contacts/${freshBody.contactId}`, token)) as {
        data: { attributes: { email: string } }
      }
      assert.strictEqual(newContact.data.attributes.email, "brand.new.contact@example.com")

      // Posting a message moves an old conversation to the front.
      const old = first.data[40]!
      const posted = yield* call(`${url}/conversations/${old.id}/messages`, {
        method: "POST",
        token,
        body: { type: "chat", body: "<b>hello</b> again" }
      })
      assert.strictEqual(posted.status, 200, posted.text)
      const message = Schema.decodeUnknownSync(Drift.CreateMessageResponse)(JSON.parse(posted.text))
      assert.strictEqual(Drift.createdMessage(message).conversationId, old.id)
      const front = (yield* getJson(`${url}/conversations/list?limit=3`, token)) as ListPage
      assert.strictEqual(front.data[0]!.id, old.id)
      assert.isAbove(front.data[0]!.updatedAt, old.updatedAt)
      const bad = yield* call(`${url}/conversations/${old.id}/messages`, {
        method: "POST",
        token,
        body: { type: "chat", body: "x", userId: 1 }
      })
      assert.strictEqual(bad.status, 400)
      assert.strictEqual(envelope(bad.text).errors[0]!.param, "userId")
    }))

  it.live("serves raw bodies that the client's schemas sanitize, through a typed HttpApiClient", () =>
    Effect.gen(function*() {
      const { url, token } = yield* start({ conversations: 300 })
      const client = yield* HttpApiClient.make(DriftApi.DriftApi, {
        transformClient: HttpClient.mapRequest((request) =>
          request.pipe(HttpClientRequest.prependUrl(url), HttpClientRequest.bearerToken(token))
        )
      })
      const page = yield* client.conversations.list({ query: { limit: 50 } })
      assert.strictEqual(page.data.length, 50)
      let raw = 0
      let sanitized = 0
      for (const conversation of page.data) {
        const messages = yield* client.conversations.messages({ params: { id: conversation.id }, query: {} })
        const wire = (yield* getJson(`${url}/conversations/${conversation.id}/messages`, token)) as {
          data: { messages: Array<{ body?: string }> }
        }
        wire.data.messages.forEach((m, k) => {
          if (m.body !== undefined && /<script|onerror|javascript:/i.test(m.body)) {
            raw++
            const body = messages.data.messages[k]!.body ?? ""
            if (!/<script|onerror|javascript:/i.test(body)) sanitized++
          }
        })
      }
      assert.strictEqual(sanitized, raw)
      const stats = yield* client.conversations.stats()
      assert.isAbove(stats.conversationCount.OPEN ?? 0, 0)
      const users = yield* client.users.list()
      const user = yield* client.users.get({ params: { id: users.data[0]!.id } })
      assert.strictEqual(user.data.id, users.data[0]!.id)
    }).pipe(Effect.provide(FetchHttpClient.layer)))

  it.live("serves its OpenAPI document and reference page, which faults never touch", () =>
    Effect.gen(function*() {
      const { url } = yield* start({ faults: { errorRate: 1, truncateRate: 1 } })
      const openapi = yield* call(`${url}/openapi.json`)
      assert.strictEqual(openapi.status, 200)
      const spec = JSON.parse(openapi.text) as { openapi: string; paths: Record<string, unknown> }
      assert.include(Object.keys(spec.paths), "/conversations/list")
      const docs = yield* call(`${url}/docs`)
      assert.strictEqual(docs.status, 200)
      assert.include(docs.headers.get("content-type") ?? "", "text/html")
      const admin = yield* call(`${url}/_sandbox/faults`)
      assert.deepStrictEqual(JSON.parse(admin.text), { errorRate: 1, truncateRate: 1 })
    }))
})

/** 200 requests to a sandbox failing 20% of them with this fault seed. */
const twoHundred = (faultSeed: number) =>
  Effect.gen(function*() {
    const { url, token } = yield* start({ faults: { errorRate: 0.2, seed: faultSeed } })
    const responses = []
    for (let k = 0; k < 200; k++) responses.push(yield* call(`${url}/conversations/stats`, { token }))
    return responses
  }).pipe(Effect.scoped)

describe("faults", () => {
  it.live("rate limit: 429 with Drift's envelope, without Retry-After by default, with it when asked", () =>
    Effect.gen(function*() {
      // The bucket drains one request per 1,000 s: what overflows does not depend on how fast the requests come.
      const { url, token, faults } = yield* start({ faults: { rateLimit: { perSecond: 0.001, burst: 3 } } })
      const statuses: Array<number> = []
      let limited: { headers: Headers; text: string } | undefined
      for (let k = 0; k < 10; k++) {
        const response = yield* call(`${url}/users/list`, { token })
        statuses.push(response.status)
        if (response.status === 429) limited = response
      }
      assert.deepStrictEqual(statuses, [200, 200, 200, 429, 429, 429, 429, 429, 429, 429])
      assert.strictEqual(limited!.headers.get("retry-after"), null)
      assert.strictEqual(envelope(limited!.text).errors[0]!.type, "rate_limit_exceeded")
      yield* faults.set({ rateLimit: { perSecond: 0.001, burst: 1, retryAfter: true } })
      assert.strictEqual((yield* call(`${url}/users/list`, { token })).status, 200)
      const second = yield* call(`${url}/users/list`, { token })
      assert.strictEqual(second.status, 429)
      // One slot frees in 1,000 s.
      assert.strictEqual(Number(second.headers.get("retry-after")), 1000)
      const stats = yield* faults.stats
      assert.strictEqual(stats.faults.rateLimited, 8)
    }))

  it.live("5xx rate: near the configured rate, seeded, Drift-like bodies", () =>
    Effect.gen(function*() {
      const responses = yield* twoHundred(17)
      const failed = responses.filter((r) => r.status >= 500)
      assert.isTrue(failed.length >= 20 && failed.length <= 60, `${failed.length} of 200`)
      assert.deepStrictEqual([...new Set(failed.map((r) => r.status))].toSorted(), [500, 502, 503])
      const html = failed.find((r) => r.status === 502)!
      assert.include(html.headers.get("content-type") ?? "", "text/html")
      const legacy = failed.find((r) => r.status === 503)!
      Schema.decodeUnknownSync(Drift.ApiErrors)(JSON.parse(legacy.text))
      const again = yield* twoHundred(17)
      assert.deepStrictEqual(again.map((r) => r.status), responses.map((r) => r.status), "reproducible")
    }))

  it.live("truncated bodies: status 200, JSON cut mid-way; malformed bodies", () =>
    Effect.gen(function*() {
      const { url, token, faults } = yield* start({ faults: { truncateRate: 1 } })
      const full = yield* Effect.flatMap(faults.set({}), () => call(`${url}/conversations/list`, { token }))
      yield* faults.set({ truncateRate: 1 })
      for (let k = 0; k < 5; k++) {
        const response = yield* call(`${url}/conversations/list`, { token })
        assert.strictEqual(response.status, 200)
        assert.include(response.headers.get("content-type") ?? "", "application/json")
        assert.isBelow(response.text.length, full.text.length)
        assert.isTrue(full.text.startsWith(response.text))
        assert.throws(() => JSON.parse(response.text))
      }
      yield* faults.set({ malformedRate: 1 })
      const kinds = new Set<string>()
      for (let k = 0; k < 20; k++) {
        const response = yield* call(`${url}/conversations/list`, { token })
        assert.strictEqual(response.status, 200)
        let decoded = false
        try {
          Schema.decodeUnknownSync(Drift.ConversationsPage)(JSON.parse(response.text))
          decoded = true
        } catch {
          kinds.add(
            response.text.startsWith("<!DOCTYPE") ? "html" : response.text.startsWith(")]}'") ? "xssi" : "string-ids"
          )
        }
        assert.isFalse(decoded, "a malformed body never decodes")
      }
      assert.deepStrictEqual([...kinds].toSorted(), ["html", "string-ids", "xssi"])
      const stats = yield* faults.stats
      assert.strictEqual(stats.faults.truncated, 5)
      assert.strictEqual(stats.faults.malformed, 20)
    }))

  it.live("latency: fixed plus jitter, the answer held until the delay is over", () =>
    Effect.gen(function*() {
      const { url, token, faults } = yield* start({ faults: { latency: { ms: 60, jitterMs: 20 } } })
      const started = performance.now()
      const response = yield* call(`${url}/users/list`, { token })
      assert.strictEqual(response.status, 200)
      // A lower bound only: a busy machine makes the answer later, never earlier.
      assert.isAtLeast(performance.now() - started, 55)
      assert.strictEqual((yield* faults.stats).faults.latency, 1)
    }))

  it.live("page timeout: deep list pages answer 504 after the delay, or hang until the client gives up", () =>
    Effect.gen(function*() {
      const { url, token, faults } = yield* start({ faults: { pageTimeout: { fromPage: 3, delayMs: 30 } } })
      const first = (yield* getJson(`${url}/conversations/list`, token)) as ListPage
      const second = (yield* getJson(`${url}/conversations/list?next=${first.pagination!.next}`, token)) as ListPage
      const third = yield* call(`${url}/conversations/list?next=${second.pagination!.next}`, { token })
      assert.strictEqual(third.status, 504)
      assert.strictEqual(envelope(third.text).errors[0]!.type, "timeout")
      const other = yield* call(`${url}/conversations/stats`, { token })
      assert.strictEqual(other.status, 200, "only list pages time out")
      yield* faults.set({ pageTimeout: { fromPage: 2, mode: "hang" } })
      const hung = yield* Effect.flip(call(`${url}/conversations/list?next=${first.pagination!.next}`, {
        token,
        timeoutMs: 300
      }))
      assert.include(hung.name, "TimeoutError")
      yield* faults.set({ pageTimeout: { rate: 0.5, delayMs: 0 } })
      let timedOut = 0
      for (let k = 0; k < 40; k++) {
        if ((yield* call(`${url}/conversations/list`, { token })).status === 504) timedOut++
      }
      assert.isTrue(timedOut > 8 && timedOut < 32, `${timedOut} of 40`)
    }))
})

describe("deterministic faults (schedule)", () => {
  const statusesOf = (url: string, token: string, path: string, n: number) =>
    Effect.forEach(
      Array.from({ length: n }, (_, k) => k),
      () => Effect.map(call(`${url}${path}`, { token }), (r) => r.status)
    )

  it.live("nth and every count the requests a rule sees; each fault with its status, header and body", () =>
    Effect.gen(function*() {
      const { url, token, faults, store } = yield* start({
        faults: {
          schedule: [
            { fault: "serverError", path: "/conversations/list", nth: [2, 4], status: 502 },
            { fault: "rateLimit", path: "/users/list", every: 3, retryAfter: 2 },
            { fault: "serverError", method: "GET", path: "/conversations/:id/messages", nth: [1] }
          ]
        }
      })
      assert.deepStrictEqual(yield* statusesOf(url, token, "/conversations/list", 5), [200, 502, 200, 502, 200])
      assert.deepStrictEqual(yield* statusesOf(url, token, "/users/list", 6), [200, 200, 429, 200, 200, 429])
      const [id] = yield* store.ids
      // `:id` matches one segment: the conversation's own path is another path.
      assert.strictEqual((yield* call(`${url}/conversations/${id}`, { token })).status, 200)
      const messages = yield* call(`${url}/conversations/${id}/messages`, { token })
      assert.strictEqual(messages.status, 500)
      assert.strictEqual(envelope(messages.text).errors[0]!.type, "server_error")
      assert.strictEqual((yield* call(`${url}/conversations/${id}/messages`, { token })).status, 200)
      const stats = yield* faults.stats
      assert.deepStrictEqual(stats.scheduled, [2, 2, 1])
      assert.strictEqual(stats.faults.rateLimited, 2)
      assert.deepStrictEqual(stats.serverErrorsByStatus, { "500": 1, "502": 2 })
      // Setting the faults again starts the counters again.
      yield* faults.set({ schedule: [{ fault: "serverError", path: "/conversations/list", nth: [1], status: 503 }] })
      assert.deepStrictEqual(yield* statusesOf(url, token, "/conversations/list", 2), [503, 200])
      assert.deepStrictEqual((yield* faults.stats).scheduled, [1])
    }))

  it.live("attempts: the first attempt at every request fails, its retry gets through", () =>
    Effect.gen(function*() {
      const { url, token } = yield* start({
        faults: { schedule: [{ fault: "serverError", status: 503, attempts: [1] }] }
      })
      for (const path of ["/users/list", "/conversations/list?limit=3", "/conversations/stats"]) {
        assert.deepStrictEqual(yield* statusesOf(url, token, path, 3), [503, 200, 200], path)
      }
    }))

  it.live("rate: keyed by the request and its attempt, so the same requests meet the same faults in any order", () =>
    Effect.gen(function*() {
      const rule = { fault: "serverError", rate: 0.3, attempts: [1] } as const
      const paths = Array.from(
        { length: 60 },
        (_, k) => `/conversations/list?limit=${k % 50 + 1}&statusId=${k % 3 + 1}`
      )
      const run = (order: ReadonlyArray<string>, concurrency: number) =>
        Effect.gen(function*() {
          const { url, token } = yield* start({ faults: { seed: 5, schedule: [rule] } })
          const statuses = yield* Effect.forEach(order, (path) =>
            Effect.map(call(`${url}${path}`, { token }), (r) => [path, r.status] as const), { concurrency })
          return new Map(statuses)
        }).pipe(Effect.scoped)
      const forward = yield* run(paths, 1)
      const backward = yield* run([...paths].reverse(), 8)
      assert.deepStrictEqual([...backward.entries()].toSorted(), [...forward.entries()].toSorted())
      const failed = [...forward.values()].filter((s) => s === 500).length
      assert.isTrue(failed > 5 && failed < 35, `${failed} of 60`)
    }))

  it.live("pageTimeout, truncate, malformed and latency rules", () =>
    Effect.gen(function*() {
      const { url, token, faults } = yield* start({
        faults: {
          schedule: [
            { fault: "pageTimeout", nth: [1], ms: 1 },
            { fault: "truncate", path: "/users/list", nth: [1] },
            { fault: "malformed", path: "/users/list", nth: [2], kind: "xssi" },
            { fault: "malformed", path: "/conversations/list", nth: [2], kind: "string-ids" },
            { fault: "latency", path: "/conversations/stats", ms: 1 },
            { fault: "serverError", path: "/contacts/:id", from: 2, status: 503 }
          ]
        }
      })
      const timedOut = yield* call(`${url}/conversations/list`, { token })
      assert.strictEqual(timedOut.status, 504)
      assert.strictEqual(envelope(timedOut.text).errors[0]!.type, "timeout")
      const stringIds = yield* call(`${url}/conversations/list`, { token })
      assert.strictEqual(stringIds.status, 200)
      assert.match(stringIds.text, /"id":"\d+"/)
      const truncated = yield* call(`${url}/users/list`, { token })
      assert.strictEqual(truncated.status, 200)
      assert.throws(() => JSON.parse(truncated.text))
      assert.isTrue((yield* call(`${url}/users/list`, { token })).text.startsWith(")]}'"))
      JSON.parse((yield* call(`${url}/users/list`, { token })).text)
      assert.strictEqual((yield* call(`${url}/conversations/stats`, { token })).status, 200)
      assert.deepStrictEqual(yield* statusesOf(url, token, "/contacts/1", 4), [404, 503, 503, 503])
      const counts = yield* faults.stats
      assert.deepStrictEqual(counts.scheduled, [1, 1, 1, 1, 1, 3])
      assert.deepStrictEqual(
        { ...counts.faults },
        { latency: 1, rateLimited: 0, pageTimeout: 1, serverError: 3, truncated: 1, malformed: 2 }
      )
    }))

  it.live("a bad rule is a 400 naming it", () =>
    Effect.gen(function*() {
      const { url } = yield* start()
      const response = yield* call(`${url}/_sandbox/faults`, {
        method: "PUT",
        body: { schedule: [{ fault: "serverError" }, { fault: "truncate", nth: [1], every: 2 }] }
      })
      assert.strictEqual(response.status, 400)
      const message = envelope(response.text).errors[0]!.message
      assert.include(message, "at most one of nth, every, from and rate, got nth and every")
      assert.include(message, `["schedule"][1]`)
    }))
})
