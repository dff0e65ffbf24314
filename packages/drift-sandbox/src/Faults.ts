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
 * the same faults on every run (the rate limit alone depends on the wall clock). These random modes are for demos,
 * fuzzing and soak runs: under concurrency the arrival order, and so which request meets which fault, changes from
 * run to run.
 *
 * **Deterministic faults** (`schedule`, for tests that assert a fault happened): a list of rules, each naming one
 * fault and the requests it hits, decided when a request arrives, before any other fault:
 *
 * - which requests a rule sees: `method`, `path` (exact; a `:name` segment matches any one segment, as in
 *   `/conversations/:id/messages`), `attempts` (attempt numbers of the same request, i.e. the same method, path
 *   and query, counted since the settings were set: `[1]` hits first attempts only, so every retry gets through);
 * - which of those it hits (at most one of): `nth` (the Nth, Mth request the rule saw: `[3, 7]`), `every` (every
 *   Kth), `from` (the Nth and every one after it), `rate` (a seeded fraction keyed by `(seed, rule, method + path + query, attempt)`, not by arrival
 *   order, so the same request meets the same fault whatever the concurrency); none of them: every request it sees;
 * - what the fault does: `status` (`serverError`, default 500), `retryAfter` (`rateLimit`: send
 *   `Retry-After: <seconds>`; default none), `ms` (`latency`, default 100; `pageTimeout`: the wait before the 504,
 *   default 3000), `mode` (`pageTimeout`: `504` or `hang`), `kind` (`malformed`: `html`, `string-ids`, `xssi`;
 *   default `html`). `pageTimeout` rules only hit `GET /conversations/list`; `truncate` and `malformed` only a 200
 *   with a body.
 *
 * A rule's hit is spent even when an earlier stage answered the request (a scheduled 502 behind a 429 of the
 * bucket is not injected, nor counted). A scheduled 429 does not take a slot of the rate-limit bucket. `stats.scheduled[i]` counts the faults rule `i`
 * injected. The rule counters and attempt numbers start again when the settings are set. `/_sandbox/*`,
 * `/openapi.json` and `/docs` are never faulted.
 *
 * @example
 * ```ts
 * import { Faults } from "@parley/drift-sandbox"
 * import { Effect } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const faults = yield* Faults.Faults
 *   // Random, for a demo: 5% 5xx and a rate limit.
 *   yield* faults.set({ errorRate: 0.05, rateLimit: { perSecond: 10, retryAfter: true } })
 *   // Deterministic, for a test: the 2nd and 5th list requests answer 429, every 10th request 502.
 *   yield* faults.set({
 *     schedule: [
 *       { fault: "rateLimit", path: "/conversations/list", nth: [2, 5] },
 *       { fault: "serverError", status: 502, every: 10 }
 *     ]
 *   })
 * })
 * ```
 *
 * @since 0.1.0
 */
import { Clock, Context, Effect, Layer, Schema } from "effect"
import { HttpBody, HttpServerRequest, HttpServerResponse } from "effect/http"
import * as Cursor from "./Cursor.ts"
import * as FaultRules from "./internal/faultRules.ts"
import { hash, Prng } from "./Seed.ts"

const { NonNegative, Rate } = FaultRules

/**
 * The faults a {@link ScheduledFault} can inject (the stage names of the module documentation).
 *
 * @since 0.2.0
 */
export const FaultKind: typeof FaultRules.FaultKind = FaultRules.FaultKind

/**
 * @since 0.2.0
 */
export type FaultKind = typeof FaultKind.Type

/**
 * One deterministic fault rule: the fault, the requests it sees, and which of them it hits (see the module
 * documentation).
 *
 * @example
 * ```ts
 * import { Faults } from "@parley/drift-sandbox"
 *
 * // The first attempt at every third message page answers 503; the retry gets through.
 * const rule: Faults.ScheduledFault = {
 *   fault: "serverError",
 *   status: 503,
 *   path: "/conversations/:id/messages",
 *   attempts: [1],
 *   every: 3
 * }
 * ```
 *
 * @since 0.2.0
 */
export const ScheduledFault: typeof FaultRules.ScheduledFault = FaultRules.ScheduledFault

/**
 * @since 0.2.0
 */
export type ScheduledFault = typeof ScheduledFault.Type

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
  })),
  /** Deterministic faults, for tests (see {@link ScheduledFault}). */
  schedule: Schema.optionalKey(Schema.Array(ScheduledFault))
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
  /** Faults injected by each rule of `schedule`, by index (since the settings were set). */
  readonly scheduled: ReadonlyArray<number>
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

const DEFAULT_SCHEDULED_LATENCY_MS = 100

/** FNV-1a over the UTF-16 code units: keys a request for the keyed PRNG. */
const hashString = (text: string): number => {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193)
  return h >>> 0
}

const pathMatches = (pattern: string, path: string): boolean => {
  if (pattern === path) return true
  const want = pattern.split("/")
  const got = path.split("/")
  return want.length === got.length && want.every((segment, i) => segment.startsWith(":") || segment === got[i])
}

/** The rules of a schedule that fire for one request, first rule per fault. */
type Fired = Partial<
  Record<FaultKind, { readonly index: number; readonly rule: ScheduledFault; readonly draw: number }>
>

/**
 * The fault injector: its settings, its counters, and the middleware that applies it.
 *
 * @since 0.1.0
 */
export class Faults extends Context.Service<Faults, {
  readonly get: Effect.Effect<FaultSettings>
  /**
   * Replaces the settings (absent keys switch faults off), empties the rate-limit bucket and starts the
   * schedule's counters and attempt numbers again.
   */
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
  // The schedule's state: requests seen and faults injected per rule, attempts per request key.
  let seen: Array<number> = []
  let injected: Array<number> = []
  let attemptsByKey = new Map<string, number>()
  const resetSchedule = () => {
    const rules = settings.schedule?.length ?? 0
    seen = Array.from({ length: rules }, () => 0)
    injected = Array.from({ length: rules }, () => 0)
    attemptsByKey = new Map()
  }
  resetSchedule()

  /** Decides, on arrival, which rules of the schedule hit this request. */
  const scheduled = (method: string, url: URL): Fired => {
    const rules = settings.schedule
    if (rules === undefined || rules.length === 0) return {}
    const key = `${method} ${url.pathname}${url.search}`
    const attempt = (attemptsByKey.get(key) ?? 0) + 1
    attemptsByKey.set(key, attempt)
    const fired: Fired = {}
    const isList = method === "GET" && url.pathname === "/conversations/list"
    rules.forEach((rule, index) => {
      // A page timeout only ever hits list requests: its rules count nothing else.
      if (rule.fault === "pageTimeout" && !isList) return
      if (rule.method !== undefined && rule.method !== method) return
      if (rule.path !== undefined && !pathMatches(rule.path, url.pathname)) return
      if (rule.attempts !== undefined && !rule.attempts.includes(attempt)) return
      const count = ++seen[index]!
      const rng = new Prng(hash(settings.seed ?? options.seed, index, hashString(key), attempt))
      const chance = rng.next()
      const hit = rule.nth !== undefined
        ? rule.nth.includes(count)
        : rule.every !== undefined
        ? count % rule.every === 0
        : rule.from !== undefined
        ? count >= rule.from
        : rule.rate !== undefined
        ? chance < rule.rate
        : true
      if (hit && fired[rule.fault] === undefined) fired[rule.fault] = { index, rule, draw: rng.next() }
    })
    return fired
  }
  const applied = (fired: Fired[FaultKind]) => {
    if (fired !== undefined) injected[fired.index] = (injected[fired.index] ?? 0) + 1
  }

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
    draws: { truncate: number; cut: number; malformed: number; kind: number },
    fired: Fired
  ): HttpServerResponse.HttpServerResponse => {
    const body = response.body
    if (response.status !== 200 || !(body instanceof HttpBody.Uint8Array) || body.body.length < 2) return response
    const truncate = fired.truncate
    if (truncate !== undefined || (settings.truncateRate !== undefined && draws.truncate < settings.truncateRate)) {
      counts.truncated++
      applied(truncate)
      const cut = 1 + Math.floor((truncate?.draw ?? draws.cut) * (body.body.length - 1))
      return HttpServerResponse.setBody(response, HttpBody.uint8Array(body.body.slice(0, cut), body.contentType))
    }
    const malformed = fired.malformed
    if (malformed !== undefined || (settings.malformedRate !== undefined && draws.malformed < settings.malformedRate)) {
      counts.malformed++
      applied(malformed)
      const text = new TextDecoder().decode(body.body)
      const kind = malformed === undefined
        ? Math.floor(draws.kind * 3)
        : ({ html: 0, "string-ids": 1, xssi: 2 } as const)[malformed.rule.kind ?? "html"]
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
      const fired = scheduled(request.method, url)

      const randomLatency = current.latency === undefined
        ? 0
        : current.latency.ms + Math.floor(draws.latency * (current.latency.jitterMs ?? 0))
      const latency = Math.max(
        randomLatency,
        fired.latency?.rule.ms ?? (fired.latency ? DEFAULT_SCHEDULED_LATENCY_MS : 0)
      )
      if (latency > 0) {
        counts.latency++
        applied(fired.latency)
        yield* sleep(latency)
      }

      if (fired.rateLimit !== undefined) {
        counts.rateLimited++
        applied(fired.rateLimit)
        const seconds = fired.rateLimit.rule.retryAfter
        return envelope(
          429,
          "rate_limit_exceeded",
          "Too many requests, slow down",
          seconds === undefined ? undefined : { "retry-after": String(seconds) }
        )
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

      if (request.method === "GET" && url.pathname === "/conversations/list") {
        const timeout = current.pageTimeout
        const page = Cursor.pageOf(url.searchParams.get("next") ?? undefined)
        const deep = timeout?.fromPage !== undefined && page !== undefined && page >= timeout.fromPage
        const random = timeout?.rate !== undefined && draws.pageTimeout < timeout.rate
        const rule = fired.pageTimeout?.rule
        if (rule !== undefined || deep || random) {
          counts.pageTimeout++
          applied(fired.pageTimeout)
          const mode = rule !== undefined ? rule.mode : timeout?.mode
          if (mode === "hang") return yield* Effect.interruptible(Effect.never)
          yield* sleep(
            rule !== undefined ? rule.ms ?? DEFAULT_PAGE_TIMEOUT_MS : timeout?.delayMs ?? DEFAULT_PAGE_TIMEOUT_MS
          )
          return serverError(504)
        }
      }

      const scheduledError = fired.serverError
      if (scheduledError !== undefined || (current.errorRate !== undefined && draws.error < current.errorRate)) {
        const statuses = current.errorStatuses !== undefined && current.errorStatuses.length > 0
          ? current.errorStatuses
          : DEFAULT_ERROR_STATUSES
        const status = scheduledError !== undefined
          ? scheduledError.rule.status ?? 500
          : statuses[Math.floor(draws.status * statuses.length)]!
        counts.serverError++
        applied(scheduledError)
        byStatus[status] = (byStatus[status] ?? 0) + 1
        return serverError(status)
      }

      const response = yield* app
      return transformBody(response, draws, fired)
    })

  return Faults.of({
    get: Effect.sync(() => settings),
    set: (next) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) =>
        Effect.sync(() => {
          settings = next
          bucketLevel = 0
          bucketTime = now
          resetSchedule()
        })),
    stats: Effect.sync(() => ({
      requests,
      faults: { ...counts },
      serverErrorsByStatus: { ...byStatus },
      scheduled: [...injected]
    })),
    middleware
  })
})
