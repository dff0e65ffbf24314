/**
 * Turning what an attempt produced (an `HttpClientError`, a timeout, a `SchemaError`, a decoded Drift error, a
 * response nobody declared) into a {@link DriftError.DriftError}.
 *
 * @internal
 */
import { Drift, JsonPath, Text } from "@parley/schema"
import { Clock, Data, Duration, Effect, Option, Result, Schema, SchemaIssue, Stream } from "effect"
import { Headers, HttpClientError, type HttpClientRequest, HttpClientResponse } from "effect/http"
import * as DriftApiError from "../DriftApiError.ts"
import * as DriftError from "../DriftError.ts"
import { syntaxErrorOffset } from "./jsonSyntax.ts"

/** The per-attempt timeout fired; raised by the transport, which knows the request. */
export class AttemptTimeout extends Data.TaggedError("AttemptTimeout")<{
  readonly method: string
  readonly url: string
}> {}

/** The answer is larger than the client reads; raised by the transport. */
export class AnswerTooLarge extends Data.TaggedError("AnswerTooLarge")<{
  readonly method: string
  readonly url: string
  readonly status: number
  readonly limit: number
  readonly received: number
}> {}

/**
 * Reads a response's body, at most `limit` bytes (refusing at once when `Content-Length` says more). With a declared
 * length within the limit the body is read in one piece (`arrayBuffer`); without one it is streamed and counted, so
 * an endless answer is cut at the limit.
 */
export const readBody = (
  request: HttpClientRequest.HttpClientRequest,
  response: HttpClientResponse.HttpClientResponse,
  limit: number
): Effect.Effect<Uint8Array, AnswerTooLarge | HttpClientError.HttpClientError> => {
  const tooLarge = (received: number) =>
    new AnswerTooLarge({ method: request.method, url: request.url, status: response.status, limit, received })
  const header = response.headers["content-length"]
  const declared = header === undefined ? Number.NaN : Number(header)
  if (declared > limit) return Effect.fail(tooLarge(declared))
  if (declared >= 0) {
    return Effect.flatMap(
      response.arrayBuffer,
      (buffer) =>
        buffer.byteLength > limit ? Effect.fail(tooLarge(buffer.byteLength)) : Effect.succeed(new Uint8Array(buffer))
    )
  }
  return Effect.gen(function*() {
    const chunks: Array<Uint8Array> = []
    let received = 0
    yield* response.stream.pipe(
      Stream.runForEach((chunk) => {
        received += chunk.byteLength
        if (received > limit) return Effect.fail(tooLarge(received))
        chunks.push(chunk)
        return Effect.void
      })
    )
    if (chunks.length === 1) return chunks[0]!
    const body = new Uint8Array(received)
    let at = 0
    for (const chunk of chunks) {
      body.set(chunk, at)
      at += chunk.byteLength
    }
    return body
  })
}

/** A response of `body`, read already, with the status and headers of `response` (minus `Content-Encoding`). */
export const bytesResponse = (
  request: HttpClientRequest.HttpClientRequest,
  response: HttpClientResponse.HttpClientResponse,
  body: Uint8Array
): HttpClientResponse.HttpClientResponse => {
  const headers = new globalThis.Headers()
  for (const [k, v] of Object.entries(response.headers)) if (k !== "content-encoding") headers.set(k, v)
  const status = response.status
  return HttpClientResponse.fromWeb(
    request,
    new Response(status === 204 || status === 304 ? null : body as Uint8Array<ArrayBuffer>, { status, headers })
  )
}

/**
 * Reads a response's body, at most `limit` bytes (see {@link readBody}), and returns a response of those bytes.
 */
export const readBounded = (
  request: HttpClientRequest.HttpClientRequest,
  response: HttpClientResponse.HttpClientResponse,
  limit: number
): Effect.Effect<HttpClientResponse.HttpClientResponse, AnswerTooLarge | HttpClientError.HttpClientError> =>
  Effect.map(readBody(request, response, limit), (body) => bytesResponse(request, response, body))

/** Everything a classification needs besides the failure itself. */
export interface Context {
  readonly attempts: number
  readonly timeoutMillis: number
  /** Removes the token from any text taken from the wire, in case a server echoes it. */
  readonly scrub: (text: string) => string
}

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

/** Where the body stops being JSON, and why, if it does. */
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

/** `Retry-After` (seconds or an HTTP date) as milliseconds from now. */
export const retryAfterMillis = (response: HttpClientResponse.HttpClientResponse) =>
  Effect.map(Clock.currentTimeMillis, (now) => {
    const header = response.headers["retry-after"]
    if (header === undefined) return undefined
    const parsed = Headers.parseRetryAfter(header)
    return Result.isSuccess(parsed)
      ? Math.max(0, Duration.toMillis(Headers.retryAfterDelay(parsed.success, now)))
      : undefined
  })

const decodeEnvelope = Schema.decodeUnknownOption(Schema.fromJsonString(Drift.ApiErrors))

type ErrorList = readonly [Drift.ApiError, ...Array<Drift.ApiError>]

/** One error of Drift's envelope with the token removed from every field taken from the wire. */
const scrubError = (e: Drift.ApiError, scrub: (s: string) => string): Drift.ApiError => ({
  type: scrub(e.type),
  message: scrub(e.message),
  ...(e.param === undefined ? {} : { param: scrub(e.param) })
})

/** The body's Drift envelope if it has one, else one entry describing the body. */
const errorsOfBody = (status: number, text: string, scrub: (s: string) => string): ErrorList => {
  const envelope = decodeEnvelope(text)
  if (Option.isSome(envelope)) {
    return Drift.apiErrorList(envelope.value).map((e) => scrubError(e, scrub)) as unknown as ErrorList
  }
  const body = Text.oneLine(scrub(text)).slice(0, 120)
  return [{
    type: "http_error",
    message: `HTTP ${status} without Drift's error envelope${body === "" ? "" : `, body: ${JSON.stringify(body)}`}`
  }]
}

const scrubErrors = (errors: ErrorList, scrub: (s: string) => string): ErrorList =>
  errors.map((e) => scrubError(e, scrub)) as unknown as ErrorList

/** A typed error for a non-2xx status, from the body's envelope when the declared decoder could not read it. */
const byStatus = Effect.fnUntraced(function*(
  response: HttpClientResponse.HttpClientResponse,
  errors: ErrorList,
  ctx: Context
) {
  const status = response.status
  switch (status) {
    case 401:
      return new DriftApiError.Unauthorized({ errors })
    case 403:
      return new DriftApiError.Forbidden({ errors })
    case 404:
      return new DriftApiError.NotFound({ errors })
    case 429: {
      const retryAfter = yield* retryAfterMillis(response)
      return new DriftApiError.RateLimited({
        errors,
        attempts: ctx.attempts,
        ...(retryAfter === undefined ? {} : { retryAfterMillis: retryAfter })
      })
    }
  }
  if (status >= 500) {
    const retryAfter = yield* retryAfterMillis(response)
    return new DriftApiError.ServerError({
      errors,
      status,
      attempts: ctx.attempts,
      ...(retryAfter === undefined ? {} : { retryAfterMillis: retryAfter })
    })
  }
  return new DriftApiError.ValidationError({ errors, status })
})

/** A failure before an answer arrived: invalid input, transport failure, timeout. */
export const classifySendFailure = (error: unknown, ctx: Context): Effect.Effect<never, DriftError.DriftError> => {
  if (Schema.isSchemaError(error)) {
    const issues = SchemaIssue.makeFormatterStandardSchemaV1()(error.issue).issues
    const errors = issues.map((issue) => ({
      type: "invalid_request",
      message: Text.oneLine(issue.message),
      ...(issue.path === undefined || issue.path.length === 0
        ? {}
        : { param: JsonPath.keys(issue.path).map(String).join(".") })
    }))
    return Effect.fail(
      new DriftApiError.ValidationError({
        errors:
          (errors.length === 0 ? [{ type: "invalid_request", message: Text.oneLine(error.message) }] : errors) as [
            Drift.ApiError,
            ...Array<Drift.ApiError>
          ]
      })
    )
  }
  if (error instanceof AnswerTooLarge) {
    return Effect.fail(
      new DriftError.ResponseTooLarge({
        method: error.method,
        url: safeUrl(error.url),
        status: error.status,
        limit: error.limit,
        received: error.received
      })
    )
  }
  if (error instanceof AttemptTimeout) {
    return Effect.fail(
      new DriftError.Timeout({
        method: error.method,
        url: safeUrl(error.url),
        timeoutMillis: ctx.timeoutMillis,
        attempts: ctx.attempts
      })
    )
  }
  if (HttpClientError.isHttpClientError(error)) {
    return Effect.fail(
      new DriftError.TransportError({
        method: error.request.method,
        url: safeUrl(error.request.url),
        description: ctx.scrub(describeTransport(error)),
        attempts: ctx.attempts
      })
    )
  }
  if (DriftApiError.isDriftApiError(error)) return Effect.fail(error)
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

/** A failure decoding an answer: a declared Drift error, or a body or status the API does not declare. */
export const classifyResponseFailure = Effect.fnUntraced(function*(
  error: unknown,
  response: HttpClientResponse.HttpClientResponse,
  ctx: Context
): Effect.fn.Return<never, DriftError.DriftError> {
  const text = yield* Effect.orElseSucceed(response.text, () => "")
  if (DriftApiError.isDriftApiError(error)) {
    const errors = scrubErrors(error.errors, ctx.scrub)
    // Declared errors decode from the body alone; the status, `Retry-After` and the attempt count add the rest.
    return yield* Effect.fail(yield* byStatus(response, errors, ctx))
  }
  if (response.status >= 400) {
    return yield* Effect.fail(yield* byStatus(response, errorsOfBody(response.status, text, ctx.scrub), ctx))
  }
  const common = {
    method: response.request.method,
    url: safeUrl(response.request.url),
    status: response.status
  }
  if (Schema.isSchemaError(error)) {
    const issue = SchemaIssue.makeFormatterStandardSchemaV1()(error.issue).issues[0]
    const path = JsonPath.keys(issue?.path)
    const syntax = path.length === 0 ? jsonSyntaxError(text, ctx.scrub) : Option.none()
    if (Option.isSome(syntax)) {
      return yield* new DriftError.DecodeError({
        ...common,
        path: `position ${syntax.value.position} of ${text.length}`,
        description: Text.oneLine(ctx.scrub(syntax.value.reason)),
        excerpt: excerptAt(ctx.scrub(text), syntax.value.position),
        body: ctx.scrub(text)
      })
    }
    return yield* new DriftError.DecodeError({
      ...common,
      path: JsonPath.format(path, { root: "the root" }),
      description: Text.oneLine(ctx.scrub(issue?.message ?? error.message)),
      excerpt: excerptAt(ctx.scrub(text), 0),
      body: ctx.scrub(text)
    })
  }
  if (HttpClientError.isHttpClientError(error)) {
    return yield* new DriftError.DecodeError({
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
