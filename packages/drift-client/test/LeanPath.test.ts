/**
 * The read endpoints' lean request path (a precomputed `GET`, the body read in one piece when its length is
 * declared, the page schema's own decoder straight from `JSON.parse`) against the generated `HttpApiClient`
 * methods over real loopback HTTP, on the client layers the package documents (`FetchHttpClient`, Effect's undici client, `UndiciHttpClient`):
 *
 * - every value equals what the generated method decodes from the same server;
 * - every failure (4xx with Drift's envelope, 5xx, 429 with `Retry-After`, a body that is not JSON, a body the
 *   schema refuses, an answer over the size limit, declared or streamed) is the typed error the client always
 *   gave, with the same retries and the same stats, whichever way the body was read.
 */
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it, layer } from "@effect/vitest"
import { Drift } from "@parley/schema"
import { Cause, Effect, Exit, Fiber, Layer, Option, Redacted, References, Schema } from "effect"
import { FetchHttpClient, HttpClient, HttpClientRequest } from "effect/http"
import { HttpApiClient } from "effect/http-api"
import type { IncomingMessage, ServerResponse } from "node:http"
import { DriftApi, DriftApiError, DriftClient, DriftError } from "../src/index.ts"
import * as Direct from "../src/internal/direct.ts"
import * as UndiciHttpClient from "../src/UndiciHttpClient.ts"
import { serve } from "./serve.ts"
import { Sandbox } from "./support.ts"

/** Trace propagation off, as `parley` runs without `PARLEY_DEBUG=1`: `UndiciHttpClient`'s direct `GET` answers. */
const untraced = Layer.succeed(References.DisablePropagation, true)

const layers = {
  fetch: FetchHttpClient.layer,
  undici: NodeHttpClient.layerUndici,
  "undici, bodies gathered (UndiciHttpClient)": UndiciHttpClient.layer,
  "UndiciHttpClient untraced (its direct GET)": Layer.merge(UndiciHttpClient.layer, untraced)
} as const

const failure = <A, E>(exit: Exit.Exit<A, E>): E => {
  if (Exit.isSuccess(exit)) throw new Error(`expected a failure, got ${JSON.stringify(exit.value)}`)
  return Option.getOrThrowWith(Cause.findErrorOption(exit.cause), () => new Error("expected a typed failure"))
}

/** The wire JSON of a decoded value, for comparing values decoded by two paths. */
const wire = <S extends Schema.Codec<unknown, unknown>>(schema: S, value: S["Type"]) =>
  JSON.stringify(Schema.encodeUnknownSync(schema)(value))

layer(Sandbox.layer({ conversations: 140 }), { excludeTestServices: true, timeout: "120 seconds" })(
  "the lean path against the generated HttpApiClient",
  (it) => {
    for (const [name, httpLayer] of Object.entries(layers)) {
      it.effect(`${name}: every page, thread, contact, conversation, user and the stats decode the same`, () =>
        Effect.gen(function*() {
          const sandbox = yield* Sandbox
          const drift = yield* DriftClient.make({
            token: Redacted.make(sandbox.token),
            baseUrl: sandbox.url,
            rateLimit: false
          })
          const http = (yield* HttpClient.HttpClient).pipe(
            HttpClient.mapRequest(HttpClientRequest.prependUrl(sandbox.url)),
            HttpClient.mapRequest(HttpClientRequest.bearerToken(sandbox.token))
          )
          const api = yield* HttpApiClient.makeWith(DriftApi.DriftApi, { httpClient: http })

          // Every conversations page, legacy cursors, with a status filter and without.
          let compared = 0
          for (const statuses of [undefined, ["open", "pending"] as const]) {
            let next: string | undefined
            do {
              const lean = yield* drift.listConversations({ limit: 25, next, statuses })
              const generated = yield* api.conversations.list({
                query: {
                  limit: 25,
                  ...(next === undefined ? {} : { next }),
                  ...(statuses === undefined ? {} : { statusId: statuses.map(Drift.statusIdOf) })
                }
              })
              assert.strictEqual(wire(Drift.ConversationsPage, lean), wire(Drift.ConversationsPage, generated))
              compared++
              next = Option.getOrUndefined(Drift.nextCursor(lean.pagination))
            } while (next !== undefined)
          }
          assert.isAbove(compared, 6)

          const ids = (yield* sandbox.admin.ids()).slice(0, 40).map((id) => Drift.ConversationId.make(id))
          for (const id of ids) {
            let next: string | undefined
            do {
              const lean = yield* drift.listMessages(id, { next })
              const generated = yield* api.conversations.messages({
                params: { id },
                query: next === undefined ? {} : { next }
              })
              assert.strictEqual(wire(Drift.MessagesPage, lean), wire(Drift.MessagesPage, generated))
              next = Option.getOrUndefined(Drift.nextCursor(Drift.messagesPagination(lean)))
            } while (next !== undefined)
            const conversation = yield* drift.getConversation(id)
            const generated = yield* api.conversations.get({ params: { id } })
            assert.strictEqual(wire(Drift.Conversation, conversation), wire(Drift.Conversation, generated.data))
            const contact = yield* drift.getContact(conversation.contactId)
            const generatedContact = yield* api.contacts.get({ params: { id: conversation.contactId } })
            assert.strictEqual(wire(Drift.Contact, contact), wire(Drift.Contact, generatedContact.data))
          }
          const users = yield* drift.listUsers()
          const generatedUsers = yield* api.users.list()
          assert.strictEqual(wire(Drift.UsersResponse, { data: users }), wire(Drift.UsersResponse, generatedUsers))
          assert.strictEqual(
            wire(Drift.ConversationStats, yield* drift.conversationStats()),
            wire(Drift.ConversationStats, yield* api.conversations.stats())
          )
          const stats = yield* drift.stats
          assert.strictEqual(stats.retries, 0)
        }).pipe(Effect.provide(httpLayer)))
    }
  }
)

/** `body` with `Content-Length` (`declared`) or chunked, without one. */
const answer =
  (status: number, body: string, options: { readonly declared: boolean; readonly headers?: object }) =>
  (_: IncomingMessage, response: ServerResponse) => {
    response.writeHead(status, {
      "content-type": "application/json",
      ...(options.declared ? { "content-length": String(Buffer.byteLength(body)) } : {}),
      ...options.headers
    })
    if (options.declared) return response.end(body)
    // Two writes: a chunked body of two chunks.
    const half = Math.floor(body.length / 2)
    response.write(body.slice(0, half))
    response.end(body.slice(half))
  }

const conversation = {
  id: 7,
  orgId: 1,
  contactId: 11,
  status: "open",
  participants: [],
  inboxId: 1,
  createdAt: 1_700_000_000_000,
  updatedAt: 1_700_000_100_000
}

const client = (url: string, options: Partial<DriftClient.Options> = {}) =>
  DriftClient.make({
    token: Redacted.make("t0ken-lean"),
    baseUrl: url,
    rateLimit: false,
    ...options,
    retry: { baseDelay: "5 millis", maxDelay: "50 millis", times: 2, ...options.retry }
  })

describe("the lean path's failures", () => {
  for (const [name, httpLayer] of Object.entries(layers)) {
    for (const declared of [true, false]) {
      const how = `${name}, ${declared ? "Content-Length" : "chunked"}`
      it.live(`${how}: a page decodes the same either way`, () =>
        Effect.gen(function*() {
          const body = JSON.stringify({ data: [conversation], pagination: { more: false } })
          const server = yield* serve(answer(200, body, { declared }))
          const drift = yield* client(server.url)
          const page = yield* drift.listConversations({ limit: 5 })
          assert.strictEqual(
            wire(Drift.ConversationsPage, page),
            wire(Drift.ConversationsPage, Schema.decodeUnknownSync(Drift.ConversationsPage)(JSON.parse(body)))
          )
        }).pipe(Effect.provide(httpLayer)))

      it.live(`${how}: 404 with Drift's envelope is NotFound, not retried`, () =>
        Effect.gen(function*() {
          const body = JSON.stringify({ errors: [{ type: "not_found", message: "no conversation t0ken-lean" }] })
          const server = yield* serve(answer(404, body, { declared }))
          const drift = yield* client(server.url)
          const error = failure(yield* Effect.exit(drift.listMessages(Drift.ConversationId.make(7))))
          if (!(error instanceof DriftApiError.NotFound)) return assert.fail(String(error))
          assert.strictEqual(error.errors[0].type, "not_found")
          // the token echoed by the server is scrubbed
          assert.notInclude(error.errors[0].message, "t0ken-lean")
          assert.strictEqual(server.hits(), 1)
        }).pipe(Effect.provide(httpLayer)))

      it.live(`${how}: 503 is a ServerError after every retry`, () =>
        Effect.gen(function*() {
          const server = yield* serve(answer(503, "upstream down", { declared }))
          const drift = yield* client(server.url)
          const error = failure(yield* Effect.exit(drift.getContact(Drift.ContactId.make(11))))
          if (!(error instanceof DriftApiError.ServerError)) return assert.fail(String(error))
          assert.strictEqual(error.status, 503)
          assert.strictEqual(error.attempts, 3)
          assert.strictEqual(server.hits(), 3)
          assert.deepStrictEqual(yield* drift.stats, { requests: 3, retries: 2, rateLimited: 0 })
        }).pipe(Effect.provide(httpLayer)))

      it.live(`${how}: 429 with Retry-After is RateLimited, retried after it, counted`, () =>
        Effect.gen(function*() {
          const body = JSON.stringify({ errors: [{ type: "rate_limited", message: "slow down" }] })
          const server = yield* serve(answer(429, body, { declared, headers: { "retry-after": "0" } }))
          const drift = yield* client(server.url)
          const error = failure(yield* Effect.exit(drift.listConversations()))
          if (!(error instanceof DriftApiError.RateLimited)) return assert.fail(String(error))
          assert.strictEqual(error.attempts, 3)
          assert.strictEqual(error.retryAfterMillis, 0)
          assert.deepStrictEqual(yield* drift.stats, { requests: 3, retries: 2, rateLimited: 3 })
        }).pipe(Effect.provide(httpLayer)))

      it.live(`${how}: a 200 that is not JSON is a DecodeError at its position (retried: it may be a cut body)`, () =>
        Effect.gen(function*() {
          const server = yield* serve(answer(200, "<html>oops</html>", { declared }))
          const drift = yield* client(server.url)
          const error = failure(yield* Effect.exit(drift.listMessages(Drift.ConversationId.make(7))))
          if (!(error instanceof DriftError.DecodeError)) return assert.fail(String(error))
          assert.strictEqual(error.path, "position 0 of 17")
          assert.match(error.description, /looks like HTML/)
          assert.strictEqual(error.status, 200)
          assert.strictEqual(server.hits(), 3)
        }).pipe(Effect.provide(httpLayer)))

      it.live(`${how}: a 200 the schema refuses is a DecodeError naming the path`, () =>
        Effect.gen(function*() {
          const body = JSON.stringify({ data: [{ ...conversation, id: 2 ** 60 }] })
          const server = yield* serve(answer(200, body, { declared }))
          const drift = yield* client(server.url)
          const error = failure(yield* Effect.exit(drift.listConversations({ limit: 1 })))
          if (!(error instanceof DriftError.DecodeError)) return assert.fail(String(error))
          assert.include(error.path, `["data"][0]["id"]`)
          assert.strictEqual(error.body, body)
          assert.strictEqual(server.hits(), 1)
        }).pipe(Effect.provide(httpLayer)))

      it.live(`${how}: an answer over maxResponseBytes is ResponseTooLarge`, () =>
        Effect.gen(function*() {
          const body = JSON.stringify({ data: [conversation, conversation, conversation] })
          const server = yield* serve(answer(200, body, { declared }))
          const drift = yield* client(server.url, { maxResponseBytes: 64 })
          const error = failure(yield* Effect.exit(drift.listConversations()))
          if (!(error instanceof DriftError.ResponseTooLarge)) return assert.fail(String(error))
          assert.strictEqual(error.limit, 64)
          assert.isAbove(error.received, 64)
        }).pipe(Effect.provide(httpLayer)))
    }
  }
})

/** Waits (5 ms steps, at most 5 s) until `done()`: a socket's close reaches the server a moment after the abort. */
const eventually = (done: () => boolean) =>
  Effect.gen(function*() {
    for (let waited = 0; !done() && waited < 5000; waited += 5) yield* Effect.sleep("5 millis")
  })

describe("UndiciHttpClient's direct GET (the lean path, untraced)", () => {
  const direct = Layer.merge(UndiciHttpClient.layer, untraced)

  it.effect("only UndiciHttpClient's own client has it: a wrapped client keeps its wrapper", () =>
    Effect.gen(function*() {
      const http = yield* HttpClient.HttpClient
      assert.isDefined(Direct.of(http))
      assert.isUndefined(Direct.of(http.pipe(HttpClient.mapRequest((request) => request))))
    }).pipe(Effect.provide(UndiciHttpClient.layer)))

  it.live("a wrapped client's requests go through its wrapper", () => {
    let seen = 0
    const wrapped = Layer.effect(
      HttpClient.HttpClient,
      Effect.map(HttpClient.HttpClient, HttpClient.tapRequest(() => Effect.sync(() => seen++)))
    ).pipe(Layer.provide(UndiciHttpClient.layer))
    return Effect.gen(function*() {
      const body = JSON.stringify({ data: [conversation], pagination: { more: false } })
      const server = yield* serve(answer(200, body, { declared: true }))
      const drift = yield* client(server.url)
      yield* drift.listConversations({ limit: 5 })
      assert.strictEqual(seen, 1)
    }).pipe(Effect.provide(Layer.merge(wrapped, untraced)))
  })

  it.live("the request carries Accept and the bearer token, to the path and query asked for", () =>
    Effect.gen(function*() {
      const seen: Array<{ url: string | undefined; accept: string | undefined; authorization: string | undefined }> = []
      const body = JSON.stringify({ data: [conversation], pagination: { more: false } })
      const server = yield* serve((request, response) => {
        seen.push({ url: request.url, accept: request.headers.accept, authorization: request.headers.authorization })
        answer(200, body, { declared: true })(request, response)
      })
      const drift = yield* client(server.url)
      yield* drift.listConversations({ limit: 5, statuses: ["open", "pending"] })
      assert.deepStrictEqual(seen, [{
        url: "/conversations/list?limit=5&statusId=1&statusId=3",
        accept: "application/json",
        authorization: "Bearer t0ken-lean"
      }])
    }).pipe(Effect.provide(direct)))

  for (const stall of ["head", "body"] as const) {
    it.live(`no ${stall} in time is a Timeout after every retry, and each attempt's connection is closed`, () =>
      Effect.gen(function*() {
        let closed = 0
        const server = yield* serve((request, response) => {
          request.socket.on("close", () => closed++)
          if (stall === "body") {
            response.writeHead(200, { "content-type": "application/json", "content-length": "100" })
            response.write("{\"data\":")
          }
        })
        const drift = yield* client(server.url, { timeout: "60 millis", retry: { times: 1 } })
        const error = failure(yield* Effect.exit(drift.listConversations()))
        if (!(error instanceof DriftError.Timeout)) return assert.fail(String(error))
        assert.strictEqual(error.timeoutMillis, 60)
        assert.strictEqual(server.hits(), 2)
        yield* eventually(() => closed === 2)
        assert.strictEqual(closed, 2)
      }).pipe(Effect.provide(direct)))
  }

  it.live("a refused connection is the TransportError Effect's path gives, retried", () =>
    Effect.gen(function*() {
      const url = yield* Effect.scoped(Effect.map(serve(() => {}), (server) => server.url))
      const refused = (http: Layer.Layer<HttpClient.HttpClient>) =>
        Effect.gen(function*() {
          const drift = yield* client(url, { retry: { times: 1 } })
          const error = failure(yield* Effect.exit(drift.listConversations()))
          return { tag: error._tag, message: error.message, stats: yield* drift.stats }
        }).pipe(Effect.provide(http))
      const viaDirect = yield* refused(direct)
      assert.strictEqual(viaDirect.tag, "TransportError")
      assert.deepStrictEqual(viaDirect.stats, { requests: 2, retries: 1, rateLimited: 0 })
      assert.deepStrictEqual(viaDirect, yield* refused(UndiciHttpClient.layer))
    }))

  it.live("a body cut short of its Content-Length fails the attempt and is retried; the retry's answer counts", () =>
    Effect.gen(function*() {
      const body = JSON.stringify({ data: [conversation], pagination: { more: false } })
      const server = yield* serve((_request, response) => {
        response.writeHead(200, { "content-type": "application/json", "content-length": String(body.length) })
        if (server.hits() === 1) {
          response.write(body.slice(0, 10))
          response.socket?.destroy()
        } else response.end(body)
      })
      const drift = yield* client(server.url)
      const page = yield* drift.listConversations({ limit: 5 })
      assert.strictEqual(page.data[0]?.id, 7)
      assert.deepStrictEqual(yield* drift.stats, { requests: 2, retries: 1, rateLimited: 0 })
    }).pipe(Effect.provide(direct)))

  it.live("interrupting a read aborts its request", () =>
    Effect.gen(function*() {
      let closed = false
      const server = yield* serve((request) => {
        request.socket.on("close", () => (closed = true))
      })
      const drift = yield* client(server.url, { timeout: "10 seconds" })
      const fiber = yield* Effect.forkChild(drift.listConversations())
      while (server.hits() === 0) yield* Effect.sleep("5 millis")
      yield* Fiber.interrupt(fiber)
      yield* eventually(() => closed)
      assert.isTrue(closed)
    }).pipe(Effect.provide(direct)))
})
