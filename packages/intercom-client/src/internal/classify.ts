/**
 * Turning what an attempt produced (an `HttpClientError`, a timeout, a `SchemaError`, a decoded Intercom error, a
 * response nobody declared) into an {@link IntercomError.IntercomError}.
 *
 * @internal
 */
import { JsonPath, Text } from "@parley/schema"
import { Data, Option, Result, Schema, SchemaIssue } from "effect"
import { Effect } from "effect"
import { HttpClientError, type HttpClientResponse } from "effect/http"
import * as IntercomApiError from "../IntercomApiError.ts"
import * as IntercomError from "../IntercomError.ts"
import { syntaxErrorOffset } from "./jsonSyntax.ts"

/** The per-attempt timeout fired; raised by the transport, which knows the request. */
export class AttemptTimeout extends Data.TaggedError("AttemptTimeout")<{
  readonly method: string
  readonly url: string
}> {}

/** Everything a classification needs besides the failure itself. */
export interface Context {
  readonly attempts: number
  readonly timeoutMillis: number
  /** Removes the token from any text taken from the wire, in case a server echoes it. */
  readonly scrub: (text: string) => string
}

type Entries = readonly [IntercomApiError.ErrorEntry, ...Array<IntercomApiError.ErrorEntry>]

const EXCERPT_LENGTH = 200

/** Origin and path of a URL, dropping userinfo, query and fragment. */
export const safeUrl = (url: string): string => {
  const parsed = Result.try(() => new URL(url))
  return Result.isSuccess(parsed) ? `${parsed.success.origin}${parsed.success.pathname}` : url.replace(/[?#].*$/, "")
}

const excerptAt = (text: string, position: number): string => {
  if (text.length <= EXCERPT_LENGTH) return text
  const start = Math.max(0, Math.min(position - EXCERPT_LENGTH / 2, text.length - EXCERPT_LENGTH))
  return text.slice(start, start + EXCERPT_LENGTH)
}

const jsonSyntaxError = (
  text: string,
  scrub: (s: string) => string
): Option.Option<{ readonly position: number; readonly reason: string }> => {
  const position = syntaxErrorOffset(text)
  if (position === undefined) return Option.none()
  // Scrubbed before it is cut, so no fragment of an echoed token survives at the cut.
  const rest = scrub(text.slice(position, position + 4096)).trimStart()
  return Option.some({
    position,
    reason: text.trim().length === 0
      ? "the body is empty, expected JSON"
      : position >= text.length
      ? "the JSON ends early: the body looks cut off"
      : `not JSON from here on (${JSON.stringify(rest.slice(0, 12))}${rest.startsWith("<") ? ": looks like HTML" : ""})`
  })
}

/** `X-RateLimit-Reset` (epoch seconds) as epoch milliseconds. */
export const resetAtOf = (response: HttpClientResponse.HttpClientResponse): number | undefined => {
  const header = response.headers["x-ratelimit-reset"]
  const seconds = header === undefined ? Number.NaN : Number(header)
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined
}

const decodeEnvelope = Schema.decodeUnknownOption(Schema.fromJsonString(IntercomApiError.ErrorList))

const scrubEntry = (e: IntercomApiError.ErrorEntry, scrub: (s: string) => string): IntercomApiError.ErrorEntry => ({
  code: scrub(e.code),
  ...(e.message == null ? {} : { message: scrub(e.message) }),
  ...(e.field == null ? {} : { field: scrub(e.field) })
})

const scrubEntries = (errors: Entries, scrub: (s: string) => string): Entries =>
  errors.map((e) => scrubEntry(e, scrub)) as unknown as Entries

/** The body's error list if it has one, else one entry describing the body. */
const errorsOfBody = (
  status: number,
  text: string,
  scrub: (s: string) => string
): { readonly errors: Entries; readonly requestId?: string } => {
  const envelope = decodeEnvelope(text)
  if (Option.isSome(envelope)) {
    return {
      errors: scrubEntries(envelope.value.errors, scrub),
      ...(envelope.value.request_id == null ? {} : { requestId: envelope.value.request_id })
    }
  }
  const body = Text.oneLine(scrub(text)).slice(0, 120)
  return {
    errors: [{
      code: "http_error",
      message: `HTTP ${status} without Intercom's error list${body === "" ? "" : `, body: ${JSON.stringify(body)}`}`
    }]
  }
}

/** A typed error for a non-2xx status. */
const byStatus = (
  response: HttpClientResponse.HttpClientResponse,
  fields: { readonly errors: Entries; readonly requestId?: string },
  ctx: Context
): IntercomApiError.IntercomApiError => {
  const status = response.status
  switch (status) {
    case 401:
      return new IntercomApiError.Unauthorized(fields)
    case 403:
      return new IntercomApiError.Forbidden(fields)
    case 404:
      return new IntercomApiError.NotFound(fields)
    case 409:
      return new IntercomApiError.Conflict(fields)
    case 429: {
      const resetAt = resetAtOf(response)
      return new IntercomApiError.RateLimited({
        ...fields,
        attempts: ctx.attempts,
        ...(resetAt === undefined ? {} : { resetAt })
      })
    }
  }
  if (status >= 500) return new IntercomApiError.ServerError({ ...fields, status, attempts: ctx.attempts })
  return new IntercomApiError.ValidationError({ ...fields, status })
}

/** A failure before an answer arrived: invalid input, transport failure, timeout. */
export const classifySendFailure = (
  error: unknown,
  ctx: Context
): Effect.Effect<never, IntercomError.IntercomError> => {
  if (Schema.isSchemaError(error)) {
    const issues = SchemaIssue.makeFormatterStandardSchemaV1()(error.issue).issues
    const errors = issues.map((issue) => ({
      code: "parameter_invalid",
      message: Text.oneLine(issue.message),
      ...(issue.path === undefined || issue.path.length === 0
        ? {}
        : { field: JsonPath.keys(issue.path).map(String).join(".") })
    }))
    return Effect.fail(
      new IntercomApiError.ValidationError({
        errors:
          (errors.length === 0 ? [{ code: "parameter_invalid", message: Text.oneLine(error.message) }] : errors) as [
            IntercomApiError.ErrorEntry,
            ...Array<IntercomApiError.ErrorEntry>
          ]
      })
    )
  }
  if (error instanceof AttemptTimeout) {
    return Effect.fail(
      new IntercomError.Timeout({
        method: error.method,
        url: safeUrl(error.url),
        timeoutMillis: ctx.timeoutMillis,
        attempts: ctx.attempts
      })
    )
  }
  if (HttpClientError.isHttpClientError(error)) {
    return Effect.fail(
      new IntercomError.TransportError({
        method: error.request.method,
        url: safeUrl(error.request.url),
        description: ctx.scrub(describeTransport(error)),
        attempts: ctx.attempts
      })
    )
  }
  if (IntercomApiError.isIntercomApiError(error)) return Effect.fail(error)
  return Effect.die(error)
}

/** What went wrong on the wire, from the innermost cause that says something (`ECONNREFUSED 127.0.0.1:1`). */
const describeTransport = (error: HttpClientError.HttpClientError): string => {
  const reason = error.reason
  const prefix = reason instanceof HttpClientError.DecodeError ? "the connection failed while reading the body" : ""
  const details: Array<string> = []
  let cause: unknown = reason.cause
  for (let depth = 0; depth < 5 && cause !== undefined && cause !== null; depth++) {
    if (typeof cause === "object") {
      const c = cause as { readonly message?: unknown; readonly code?: unknown; readonly cause?: unknown }
      const message = typeof c.message === "string" ? c.message : undefined
      if (message !== undefined && message !== "" && !details.includes(message)) details.push(message)
      else if (typeof c.code === "string" && !details.includes(c.code)) details.push(c.code)
      cause = c.cause
    } else {
      details.push(String(cause))
      cause = undefined
    }
  }
  const text = details.length === 0
    ? (("description" in reason ? reason.description : undefined) ?? "the request failed")
    : details.slice(-2).join(": ")
  return Text.oneLine(prefix === "" ? text : `${prefix}: ${text}`)
}

/** A failure decoding an answer: a declared Intercom error, or a body or status the API does not declare. */
export const classifyResponseFailure = Effect.fnUntraced(function*(
  error: unknown,
  response: HttpClientResponse.HttpClientResponse,
  ctx: Context
): Effect.fn.Return<never, IntercomError.IntercomError> {
  const text = yield* Effect.orElseSucceed(response.text, () => "")
  if (IntercomApiError.isIntercomApiError(error)) {
    const fields = {
      errors: scrubEntries(error.errors, ctx.scrub),
      ...(error.requestId === undefined ? {} : { requestId: error.requestId })
    }
    return yield* Effect.fail(byStatus(response, fields, ctx))
  }
  if (response.status >= 400) {
    return yield* Effect.fail(byStatus(response, errorsOfBody(response.status, text, ctx.scrub), ctx))
  }
  const common = { method: response.request.method, url: safeUrl(response.request.url), status: response.status }
  if (Schema.isSchemaError(error)) {
    const issue = SchemaIssue.makeFormatterStandardSchemaV1()(error.issue).issues[0]
    const path = JsonPath.keys(issue?.path)
    const syntax = path.length === 0 ? jsonSyntaxError(text, ctx.scrub) : Option.none()
    if (Option.isSome(syntax)) {
      return yield* new IntercomError.DecodeError({
        ...common,
        path: `position ${syntax.value.position} of ${text.length}`,
        description: Text.oneLine(ctx.scrub(syntax.value.reason)),
        excerpt: excerptAt(ctx.scrub(text), syntax.value.position)
      })
    }
    return yield* new IntercomError.DecodeError({
      ...common,
      path: JsonPath.format(path, { root: "the root" }),
      description: Text.oneLine(ctx.scrub(issue?.message ?? error.message)),
      excerpt: excerptAt(ctx.scrub(text), 0)
    })
  }
  if (HttpClientError.isHttpClientError(error)) {
    return yield* new IntercomError.DecodeError({
      ...common,
      path: "the status",
      description: `HTTP ${response.status} is not an answer this endpoint declares (${
        Text.oneLine(ctx.scrub(error.reason.description ?? "no description"))
      })`,
      excerpt: excerptAt(ctx.scrub(text), 0)
    })
  }
  return yield* Effect.die(error)
})
