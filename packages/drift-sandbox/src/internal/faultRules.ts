/**
 * The schema of a deterministic fault rule (`Faults.ScheduledFault`), in a module of its own: `--fault-schedule`
 * decodes with it, and the command line builds its flags without loading the server.
 *
 * @internal
 */
import { Schema } from "effect"

export const Rate = Schema.Number.check(Schema.isBetween({ minimum: 0, maximum: 1 }))
export const NonNegative = Schema.Number.check(Schema.isGreaterThanOrEqualTo(0))

/**
 * The faults a {@link ScheduledFault} can inject (the stage names of the module documentation).
 *
 * @since 0.2.0
 */
export const FaultKind = Schema.Literals([
  "latency",
  "rateLimit",
  "pageTimeout",
  "serverError",
  "truncate",
  "malformed"
])

/**
 * @since 0.2.0
 */
export type FaultKind = typeof FaultKind.Type

export const Positive = Schema.Int.check(Schema.isGreaterThanOrEqualTo(1))

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
export const ScheduledFault = Schema.Struct({
  fault: FaultKind,
  /** Only requests with this method. */
  method: Schema.optionalKey(Schema.Literals(["GET", "POST"])),
  /** Only requests to this path: exact, but a `:name` segment matches any one segment. */
  path: Schema.optionalKey(Schema.String.check(Schema.isStartingWith("/"))),
  /** Only these attempts (1-based) of the same request (method, path and query). */
  attempts: Schema.optionalKey(Schema.Array(Positive)),
  /** Hits the Nth requests the rule sees (1-based). */
  nth: Schema.optionalKey(Schema.Array(Positive)),
  /** Hits every Kth request the rule sees. */
  every: Schema.optionalKey(Positive),
  /** Hits the Nth request the rule sees and every one after it. */
  from: Schema.optionalKey(Positive),
  /** Hits a seeded fraction, keyed by the request and its attempt number (not the arrival order). */
  rate: Schema.optionalKey(Rate),
  /** `serverError`: the status (default 500). */
  status: Schema.optionalKey(Schema.Literals([500, 502, 503, 504])),
  /** `rateLimit`: send `Retry-After` with these seconds (default: no header, as Drift). */
  retryAfter: Schema.optionalKey(Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))),
  /** `latency`: the delay (default 100); `pageTimeout`: the wait before the 504 (default 3000). */
  ms: Schema.optionalKey(NonNegative),
  /** `pageTimeout`: answer 504 after `ms` (default), or never answer. */
  mode: Schema.optionalKey(Schema.Literals(["504", "hang"])),
  /** `malformed`: which malformation (default `html`). */
  kind: Schema.optionalKey(Schema.Literals(["html", "string-ids", "xssi"]))
}).check(Schema.makeFilter((rule) => {
  const selectors = (["nth", "every", "from", "rate"] as const).filter((k) => rule[k] !== undefined)
  return selectors.length <= 1 ||
    `a rule takes at most one of nth, every, from and rate, got ${selectors.join(" and ")}; split it into two rules`
}))
