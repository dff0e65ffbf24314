/**
 * Where an export reads from: Drift (the token and options from the environment) or the embedded sandbox, and
 * the `DriftClient` layer over a counting undici `HttpClient`.
 *
 * @example
 * ```ts
 * import { Connection, Progress } from "@parley/cli"
 * import { Effect } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const options = yield* Connection.fromEnv({}) // DRIFT_TOKEN, DRIFT_BASE_URL, DRIFT_TIMEOUT, ...
 *   const layer = Connection.layer(options, new Progress.Tracker("threads").http)
 * })
 * ```
 *
 * @since 0.1.0
 */
import { NodeHttpClient } from "@effect/platform-node"
import { DriftClient } from "@parley/drift-client"
import { Config, Effect, Layer, Option, Redacted } from "effect"
import { HttpClient } from "effect/http"
import { MissingToken, UsageError } from "./Errors.ts"
import type { HttpCounters } from "./Progress.ts"

/**
 * Overrides from the command line.
 *
 * @since 0.1.0
 */
export interface Overrides {
  /** Requests per minute; 0 disables the client-side limit. */
  readonly requestsPerMinute?: number | undefined
}

const withOverrides = (options: DriftClient.Options, overrides: Overrides): DriftClient.Options => {
  if (overrides.requestsPerMinute === undefined) return options
  return {
    ...options,
    rateLimit: overrides.requestsPerMinute === 0 ? false : { requestsPerMinute: overrides.requestsPerMinute }
  }
}

/**
 * The client options from the environment (`DRIFT_TOKEN`, `DRIFT_BASE_URL` and the rest of
 * `DriftClient.config`), checked so that each problem is one clear line: no token is {@link MissingToken}, a
 * base URL that is not http(s) a {@link UsageError}.
 *
 * @since 0.1.0
 */
export const fromEnv = Effect.fn("Connection.fromEnv")(function*(overrides: Overrides) {
  const token = yield* Config.option(Config.Redacted("DRIFT_TOKEN"))
  if (Option.isNone(token) || Redacted.value(token.value).trim() === "") return yield* new MissingToken()
  const baseUrl = yield* Config.String("DRIFT_BASE_URL").pipe(Config.withDefault(DriftClient.DEFAULT_BASE_URL))
  let url: URL | undefined
  try {
    url = new URL(baseUrl)
  } catch {
    url = undefined
  }
  if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:")) {
    return yield* new UsageError({
      reason: `DRIFT_BASE_URL must be an http(s) URL such as ${DriftClient.DEFAULT_BASE_URL}, got ${
        JSON.stringify(baseUrl)
      }`
    })
  }
  const options = yield* DriftClient.config
  const rateLimit = options.rateLimit === false ? undefined : options.rateLimit
  if (rateLimit?.requestsPerMinute !== undefined && !(rateLimit.requestsPerMinute > 0)) {
    return yield* new UsageError({
      reason:
        `DRIFT_REQUESTS_PER_MINUTE must be positive (Infinity disables the limit), got ${rateLimit.requestsPerMinute}`
    })
  }
  if (options.retry?.times !== undefined && !(Number.isSafeInteger(options.retry.times) && options.retry.times >= 0)) {
    return yield* new UsageError({
      reason: `DRIFT_RETRY_TIMES must be a non-negative integer, got ${options.retry.times}`
    })
  }
  return withOverrides({ ...options, token: token.value, baseUrl }, overrides)
})

/**
 * Client options for the embedded sandbox at `url`: no client-side rate limit (the sandbox has none unless
 * asked), short retries.
 *
 * @since 0.1.0
 */
export const forSandbox = (url: string, token: string, overrides: Overrides): DriftClient.Options =>
  withOverrides({
    token: Redacted.make(token),
    baseUrl: url,
    rateLimit: false,
    retry: { times: 5, baseDelay: "50 millis", maxDelay: "2 seconds" }
  }, overrides)

/**
 * An undici `HttpClient` that counts requests and retryable failures (429, 5xx, errors on the wire) into
 * `counters`.
 *
 * @since 0.1.0
 */
export const countingHttpClient = (counters: HttpCounters): Layer.Layer<HttpClient.HttpClient> =>
  Layer.effect(
    HttpClient.HttpClient,
    Effect.gen(function*() {
      const client = yield* HttpClient.HttpClient
      return client.pipe(
        HttpClient.tapRequest(() =>
          Effect.sync(() => {
            counters.requests++
          })
        ),
        HttpClient.tap((response) =>
          Effect.sync(() => {
            if (response.status === 429 || response.status >= 500) counters.retried++
          })
        ),
        HttpClient.tapError(() =>
          Effect.sync(() => {
            counters.retried++
          })
        )
      )
    })
  ).pipe(Layer.provide(NodeHttpClient.layerUndici))

/**
 * The `DriftClient` with `options`, over {@link countingHttpClient}.
 *
 * @since 0.1.0
 */
export const layer = (options: DriftClient.Options, counters: HttpCounters): Layer.Layer<DriftClient.DriftClient> =>
  DriftClient.DriftClient.layer(options).pipe(Layer.provide(countingHttpClient(counters)))
