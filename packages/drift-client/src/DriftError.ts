/**
 * Every error a {@link DriftClient} method can fail with: the errors Drift answers with
 * ({@link DriftApiError}) and the ones that happen on the client's side of the wire: {@link TransportError},
 * {@link Timeout}, {@link DecodeError}.
 *
 * Each error's `message` is one line saying what happened and what to do. None carries the token, the
 * request headers or the raw cause: errors are safe to log.
 *
 * @example
 * ```ts
 * import { DriftClient } from "@parley/drift-client"
 * import { Effect } from "effect"
 *
 * const program = DriftClient.DriftClient.use((drift) => drift.listUsers()).pipe(
 *   Effect.catchTags({
 *     Unauthorized: (e) => Effect.logError(e.message),
 *     TransportError: (e) => Effect.logError(`cannot reach ${e.url}`),
 *     Timeout: (e) => Effect.logError(`gave up after ${e.attempts} attempts`)
 *   })
 * )
 * ```
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import * as DriftApiError from "./DriftApiError.ts"

const afterAttempts = (attempts: number | undefined): string =>
  attempts === undefined || attempts <= 1 ? "" : ` (after ${attempts} attempts)`

/**
 * The request never got an answer: the connection was refused or reset, DNS failed, or the body was cut off
 * mid-transfer. `url` is the request's origin and path (never its headers); retried within the retry budget.
 *
 * @example
 * ```ts
 * import { DriftError } from "@parley/drift-client"
 *
 * new DriftError.TransportError({
 *   method: "GET",
 *   url: "http://127.0.0.1:1/users/list",
 *   description: "connect ECONNREFUSED 127.0.0.1:1"
 * }).message
 * // "Could not reach Drift at 127.0.0.1:1 (GET /users/list: connect ECONNREFUSED 127.0.0.1:1); check DRIFT_BASE_URL and the network, then retry"
 * ```
 *
 * @since 0.1.0
 */
export class TransportError extends Schema.TaggedError<TransportError>()("TransportError", {
  method: Schema.String,
  /** Origin and path of the request, without credentials or query. */
  url: Schema.String,
  description: Schema.String,
  attempts: Schema.optionalKey(Schema.Number)
}) {
  override get message(): string {
    const { host, path } = splitUrl(this.url)
    return `Could not reach Drift at ${host} (${this.method} ${path}: ${this.description})${
      afterAttempts(this.attempts)
    }; check DRIFT_BASE_URL and the network, then retry`
  }
}

/**
 * No complete answer within the per-request `timeout`, on every attempt of the retry budget.
 *
 * @example
 * ```ts
 * import { DriftError } from "@parley/drift-client"
 *
 * new DriftError.Timeout({ method: "GET", url: "https://driftapi.com/users/list", timeoutMillis: 30000 }).message
 * ```
 *
 * @since 0.1.0
 */
export class Timeout extends Schema.TaggedError<Timeout>()("Timeout", {
  method: Schema.String,
  /** Origin and path of the request, without credentials or query. */
  url: Schema.String,
  timeoutMillis: Schema.Number,
  attempts: Schema.optionalKey(Schema.Number)
}) {
  override get message(): string {
    const { host, path } = splitUrl(this.url)
    return `Drift at ${host} did not answer ${this.method} ${path} within ${this.timeoutMillis} ms${
      afterAttempts(this.attempts)
    }; raise the timeout option (DRIFT_TIMEOUT) or retry later`
  }
}

/**
 * Drift answered, but the body is not what the API declares: malformed or cut-off JSON (then `path` is the
 * parse position, e.g. `position 812 of 815`), or JSON of another shape (then `path` is the JSON path of the
 * first mismatch, e.g. `["data"][3]["createdAt"]`). `excerpt` holds at most 200 characters of the body around
 * the problem. Not retried: the same request would get the same answer.
 *
 * @example
 * ```ts
 * import { DriftError } from "@parley/drift-client"
 *
 * new DriftError.DecodeError({
 *   method: "GET",
 *   url: "https://driftapi.com/conversations/7",
 *   status: 200,
 *   path: "[\"data\"][\"createdAt\"]",
 *   description: "Expected an epoch timestamp in milliseconds, got \"yesterday\"",
 *   excerpt: "{\"data\":{\"id\":7,\"createdAt\":\"yesterday\"}}"
 * }).message
 * ```
 *
 * @since 0.1.0
 */
export class DecodeError extends Schema.TaggedError<DecodeError>()("DecodeError", {
  method: Schema.String,
  /** Origin and path of the request, without credentials or query. */
  url: Schema.String,
  status: Schema.Number,
  /** Where decoding failed: a JSON path, or `position N of M` for JSON that does not parse. */
  path: Schema.String,
  description: Schema.String,
  /** At most 200 characters of the body, around the problem when its position is known. */
  excerpt: Schema.String,
  /** The whole body as received (the token scrubbed), for quarantining the answer; absent when unread. */
  body: Schema.optionalKey(Schema.String)
}) {
  override get message(): string {
    const { path } = splitUrl(this.url)
    return `Could not decode Drift's answer to ${this.method} ${path} (${this.status}) at ${this.path}: ${this.description}; body: ${
      JSON.stringify(this.excerpt)
    }; if this persists, report it with this message (the body is cut off or the API changed shape)`
  }
}

/**
 * The answer is larger than the client reads (`maxResponseBytes`, default 64 MiB): refused instead of buffering
 * it. Not retried (the same request would get the same answer).
 *
 * @since 0.2.0
 */
export class ResponseTooLarge extends Schema.TaggedError<ResponseTooLarge>()("ResponseTooLarge", {
  method: Schema.String,
  /** Origin and path of the request, without credentials or query. */
  url: Schema.String,
  status: Schema.Number,
  /** The limit, in bytes. */
  limit: Schema.Number,
  /** The bytes received (or announced by `Content-Length`) when the answer was refused. */
  received: Schema.Number
}) {
  override get message(): string {
    const { path } = splitUrl(this.url)
    return `Drift's answer to ${this.method} ${path} (${this.status}) is larger than ${this.limit} bytes (at least ${this.received}); refused instead of reading it. Raise maxResponseBytes (DRIFT_MAX_RESPONSE_BYTES) if this workspace really sends answers this large`
  }
}

/**
 * An option given to `DriftClient.layer` / `DriftClient.make` (or read by `DriftClient.layerConfig`) is
 * invalid: `option` names it (`baseUrl`, `retry.times`, ...), `reason` says what is wrong. Building the client
 * fails with it; no request is sent.
 *
 * @example
 * ```ts
 * import { DriftError } from "@parley/drift-client"
 *
 * new DriftError.InvalidOptions({ option: "retry.times", reason: "must be a non-negative integer, got -1" }).message
 * // "Invalid DriftClient option retry.times: must be a non-negative integer, got -1"
 * ```
 *
 * @since 0.2.0
 */
export class InvalidOptions extends Schema.TaggedError<InvalidOptions>()("InvalidOptions", {
  option: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `Invalid DriftClient option ${this.option}: ${this.reason}`
  }
}

/**
 * Every error a `DriftClient` method can fail with.
 *
 * @example
 * ```ts
 * import type { DriftError } from "@parley/drift-client"
 *
 * const describe = (e: DriftError.DriftError): string => `${e._tag}: ${e.message}`
 * ```
 *
 * @since 0.1.0
 */
export type DriftError = DriftApiError.DriftApiError | TransportError | Timeout | DecodeError | ResponseTooLarge

/**
 * The {@link DriftError} union as a schema, for errors that carry one as their typed `reason` (such as
 * `@parley/drift-stream`'s `PageFailed`).
 *
 * @example
 * ```ts
 * import { DriftError } from "@parley/drift-client"
 * import { Schema } from "effect"
 *
 * class Failed extends Schema.TaggedError<Failed>()("Failed", { reason: DriftError.DriftError }) {}
 * ```
 *
 * @since 0.2.0
 */
export const DriftError = Schema.Union([
  DriftApiError.Unauthorized,
  DriftApiError.Forbidden,
  DriftApiError.NotFound,
  DriftApiError.ValidationError,
  DriftApiError.RateLimited,
  DriftApiError.ServerError,
  TransportError,
  Timeout,
  DecodeError,
  ResponseTooLarge
])

/**
 * Whether an error is worth retrying: 429, 5xx, transport errors and timeouts. The other 4xx and decode
 * errors are not (the same request would get the same answer).
 *
 * @example
 * ```ts
 * import { DriftError } from "@parley/drift-client"
 *
 * DriftError.isRetryable(new DriftError.Timeout({ method: "GET", url: "https://driftapi.com/users/list", timeoutMillis: 1 })) // true
 * ```
 *
 * @since 0.1.0
 */
export const isRetryable = (error: DriftError): boolean =>
  error instanceof DriftApiError.RateLimited || error instanceof DriftApiError.ServerError ||
  error instanceof TransportError || error instanceof Timeout ||
  // A body that is not JSON at all (cut off, an HTML error page from a proxy) is a transient fault when the
  // request is safe to repeat; a body that parses but has the wrong shape is not.
  (error instanceof DecodeError && error.method === "GET" && error.path.startsWith("position"))

const splitUrl = (url: string): { readonly host: string; readonly path: string } => {
  const match = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)([^?#]*)/i.exec(url)
  return match === null ? { host: url, path: "/" } : { host: match[1], path: match[2] === "" ? "/" : match[2] }
}
