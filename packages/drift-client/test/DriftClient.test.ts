import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, layer } from "@effect/vitest"
import { Drift } from "@parley/schema"
import { Cause, ConfigProvider, Effect, Exit, Fiber, Layer, Option, Redacted } from "effect"
import { FetchHttpClient } from "effect/http"
import { DriftApiError, DriftClient, DriftError } from "../src/index.ts"
import { makeClient, READONLY_SECRET, refusedUrl, Sandbox, withFaults } from "./support.ts"

const failure = <A, E>(exit: Exit.Exit<A, E>): E => {
  if (Exit.isSuccess(exit)) throw new Error(`expected a failure, got ${JSON.stringify(exit.value)}`)
  return Option.getOrThrowWith(Cause.findErrorOption(exit.cause), () => new Error("expected a typed failure"))
}

layer(Sandbox.layer(), { excludeTestServices: true, timeout: "60 seconds" })(
  "DriftClient against the sandbox",
  (it) => {
    describe("happy paths", () => {
      it.effect("lists conversations: page size, cursor, status filter", () =>
        Effect.gen(function*() {
          const drift = yield* makeClient()
          const first = yield* drift.listConversations({ limit: 10 })
          assert.strictEqual(first.data.length, 10)
          const next = Drift.nextCursor(first.pagination)
          assert.isTrue(Option.isSome(next))
          const second = yield* drift.listConversations({ limit: 10, next: Option.getOrThrow(next) })
          assert.strictEqual(second.data.length, 10)
          assert.notStrictEqual(second.data[0]!.id, first.data[0]!.id)
          const byDefault = yield* drift.listConversations()
          assert.strictEqual(byDefault.data.length, 25)
          const openOrPending = yield* drift.listConversations({ limit: 50, statuses: ["open", "pending"] })
          assert.isAbove(openOrPending.data.length, 0)
          assert.isTrue(openOrPending.data.every((c) => c.status === "open" || c.status === "pending"))
          const closed = yield* drift.listConversations({ limit: 50, statuses: ["closed"] })
          assert.isTrue(closed.data.every((c) => c.status === "closed"))
        }))

      it.effect("reads a conversation, its messages (every page), its contact, the users and the stats", () =>
        Effect.gen(function*() {
          const drift = yield* makeClient()
          const sandbox = yield* Sandbox
          const [id] = yield* sandbox.admin.ids()
          const conversation = yield* drift.getConversation(Drift.ConversationId.make(id!))
          assert.strictEqual(conversation.id, id)
          let page = yield* drift.listMessages(conversation.id)
          const messages = [...page.data.messages]
          let cursor = Drift.nextCursor(Drift.messagesPagination(page))
          while (Option.isSome(cursor)) {
            page = yield* drift.listMessages(conversation.id, { next: cursor.value })
            messages.push(...page.data.messages)
            cursor = Drift.nextCursor(Drift.messagesPagination(page))
          }
          assert.isAbove(messages.length, 0)
          assert.isTrue(messages.every((m) => m.conversationId === conversation.id))
          const contact = yield* drift.getContact(conversation.contactId)
          assert.strictEqual(contact.id, conversation.contactId)
          const users = yield* drift.listUsers()
          assert.isAbove(users.length, 0)
          const user = yield* drift.getUser(users[0]!.id)
          assert.strictEqual(user.id, users[0]!.id)
          const stats = yield* drift.conversationStats()
          assert.isAbove((stats.conversationCount.OPEN ?? 0) + (stats.conversationCount.CLOSED ?? 0), 0)
        }))

      it.effect("creates a conversation and posts a message (over undici)", () =>
        Effect.gen(function*() {
          const sandbox = yield* Sandbox
          const drift = yield* DriftClient.make({
            token: Redacted.make(sandbox.token),
            baseUrl: sandbox.url,
            rateLimit: false
          })
          const created = yield* drift.createConversation({
            email: "ada@example.com",
            message: { body: "Hello <b>there</b>", attributes: { integrationSource: "parley-test" } }
          })
          assert.strictEqual(created.status, "open")
          const message = yield* drift.createMessage(created.id, { type: "private_note", body: "noted" })
          assert.strictEqual(message.conversationId, created.id)
          assert.strictEqual(message.type, "private_note")
          const read = yield* drift.getConversation(created.id)
          assert.strictEqual(read.id, created.id)
        }).pipe(Effect.provide(NodeHttpClient.layerUndici)))

      it.effect("layerConfig reads DRIFT_TOKEN and DRIFT_BASE_URL", () =>
        Effect.gen(function*() {
          const sandbox = yield* Sandbox
          const users = yield* DriftClient.DriftClient.use((drift) => drift.listUsers()).pipe(
            Effect.provide(DriftClient.DriftClient.layerConfig.pipe(Layer.provide(FetchHttpClient.layer))),
            Effect.provide(ConfigProvider.layer(ConfigProvider.fromUnknown({
              DRIFT_TOKEN: sandbox.token,
              DRIFT_BASE_URL: sandbox.url,
              DRIFT_TIMEOUT: "5 seconds",
              DRIFT_REQUESTS_PER_MINUTE: "6000"
            })))
          )
          assert.isAbove(users.length, 0)
        }))
    })

    describe("typed errors", () => {
      it.effect("401 with a wrong token is Unauthorized, not retried", () =>
        Effect.gen(function*() {
          const drift = yield* makeClient({ token: Redacted.make("wrong-token") })
          const { delta, result } = yield* withFaults({}, Effect.exit(drift.listUsers()))
          const error = failure(result)
          assert.instanceOf(error, DriftApiError.Unauthorized)
          assert.strictEqual(error.errors[0].type, "authentication_error")
          assert.match(error.message, /^Drift rejected the access token \(401 .*check DRIFT_TOKEN/)
          assert.strictEqual(delta.requests, 1)
        }))

      it.effect("403 with the read-only token on a write is Forbidden", () =>
        Effect.gen(function*() {
          const drift = yield* makeClient({ token: Redacted.make(READONLY_SECRET) })
          const error = failure(
            yield* Effect.exit(drift.createConversation({ email: "a@example.com", message: { body: "hi" } }))
          )
          assert.instanceOf(error, DriftApiError.Forbidden)
          assert.match(error.message, /conversation_write/)
          // reads still work with it
          assert.isAbove((yield* drift.listConversations({ limit: 1 })).data.length, 0)
        }))

      it.effect("404 is NotFound", () =>
        Effect.gen(function*() {
          const drift = yield* makeClient()
          const error = failure(yield* Effect.exit(drift.getConversation(Drift.ConversationId.make(1))))
          assert.instanceOf(error, DriftApiError.NotFound)
          assert.strictEqual(error.errors[0].type, "not_found")
          const contact = failure(yield* Effect.exit(drift.getContact(Drift.ContactId.make(2))))
          assert.instanceOf(contact, DriftApiError.NotFound)
        }))

      it.effect("limit 101 is a ValidationError naming `limit`, rejected before sending", () =>
        Effect.gen(function*() {
          const drift = yield* makeClient()
          const { delta, result } = yield* withFaults({}, Effect.exit(drift.listConversations({ limit: 101 })))
          const error = failure(result)
          assert.instanceOf(error, DriftApiError.ValidationError)
          assert.strictEqual(error.param, "limit")
          assert.isUndefined(error.status)
          assert.match(error.message, /^Invalid request, not sent to Drift \(.*between 1 and 100.*\[param: limit\]/)
          assert.strictEqual(delta.requests, 0)
        }))

      it.effect("a parameter only Drift can check (a bad cursor) is a 400 ValidationError from the server", () =>
        Effect.gen(function*() {
          const drift = yield* makeClient()
          const error = failure(yield* Effect.exit(drift.listConversations({ next: "bogus" })))
          assert.instanceOf(error, DriftApiError.ValidationError)
          assert.strictEqual(error.status, 400)
          assert.strictEqual(error.param, "next")
          assert.strictEqual(error.errors[0].type, "validation_error")
        }))

      it.effect("a refused connection is a TransportError naming the host, after the retry budget", () =>
        Effect.gen(function*() {
          const baseUrl = yield* refusedUrl
          const drift = yield* makeClient({ baseUrl, retry: { times: 2 } })
          const error = failure(yield* Effect.exit(drift.listUsers()))
          assert.instanceOf(error, DriftError.TransportError)
          assert.strictEqual(error.attempts, 3)
          assert.strictEqual(error.url, `${baseUrl}/users/list`)
          assert.include(error.description, "ECONNREFUSED")
          assert.include(
            error.message,
            `Could not reach Drift at ${baseUrl.slice("http://".length)} (GET /users/list: `
          )
          assert.include(error.message, "(after 3 attempts); check DRIFT_BASE_URL")
        }))
    })

    describe("retries", () => {
      it.effect("recovers from 429 without Retry-After by backing off", () =>
        Effect.gen(function*() {
          const drift = yield* makeClient({ retry: { times: 20, baseDelay: "20 millis", maxDelay: "100 millis" } })
          // Scheduled 429s (the 1st, 2nd and 4th list requests), not a bucket whose overflow depends on speed.
          const { delta, result } = yield* withFaults(
            { schedule: [{ fault: "rateLimit", path: "/conversations/list", nth: [1, 2, 4] }] },
            Effect.forEach([1, 2, 3, 4, 5], () => drift.listConversations({ limit: 1 }), { concurrency: 5 })
          )
          assert.strictEqual(result.length, 5)
          assert.strictEqual(delta.rateLimited, 3)
          assert.strictEqual(delta.requests, 8)
        }))

      it.effect("honours Retry-After (seconds) on 429", () =>
        Effect.gen(function*() {
          const drift = yield* makeClient({ retry: { times: 3, maxDelay: "5 seconds" } })
          const { delta, result } = yield* withFaults(
            { schedule: [{ fault: "rateLimit", path: "/users/list", nth: [2], retryAfter: 1 }] },
            Effect.gen(function*() {
              yield* drift.listUsers()
              const start = Date.now()
              yield* drift.listUsers() // 429 with Retry-After: 1, then a success
              return Date.now() - start
            })
          )
          assert.strictEqual(delta.rateLimited, 1)
          assert.strictEqual(delta.requests, 3)
          // The 5 ms backoff would have retried at once: the client waited for the header (a lower bound, which a
          // busy machine only makes longer).
          assert.isAtLeast(result, 900)
        }))

      it.effect("a Retry-After beyond maxDelay ends the retries with RateLimited carrying it", () =>
        Effect.gen(function*() {
          const drift = yield* makeClient({ retry: { times: 5, maxDelay: "100 millis" } })
          const { delta, result } = yield* withFaults(
            { rateLimit: { perSecond: 0.01, burst: 1, retryAfter: true } },
            Effect.andThen(drift.listUsers(), Effect.exit(drift.listUsers()))
          )
          const error = failure(result)
          assert.instanceOf(error, DriftApiError.RateLimited)
          assert.isAtLeast(error.retryAfterMillis!, 1000)
          assert.strictEqual(error.attempts, 1)
          assert.match(error.message, /Retry-After \d+ s/)
          assert.strictEqual(delta.requests, 2)
        }))

      it.effect("429 beyond the retry budget is RateLimited, after times + 1 attempts", () =>
        Effect.gen(function*() {
          const drift = yield* makeClient({ retry: { times: 3 } })
          const { delta, result } = yield* withFaults(
            { rateLimit: { perSecond: 0.01, burst: 1 } },
            Effect.andThen(drift.listUsers(), Effect.exit(drift.listUsers()))
          )
          const error = failure(result)
          assert.instanceOf(error, DriftApiError.RateLimited)
          assert.strictEqual(error.attempts, 4)
          assert.isUndefined(error.retryAfterMillis)
          assert.strictEqual(error.errors[0].type, "rate_limit_exceeded")
          assert.strictEqual(delta.rateLimited, 4)
          assert.strictEqual(delta.requests, 5)
        }))

      it.effect("recovers from 5xx (500, 502 HTML, 503 old envelope) within the budget", () =>
        Effect.gen(function*() {
          const drift = yield* makeClient({ retry: { times: 10 } })
          const { delta, result } = yield* withFaults(
            {
              schedule: [
                { fault: "serverError", nth: [1, 9], status: 500 },
                { fault: "serverError", nth: [2], status: 502 },
                { fault: "serverError", nth: [5], status: 503 }
              ]
            },
            Effect.forEach(Array.from({ length: 12 }, (_, i) => i), () => drift.listConversations({ limit: 2 }))
          )
          assert.strictEqual(result.length, 12)
          assert.strictEqual(delta.serverError, 4)
          assert.strictEqual(delta.requests, 16)
        }))

      it.effect("5xx beyond the budget is a ServerError with the real status, whatever the body", () =>
        Effect.gen(function*() {
          const drift = yield* makeClient({ retry: { times: 2 } })
          for (const [status, type] of [[500, "server_error"], [502, "http_error"], [503, "error"], [504, "timeout"]]) {
            const { delta, result } = yield* withFaults(
              { errorRate: 1, errorStatuses: [status as 500] },
              Effect.exit(drift.conversationStats())
            )
            const error = failure(result)
            assert.instanceOf(error, DriftApiError.ServerError)
            assert.strictEqual(error.status, status)
            assert.strictEqual(error.attempts, 3)
            assert.strictEqual(error.errors[0].type, type, `${status}`)
            assert.strictEqual(delta.requests, 3)
            assert.notInclude(error.message, "\n")
          }
        }))

      it.effect("a hanging answer is a Timeout, after the retry budget", () =>
        Effect.gen(function*() {
          const drift = yield* makeClient({ timeout: "150 millis", retry: { times: 1 } })
          const { delta, result } = yield* withFaults(
            { pageTimeout: { rate: 1, mode: "hang" } },
            Effect.exit(drift.listConversations({ limit: 5 }))
          )
          const error = failure(result)
          assert.instanceOf(error, DriftError.Timeout)
          assert.strictEqual(error.timeoutMillis, 150)
          assert.strictEqual(error.attempts, 2)
          assert.strictEqual(delta.pageTimeout, 2)
          assert.match(error.message, /did not answer GET \/conversations\/list within 150 ms \(after 2 attempts\)/)
        }))

      it.effect("a slow answer within the timeout succeeds", () =>
        Effect.gen(function*() {
          const drift = yield* makeClient({ timeout: "2 seconds", retry: { times: 0 } })
          const { result } = yield* withFaults({ latency: { ms: 100 } }, drift.listUsers())
          assert.isAbove(result.length, 0)
        }))
    })

    describe("undecodable answers", () => {
      it.effect("a truncated body is retried (a GET is safe to repeat), then a DecodeError with the parse position and an excerpt", () =>
        Effect.gen(function*() {
          const drift = yield* makeClient({ retry: { times: 2 } })
          const { delta, result } = yield* withFaults({ truncateRate: 1 }, Effect.exit(drift.listConversations()))
          const error = failure(result)
          assert.instanceOf(error, DriftError.DecodeError)
          assert.strictEqual(error.status, 200)
          const match = /^position (\d+) of (\d+)$/.exec(error.path)
          assert.isNotNull(match, error.path)
          assert.strictEqual(match![1], match![2]) // cut off: the parser ran out of input
          assert.isAtMost(error.excerpt.length, 200)
          assert.isAbove(error.excerpt.length, 0)
          assert.match(error.description, /ends early|empty/)
          assert.match(
            error.message,
            /^Could not decode Drift's answer to GET \/conversations\/list \(200\) at position/
          )
          assert.strictEqual(delta.requests, 3)
        }))

      it.effect("a body that parses but has the wrong shape is not retried", () =>
        Effect.gen(function*() {
          // Each attempt draws its fault from the sandbox's request counter: an HTML body (retried) may come first.
          // A shape error ends the retries at once: the run stops on it with retry budget left.
          const drift = yield* makeClient({ retry: { times: 8 } })
          for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
            const { delta, result } = yield* withFaults(
              { malformedRate: 1, seed },
              Effect.exit(drift.listConversations())
            )
            const error = failure(result)
            assert.instanceOf(error, DriftError.DecodeError)
            if (!error.path.startsWith("position")) {
              assert.isBelow(delta.requests, 9)
              assert.strictEqual(delta.malformed, delta.requests)
              return
            }
          }
          assert.fail("no seed produced a shape error")
        }))

      it.effect("a malformed body (HTML, string ids, XSSI prefix) is a DecodeError with a path", () =>
        Effect.gen(function*() {
          const drift = yield* makeClient({ retry: { times: 0 } })
          const paths: Array<string> = []
          for (const seed of [1, 2, 3, 4, 5, 6]) {
            const { result } = yield* withFaults({ malformedRate: 1, seed }, Effect.exit(drift.listConversations()))
            const error = failure(result)
            assert.instanceOf(error, DriftError.DecodeError)
            assert.isAtMost(error.excerpt.length, 200)
            paths.push(error.path)
          }
          // HTML and the XSSI prefix fail to parse at a position; string ids fail at a JSON path
          assert.isTrue(paths.some((p) => p.startsWith("position 0 of")), paths.join(", "))
          assert.isTrue(paths.some((p) => /^\["data"\]\[\d+\]\["id"\]$/.test(p)), paths.join(", "))
        }))
    })

    describe("client-side rate limit", () => {
      it.effect("spaces requests: at most burst + elapsed * rate reach the server", () =>
        Effect.gen(function*() {
          const sandbox = yield* Sandbox
          // 1,200 per minute = one every 50 ms, bursts of 2
          const drift = yield* makeClient({ rateLimit: { requestsPerMinute: 1200, burst: 2 } })
          const before = (yield* sandbox.admin.stats()).requests
          const start = performance.now()
          const fiber = yield* Effect.forkChild(
            Effect.forEach(Array.from({ length: 40 }, (_, i) => i), () => drift.listConversations({ limit: 1 }), {
              concurrency: "unbounded"
            })
          )
          yield* Effect.sleep("500 millis")
          const sent = (yield* sandbox.admin.stats()).requests - before
          const elapsed = performance.now() - start
          // One-sided bounds only, each in the direction a busy machine cannot break: at most burst + elapsed * rate
          // have reached the server (unlimited, all 40 would be there by now) ...
          assert.isAtMost(sent, 2 + Math.ceil(elapsed / 50) + 2)
          const results = yield* Fiber.join(fiber)
          assert.strictEqual(results.length, 40)
          // ... and the 40 took at least the 38 spaced slots after the burst (19 windows of 2 in 100 ms).
          assert.isAtLeast(performance.now() - start, 1800)
        }))
    })
  }
)
