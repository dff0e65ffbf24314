/**
 * Every error a {@link IntercomClient} method can fail with: the errors Intercom answers with
 * ({@link IntercomApiError}) and the ones that happen on the client's side of the wire: {@link TransportError},
 * {@link Timeout}, {@link DecodeError}.
 *
 * Each error's `message` is one line saying what happened and what to do. None carries the token, the
 * request headers or the raw cause: errors are safe to log.
 *
 * @example
 * ```ts
 * import { IntercomClient } from "@parley/intercom-client"
 * import { Effect } from "effect"
 *
 * const program = IntercomClient.IntercomClient.use((intercom) => intercom.listAdmins()).pipe(
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
import * as IntercomApiError from "./IntercomApiError.ts"

const afterAttempts = (attempts: number | undefined): string =>
  attempts === undefined || attempts <= 1 ? "" : ` (after ${attempts} attempts)`

/**
 * The request never got an answer: the connection was refused or reset, DNS failed, or the body was cut off
 * mid-transfer. `url` is the request's origin and path (never its headers); retried within the retry budget.
 *
 * @example
 * ```ts
 * import { IntercomError } from "@parley/intercom-client"
 *
 * new IntercomError.TransportError({
 *   method: "GET",
 *   url: "http://127.0.0.1:1/admins",
 *   description: "connect ECONNREFUSED 127.0.0.1:1"
 * }).message
 * // "Could not reach Intercom at 127.0.0.1:1 (GET /admins: connect ECONNREFUSED 127.0.0.1:1); check INTERCOM_BASE_URL (or INTERCOM_REGION) and the network, then retry"
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
    return `Could not reach Intercom at ${host} (${this.method} ${path}: ${this.description})${
      afterAttempts(this.attempts)
    }; check INTERCOM_BASE_URL (or INTERCOM_REGION) and the network, then retry`
  }
}

/**
 * No complete answer within the per-request `timeout`, on every attempt of the retry budget.
 *
 * @example
 * ```ts
 * import { IntercomError } from "@parley/intercom-client"
 *
 * new IntercomError.Timeout({ method: "GET", url: "https://api.intercom.io/admins", timeoutMillis: 30000 }).message
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
    return `Intercom at ${host} did not answer ${this.method} ${path} within ${this.timeoutMillis} ms${
      afterAttempts(this.attempts)
    }; raise the timeout option (INTERCOM_TIMEOUT) or retry later`
  }
}

/**
 * Intercom answered, but the body is not what the API declares: malformed or cut-off JSON (then `path` is the
 * parse position, e.g. `position 812 of 815`), or JSON of another shape (then `path` is the JSON path of the
 * first mismatch, e.g. `["data"][3]["createdAt"]`). `excerpt` holds at most 200 characters of the body around
 * the problem. Not retried: the same request would get the same answer.
 *
 * @example
 * ```ts
 * import { IntercomError } from "@parley/intercom-client"
 *
 * new IntercomError.DecodeError({
 *   method: "GET",
 *   url: "https://api.intercom.io/conversations/7",
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
  excerpt: Schema.String
}) {
  override get message(): string {
    const { path } = splitUrl(this.url)
    return `Could not decode Intercom's answer to ${this.method} ${path} (${this.status}) at ${this.path}: ${this.description}; body: ${
      JSON.stringify(this.excerpt)
    }; if this persists, report it with this message (the body is cut off or the API changed shape)`
  }
}

/**
 * Every error a `IntercomClient` method can fail with.
 *
 * @example
 * ```ts
 * import type { IntercomError } from "@parley/intercom-client"
 *
 * const describe = (e: IntercomError.IntercomError): string => `${e._tag}: ${e.message}`
 * ```
 *
 * @since 0.1.0
 */
export type IntercomError = IntercomApiError.IntercomApiError | TransportError | Timeout | DecodeError

/**
 * Whether an error is worth retrying: 429, 5xx, transport errors and timeouts. The other 4xx and decode
 * errors are not (the same request would get the same answer).
 *
 * @example
 * ```ts
 * import { IntercomError } from "@parley/intercom-client"
 *
 * IntercomError.isRetryable(new IntercomError.Timeout({ method: "GET", url: "https://api.intercom.io/admins", timeoutMillis: 1 })) // true
 * ```
 *
 * @since 0.1.0
 */
export const isRetryable = (error: IntercomError): boolean =>
  error instanceof IntercomApiError.RateLimited || error instanceof IntercomApiError.ServerError ||
  error instanceof TransportError || error instanceof Timeout ||
  // A body that is not JSON at all (cut off, an HTML error page from a proxy) is a transient fault when the
  // request is a read (the client never retries writes on it); a body that parses but has the wrong shape is not.
  (error instanceof DecodeError && error.path.startsWith("position"))

/**
 * Whether a failed write may nevertheless have happened: the request was sent, and no answer said it was
 * refused (a 5xx, a timeout, a cut connection, an answer that could not be read). The client never repeats such
 * a write on its own; a caller that must not duplicate reads the resource back (e.g. searches conversations by
 * a custom attribute it set) before writing again. 4xx answers (including 429, which Intercom sends before
 * processing) mean the write did not happen.
 *
 * @example
 * ```ts
 * import { IntercomApiError, IntercomError } from "@parley/intercom-client"
 *
 * IntercomError.outcomeUnknown(new IntercomApiError.ServerError({ status: 502, errors: [{ code: "server_error" }] })) // true
 * IntercomError.outcomeUnknown(new IntercomApiError.RateLimited({ errors: [{ code: "rate_limit_exceeded" }] })) // false
 * ```
 *
 * @since 0.1.0
 */
export const outcomeUnknown = (error: IntercomError): boolean =>
  error instanceof IntercomApiError.ServerError || error instanceof TransportError || error instanceof Timeout ||
  error instanceof DecodeError

const splitUrl = (url: string): { readonly host: string; readonly path: string } => {
  const match = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)([^?#]*)/i.exec(url)
  return match === null ? { host: url, path: "/" } : { host: match[1], path: match[2] === "" ? "/" : match[2] }
}
