/**
 * The direct `GET` of the lean path: when the `HttpClient` the layer was given is `UndiciHttpClient`'s own client,
 * unwrapped, and `HttpClient.make` would send the request on its untraced path (`DisablePropagation`, or
 * `TracerDisabledWhen` true for it), a read is one undici `dispatch` in one `Effect.callback`: the body gathered,
 * the size limit and the timeout enforced as the answer arrives. The request and its headers are those the lean path
 * builds; the outcomes are those of `execute` + `readBody` + the timeout:
 *
 * - a failure before the head: `HttpClientError` (`TransportError`); after it: `HttpClientError` (`DecodeError`);
 * - a declared `Content-Length` over the limit, or a body growing past it: `AnswerTooLarge` (request aborted);
 * - no answer in time: `AttemptTimeout` (request aborted), on the runtime's default clock; under another `Clock`
 *   the lean path puts `Timeout.timeoutOrElse` (then `Effect.timeoutOrElse`) around it instead;
 * - interruption aborts the request.
 *
 * A client that wraps `UndiciHttpClient`'s (any `HttpClient.mapRequest`, `tap`, `retry`, ...) is a new object
 * without the marker, so its requests keep going through `execute` and the wrapper.
 *
 * @internal
 */
import type { Fiber } from "effect"
import { References } from "effect"
import type { Effect } from "effect/Effect"
import { HttpClient, type HttpClientError, type HttpClientRequest, type HttpClientResponse } from "effect/http"
import type { AnswerTooLarge, AttemptTimeout } from "./classify.ts"

/** The key under which `UndiciHttpClient.make` leaves its direct `GET` on the client it returns. */
export const TypeId: unique symbol = Symbol.for("@parley/drift-client/internal/direct")

/** What one direct read answered: the request sent, the response (status, headers) and its whole body. */
export interface Exchange {
  readonly request: HttpClientRequest.HttpClientRequest
  readonly response: HttpClientResponse.HttpClientResponse
  readonly body: Uint8Array
}

/**
 * One `GET` of `request` (no body), at most `limit` bytes of answer; `timeoutMillis` arms the timer (`undefined`:
 * none, the caller times it).
 */
export type Get = (
  request: HttpClientRequest.HttpClientRequest,
  url: URL,
  limit: number,
  timeoutMillis: number | undefined
) => Effect<Exchange, AnswerTooLarge | AttemptTimeout | HttpClientError.HttpClientError>

/** The direct `GET` of `http`, when it is `UndiciHttpClient`'s own client. */
export const of = (http: HttpClient.HttpClient): Get | undefined =>
  (http as unknown as { readonly [TypeId]?: Get })[TypeId]

/** Whether `HttpClient.make` would send `request` untraced on `fiber` (so skipping it changes no span or header). */
export const untraced = (fiber: Fiber.Fiber<unknown, unknown>, request: HttpClientRequest.HttpClientRequest): boolean =>
  fiber.getRef(References.DisablePropagation) || fiber.getRef(HttpClient.TracerDisabledWhen)(request)
