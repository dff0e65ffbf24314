/**
 * A loopback reverse proxy in front of the sandbox that answers a seeded fraction of API requests with 429, as
 * Drift's rate limiter does (Drift documents no `Retry-After`; a share of the answers carry one, as some proxies
 * do). The sandbox's own rate limit is a leaky bucket whose hit rate depends on the machine's speed; this gives the
 * same fraction on every machine. Everything else (5xx, latency, truncation, page timeouts) is the sandbox's own
 * fault injection. `/_sandbox/*` is never faulted.
 */
import { Effect } from "effect"
import type { Scope } from "effect"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"

/** Options of {@link startFaultProxy}. */
export interface FaultProxyOptions {
  /** Fraction of API requests answered 429. */
  readonly rateLimitRate: number
  /** Fraction of those 429s that carry `Retry-After: 1`. */
  readonly retryAfterShare: number
  readonly seed: number
}

/** What the proxy did. */
export interface FaultProxyStats {
  readonly requests: number
  readonly rateLimited: number
  readonly rateLimitedWithRetryAfter: number
}

/** A running proxy. */
export interface FaultProxy {
  readonly url: string
  readonly stats: () => FaultProxyStats
  /** Changes the 429 rate from now on. */
  readonly setRateLimitRate: (rate: number) => void
}

/** mulberry32: a small seeded PRNG, enough for fault decisions. */
const prng = (seed: number) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Starts the proxy in front of `target`; it stops when the scope closes. */
export const startFaultProxy = (
  target: string,
  options: FaultProxyOptions
): Effect.Effect<FaultProxy, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.promise(async () => {
      const upstream = new URL(target)
      const agent = new Http.Agent({ keepAlive: true, maxSockets: 64 })
      const random = prng(options.seed)
      let rate = options.rateLimitRate
      const stats = { requests: 0, rateLimited: 0, rateLimitedWithRetryAfter: 0 }
      const server = Http.createServer((req, res) => {
        const path = req.url ?? "/"
        if (!path.startsWith("/_sandbox/")) {
          stats.requests++
          const draw = random()
          const withRetryAfter = random() < options.retryAfterShare
          if (draw < rate) {
            stats.rateLimited++
            if (withRetryAfter) stats.rateLimitedWithRetryAfter++
            req.resume()
            res.writeHead(429, {
              "content-type": "application/json",
              ...(withRetryAfter ? { "retry-after": "1" } : {})
            })
            res.end(JSON.stringify({ errors: [{ type: "rate_limit_exceeded", message: "Too many requests" }] }))
            return
          }
        }
        const forward = Http.request({
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path,
          headers: { ...req.headers, host: upstream.host },
          agent
        }, (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers)
          answer.pipe(res)
        })
        forward.on("error", () => res.destroy())
        // The client gave up (its timeout): give up upstream too.
        res.on("close", () => forward.destroy())
        req.pipe(forward)
      })
      server.keepAliveTimeout = 5000
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
      const port = (server.address() as AddressInfo).port
      return {
        server,
        agent,
        proxy: {
          url: `http://127.0.0.1:${port}`,
          stats: () => ({ ...stats }),
          setRateLimitRate: (next: number) => {
            rate = next
          }
        } satisfies FaultProxy
      }
    }),
    ({ agent, server }) =>
      Effect.promise(() =>
        new Promise<void>((resolve) => {
          agent.destroy()
          server.closeAllConnections()
          server.close(() => resolve())
        })
      )
  ).pipe(Effect.map(({ proxy }) => proxy))
