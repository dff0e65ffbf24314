/**
 * The errors Intercom's API answers with, as tagged classes.
 *
 * On the wire each is Intercom's error list, `{ type: "error.list", request_id, errors: [{ code, message, field? }] }`;
 * decoded, each is a tagged error a program can `catchTag` on. The same declarations serve the client (decoding
 * answers) and the sandbox (encoding them): {@link Wire} holds one schema per HTTP status for `HttpApiEndpoint`
 * `error` lists.
 *
 * @example
 * ```ts
 * import { IntercomApiError } from "@parley/intercom-client"
 *
 * const error = new IntercomApiError.NotFound({ errors: [{ code: "not_found", message: "Resource Not Found" }] })
 * error.message // "Intercom has no such resource (404 not_found: Resource Not Found); check the id"
 * ```
 *
 * @since 0.1.0
 */
import { Text } from "@parley/schema"
import { Schema, SchemaGetter } from "effect"
import { HttpApiSchema } from "effect/http-api"

/**
 * One entry of Intercom's error list. `code` qualifies the status (`unauthorized`, `not_found`,
 * `parameter_invalid`, `conflict`, `rate_limit_exceeded`, ...); `field` names the offending parameter when
 * Intercom says.
 *
 * @since 0.1.0
 */
export const ErrorEntry = Schema.Struct({
  code: Schema.String,
  message: Schema.optionalKey(Schema.NullOr(Schema.String)),
  field: Schema.optionalKey(Schema.NullOr(Schema.String))
})
/** @since 0.1.0 */
export interface ErrorEntry extends Schema.Schema.Type<typeof ErrorEntry> {}

/**
 * Intercom's error body.
 *
 * @since 0.1.0
 */
export const ErrorList = Schema.Struct({
  type: Schema.Literal("error.list"),
  request_id: Schema.optionalKey(Schema.NullOr(Schema.String)),
  errors: Schema.NonEmptyArray(ErrorEntry)
})
/** @since 0.1.0 */
export interface ErrorList extends Schema.Schema.Type<typeof ErrorList> {}

type Entries = readonly [ErrorEntry, ...Array<ErrorEntry>]

const fields = {
  errors: Schema.NonEmptyArray(ErrorEntry),
  /** Intercom's `request_id`, to quote to Intercom support. */
  requestId: Schema.optionalKey(Schema.String)
}

const describe = (status: number | undefined, errors: ReadonlyArray<ErrorEntry>): string => {
  const details = errors
    .map((e) =>
      `${Text.oneLine(e.code)}${e.message == null ? "" : `: ${Text.oneLine(e.message)}`}${
        e.field == null ? "" : ` [field: ${e.field}]`
      }`
    )
    .join("; ")
  return status === undefined ? details : `${status} ${details}`
}

const afterAttempts = (attempts: number | undefined): string =>
  attempts === undefined || attempts <= 1 ? "" : ` after ${attempts} attempts`

/**
 * 401: the access token is missing, invalid or revoked.
 *
 * @since 0.1.0
 */
export class Unauthorized extends Schema.TaggedError<Unauthorized>()("Unauthorized", fields, {
  httpApiStatus: 401
}) {
  override get message(): string {
    return `Intercom rejected the access token (${
      describe(401, this.errors)
    }); check INTERCOM_TOKEN (or the token given to IntercomClient.layer) and the region of the workspace`
  }
}

/**
 * 403: the token may not do this (a missing permission, or `api_plan_restricted`).
 *
 * @since 0.1.0
 */
export class Forbidden extends Schema.TaggedError<Forbidden>()("Forbidden", fields, { httpApiStatus: 403 }) {
  override get message(): string {
    return `Intercom refused the request (${
      describe(403, this.errors)
    }); grant the app the permission this endpoint needs (read/write conversations, contacts, tags, data attributes)`
  }
}

/**
 * 404: no such conversation, contact, admin or tag.
 *
 * @since 0.1.0
 */
export class NotFound extends Schema.TaggedError<NotFound>()("NotFound", fields, { httpApiStatus: 404 }) {
  override get message(): string {
    return `Intercom has no such resource (${describe(404, this.errors)}); check the id`
  }
}

/**
 * 409: a write conflicts with what exists, e.g. a contact with that email or `external_id` already exists
 * (the message names its id: `A contact matching those details already exists with id=...`).
 *
 * @since 0.1.0
 */
export class Conflict extends Schema.TaggedError<Conflict>()("Conflict", fields, { httpApiStatus: 409 }) {
  /**
   * The id of the existing record, when Intercom's message names it (`... with id=5ba682d23d7cf92bef87bfd4`).
   *
   * @since 0.1.0
   */
  get existingId(): string | undefined {
    for (const e of this.errors) {
      const match = /id=([A-Za-z0-9_-]+)/.exec(e.message ?? "")
      if (match !== null) return match[1]
    }
    return undefined
  }
  override get message(): string {
    return `Intercom refused a duplicate (${describe(409, this.errors)}); read the existing record instead`
  }
}

/**
 * The request was invalid: Intercom answered 400 or 422 (or another 4xx it does not document), or the client
 * rejected it before sending (`status` absent). {@link field} names the first offending parameter.
 *
 * @since 0.1.0
 */
export class ValidationError extends Schema.TaggedError<ValidationError>()("ValidationError", {
  ...fields,
  /** The HTTP status Intercom answered with; absent when the client rejected the request before sending it. */
  status: Schema.optionalKey(Schema.Number)
}) {
  /**
   * The first field Intercom (or the client) named, if any.
   *
   * @since 0.1.0
   */
  get field(): string | undefined {
    return this.errors.find((e) => e.field != null)?.field ?? undefined
  }
  override get message(): string {
    return this.status === undefined
      ? `Invalid request, not sent to Intercom (${describe(undefined, this.errors)}); fix the parameter`
      : `Intercom rejected the request (${describe(this.status, this.errors)}); fix the parameter and retry`
  }
}

/**
 * 429: the app's rate limit (per minute, counted in 10-second windows), still answered after the retry budget.
 * `resetAt` (epoch milliseconds) is when the window ends, from `X-RateLimit-Reset`.
 *
 * @since 0.1.0
 */
export class RateLimited extends Schema.TaggedError<RateLimited>()("RateLimited", {
  ...fields,
  resetAt: Schema.optionalKey(Schema.Number),
  attempts: Schema.optionalKey(Schema.Number)
}, { httpApiStatus: 429 }) {
  override get message(): string {
    return `Intercom's rate limit was hit (${describe(429, this.errors)})${
      afterAttempts(this.attempts)
    }; the limiter waits for the window to reset: raise retry.times, or run fewer clients against one app`
  }
}

/**
 * 5xx: Intercom failed to answer. For a write, the write may still have happened: read back before repeating
 * it (see `IntercomError.outcomeUnknown`).
 *
 * @since 0.1.0
 */
export class ServerError extends Schema.TaggedError<ServerError>()("ServerError", {
  ...fields,
  status: Schema.Number,
  attempts: Schema.optionalKey(Schema.Number)
}) {
  override get message(): string {
    return `Intercom failed to answer (${describe(this.status, this.errors)})${
      afterAttempts(this.attempts)
    }; this is on Intercom's side: retry later`
  }
}

/**
 * Every error Intercom's API answers with.
 *
 * @since 0.1.0
 */
export type IntercomApiError =
  | Unauthorized
  | Forbidden
  | NotFound
  | Conflict
  | ValidationError
  | RateLimited
  | ServerError

/**
 * Whether a value is one of the {@link IntercomApiError} classes.
 *
 * @since 0.1.0
 */
export const isIntercomApiError = (u: unknown): u is IntercomApiError =>
  u instanceof Unauthorized || u instanceof Forbidden || u instanceof NotFound || u instanceof Conflict ||
  u instanceof ValidationError || u instanceof RateLimited || u instanceof ServerError

// -----------------------------------------------------------------------------
// Wire
// -----------------------------------------------------------------------------

interface Fields {
  readonly errors: Entries
  readonly requestId?: string
}

const Envelope = ErrorList.pipe(
  Schema.decodeTo(Schema.Struct(fields), {
    decode: SchemaGetter.transform((e: ErrorList): Fields => ({
      errors: e.errors,
      ...(e.request_id == null ? {} : { requestId: e.request_id })
    })),
    encode: SchemaGetter.transform((e: Fields): ErrorList => ({
      type: "error.list",
      request_id: e.requestId ?? null,
      errors: e.errors
    }))
  })
)

const wire = <Self extends Fields>(status: number, self: Schema.Codec<Self, unknown>, make: (fields: Fields) => Self) =>
  Envelope.pipe(
    Schema.decodeTo(Schema.toType(self), {
      decode: SchemaGetter.transform((f: Fields) => make(f)),
      encode: SchemaGetter.transform((e: Self): Fields => ({
        errors: e.errors,
        ...(e.requestId === undefined ? {} : { requestId: e.requestId })
      }))
    }),
    HttpApiSchema.status(status)
  )

const withStatus = (status: number) =>
  Schema.makeFilter((e: ValidationError) => e.status === status, {
    expected: `a ValidationError with status ${status}`
  })

/**
 * The wire declarations of the errors, one per HTTP status, for `HttpApiEndpoint` `error` lists. A server fails a
 * handler with the class and the matching entry picks the status: a `ValidationError` with `status: 422` is
 * served as 422, any other as 400; a `ServerError` is served as 500.
 *
 * @since 0.1.0
 */
export const Wire = {
  Unauthorized: wire(401, Unauthorized, (f) => new Unauthorized(f)),
  Forbidden: wire(403, Forbidden, (f) => new Forbidden(f)),
  NotFound: wire(404, NotFound, (f) => new NotFound(f)),
  Conflict: wire(409, Conflict, (f) => new Conflict(f)),
  Unprocessable: wire(
    422,
    ValidationError.pipe(Schema.check(withStatus(422))),
    (f) => new ValidationError({ ...f, status: 422 })
  ),
  BadRequest: wire(
    400,
    ValidationError.pipe(Schema.check(Schema.makeFilter((e: ValidationError) => e.status !== 422))),
    (f) => new ValidationError({ ...f, status: 400 })
  ),
  RateLimited: wire(429, RateLimited, (f) => new RateLimited(f)),
  ServerError: wire(500, ServerError, (f) => new ServerError({ ...f, status: 500 }))
} as const
