/**
 * Switchable faults: the ways Drift (and the network in front of it) misbehave, injected by an HTTP middleware
 * around the Drift API, switchable per run (command-line flags) and at run time (`PUT /_sandbox/faults`).
 *
 * Per request, in this order:
 *
 * 1. `latency`: wait `ms` plus a seeded jitter in `[0, jitterMs)`.
 * 2. `rateLimit`: a leaky bucket of `burst` requests draining at `perSecond`; a request that does not fit is
 *    answered 429 `{ errors: [{ type: "rate_limit_exceeded", ... }] }`, with `Retry-After` (whole seconds until a
 *    slot frees, at least 1) when `retryAfter` is true. Drift documents no `Retry-After`, so it is off by default.
 * 3. `pageTimeout`: `GET /conversations/list` requests for page `fromPage` or deeper (the page number travels in
 *    the cursor), or a seeded fraction `rate` of them, wait `delayMs` (default 3000) then answer 504
 *    (`mode: "504"`, the default), or never answer (`mode: "hang"`: the client's timeout is the only way out),
 *    as Drift's list times out on high-volume workspaces.
 * 4. `errorRate`: a seeded fraction answered with one of `errorStatuses` (default 500, 502, 503): 500 with
 *    Drift's envelope, 502 with an HTML page, 503 with the older `{ error: { message } }` envelope. The request
 *    is not handled (no side effect).
 * 5. The request is handled. Then, on a 200 with a body: `truncateRate` cuts the body at a seeded point (the
 *    status and `Content-Type` stay, `Content-Length` matches the cut body, so the JSON is simply incomplete),
 *    else `malformedRate` replaces it with one of: an HTML page, the JSON with every `"id"` as a string, or
 *    the JSON behind an XSSI prefix (`)]}',`).
 *
 * Decisions are drawn from a PRNG seeded with `(seed, request number)`, so the same sequence of requests meets
 * the same faults on every run (the rate limit alone depends on the wall clock). `/_sandbox/*`,
 * `/openapi.json` and `/docs` are never faulted.
 *
 * @example
 * ```ts
 * import { Faults } from "@parley/drift-sandbox"
 * import { Effect } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const faults = yield* Faults.Faults
 *   yield* faults.set({ errorRate: 0.05, rateLimit: { perSecond: 10, retryAfter: true } })
 * })
 * ```
 *
 * @since 0.1.0
 */
import { Clock, Context, Effect, Layer, Schema } from "effect"
import { HttpBody, HttpServerRequest, HttpServerResponse } from "effect/http"
import * as Cursor from "./Cursor.ts"
import { hash, Prng } from "./Seed.ts"

const Rate = Schema.Number.check(Schema.isBetween({ minimum: 0, maximum: 1 }))
const NonNegative = Schema.Number.check(Schema.isGreaterThanOrEqualTo(0))

/**
 * The fault settings, as `PUT /_sandbox/faults` takes them and `GET /_sandbox/faults` returns them. Every key is
 * optional; an absent key is a fault switched off.
 *
 * @since 0.1.0
 */
export const FaultSettings = Schema.Struct({
  /** Seed of the fault PRNG (defaults to the data seed). */
  seed: Schema.optionalKey(Schema.Int),
  rateLimit: Schema.optionalKey(Schema.Struct({
    perSecond: Schema.Number.check(Schema.isGreaterThan(0)),
    burst: Schema.optionalKey(Schema.Int.check(Schema.isGreaterThanOrEqualTo(1))),
    retryAfter: Schema.optionalKey(Schema.Boolean)
  })),
  errorRate: Schema.optionalKey(Rate),
  errorStatuses: Schema.optionalKey(Schema.Array(Schema.Literals([500, 502, 503, 504]))),
  latency: Schema.optionalKey(Schema.Struct({
    ms: NonNegative,
    jitterMs: Schema.optionalKey(NonNegative)
  })),
  truncateRate: Schema.optionalKey(Rate),
  malformedRate: Schema.optionalKey(Rate),
  pageTimeout: Schema.optionalKey(Schema.Struct({
    fromPage: Schema.optionalKey(Schema.Int.check(Schema.isGreaterThanOrEqualTo(1))),
    rate: Schema.optionalKey(Rate),
    delayMs: Schema.optionalKey(NonNegative),
    mode: Schema.optionalKey(Schema.Literals(["504", "hang"]))
  }))
})

/**
 * @since 0.1.0
 */
export type FaultSettings = typeof FaultSettings.Type

/**
 * What the middleware has seen and done since start (or since the counters were last reset).
 *
 * @since 0.1.0
 */
export interface FaultStats {
  /** Requests to the Drift API (not `/_sandbox/*`, `/openapi.json`, `/docs`). */
  readonly requests: number
  readonly faults: {
    readonly latency: number
    readonly rateLimited: number
    readonly pageTimeout: number
    readonly serverError: number
    readonly truncated: number
    readonly malformed: number
  }
  /** Injected 5xx answers by status. */
  readonly serverErrorsByStatus: { readonly [status: string]: number }
}

const DEFAULT_ERROR_STATUSES: ReadonlyArray<500 | 502 | 503 | 504> = [500, 502, 503]
const DEFAULT_PAGE_TIMEOUT_MS = 3000

const excluded = (path: string): boolean =>
  path.startsWith("/_sandbox") || path === "/openapi.json" || path === "/docs" || path.startsWith("/docs/")

const envelope = (status: number, type: string, message: string, headers?: Record<string, string>) =>
  HttpServerResponse.jsonUnsafe({ errors: [{ type, message }] }, { status, ...(headers ? { headers } : {}) })

const serverError = (status: number): HttpServerResponse.HttpServerResponse => {
  switch (status) {
    case 502:
      return HttpServerResponse.text(
        "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>\n",
        { status, contentType: "text/html" }
      )
    case 503:
      return HttpServerResponse.jsonUnsafe({ error: { message: "Service temporarily unavailable" } }, { status })
    case 504:
      return envelope(504, "timeout", "The request timed out")
    default:
      return envelope(status, "server_error", "Internal server error")
  }
}

// The server runs middleware uninterruptibly: waits must opt in, so a client abort or a shutdown ends them.
const sleep = (ms: number) => Effect.interruptible(Effect.sleep(ms))

const MALFORMED_HTML =
  "<!DOCTYPE html><html><head><title>Drift</title></head><body><p>Something went wrong. Please try again.</p></body></html>\n"

/**
 * The fault injector: its settings, its counters, and the middleware that applies it.
 *
 * @since 0.1.0
 */
export class Faults extends Context.Service<Faults, {
  readonly get: Effect.Effect<FaultSettings>
  /** Replaces the settings (absent keys switch faults off) and empties the rate-limit bucket. */
  readonly set: (settings: FaultSettings) => Effect.Effect<void>
  readonly stats: Effect.Effect<FaultStats>
  /** Wraps an HTTP app; requests to `/_sandbox/*`, `/openapi.json` and `/docs` pass through untouched. */
  readonly middleware: <E, R>(
    app: Effect.Effect<HttpServerResponse.HttpServerResponse, E, R>
  ) => Effect.Effect<HttpServerResponse.HttpServerResponse, E, R | HttpServerRequest.HttpServerRequest>
}>()("@parley/drift-sandbox/Faults") {
  /**
   * Faults with these initial settings; `seed` seeds the fault PRNG unless the settings carry their own.
   *
   * @since 0.1.0
   */
  static readonly layer = (options: { readonly settings?: FaultSettings | undefined; readonly seed: number }) =>
    Layer.effect(Faults, make(options))
}

/**
 * Builds a {@link Faults} service.
 *
 * @since 0.1.0
 */
export const make = Effect.fn("Faults.make")(function*(options: {
  readonly settings?: FaultSettings | undefined
  readonly seed: number
}) {
  let settings: FaultSettings = options.settings ?? {}
  let counter = 0
  let bucketLevel = 0
  let bucketTime = yield* Clock.currentTimeMillis
  const counts = { latency: 0, rateLimited: 0, pageTimeout: 0, serverError: 0, truncated: 0, malformed: 0 }
  const byStatus: Record<string, number> = {}
  let requests = 0

  /** Returns the seconds to wait when the request does not fit in the bucket, else `undefined`. */
  const overLimit = (now: number): number | undefined => {
    const limit = settings.rateLimit
    if (limit === undefined) return undefined
    const capacity = limit.burst ?? Math.max(1, Math.ceil(limit.perSecond))
    bucketLevel = Math.max(0, bucketLevel - ((now - bucketTime) * limit.perSecond) / 1000)
    bucketTime = now
    if (bucketLevel + 1 > capacity + 1e-9) {
      return Math.max(1, Math.ceil((bucketLevel + 1 - capacity) / limit.perSecond))
    }
    bucketLevel += 1
    return undefined
  }

  const transformBody = (
    response: HttpServerResponse.HttpServerResponse,
    draws: { truncate: number; cut: number; malformed: number; kind: number }
  ): HttpServerResponse.HttpServerResponse => {
    const body = response.body
    if (response.status !== 200 || !(body instanceof HttpBody.Uint8Array) || body.body.length < 2) return response
    if (settings.truncateRate !== undefined && draws.truncate < settings.truncateRate) {
      counts.truncated++
      const cut = 1 + Math.floor(draws.cut * (body.body.length - 1))
      return HttpServerResponse.setBody(response, HttpBody.uint8Array(body.body.slice(0, cut), body.contentType))
    }
    if (settings.malformedRate !== undefined && draws.malformed < settings.malformedRate) {
      counts.malformed++
      const text = new TextDecoder().decode(body.body)
      const kind = Math.floor(draws.kind * 3)
      if (kind === 0) return HttpServerResponse.setBody(response, HttpBody.text(MALFORMED_HTML, "text/html"))
      if (kind === 1 && /"id":\d/.test(text)) {
        return HttpServerResponse.setBody(
          response,
          HttpBody.text(text.replace(/"id":(\d+)/g, "\"id\":\"$1\""), body.contentType)
        )
      }
      return HttpServerResponse.setBody(response, HttpBody.text(`)]}',\n${text}`, body.contentType))
    }
    return response
  }

  const middleware = <E, R>(
    app: Effect.Effect<HttpServerResponse.HttpServerResponse, E, R>
  ): Effect.Effect<HttpServerResponse.HttpServerResponse, E, R | HttpServerRequest.HttpServerRequest> =>
    Effect.gen(function*() {
      const request = yield* HttpServerRequest.HttpServerRequest
      const url = new URL(request.url, "http://sandbox.local")
      if (excluded(url.pathname)) return yield* app
      requests++
      const n = counter++
      const rng = new Prng(hash(settings.seed ?? options.seed, n))
      // Always draw the same numbers in the same order, whatever is switched on.
      const draws = {
        latency: rng.next(),
        error: rng.next(),
        status: rng.next(),
        pageTimeout: rng.next(),
        truncate: rng.next(),
        cut: rng.next(),
        malformed: rng.next(),
        kind: rng.next()
      }
      const current = settings

      if (current.latency !== undefined) {
        const ms = current.latency.ms + Math.floor(draws.latency * (current.latency.jitterMs ?? 0))
        if (ms > 0) {
          counts.latency++
          yield* sleep(ms)
        }
      }

      const retryAfter = overLimit(yield* Clock.currentTimeMillis)
      if (retryAfter !== undefined) {
        counts.rateLimited++
        return envelope(
          429,
          "rate_limit_exceeded",
          "Too many requests, slow down",
          current.rateLimit?.retryAfter === true ? { "retry-after": String(retryAfter) } : undefined
        )
      }

      const timeout = current.pageTimeout
      if (timeout !== undefined && request.method === "GET" && url.pathname === "/conversations/list") {
        const page = Cursor.pageOf(url.searchParams.get("next") ?? undefined)
        const deep = timeout.fromPage !== undefined && page !== undefined && page >= timeout.fromPage
        if (deep || (timeout.rate !== undefined && draws.pageTimeout < timeout.rate)) {
          counts.pageTimeout++
          if (timeout.mode === "hang") return yield* Effect.interruptible(Effect.never)
          yield* sleep(timeout.delayMs ?? DEFAULT_PAGE_TIMEOUT_MS)
          return serverError(504)
        }
      }

      if (current.errorRate !== undefined && draws.error < current.errorRate) {
        const statuses = current.errorStatuses !== undefined && current.errorStatuses.length > 0
          ? current.errorStatuses
          : DEFAULT_ERROR_STATUSES
        const status = statuses[Math.floor(draws.status * statuses.length)]!
        counts.serverError++
        byStatus[status] = (byStatus[status] ?? 0) + 1
        return serverError(status)
      }

      const response = yield* app
      return transformBody(response, draws)
    })

  return Faults.of({
    get: Effect.sync(() => settings),
    set: (next) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) =>
        Effect.sync(() => {
          settings = next
          bucketLevel = 0
          bucketTime = now
        })),
    stats: Effect.sync(() => ({ requests, faults: { ...counts }, serverErrorsByStatus: { ...byStatus } })),
    middleware
  })
})
