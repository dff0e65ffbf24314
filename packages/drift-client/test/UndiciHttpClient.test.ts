/**
 * `UndiciHttpClient` over real loopback HTTP, against Effect's own undici client on the same servers: the same
 * statuses, headers, cookies and bodies (whole, text, JSON, streamed), request bodies sent as given, and the same
 * failures: a refused connection is a `TransportError`, a body cut short a `DecodeError`, and interrupting a
 * request or a body read (a timeout) closes the connection instead of leaving it to hang.
 */
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Cause, Effect, Exit, Option, Stream } from "effect"
import { HttpBody, HttpClient, HttpClientError, HttpClientRequest } from "effect/http"
import type { IncomingMessage, ServerResponse } from "node:http"
import * as UndiciHttpClient from "../src/UndiciHttpClient.ts"
import { serve } from "./serve.ts"

const clients = {
  "UndiciHttpClient": UndiciHttpClient.layer,
  "Effect's undici client": NodeHttpClient.layerUndici
} as const

const readAll = (request: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let body = ""
    request.setEncoding("utf8").on("data", (chunk: string) => (body += chunk)).on("end", () => resolve(body))
  })

/** Echoes the request (method, path, headers, body) as JSON, with a cookie and a custom header. */
const echo = (request: IncomingMessage, response: ServerResponse) => {
  void readAll(request).then((body) => {
    const text = JSON.stringify({ method: request.method, url: request.url, headers: request.headers, body })
    response.writeHead(201, {
      "content-type": "application/json",
      "set-cookie": ["a=1; Path=/", "b=2; Path=/"],
      "x-many": "one"
    })
    response.end(text)
  })
}

/** A body in `pieces` chunks, `gap` ms apart, without a declared length. */
const chunked = (pieces: ReadonlyArray<string>, gap: number) => (_: IncomingMessage, response: ServerResponse) => {
  response.writeHead(200, { "content-type": "text/plain" })
  let i = 0
  const next = () => {
    if (i === pieces.length) return response.end()
    response.write(pieces[i++])
    setTimeout(next, gap)
  }
  next()
}

const failureOf = <A, E>(exit: Exit.Exit<A, E>): E => {
  if (Exit.isSuccess(exit)) throw new Error("expected a failure")
  return Option.getOrThrowWith(Cause.findErrorOption(exit.cause), () => new Error(`not a failure: ${exit.cause}`))
}

const reasonTag = (error: unknown) =>
  error instanceof HttpClientError.HttpClientError ? error.reason._tag : `not an HttpClientError: ${error}`

describe("UndiciHttpClient", () => {
  for (const [name, layer] of Object.entries(clients)) {
    describe(name, () => {
      it.live("status, headers, cookies, url and a JSON body; the request's method, headers and body arrive", () =>
        Effect.gen(function*() {
          const server = yield* serve(echo)
          const http = yield* HttpClient.HttpClient
          const response = yield* http.execute(
            HttpClientRequest.post(`${server.url}/things?x=1#frag`).pipe(
              HttpClientRequest.setHeader("x-request", "r1"),
              HttpClientRequest.bodyText("héllo", "text/plain")
            )
          )
          assert.strictEqual(response.status, 201)
          assert.strictEqual(response.headers["content-type"], "application/json")
          assert.strictEqual(response.headers["x-many"], "one")
          assert.strictEqual(response.url, `${server.url}/things?x=1`)
          assert.deepStrictEqual(Object.keys(response.cookies.cookies).toSorted(), ["a", "b"])
          const json = (yield* response.json) as {
            readonly method: string
            readonly url: string
            readonly headers: Record<string, string>
            readonly body: string
          }
          assert.strictEqual(json.method, "POST")
          assert.strictEqual(json.url, "/things?x=1")
          assert.strictEqual(json.headers["x-request"], "r1")
          assert.strictEqual(json.headers["content-type"], "text/plain")
          assert.strictEqual(json.body, "héllo")
          // A body is read once from the wire and can be read again.
          assert.strictEqual(JSON.parse(yield* response.text).body, "héllo")
          assert.strictEqual(new TextDecoder().decode(yield* response.arrayBuffer), yield* response.text)
        }).pipe(Effect.scoped, Effect.provide(layer)))

      it.live("a streamed request body (handed to Effect's client) arrives whole", () =>
        Effect.gen(function*() {
          const server = yield* serve(echo)
          const http = yield* HttpClient.HttpClient
          const body = HttpBody.stream(
            Stream.fromIterable(["a", "b", "c"]).pipe(Stream.map((s) => new TextEncoder().encode(s))),
            "text/plain"
          )
          const response = yield* http.execute(HttpClientRequest.put(server.url).pipe(HttpClientRequest.setBody(body)))
          const json = (yield* response.json) as { readonly method: string; readonly body: string }
          assert.strictEqual(json.method, "PUT")
          assert.strictEqual(json.body, "abc")
        }).pipe(Effect.scoped, Effect.provide(layer)))

      it.live("a chunked body streams in order, and reads whole the same", () =>
        Effect.gen(function*() {
          const pieces = Array.from({ length: 20 }, (_, i) => `piece ${i};`)
          const server = yield* serve(chunked(pieces, 2))
          const http = yield* HttpClient.HttpClient
          const streamed = yield* http.get(server.url).pipe(
            Effect.flatMap((response) => response.stream.pipe(Stream.decodeText(), Stream.mkString))
          )
          assert.strictEqual(streamed, pieces.join(""))
          const whole = yield* http.get(server.url).pipe(Effect.flatMap((response) => response.text))
          assert.strictEqual(whole, pieces.join(""))
          assert.strictEqual(server.hits(), 2)
        }).pipe(Effect.scoped, Effect.provide(layer)))

      it.live("a body read after the body has fully arrived, and a body never read, both leave the client usable", () =>
        Effect.gen(function*() {
          const server = yield* serve((_, response) => response.end("x".repeat(100_000)))
          const http = yield* HttpClient.HttpClient
          const first = yield* http.get(server.url)
          yield* Effect.sleep("50 millis")
          assert.strictEqual((yield* first.text).length, 100_000)
          for (let i = 0; i < 20; i++) yield* http.get(server.url) // never read
          assert.strictEqual((yield* http.get(server.url).pipe(Effect.flatMap((r) => r.text))).length, 100_000)
        }).pipe(Effect.scoped, Effect.provide(layer)))

      it.live("a refused connection is a TransportError", () =>
        Effect.gen(function*() {
          const server = yield* serve((_, response) => response.end())
          const url = server.url
          server.server.close()
          server.server.closeAllConnections()
          yield* Effect.sleep("20 millis")
          const http = yield* HttpClient.HttpClient
          const error = failureOf(yield* Effect.exit(http.get(url)))
          assert.strictEqual(reasonTag(error), "TransportError")
        }).pipe(Effect.scoped, Effect.provide(layer)))

      it.live("a body cut short of its Content-Length is a DecodeError", () =>
        Effect.gen(function*() {
          const server = yield* serve((_, response) => {
            response.writeHead(200, { "content-length": "1000" })
            response.write("only this")
            setTimeout(() => response.socket?.destroy(), 10)
          })
          const http = yield* HttpClient.HttpClient
          const response = yield* http.get(server.url)
          assert.strictEqual(response.status, 200)
          const error = failureOf(yield* Effect.exit(response.arrayBuffer))
          assert.strictEqual(reasonTag(error), "DecodeError")
          const streamError = failureOf(
            yield* Effect.exit(http.get(server.url).pipe(Effect.flatMap((r) => Stream.runDrain(r.stream))))
          )
          assert.strictEqual(reasonTag(streamError), "DecodeError")
        }).pipe(Effect.scoped, Effect.provide(layer)))

      it.live("a timeout while waiting for the head, or for the body, closes the connection", () =>
        Effect.gen(function*() {
          let closed = 0
          const server = yield* serve((request, response) => {
            request.socket.once("close", () => closed++)
            if (request.url === "/body") {
              response.writeHead(200, { "content-length": "10" })
              response.write("12345")
            }
            // otherwise: never answers
          })
          const http = yield* HttpClient.HttpClient
          const head = yield* Effect.exit(http.get(`${server.url}/head`).pipe(Effect.timeout("100 millis")))
          assert.isTrue(Exit.isFailure(head))
          const body = yield* Effect.exit(
            http.get(`${server.url}/body`).pipe(
              Effect.flatMap((response) => response.arrayBuffer),
              Effect.timeout("100 millis")
            )
          )
          assert.isTrue(Exit.isFailure(body))
          // Both connections are closed by the client soon after; the server never closes them itself.
          const closedSoFar = () => closed
          for (let i = 0; i < 100 && closedSoFar() < 2; i++) yield* Effect.sleep("10 millis")
          assert.strictEqual(closed, 2)
        }).pipe(Effect.scoped, Effect.provide(layer)))
    })
  }
})
