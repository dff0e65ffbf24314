/**
 * The errors Drift's conversation API answers with, as tagged classes.
 *
 * On the wire each is Drift's error envelope, `{ errors: [{ type, message, param? }] }` (the older
 * `{ error: { message } }` form is accepted on decode and normalized); decoded, each is a tagged error a
 * program can `catchTag` on. The same declarations serve the client (decoding answers) and the sandbox
 * (encoding them): {@link Wire} holds one schema per HTTP status for `HttpApiEndpoint` `error` lists.
 *
 * @example
 * ```ts
 * import { DriftApiError } from "@parley/drift-client"
 *
 * const error = new DriftApiError.NotFound({ errors: [{ type: "not_found", message: "No conversation 7" }] })
 * error.message // "Drift has no such resource (404 not_found: No conversation 7); check the id"
 * ```
 *
 * @since 0.1.0
 */
import { Drift, Text } from "@parley/schema"
import { Schema, SchemaGetter } from "effect"
import { HttpApiSchema } from "effect/http-api"

const ErrorList = Schema.NonEmptyArray(Drift.ApiError)
type ErrorList = readonly [Drift.ApiError, ...Array<Drift.ApiError>]

const errorFields = {
  /** Drift's error list (at least one entry). */
  errors: ErrorList
}

const describe = (status: number | undefined, errors: ReadonlyArray<Drift.ApiError>): string => {
  const details = errors
    .map((e) =>
      `${Text.oneLine(e.type)}: ${Text.oneLine(e.message)}${e.param === undefined ? "" : ` [param: ${e.param}]`}`
    )
    .join("; ")
  return status === undefined ? details : `${status} ${details}`
}

const seconds = (millis: number): string => `${Math.ceil(millis / 1000)} s`

const afterAttempts = (attempts: number | undefined): string =>
  attempts === undefined || attempts <= 1 ? "" : ` after ${attempts} attempts`

/**
 * 401: the token is missing, malformed, expired or revoked.
 *
 * @example
 * ```ts
 * import { DriftClient } from "@parley/drift-client"
 * import { Effect } from "effect"
 *
 * const users = Effect.gen(function*() {
 *   const drift = yield* DriftClient.DriftClient
 *   return yield* drift.listUsers()
 * }).pipe(Effect.catchTag("Unauthorized", (e) => Effect.die(e.message)))
 * ```
 *
 * @since 0.1.0
 */
export class Unauthorized extends Schema.TaggedError<Unauthorized>()("Unauthorized", errorFields, {
  httpApiStatus: 401
}) {
  override get message(): string {
    return `Drift rejected the access token (${
      describe(401, this.errors)
    }); check DRIFT_TOKEN (or the token given to DriftClient.layer) and that the app is still installed`
  }
}

/**
 * 403: the token lacks a scope the endpoint needs (`conversation_read`, `conversation_write`, `contact_read`,
 * `user_read`).
 *
 * @example
 * ```ts
 * import { DriftApiError } from "@parley/drift-client"
 *
 * new DriftApiError.Forbidden({ errors: [{ type: "forbidden", message: "missing scope conversation_write" }] }).message
 * ```
 *
 * @since 0.1.0
 */
export class Forbidden extends Schema.TaggedError<Forbidden>()("Forbidden", errorFields, {
  httpApiStatus: 403
}) {
  override get message(): string {
    return `Drift refused the request (${
      describe(403, this.errors)
    }); the token lacks a scope this endpoint needs (conversation_read, conversation_write, contact_read, user_read): grant it in the Drift app settings`
  }
}

/**
 * 404: no such conversation, contact or user.
 *
 * @example
 * ```ts
 * import { DriftClient } from "@parley/drift-client"
 * import { Drift } from "@parley/schema"
 * import { Effect, Option } from "effect"
 *
 * const maybeContact = (id: Drift.ContactId) =>
 *   DriftClient.DriftClient.use((drift) => drift.getContact(id)).pipe(
 *     Effect.map(Option.some),
 *     Effect.catchTag("NotFound", () => Effect.succeed(Option.none()))
 *   )
 * ```
 *
 * @since 0.1.0
 */
export class NotFound extends Schema.TaggedError<NotFound>()("NotFound", errorFields, {
  httpApiStatus: 404
}) {
  override get message(): string {
    return `Drift has no such resource (${describe(404, this.errors)}); check the id`
  }
}

/**
 * The request was invalid: Drift answered 400 or 422 (or another 4xx it does not document), or the client
 * rejected it before sending (`status` absent). `errors[].param` names the offending parameter; {@link param}
 * gives the first one.
 *
 * @example
 * ```ts
 * import { DriftClient } from "@parley/drift-client"
 * import { Effect } from "effect"
 *
 * const page = DriftClient.DriftClient.use((drift) => drift.listConversations({ limit: 51 })).pipe(
 *   Effect.catchTag("ValidationError", (e) => Effect.succeed(`bad ${e.param}`)) // "bad limit"
 * )
 * ```
 *
 * @since 0.1.0
 */
export class ValidationError extends Schema.TaggedError<ValidationError>()("ValidationError", {
  ...errorFields,
  /** The HTTP status Drift answered with; absent when the client rejected the request before sending it. */
  status: Schema.optionalKey(Schema.Number)
}) {
  /**
   * The first parameter Drift (or the client) named, if any.
   *
   * @since 0.1.0
   */
  get param(): string | undefined {
    return this.errors.find((e) => e.param !== undefined)?.param
  }
  override get message(): string {
    return this.status === undefined
      ? `Invalid request, not sent to Drift (${describe(undefined, this.errors)}); fix the parameter`
      : `Drift rejected the request (${describe(this.status, this.errors)}); fix the parameter and retry`
  }
}

/**
 * 429: Drift's leaky-bucket rate limit, still answered after the client's retry budget was spent (or with a
 * `Retry-After` longer than the client's `retry.maxDelay`). `retryAfterMillis` is set when Drift sent
 * `Retry-After`; `attempts` counts the requests made.
 *
 * @example
 * ```ts
 * import { DriftClient } from "@parley/drift-client"
 * import { Effect } from "effect"
 *
 * const stats = DriftClient.DriftClient.use((drift) => drift.conversationStats()).pipe(
 *   Effect.catchTag("RateLimited", (e) => Effect.logWarning(`wait ${e.retryAfterMillis ?? 60_000} ms`))
 * )
 * ```
 *
 * @since 0.1.0
 */
export class RateLimited extends Schema.TaggedError<RateLimited>()("RateLimited", {
  ...errorFields,
  retryAfterMillis: Schema.optionalKey(Schema.Number),
  attempts: Schema.optionalKey(Schema.Number)
}, { httpApiStatus: 429 }) {
  override get message(): string {
    const wait = this.retryAfterMillis === undefined ? "" : `, Retry-After ${seconds(this.retryAfterMillis)}`
    return `Drift's rate limit was hit (${describe(429, this.errors)}${wait})${
      afterAttempts(this.attempts)
    }; lower rateLimit.requestsPerMinute, raise retry.times, or retry later`
  }
}

/**
 * 5xx: Drift failed to answer (including its documented list timeouts on high-volume workspaces and gateway
 * errors such as 502/503/504 that carry no Drift envelope), still failing after the client's retry budget.
 *
 * @example
 * ```ts
 * import { DriftApiError } from "@parley/drift-client"
 *
 * new DriftApiError.ServerError({ status: 503, errors: [{ type: "server_error", message: "unavailable" }] }).message
 * ```
 *
 * @since 0.1.0
 */
export class ServerError extends Schema.TaggedError<ServerError>()("ServerError", {
  ...errorFields,
  status: Schema.Number,
  retryAfterMillis: Schema.optionalKey(Schema.Number),
  attempts: Schema.optionalKey(Schema.Number)
}) {
  override get message(): string {
    return `Drift failed to answer (${describe(this.status, this.errors)})${
      afterAttempts(this.attempts)
    }; this is on Drift's side: retry later, or raise retry.times`
  }
}

/**
 * Every error Drift's API answers with.
 *
 * @example
 * ```ts
 * import type { DriftApiError } from "@parley/drift-client"
 *
 * const status = (e: DriftApiError.DriftApiError): number | undefined =>
 *   "status" in e ? e.status : undefined
 * ```
 *
 * @since 0.1.0
 */
export type DriftApiError = Unauthorized | Forbidden | NotFound | ValidationError | RateLimited | ServerError

/**
 * Whether a value is one of the {@link DriftApiError} classes.
 *
 * @example
 * ```ts
 * import { DriftApiError } from "@parley/drift-client"
 *
 * DriftApiError.isDriftApiError(new DriftApiError.NotFound({ errors: [{ type: "not_found", message: "x" }] })) // true
 * ```
 *
 * @since 0.1.0
 */
export const isDriftApiError = (u: unknown): u is DriftApiError =>
  u instanceof Unauthorized || u instanceof Forbidden || u instanceof NotFound || u instanceof ValidationError ||
  u instanceof RateLimited || u instanceof ServerError

// -----------------------------------------------------------------------------
// Wire
// -----------------------------------------------------------------------------

/**
 * The envelope on the wire: both of Drift's forms decode to a non-empty error list; encoding writes
 * `{ errors: [...] }`.
 */
const Envelope = Drift.ApiErrors.pipe(
  Schema.decodeTo(Schema.Struct(errorFields), {
    decode: SchemaGetter.transform((e: Drift.ApiErrors) => ({ errors: Drift.apiErrorList(e) as ErrorList })),
    encode: SchemaGetter.transform((e: { readonly errors: ErrorList }) => ({ errors: e.errors }))
  })
)

const wire = <Self extends { readonly errors: ErrorList }>(
  status: number,
  self: Schema.Codec<Self, unknown>,
  make: (errors: ErrorList) => Self
) =>
  Envelope.pipe(
    Schema.decodeTo(Schema.toType(self), {
      decode: SchemaGetter.transform((fields: { readonly errors: ErrorList }) => make(fields.errors)),
      encode: SchemaGetter.transform((e: Self) => ({ errors: e.errors }))
    }),
    HttpApiSchema.status(status)
  )

const hasStatus = (status: number) =>
  Schema.makeFilter((e: ValidationError) => e.status === status, {
    expected: `a ValidationError with status ${status}`
  })

/**
 * The wire declarations of the errors, one per HTTP status, for `HttpApiEndpoint` `error` lists. A server (the
 * sandbox) fails a handler with the class and the matching entry picks the status: a `ValidationError` with
 * `status: 422` is served as 422, any other as 400; a `ServerError` is served as 500.
 *
 * @example
 * ```ts
 * import { DriftApiError } from "@parley/drift-client"
 * import { HttpApiEndpoint } from "effect/http-api"
 *
 * const endpoint = HttpApiEndpoint.get("ping", "/ping", { error: [DriftApiError.Wire.NotFound] })
 * ```
 *
 * @since 0.1.0
 */
export const Wire = {
  Unauthorized: wire(401, Unauthorized, (errors) => new Unauthorized({ errors })),
  Forbidden: wire(403, Forbidden, (errors) => new Forbidden({ errors })),
  NotFound: wire(404, NotFound, (errors) => new NotFound({ errors })),
  Unprocessable: wire(
    422,
    ValidationError.pipe(Schema.check(hasStatus(422))),
    (errors) => new ValidationError({ errors, status: 422 })
  ),
  BadRequest: wire(
    400,
    ValidationError.pipe(Schema.check(Schema.makeFilter((e: ValidationError) => e.status !== 422))),
    (errors) => new ValidationError({ errors, status: 400 })
  ),
  RateLimited: wire(429, RateLimited, (errors) => new RateLimited({ errors })),
  ServerError: wire(500, ServerError, (errors) => new ServerError({ errors, status: 500 }))
} as const
