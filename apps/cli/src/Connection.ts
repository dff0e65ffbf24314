/**
 * Where an export reads from: Drift (the token and options from the environment) or the embedded sandbox, and
 * the `DriftClient` layer over undici (`UndiciHttpClient`: whole bodies gathered as they arrive).
 *
 * @example
 * ```ts
 * import { Connection } from "@parley/cli"
 * import { Effect } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const options = yield* Connection.fromEnv({}) // DRIFT_TOKEN, DRIFT_BASE_URL, DRIFT_TIMEOUT, ...
 *   const layer = Connection.layer(options)
 * })
 * ```
 *
 * @since 0.1.0
 */
import { DriftClient, type DriftError } from "@parley/drift-client"
import * as UndiciHttpClient from "@parley/drift-client/UndiciHttpClient"
import { Config, Effect, Layer, Option, Redacted } from "effect"
import { MissingToken, UsageError } from "./Errors.ts"

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
 * The `DriftClient` with `options`, over undici. Its `stats` count requests and retries exactly; the export reads
 * them from the stream's progress events.
 *
 * @since 0.1.0
 */
export const layer = (
  options: DriftClient.Options
): Layer.Layer<DriftClient.DriftClient, DriftError.InvalidOptions> =>
  DriftClient.DriftClient.layer(options).pipe(Layer.provide(UndiciHttpClient.layer))
