/**
 * A client-side rate limiter driven by Intercom's own rate-limit headers.
 *
 * Intercom limits each app per minute, counted in 10-second windows (10,000 a minute is 1,667 per window), and
 * says where a caller stands on every authenticated answer: `X-RateLimit-Limit` (requests allowed in the
 * window), `X-RateLimit-Remaining` (left in it) and `X-RateLimit-Reset` (when it ends, epoch seconds). The
 * limiter keeps the latest window it was told about and lets requests through while the estimate says the window
 * has room; when it does not, requests wait until the window resets (plus `margin`, for clock skew). It never
 * guesses a window's budget: at the start (and when a window has passed) one request goes alone, as a probe,
 * and the others wait for its answer's headers. So a run uses the whole budget of each window, and at most the
 * probe of a window can meet a 429 (when another client of the same app spent the budget).
 *
 * A server that never sends the headers (after {@link HEADERLESS_PROBES} probes answered without them) is not
 * limited: requests pass, and 429s are left to the retry policy.
 *
 * The estimate is conservative under concurrency: after each answer, the window's room is the smaller of the
 * local count and the server's `Remaining` less the requests still in flight. A 429 empties the window.
 *
 * Effect's `RateLimiter` (fixed window or token bucket with a configured rate) cannot follow a budget the server
 * announces, which is why this limiter is its own small engine.
 *
 * @example
 * ```ts
 * import { RateLimit } from "@parley/intercom-client"
 * import { Effect } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const limiter = yield* RateLimit.make()
 *   const permit = yield* limiter.acquire
 *   yield* limiter.release(permit, { status: 200, window: { limit: 167, remaining: 166, resetAt: Date.now() + 10_000 } })
 * })
 * ```
 *
 * @since 0.1.0
 */
import { Clock, Deferred, Duration, Effect } from "effect"

/**
 * What an answer's headers say about the current window. `resetAt` is epoch milliseconds.
 *
 * @since 0.1.0
 */
export interface Window {
  readonly limit: number
  readonly remaining: number
  readonly resetAt: number
}

/**
 * Reads `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset` (names are case insensitive; pass
 * lower-cased keys, as `effect/http` headers are). `undefined` unless all three are numbers.
 *
 * @example
 * ```ts
 * import { RateLimit } from "@parley/intercom-client"
 *
 * RateLimit.parseHeaders({ "x-ratelimit-limit": "167", "x-ratelimit-remaining": "12", "x-ratelimit-reset": "1487332520" })
 * // { limit: 167, remaining: 12, resetAt: 1487332520000 }
 * ```
 *
 * @since 0.1.0
 */
export const parseHeaders = (headers: { readonly [key: string]: string | undefined }): Window | undefined => {
  const limit = Number(headers["x-ratelimit-limit"])
  const remaining = Number(headers["x-ratelimit-remaining"])
  const reset = Number(headers["x-ratelimit-reset"])
  if (
    headers["x-ratelimit-limit"] === undefined || headers["x-ratelimit-remaining"] === undefined ||
    headers["x-ratelimit-reset"] === undefined || !Number.isFinite(limit) || !Number.isFinite(remaining) ||
    !Number.isFinite(reset)
  ) return undefined
  return { limit, remaining: Math.max(0, remaining), resetAt: reset * 1000 }
}

/**
 * Options of {@link make}.
 *
 * @since 0.1.0
 */
export interface Options {
  /** Wait this long past `X-RateLimit-Reset` before trusting a new window (clock skew). Default 250 ms. */
  readonly margin?: Duration.Input | undefined
}

/**
 * A request's place: `probe` when it went alone to learn the window.
 *
 * @since 0.1.0
 */
export interface Permit {
  readonly probe: boolean
}

/**
 * How an attempt ended, for {@link Limiter.release}: its status and the window its headers describe (absent
 * without headers or without an answer).
 *
 * @since 0.1.0
 */
export interface Outcome {
  readonly status?: number | undefined
  readonly window?: Window | undefined
}

/**
 * What the limiter did: requests let through, times a request had to wait for a window to reset, probes sent,
 * and the total time spent waiting.
 *
 * @since 0.1.0
 */
export interface Stats {
  readonly acquired: number
  readonly waits: number
  readonly probes: number
  readonly waitedMillis: number
  /** The window the limiter believes in, if any. */
  readonly window: Window | undefined
}

/**
 * The limiter: `acquire` before sending (waits when the window is spent), `release` with what came back.
 *
 * @since 0.1.0
 */
export interface Limiter {
  readonly acquire: Effect.Effect<Permit>
  readonly release: (permit: Permit, outcome: Outcome) => Effect.Effect<void>
  readonly stats: Effect.Effect<Stats>
}

/**
 * After this many probes in a row are answered without `X-RateLimit-*` headers, the limiter stops holding
 * requests back (the server does not announce a budget: retries on 429 still apply), until headers appear again.
 *
 * @since 0.1.0
 */
export const HEADERLESS_PROBES = 3

/**
 * Builds a {@link Limiter}. One limiter should serve every request made with one app's token.
 *
 * @since 0.1.0
 */
export const make = (options: Options = {}): Effect.Effect<Limiter> =>
  Effect.sync(() => {
    const margin = Duration.toMillis(Duration.fromInputUnsafe(options.margin ?? Duration.millis(250)))
    let window: { limit: number; remaining: number; resetAt: number } | undefined
    let inFlight = 0
    let probing = false
    // Probes answered without rate-limit headers in a row (a server or proxy that does not send them).
    let headerless = 0
    let wake = Deferred.makeUnsafe<void>()
    const counts = { acquired: 0, waits: 0, probes: 0, waitedMillis: 0 }

    const signal = () => {
      const current = wake
      wake = Deferred.makeUnsafe<void>()
      Deferred.doneUnsafe(current, Effect.void)
    }

    const acquire: Effect.Effect<Permit> = Effect.gen(function*() {
      const started = yield* Clock.currentTimeMillis
      let waited = false
      while (true) {
        const now = yield* Clock.currentTimeMillis
        if (window !== undefined && now >= window.resetAt + margin) window = undefined
        if (window === undefined && headerless >= HEADERLESS_PROBES) break
        if (window !== undefined) {
          if (window.remaining > 0) {
            window.remaining--
            break
          }
          waited = true
          yield* Effect.sleep(Duration.millis(window.resetAt + margin - now))
          continue
        }
        if (!probing) {
          probing = true
          counts.probes++
          counts.acquired++
          inFlight++
          if (waited) {
            counts.waits++
            counts.waitedMillis += (yield* Clock.currentTimeMillis) - started
          }
          return { probe: true }
        }
        waited = true
        yield* Deferred.await(wake)
      }
      counts.acquired++
      inFlight++
      if (waited) {
        counts.waits++
        counts.waitedMillis += (yield* Clock.currentTimeMillis) - started
      }
      return { probe: false }
    })

    const release = (permit: Permit, outcome: Outcome): Effect.Effect<void> =>
      Effect.flatMap(Clock.currentTimeMillis, (now) =>
        Effect.sync(() => {
          inFlight = Math.max(0, inFlight - 1)
          const seen = outcome.window
          if (seen !== undefined) headerless = 0
          else if (permit.probe && outcome.status !== undefined) headerless++
          if (seen !== undefined) {
            const room = Math.max(0, seen.remaining - inFlight)
            if (window === undefined || seen.resetAt > window.resetAt) {
              window = { limit: seen.limit, remaining: room, resetAt: seen.resetAt }
            } else if (seen.resetAt === window.resetAt) {
              window.remaining = Math.min(window.remaining, room)
              window.limit = seen.limit
            }
          }
          if (outcome.status === 429) {
            const resetAt = seen?.resetAt ?? window?.resetAt ?? now + 10_000
            window = { limit: seen?.limit ?? window?.limit ?? 0, remaining: 0, resetAt: Math.max(resetAt, now) }
          }
          if (permit.probe) probing = false
          signal()
        }))

    return {
      acquire,
      release,
      stats: Effect.sync((): Stats => ({ ...counts, window: window === undefined ? undefined : { ...window } }))
    }
  })
