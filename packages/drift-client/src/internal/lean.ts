/**
 * The lean request path of the read endpoints: a `GET` built from a precomputed request (base URL, `Accept` and
 * `Authorization` set once), sent on the `HttpClient` the layer was given, its body read inside the per-attempt
 * timeout, and a `200` answer decoded by the page schema's own (compiled) decoder straight from `JSON.parse`.
 *
 * Anything else (another status, a body that is not JSON, a body the schema refuses) is handed to the endpoint's
 * `HttpApiClient` decoder as a response of the same bytes, so every failure is classified exactly as on the
 * generic path.
 *
 * @internal
 */
import { Duration, Effect, Option, Schema } from "effect"
import type { Redacted } from "effect"
import { type HttpClient, type HttpClientError, HttpClientRequest, type HttpClientResponse } from "effect/http"
import { AnswerTooLarge, AttemptTimeout, readBody } from "./classify.ts"
import * as Direct from "./direct.ts"
import * as Timeout from "./timeout.ts"

/** What one attempt read: the request sent, the response's status and headers, and its whole body. */
export interface Answer {
  readonly request: HttpClientRequest.HttpClientRequest
  readonly response: HttpClientResponse.HttpClientResponse
  readonly body: Uint8Array
}

/** What the lean path needs from the client's resolved options. */
export interface Options {
  readonly http: HttpClient.HttpClient
  readonly baseUrl: string
  readonly token: Redacted.Redacted<string>
  readonly timeout: Duration.Duration
  readonly maxResponseBytes: number
  /** Waits for the rate limiter's turn (outside the timeout, as on the generic path). */
  readonly admit: Effect.Effect<void>
}

/** The failure of an attempt of `request` that ran out of time. */
const timedOut = (request: HttpClientRequest.HttpClientRequest) => () =>
  Effect.fail(new AttemptTimeout({ method: request.method, url: request.url }))

/**
 * `GET baseUrl + pathAndQuery`: one attempt, its body read under the timeout and the size limit. On
 * `UndiciHttpClient`'s own client, untraced, that is its direct `GET` (see `direct.ts`); otherwise `execute`.
 */
export const makeGet = (options: Options) => {
  const template = HttpClientRequest.get(options.baseUrl).pipe(
    HttpClientRequest.acceptJson,
    HttpClientRequest.bearerToken(options.token)
  )
  const limit = options.maxResponseBytes
  const millis = Duration.toMillis(options.timeout)
  const direct = Direct.of(options.http)
  const viaClient = (request: HttpClientRequest.HttpClientRequest) =>
    Timeout.timeoutOrElse(
      options.http.execute(request).pipe(
        Effect.flatMap((response) =>
          Effect.map(readBody(request, response, limit), (body): Answer => ({ request, response, body }))
        )
      ),
      millis,
      timedOut(request)
    )
  const admitted = <A, E>(attempt: Effect.Effect<A, E>) =>
    options.admit === noAdmit ? attempt : Effect.andThen(options.admit, attempt)
  if (direct === undefined) {
    return (pathAndQuery: string): Effect.Effect<
      Answer,
      AnswerTooLarge | AttemptTimeout | HttpClientError.HttpClientError
    > => admitted(viaClient(HttpClientRequest.setUrl(template, options.baseUrl + pathAndQuery)))
  }
  return (pathAndQuery: string): Effect.Effect<
    Answer,
    AnswerTooLarge | AttemptTimeout | HttpClientError.HttpClientError
  > => {
    const request = HttpClientRequest.setUrl(template, options.baseUrl + pathAndQuery)
    return admitted(Effect.withFiber((fiber) => {
      // A URL that does not parse takes `execute`, which reports it as an `InvalidUrlError`.
      const url = Direct.untraced(fiber, request) ? URL.parse(request.url) : null
      if (url === null) return viaClient(request)
      return Timeout.usesTimer(fiber, millis)
        ? direct(request, url, limit, millis)
        : Timeout.timeoutOrElse(direct(request, url, limit, undefined), millis, timedOut(request))
    }))
  }
}

const utf8 = new TextDecoder()

/**
 * The fast decoder of a `200` answer: `Some` of what `schema` decodes from the body's JSON, `None` when the status
 * is another, the body is not JSON, or the schema refuses it (the caller then runs the generic decoder).
 */
export const fastDecoder = <S extends Schema.ConstraintDecoder<unknown>>(schema: S) => {
  const decode = Schema.decodeUnknownOption(schema)
  return (answer: Answer): Option.Option<S["Type"]> => {
    if (answer.response.status !== 200) return Option.none()
    let json: unknown
    try {
      json = JSON.parse(utf8.decode(answer.body))
    } catch {
      return Option.none()
    }
    return decode(json)
  }
}

/** `?key=value&...` of the defined entries (repeated keys for arrays), as `URLSearchParams` serializes them. */
export const query = (
  entries: ReadonlyArray<readonly [string, string | ReadonlyArray<string> | undefined]>
): string => {
  const params = new URLSearchParams()
  for (const [key, value] of entries) {
    if (value === undefined) continue
    if (typeof value === "string") params.append(key, value)
    else for (const v of value) params.append(key, v)
  }
  const text = params.toString()
  return text === "" ? "" : `?${text}`
}

/** Whether `id` is an id the path schemas accept (a non-negative safe integer). */
export const isId = (id: unknown): id is number => typeof id === "number" && Number.isSafeInteger(id) && id >= 0

/** An `Admit` that never waits. */
export const noAdmit: Effect.Effect<void> = Effect.void

/** The rate limiter's window, as `HttpClient.withRateLimiter` clamps it. */
export const clampWindow = (window: Duration.Duration): Duration.Duration => Duration.max(window, Duration.millis(1))
