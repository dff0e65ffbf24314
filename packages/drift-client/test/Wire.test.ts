/**
 * Wire conditions the sandbox cannot produce, from a tiny `node:http` server: an answer whose body never
 * finishes, a connection cut mid-body, an empty 200.
 */
import { assert, describe, it } from "@effect/vitest"
import { Cause, Effect, Exit, Option, Redacted } from "effect"
import { FetchHttpClient } from "effect/http"
import type { IncomingMessage } from "node:http"
import { DriftApiError, DriftClient, DriftError } from "../src/index.ts"
import { serve } from "./serve.ts"

const client = (url: string, options: Partial<DriftClient.Options> = {}) =>
  DriftClient.make({
    token: Redacted.make("t0ken"),
    baseUrl: url,
    rateLimit: false,
    ...options,
    retry: { baseDelay: "5 millis", ...options.retry }
  }).pipe(Effect.provide(FetchHttpClient.layer))

const failure = <A, E>(exit: Exit.Exit<A, E>): E => {
  if (Exit.isSuccess(exit)) throw new Error(`expected a failure, got ${JSON.stringify(exit.value)}`)
  return Option.getOrThrowWith(Cause.findErrorOption(exit.cause), () => new Error("expected a typed failure"))
}

describe("DriftClient on odd wires", () => {
  it.live("a body that never finishes is a Timeout: the timeout covers the whole answer", () =>
    Effect.gen(function*() {
      const server = yield* serve((_, response) => {
        response.writeHead(200, { "content-type": "application/json", "content-length": "1000" })
        response.write("{\"data\":[")
      })
      const drift = yield* client(server.url, { timeout: "150 millis", retry: { times: 1 } })
      const error = failure(yield* Effect.exit(drift.listUsers()))
      assert.instanceOf(error, DriftError.Timeout)
      assert.strictEqual(error.attempts, 2)
      assert.strictEqual(server.hits(), 2)
    }))

  it.live("a connection cut mid-body is a TransportError, retried", () =>
    Effect.gen(function*() {
      const server = yield* serve((_, response) => {
        response.writeHead(200, { "content-type": "application/json", "content-length": "1000" })
        response.write("{\"data\":[", () => response.destroy())
      })
      const drift = yield* client(server.url, { retry: { times: 2 } })
      const error = failure(yield* Effect.exit(drift.listUsers()))
      assert.instanceOf(error, DriftError.TransportError)
      assert.strictEqual(error.attempts, 3)
      assert.strictEqual(server.hits(), 3)
      assert.match(error.message, /reading the body/)
    }))

  it.live("an empty 200 is a DecodeError at position 0 of 0, after the GET's retries", () =>
    Effect.gen(function*() {
      const server = yield* serve((_, response) => {
        response.writeHead(200, { "content-type": "application/json" })
        response.end()
      })
      const drift = yield* client(server.url)
      const error = failure(yield* Effect.exit(drift.listUsers()))
      assert.instanceOf(error, DriftError.DecodeError)
      assert.strictEqual(error.path, "position 0 of 0")
      assert.match(error.description, /empty/)
      assert.isAbove(server.hits(), 1)
    }))

  it.live("an undeclared status (418) with a Drift envelope keeps Drift's errors", () =>
    Effect.gen(function*() {
      const server = yield* serve((_, response) => {
        response.writeHead(418, { "content-type": "application/json" })
        response.end(JSON.stringify({ errors: [{ type: "teapot", message: "short and stout", param: "limit" }] }))
      })
      const drift = yield* client(server.url)
      const error = failure(yield* Effect.exit(drift.listConversations({ limit: 5 })))
      if (!(error instanceof DriftApiError.ValidationError)) return assert.fail(error.message)
      assert.strictEqual(error.status, 418)
      assert.strictEqual(error.param, "limit")
      assert.strictEqual(server.hits(), 1)
    }))

  it.live("sends the bearer token and accepts JSON", () =>
    Effect.gen(function*() {
      let headers: IncomingMessage["headers"] = {}
      let url = ""
      const server = yield* serve((request, response) => {
        headers = request.headers
        url = request.url ?? ""
        response.writeHead(200, { "content-type": "application/json" })
        response.end(JSON.stringify({ data: [] }))
      })
      const drift = yield* client(server.url)
      const page = yield* drift.listConversations({ limit: 5, statuses: ["open", "closed"] })
      assert.deepStrictEqual(page.data, [])
      assert.strictEqual(headers.authorization, "Bearer t0ken")
      assert.match(headers.accept ?? "", /application\/json/)
      assert.strictEqual(url, "/conversations/list?limit=5&statusId=1&statusId=2")
    }))
})
