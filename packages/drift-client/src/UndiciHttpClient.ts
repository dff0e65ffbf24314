/**
 * An Effect `HttpClient` on undici's `Dispatcher.dispatch` that gathers each response body as it arrives, for
 * clients that read whole JSON pages, as `DriftClient` does.
 *
 * Effect's own undici client (`@effect/platform-node`'s `NodeHttpClient.layerUndici`) hands every body over as a
 * Node `Readable` and reads it back through promises; this one keeps undici's chunks as they come and answers
 * `arrayBuffer`, `text`, `json` and `stream` from them, so a page costs one callback per chunk and one copy. The
 * rest is Effect's: `HttpClient.make` builds the URL, the span and the interruption, and requests with a body it
 * does not send itself (a `Stream`, `FormData`, another `Raw` body, or an upgrade) go to Effect's undici client on
 * the same dispatcher.
 *
 * Semantics kept from Effect's client:
 *
 * - The response is returned when its head arrives; the body keeps arriving after it.
 * - Interrupting `execute`, or a body read, aborts the request; so does the request's `signal`.
 * - A failure before the head is a `TransportError`, one while reading the body a `DecodeError`.
 * - Timeouts are left to Effect (undici's own are off).
 * - A body nobody reads is still read to its end (and the connection reused), then dropped with the response.
 *
 * The client it makes also carries a direct `GET` that `DriftClient`'s reads use when the request would go
 * untraced anyway (`DisablePropagation`, or `TracerDisabledWhen` true for it) and the client is not wrapped: one
 * `dispatch` in one `Effect.callback`, with the same outcomes (see the package README).
 *
 * @example
 * ```ts
 * import { DriftClient } from "@parley/drift-client"
 * import * as UndiciHttpClient from "@parley/drift-client/UndiciHttpClient"
 * import { Layer, Redacted } from "effect"
 *
 * const live = DriftClient.DriftClient.layer({ token: Redacted.make("token") }).pipe(
 *   Layer.provide(UndiciHttpClient.layer)
 * )
 * ```
 *
 * @since 0.2.0
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { Cause, Effect, Inspectable, Layer, Option, Queue, type Schema, Stream } from "effect"
import {
  Cookies,
  Headers,
  HttpClient,
  HttpClientError,
  type HttpClientRequest,
  HttpClientResponse,
  HttpIncomingMessage,
  UrlParams
} from "effect/http"
import { pipeArguments } from "effect/Pipeable"
import type * as Undici from "undici"
import { AnswerTooLarge, AttemptTimeout } from "./internal/classify.ts"
import * as Direct from "./internal/direct.ts"

// -----------------------------------------------------------------------------
// The body
// -----------------------------------------------------------------------------

type Waiter = () => void

/** The body of one response, as undici delivers it: its chunks so far, and whether (and how) it ended. */
class Body {
  readonly chunks: Array<Uint8Array> = []
  received = 0
  /** `undefined` while open, `true` at the end, the cause when it failed. */
  ended: true | { readonly cause: unknown } | undefined = undefined
  waiters: Array<Waiter> | undefined = undefined
  controller: Undici.Dispatcher.DispatchController | undefined = undefined

  push(chunk: Uint8Array): void {
    this.chunks.push(chunk)
    this.received += chunk.byteLength
    this.wake()
  }

  end(how: true | { readonly cause: unknown }): void {
    if (this.ended !== undefined) return
    this.ended = how
    this.wake()
  }

  /** Calls every listener (each stays registered until it removes itself). */
  wake(): void {
    const waiters = this.waiters
    if (waiters === undefined) return
    if (waiters.length === 1) return waiters[0]!()
    for (const waiter of waiters.slice()) waiter()
  }

  listen(waiter: Waiter): () => void {
    ;(this.waiters ??= []).push(waiter)
    return () => {
      const at = this.waiters?.indexOf(waiter) ?? -1
      if (at >= 0) this.waiters!.splice(at, 1)
    }
  }

  abort(): void {
    if (this.ended === undefined) {
      this.end({ cause: new Error("aborted") })
      this.controller?.abort(new Error("aborted"))
    }
  }

  private wholeBuffer: ArrayBuffer | undefined = undefined

  /**
   * The whole body as one `ArrayBuffer` of its own, copied once (every later read gets the same buffer, as
   * Effect's clients cache theirs).
   */
  whole(): ArrayBuffer {
    if (this.wholeBuffer !== undefined) return this.wholeBuffer
    const out = new Uint8Array(this.received)
    let at = 0
    for (const chunk of this.chunks) {
      out.set(chunk, at)
      at += chunk.byteLength
    }
    return this.wholeBuffer = out.buffer
  }
}

const utf8 = new TextDecoder()
const formDecoder = new TextDecoder("utf-8", { ignoreBOM: true })

class UndiciBufferedResponse extends Inspectable.Class implements HttpClientResponse.HttpClientResponse {
  readonly [HttpIncomingMessage.TypeId]: typeof HttpIncomingMessage.TypeId = HttpIncomingMessage.TypeId
  readonly [HttpClientResponse.TypeId]: typeof HttpClientResponse.TypeId = HttpClientResponse.TypeId
  readonly request: HttpClientRequest.HttpClientRequest
  readonly status: number
  readonly body: Body
  readonly rawHeaders: Record<string, string | ReadonlyArray<string> | undefined>
  readonly target: URL

  constructor(
    request: HttpClientRequest.HttpClientRequest,
    status: number,
    rawHeaders: Record<string, string | ReadonlyArray<string> | undefined>,
    body: Body,
    target: URL
  ) {
    super()
    this.request = request
    this.status = status
    this.rawHeaders = rawHeaders
    this.body = body
    this.target = target
  }

  get url(): string {
    return this.target.href.split("#")[0]!
  }

  private cachedHeaders: Headers.Headers | undefined
  get headers(): Headers.Headers {
    return this.cachedHeaders ??= Headers.fromInput(this.rawHeaders as Headers.Input)
  }

  private cachedCookies: Cookies.Cookies | undefined
  get cookies(): Cookies.Cookies {
    if (this.cachedCookies !== undefined) return this.cachedCookies
    const header = this.rawHeaders["set-cookie"]
    return this.cachedCookies = header === undefined ? Cookies.empty : Cookies.fromSetCookie(header)
  }

  get remoteAddress(): Option.Option<string> {
    return Option.none()
  }

  decodeError(cause: unknown): HttpClientError.HttpClientError {
    return new HttpClientError.HttpClientError({
      reason: new HttpClientError.DecodeError({ request: this.request, response: this, cause })
    })
  }

  private cachedArrayBuffer: Effect.Effect<ArrayBuffer, HttpClientError.HttpClientError> | undefined
  get arrayBuffer(): Effect.Effect<ArrayBuffer, HttpClientError.HttpClientError> {
    return this.cachedArrayBuffer ??= Effect.callback<ArrayBuffer, HttpClientError.HttpClientError>((resume) => {
      const body = this.body
      const settle = () => {
        const ended = body.ended
        if (ended === undefined) return false
        resume(ended === true ? Effect.succeed(body.whole()) : Effect.fail(this.decodeError(ended.cause)))
        return true
      }
      if (settle()) return
      const stop = body.listen(() => {
        if (settle()) stop()
      })
      return Effect.sync(() => {
        stop()
        body.abort()
      })
    })
  }

  get text(): Effect.Effect<string, HttpClientError.HttpClientError> {
    return Effect.map(this.arrayBuffer, (buffer) => utf8.decode(buffer))
  }

  get json(): Effect.Effect<Schema.Json, HttpClientError.HttpClientError> {
    return Effect.flatMap(this.text, (text) =>
      Effect.try({
        try: (): Schema.Json => text === "" ? null : JSON.parse(text) as Schema.Json,
        catch: (cause) => this.decodeError(cause)
      }))
  }

  get urlParamsBody(): Effect.Effect<UrlParams.UrlParams, HttpClientError.HttpClientError> {
    return Effect.flatMap(this.arrayBuffer, (bytes) =>
      Effect.try({
        // A leading "?" is form data; URLSearchParams would drop it as a query prefix.
        try: () => UrlParams.fromInput(new URLSearchParams(formDecoder.decode(bytes).replace(/^\?/, "%3F"))),
        catch: (cause) => this.decodeError(cause)
      }))
  }

  get formData(): Effect.Effect<FormData, HttpClientError.HttpClientError> {
    return Effect.flatMap(this.arrayBuffer, (body) =>
      Effect.tryPromise({
        try: () => new globalThis.Response(body, { headers: this.headers }).formData(),
        catch: (cause) => this.decodeError(cause)
      }))
  }

  get stream(): Stream.Stream<Uint8Array, HttpClientError.HttpClientError> {
    const body = this.body
    const stream = Stream.callback<Uint8Array, HttpClientError.HttpClientError>((queue) =>
      Effect.sync(() => {
        let sent = 0
        const flush = (): boolean => {
          while (sent < body.chunks.length) Queue.offerUnsafe(queue, body.chunks[sent++]!)
          const ended = body.ended
          if (ended === undefined) return false
          if (ended === true) Queue.endUnsafe(queue)
          else Queue.failCauseUnsafe(queue, Cause.fail(this.decodeError(ended.cause)))
          return true
        }
        if (flush()) return
        const stop = body.listen(() => {
          if (flush()) stop()
        })
      })
    )
    return Stream.ensuring(stream, Effect.sync(() => body.abort()))
  }

  get upgrade(): Effect.Effect<never, HttpClientError.HttpClientError> {
    return Effect.fail(
      new HttpClientError.HttpClientError({
        reason: new HttpClientError.StatusCodeError({
          request: this.request,
          response: this,
          description: "not a 101 Switching Protocols response"
        })
      })
    )
  }

  toJSON(): unknown {
    return HttpIncomingMessage.inspect(this, {
      _id: "effect/http/HttpClientResponse",
      request: this.request.toJSON(),
      status: this.status
    })
  }

  pipe() {
    return pipeArguments(this, arguments)
  }
}

// -----------------------------------------------------------------------------
// The client
// -----------------------------------------------------------------------------

/** The body undici is handed, for the request bodies sent here; `undefined` for the others. */
const sendable = (request: HttpClientRequest.HttpClientRequest): string | Uint8Array | null | undefined => {
  const body = request.body
  switch (body._tag) {
    case "Empty":
      return null
    case "Uint8Array":
      return body.body
    case "Raw":
      return typeof body.body === "string" || body.body instanceof Uint8Array ? body.body : undefined
    default:
      return undefined
  }
}

/** What undici is asked to send for `request` at `url`; its own timeouts are off (timeouts are the caller's). */
const dispatchOptions = (
  request: HttpClientRequest.HttpClientRequest,
  url: URL,
  method: Undici.Dispatcher.HttpMethod,
  body: string | Uint8Array | null
): Undici.Dispatcher.DispatchOptions => ({
  origin: url.origin,
  path: url.pathname + url.search,
  method,
  headers: request.headers as Record<string, string>,
  body,
  headersTimeout: 60 * 60 * 1000,
  bodyTimeout: 0
})

const dispatchOne = (
  dispatcher: Undici.Dispatcher,
  request: HttpClientRequest.HttpClientRequest,
  url: URL,
  signal: AbortSignal,
  payload: string | Uint8Array | null
) =>
  Effect.callback<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError>((resume) => {
    const body = new Body()
    let answered = false
    const onAbort = () => body.abort()
    signal.addEventListener("abort", onAbort, { once: true })
    const done = () => signal.removeEventListener("abort", onAbort)
    const fail = (cause: unknown) => {
      answered = true
      done()
      resume(Effect.fail(
        new HttpClientError.HttpClientError({ reason: new HttpClientError.TransportError({ request, cause }) })
      ))
    }
    dispatcher.dispatch(dispatchOptions(request, url, request.method as Undici.Dispatcher.HttpMethod, payload), {
      onRequestStart(controller) {
        body.controller = controller
        if (signal.aborted) controller.abort(signal.reason)
      },
      onResponseStart(_controller, statusCode, headers) {
        answered = true
        resume(Effect.succeed(
          new UndiciBufferedResponse(
            request,
            statusCode,
            headers as Record<string, string | ReadonlyArray<string> | undefined>,
            body,
            url
          )
        ))
      },
      onResponseData(_controller, chunk) {
        body.push(chunk)
      },
      onResponseEnd() {
        done()
        body.end(true)
      },
      onResponseError(_controller, error) {
        if (!answered) return fail(error)
        done()
        body.end({ cause: error })
      }
    })
    return Effect.sync(() => {
      if (!answered) {
        done()
        body.abort()
      }
    })
  })

/** `DriftClient`'s direct `GET` on `dispatcher` (see `internal/direct.ts`): one `dispatch`, one callback. */
const directGet = (dispatcher: Undici.Dispatcher): Direct.Get => (request, url, limit, timeoutMillis) =>
  Effect.callback<Direct.Exchange, AnswerTooLarge | AttemptTimeout | HttpClientError.HttpClientError>((resume) => {
    const body = new Body()
    let response: UndiciBufferedResponse | undefined
    let settled = false
    let timer: ReturnType<typeof setTimeout> | undefined
    const settle = (
      outcome: Effect.Effect<Direct.Exchange, AnswerTooLarge | AttemptTimeout | HttpClientError.HttpClientError>
    ) => {
      if (settled) return
      settled = true
      if (timer !== undefined) clearTimeout(timer)
      timer = undefined
      resume(outcome)
    }
    const tooLarge = (status: number, received: number) => {
      settle(Effect.fail(new AnswerTooLarge({ method: request.method, url: request.url, status, limit, received })))
      body.abort()
    }
    if (timeoutMillis !== undefined) {
      timer = setTimeout(() => {
        timer = undefined
        settle(Effect.fail(new AttemptTimeout({ method: request.method, url: request.url })))
        body.abort()
      }, timeoutMillis)
    }
    dispatcher.dispatch(dispatchOptions(request, url, "GET", null), {
      onRequestStart(controller) {
        body.controller = controller
        if (settled) controller.abort(new Error("aborted"))
      },
      onResponseStart(_controller, statusCode, headers) {
        response = new UndiciBufferedResponse(
          request,
          statusCode,
          headers as Record<string, string | ReadonlyArray<string> | undefined>,
          body,
          url
        )
        const header = headers["content-length"]
        const declared = typeof header === "string" ? Number(header) : Number.NaN
        if (declared > limit) tooLarge(statusCode, declared)
      },
      onResponseData(_controller, chunk) {
        if (settled) return
        body.push(chunk)
        if (body.received > limit) tooLarge(response!.status, body.received)
      },
      onResponseEnd() {
        body.end(true)
        const whole = body.chunks.length === 1 ? body.chunks[0]! : new Uint8Array(body.whole())
        settle(Effect.succeed({ request, response: response!, body: whole }))
      },
      onResponseError(_controller, error) {
        if (response === undefined) {
          return settle(Effect.fail(
            new HttpClientError.HttpClientError({
              reason: new HttpClientError.TransportError({ request, cause: error })
            })
          ))
        }
        body.end({ cause: error })
        settle(Effect.fail(response.decodeError(error)))
      }
    })
    return Effect.sync(() => {
      settled = true
      if (timer !== undefined) clearTimeout(timer)
      body.abort()
    })
  })

/**
 * An `HttpClient` on `dispatcher` (see the module's description).
 *
 * @since 0.2.0
 */
export const make = (dispatcher: Undici.Dispatcher): Effect.Effect<HttpClient.HttpClient> =>
  Effect.map(
    Effect.provideService(NodeHttpClient.makeUndici, NodeHttpClient.Dispatcher, dispatcher),
    (fallback) =>
      Object.assign(
        HttpClient.make((request, url, signal) => {
          const payload = request.headers["upgrade"] === undefined ? sendable(request) : undefined
          // The fallback runs inside this client's own span: no second one.
          return payload === undefined
            ? Effect.provideService(fallback.execute(request), HttpClient.TracerDisabledWhen, () => true)
            : dispatchOne(dispatcher, request, url, signal, payload)
        }),
        { [Direct.TypeId]: directGet(dispatcher) }
      )
  )

/**
 * The client on the `NodeHttpClient.Dispatcher` in context.
 *
 * @since 0.2.0
 */
export const layerNoDispatcher: Layer.Layer<HttpClient.HttpClient, never, NodeHttpClient.Dispatcher> = Layer
  .effect(HttpClient.HttpClient)(Effect.flatMap(NodeHttpClient.Dispatcher, make))

/**
 * The client on an undici `Agent` of its own (closed with the layer).
 *
 * @since 0.2.0
 */
export const layer: Layer.Layer<HttpClient.HttpClient> = Layer.provide(
  layerNoDispatcher,
  NodeHttpClient.layerDispatcher
)

/**
 * The client on an undici `Agent` with `options` (closed with the layer).
 *
 * @since 0.2.0
 */
export const layerOptions = (options?: Undici.Agent.Options | undefined): Layer.Layer<HttpClient.HttpClient> =>
  Layer.provide(layerNoDispatcher, NodeHttpClient.layerDispatcherOptions(options))
