/**
 * What stands between a request and the store: Intercom's rate limit with its headers, and switchable faults.
 * Applied by one HTTP middleware around the API; `/_sandbox/*`, `/openapi.json` and `/docs` pass untouched.
 *
 * **Rate limit.** Like Intercom: a budget per minute (`perMinute`, default 10,000) counted in fixed 10-second
 * windows (aligned on the epoch), each allowing `ceil(perMinute / 6)` requests. Every authenticated answer carries
 * `X-RateLimit-Limit` (the window's budget), `X-RateLimit-Remaining` and `X-RateLimit-Reset` (the window's end,
 * epoch seconds). A request beyond the budget is answered 429 `rate_limit_exceeded` ("Exceeded rate limit of N in
 * 10_seconds") before anything happens. Requests without a valid token get no headers and are not counted.
 *
 * **Faults**, per request, in this order (each with a {@link Trigger}):
 *
 * 1. `latency`: wait `ms` plus a seeded jitter in `[0, jitterMs)`.
 * 2. `rateLimited`: an injected 429 (as if the budget were spent), before anything happens.
 * 3. `serverError`: a 5xx before anything happens (500 Intercom error list, 502 HTML page, 503, 504).
 * 4. the request is handled.
 * 5. `lostAnswer` (writes only): the write happened, then the answer is lost: a 504 HTML page from a "gateway"
 *    (`mode: "504"`, the default) or the connection is cut (`mode: "reset"`).
 *
 * A trigger fires on every `every`-th matching request (deterministic, counted per fault), or with probability
 * `rate` drawn from a PRNG seeded with `(seed, request number, fault)`: the same sequence of requests meets the
 * same faults on every run. `writesOnly` limits a trigger to writes (every `POST`/`PUT` but the two searches),
 * `path` to the requests to one path.
 *
 * @example
 * ```ts
 * import { Faults } from "@parley/intercom-sandbox"
 * import { Effect } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const faults = yield* Faults.Faults
 *   // Deterministic: every 5th request is a 503, every 4th write loses its answer after it is made.
 *   yield* faults.set({ serverError: { every: 5, statuses: [503] }, lostAnswer: { every: 4, writesOnly: true } })
 *   yield* faults.setLimits({ perMinute: 600 })
 *   return yield* faults.stats
 * }).pipe(Effect.provide(Faults.Faults.layer({ seed: 7 })))
 * ```
 *
 * @since 0.1.0
 */
import { NodeHttpServerRequest } from "@effect/platform-node"
import { Clock, Context, Effect, Layer, Schema } from "effect"
import { HttpServerRequest, HttpServerResponse } from "effect/http"

const Rate = Schema.Number.check(Schema.isBetween({ minimum: 0, maximum: 1 }))
const NonNegative = Schema.Number.check(Schema.isGreaterThanOrEqualTo(0))

/**
 * When a fault fires: on every `every`-th matching request, or with probability `rate` (seeded). Both may be
 * given (either fires it).
 *
 * @since 0.1.0
 */
export const Trigger = Schema.Struct({
  every: Schema.optionalKey(Schema.Int.check(Schema.isGreaterThanOrEqualTo(1))),
  rate: Schema.optionalKey(Rate),
  writesOnly: Schema.optionalKey(Schema.Boolean),
  /** Only requests to this exact path (e.g. `/conversations`: the creates), counted apart from the others. */
  path: Schema.optionalKey(Schema.String)
})
/** @since 0.1.0 */
export type Trigger = typeof Trigger.Type

/**
 * The fault settings, as `PUT /_sandbox/faults` takes them. Absent keys are faults switched off.
 *
 * @since 0.1.0
 */
export const FaultSettings = Schema.Struct({
  seed: Schema.optionalKey(Schema.Int),
  latency: Schema.optionalKey(Schema.Struct({ ms: NonNegative, jitterMs: Schema.optionalKey(NonNegative) })),
  rateLimited: Schema.optionalKey(Trigger),
  serverError: Schema.optionalKey(Schema.Struct({
    ...Trigger.fields,
    statuses: Schema.optionalKey(Schema.Array(Schema.Literals([500, 502, 503, 504])))
  })),
  lostAnswer: Schema.optionalKey(Schema.Struct({
    ...Trigger.fields,
    mode: Schema.optionalKey(Schema.Literals(["504", "reset"]))
  }))
})
/** @since 0.1.0 */
export type FaultSettings = typeof FaultSettings.Type

/**
 * The rate limit, as `PUT /_sandbox/limits` takes it: `perMinute` requests per app (default 10,000), counted in
 * 10-second windows of `ceil(perMinute / 6)`; `null` switches the limit off.
 *
 * @since 0.1.0
 */
export const LimitSettings = Schema.Struct({ perMinute: Schema.NullOr(Schema.Int.check(Schema.isGreaterThan(0))) })
/** @since 0.1.0 */
export type LimitSettings = typeof LimitSettings.Type

/**
 * Intercom's default: 10,000 calls a minute per app.
 *
 * @since 0.1.0
 */
export const DEFAULT_PER_MINUTE = 10_000

/**
 * The window length, 10 seconds.
 *
 * @since 0.1.0
 */
export const WINDOW_MILLIS = 10_000

/**
 * One 10-second window: its start (epoch ms), requests counted, and 429s (the limit's and injected ones).
 *
 * @since 0.1.0
 */
export interface WindowStats {
  readonly start: number
  readonly requests: number
  readonly rateLimited: number
}

/**
 * What the middleware has seen and done.
 *
 * @since 0.1.0
 */
export interface Stats {
  readonly requests: number
  readonly writes: number
  readonly unauthenticated: number
  readonly versions: { readonly [version: string]: number }
  readonly faults: {
    readonly latency: number
    readonly rateLimited: number
    readonly injectedRateLimited: number
    readonly serverError: number
    readonly lostAnswer: number
  }
  /** Every window that saw a request, oldest first. */
  readonly windows: ReadonlyArray<WindowStats>
}

const excluded = (path: string): boolean =>
  path.startsWith("/_sandbox") || path === "/openapi.json" || path === "/docs" || path.startsWith("/docs/")

const READ_POSTS = new Set(["/contacts/search", "/conversations/search"])

/**
 * Whether a request writes (every `POST` and `PUT` but the searches).
 *
 * @since 0.1.0
 */
export const isWrite = (method: string, path: string): boolean =>
  (method === "POST" || method === "PUT" || method === "DELETE") && !READ_POSTS.has(path)

const errorList = (status: number, code: string, message: string, headers: Record<string, string> = {}) =>
  HttpServerResponse.jsonUnsafe(
    { type: "error.list", request_id: crypto.randomUUID(), errors: [{ code, message }] },
    { status, headers }
  )

const gatewayPage = (status: number) =>
  HttpServerResponse.text(
    `<html><head><title>${status} Gateway Error</title></head><body><center><h1>${status} Gateway Error</h1></center></body></html>\n`,
    { status, contentType: "text/html" }
  )

const serverError = (status: number): HttpServerResponse.HttpServerResponse => {
  switch (status) {
    case 502:
    case 504:
      return gatewayPage(status)
    case 503:
      return errorList(503, "service_unavailable", "Service Unavailable")
    default:
      return errorList(500, "server_error", "Server Error")
  }
}

// The server runs middleware uninterruptibly: waits opt in, so a client abort or a shutdown ends them.
const sleep = (ms: number) => Effect.interruptible(Effect.sleep(ms))

/** splitmix32 over a 32-bit seed. */
const random = (seed: number): number => {
  let z = (seed + 0x9e3779b9) | 0
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
  z ^= z >>> 16
  return (z >>> 0) / 4294967296
}

const hash = (...parts: ReadonlyArray<number>): number => {
  let h = 0x811c9dc5
  for (const part of parts) {
    h = Math.imul(h ^ (part | 0), 0x01000193)
    h = Math.imul(h ^ Math.floor(part / 4294967296), 0x01000193)
  }
  return h | 0
}

const FAULT_KEYS = { rateLimited: 1, serverError: 2, lostAnswer: 3, latency: 4, status: 5 } as const

/**
 * The fault injector and rate limiter.
 *
 * @since 0.1.0
 */
export class Faults extends Context.Service<Faults, {
  readonly get: Effect.Effect<FaultSettings>
  /** Replaces the fault settings and restarts their `every` counters. */
  readonly set: (settings: FaultSettings) => Effect.Effect<void>
  readonly limits: Effect.Effect<LimitSettings>
  /** Replaces the rate limit; the current window starts over. */
  readonly setLimits: (settings: LimitSettings) => Effect.Effect<void>
  readonly stats: Effect.Effect<Stats>
  /** Zeroes the counters and windows (the current rate-limit window starts over too). */
  readonly resetStats: Effect.Effect<void>
  /** Wraps an HTTP app; `isAuthenticated` tells whether the request carries a valid token. */
  readonly middleware: <E, R>(
    app: Effect.Effect<HttpServerResponse.HttpServerResponse, E, R>,
    isAuthenticated: (request: HttpServerRequest.HttpServerRequest) => boolean
  ) => Effect.Effect<HttpServerResponse.HttpServerResponse, E, R | HttpServerRequest.HttpServerRequest>
}>()("@parley/intercom-sandbox/Faults") {
  /**
   * Faults and limits with these initial settings.
   *
   * @since 0.1.0
   */
  static readonly layer = (options: {
    readonly faults?: FaultSettings | undefined
    readonly limits?: LimitSettings | undefined
    readonly seed?: number | undefined
  } = {}) => Layer.effect(Faults, make(options))
}

/**
 * Builds a {@link Faults} service.
 *
 * @since 0.1.0
 */
export const make = (options: {
  readonly faults?: FaultSettings | undefined
  readonly limits?: LimitSettings | undefined
  readonly seed?: number | undefined
}): Effect.Effect<Faults["Service"]> =>
  Effect.sync(() => {
    let settings: FaultSettings = options.faults ?? {}
    let limits: LimitSettings = options.limits ?? { perMinute: DEFAULT_PER_MINUTE }
    let counter = 0
    let everyCounts = { rateLimited: 0, serverError: 0, lostAnswer: 0 }
    let windowCounts = new Map<number, { requests: number; rateLimited: number }>()
    let limitWindowStart = -1
    let limitWindowCount = 0
    let stats = {
      requests: 0,
      writes: 0,
      unauthenticated: 0,
      versions: {} as Record<string, number>,
      faults: { latency: 0, rateLimited: 0, injectedRateLimited: 0, serverError: 0, lostAnswer: 0 }
    }

    const fires = (
      trigger: Trigger | undefined,
      key: keyof typeof everyCounts,
      n: number,
      write: boolean,
      path: string
    ): boolean => {
      if (trigger === undefined || (trigger.writesOnly === true && !write)) return false
      if (trigger.path !== undefined && trigger.path !== path) return false
      let fired = false
      if (trigger.every !== undefined) {
        everyCounts[key]++
        if (everyCounts[key] % trigger.every === 0) fired = true
      }
      if (
        trigger.rate !== undefined &&
        random(hash(settings.seed ?? options.seed ?? 1, n, FAULT_KEYS[key])) < trigger.rate
      ) {
        fired = true
      }
      return fired
    }

    const windowOf = (start: number) => {
      let entry = windowCounts.get(start)
      if (entry === undefined) {
        entry = { requests: 0, rateLimited: 0 }
        windowCounts.set(start, entry)
      }
      return entry
    }

    const middleware = <E, R>(
      app: Effect.Effect<HttpServerResponse.HttpServerResponse, E, R>,
      isAuthenticated: (request: HttpServerRequest.HttpServerRequest) => boolean
    ): Effect.Effect<HttpServerResponse.HttpServerResponse, E, R | HttpServerRequest.HttpServerRequest> =>
      Effect.gen(function*() {
        const request = yield* HttpServerRequest.HttpServerRequest
        const path = new URL(request.url, "http://sandbox.local").pathname
        if (excluded(path)) return yield* app
        const n = counter++
        const write = isWrite(request.method, path)
        const current = settings
        stats.requests++
        if (write) stats.writes++
        const version = request.headers["intercom-version"] ?? "(none)"
        stats.versions[version] = (stats.versions[version] ?? 0) + 1

        if (current.latency !== undefined) {
          const jitter = current.latency.jitterMs ?? 0
          const ms = current.latency.ms +
            Math.floor(random(hash(current.seed ?? options.seed ?? 1, n, FAULT_KEYS.latency)) * jitter)
          if (ms > 0) {
            stats.faults.latency++
            yield* sleep(ms)
          }
        }

        if (!isAuthenticated(request)) {
          stats.unauthenticated++
          return yield* app
        }

        const now = yield* Clock.currentTimeMillis
        const start = Math.floor(now / WINDOW_MILLIS) * WINDOW_MILLIS
        const window = windowOf(start)
        window.requests++
        const perWindow = limits.perMinute === null ? undefined : Math.ceil(limits.perMinute / 6)
        if (start !== limitWindowStart) {
          limitWindowStart = start
          limitWindowCount = 0
        }
        limitWindowCount++
        const headers = (remaining: number): Record<string, string> =>
          perWindow === undefined ? {} : {
            "x-ratelimit-limit": String(perWindow),
            "x-ratelimit-remaining": String(Math.max(0, remaining)),
            "x-ratelimit-reset": String((start + WINDOW_MILLIS) / 1000)
          }
        const limited = (injected: boolean) => {
          window.rateLimited++
          if (injected) stats.faults.injectedRateLimited++
          else stats.faults.rateLimited++
          return errorList(
            429,
            "rate_limit_exceeded",
            `Exceeded rate limit of ${perWindow ?? 0} in 10_seconds`,
            headers(0)
          )
        }
        if (perWindow !== undefined && limitWindowCount > perWindow) return limited(false)
        const remaining = perWindow === undefined ? 0 : perWindow - limitWindowCount
        if (fires(current.rateLimited, "rateLimited", n, write, path)) return limited(true)

        const withHeaders = (response: HttpServerResponse.HttpServerResponse) =>
          HttpServerResponse.setHeaders(response, headers(remaining))

        const errorTrigger = current.serverError
        if (fires(errorTrigger, "serverError", n, write, path)) {
          const statuses = errorTrigger?.statuses !== undefined && errorTrigger.statuses.length > 0
            ? errorTrigger.statuses
            : [500, 502, 503]
          const status = statuses[
            Math.floor(random(hash(current.seed ?? options.seed ?? 1, n, FAULT_KEYS.status)) * statuses.length)
          ]!
          stats.faults.serverError++
          return status === 500 || status === 503 ? withHeaders(serverError(status)) : serverError(status)
        }

        const response = yield* app
        if (write && response.status < 300 && fires(current.lostAnswer, "lostAnswer", n, write, path)) {
          stats.faults.lostAnswer++
          if (current.lostAnswer?.mode === "reset") {
            const incoming = NodeHttpServerRequest.toIncomingMessage(request)
            incoming.socket?.destroy()
          }
          return gatewayPage(504)
        }
        return withHeaders(response)
      })

    return Faults.of({
      get: Effect.sync(() => settings),
      set: (next) =>
        Effect.sync(() => {
          settings = next
          everyCounts = { rateLimited: 0, serverError: 0, lostAnswer: 0 }
        }),
      limits: Effect.sync(() => limits),
      setLimits: (next) =>
        Effect.sync(() => {
          limits = next
          limitWindowStart = -1
          limitWindowCount = 0
        }),
      stats: Effect.sync((): Stats => ({
        ...stats,
        versions: { ...stats.versions },
        faults: { ...stats.faults },
        windows: [...windowCounts.entries()].toSorted(([a], [b]) => a - b).map(([start, w]) => ({ start, ...w }))
      })),
      resetStats: Effect.sync(() => {
        counter = 0
        everyCounts = { rateLimited: 0, serverError: 0, lostAnswer: 0 }
        windowCounts = new Map()
        limitWindowStart = -1
        limitWindowCount = 0
        stats = {
          requests: 0,
          writes: 0,
          unauthenticated: 0,
          versions: {},
          faults: { latency: 0, rateLimited: 0, injectedRateLimited: 0, serverError: 0, lostAnswer: 0 }
        }
      }),
      middleware
    })
  })
