/**
 * Talking to the Inbox API from the page: through `HttpApiClient.make(InboxApi)`, the same declaration the server
 * implements, so every answer, success or declared error, is decoded with the `Model` schemas (built on
 * `@parley/schema`): what the page renders is what the schemas let through (branded ids, `DateTime.Utc` times, and
 * message bodies sanitized by `Html.sanitize` on decode).
 */
import { Cause, Effect, Exit, Schema } from "effect"
import { FetchHttpClient, HttpClient, type HttpClientError, HttpClientRequest } from "effect/http"
import { HttpApiClient } from "effect/http-api"
import { InboxApi } from "../src/InboxApi.ts"
import type * as Model from "../src/Model.ts"

/** Why a request gave nothing to show. */
export interface Failure {
  /** `network`: no answer; `http`: an error status; `decode`: an answer the schema rejects. */
  readonly kind: "network" | "http" | "decode"
  readonly status: number | null
  readonly tag: Model.ErrorBody["_tag"] | null
  readonly message: string
}

/** The state of one request. */
export type Loaded<A> =
  | { readonly _tag: "Loading" }
  | { readonly _tag: "Ok"; readonly value: A }
  | { readonly _tag: "Failed"; readonly error: Failure }

/** A request in flight. */
export const loading: Loaded<never> = { _tag: "Loading" }

/** The message of the first failure in a cause (every failure here is a typed error with a message). */
export const causeMessage = (cause: Cause.Cause<{ readonly message: string }>): string => {
  const reason = cause.reasons.find(Cause.isFailReason)
  return reason === undefined ? Cause.pretty(cause) : reason.error.message
}

/** This run's token for state-changing requests, written into the page by the server (see `Guard`). */
const csrfToken = (): string => document.querySelector("meta[name=parley-inbox-csrf]")?.getAttribute("content") ?? ""

const client = HttpApiClient.make(InboxApi, {
  baseUrl: window.location.origin,
  transformClient: HttpClient.mapRequest((request) =>
    HttpClientRequest.setHeaders(request, { accept: "application/json", "x-parley-inbox-csrf": csrfToken() })
  )
})

type Client = Effect.Success<typeof client>

/** An error answer the API does not declare (a refused host, a missing token): its `message`, when it has one. */
const MessageBody = Schema.fromJsonString(Schema.Struct({ message: Schema.String }))
const decodeMessageBody = Schema.decodeUnknownExit(MessageBody)

const undeclared = (status: number, text: string): string => {
  const body = decodeMessageBody(text)
  if (Exit.isSuccess(body)) return `The server answered ${status}: ${body.value.message}`
  const excerpt = text.trim().slice(0, 200)
  return `The server answered ${status}${excerpt === "" ? "." : `: ${excerpt}`}`
}

const failed = (error: Failure): Loaded<never> => ({ _tag: "Failed", error })

/** A client error as what the page says: no answer, an error status, or an answer its schema rejects. */
const clientFailure = (error: HttpClientError.HttpClientError, what: string): Effect.Effect<Loaded<never>> => {
  const reason = error.reason
  switch (reason._tag) {
    case "TransportError":
      return Effect.succeed(failed({
        kind: "network",
        status: null,
        tag: null,
        message: `Cannot reach the Inbox server (${reason.message}). Is it still running?`
      }))
    case "StatusCodeError":
    case "DecodeError":
    case "EmptyBodyError": {
      const response = reason.response
      if (response.status < 400) {
        return Effect.succeed(
          failed({ kind: "decode", status: response.status, tag: null, message: `${what}: ${reason.message}` })
        )
      }
      return response.text.pipe(
        Effect.orElseSucceed(() => ""),
        Effect.map((text) =>
          failed({ kind: "http", status: response.status, tag: null, message: undeclared(response.status, text) })
        )
      )
    }
    case "EncodeError":
    case "InvalidUrlError":
      return Effect.succeed(failed({ kind: "http", status: null, tag: null, message: `${what}: ${reason.message}` }))
  }
}

const statusOf: Record<Model.ErrorBody["_tag"], number> = {
  ThreadNotFound: 404,
  SourceUnavailable: 503,
  BadRequest: 400
}

/**
 * Runs one call of the client: its value, or why there is none. `what` names the request in messages.
 */
const call = <A>(
  what: string,
  f: (client: Client) => Effect.Effect<A, Model.ErrorBody | HttpClientError.HttpClientError | Schema.SchemaError>
): Promise<Loaded<A>> =>
  client.pipe(
    Effect.flatMap(f),
    Effect.map((value): Loaded<A> => ({ _tag: "Ok", value })),
    Effect.catch((error) => {
      switch (error._tag) {
        case "ThreadNotFound":
        case "SourceUnavailable":
        case "BadRequest":
          return Effect.succeed(
            failed({ kind: "http", status: statusOf[error._tag], tag: error._tag, message: error.message })
          )
        case "SchemaError":
          return Effect.succeed(failed({
            kind: "decode",
            status: null,
            tag: null,
            message: `The server's answer to ${what} does not match its schema: ${error.message}`
          }))
        case "HttpClientError":
          return clientFailure(error, `The server's answer to ${what}`)
      }
    }),
    Effect.provide(FetchHttpClient.layer),
    Effect.runPromise
  )

/** `GET /api/workspace` */
export const workspace = () => call("/api/workspace", (api) => api.workspace.get())

/** `GET /api/threads` */
export const threads = (query: Model.ThreadsQuery) => call("/api/threads", (api) => api.threads.list({ query }))

/** `GET /api/threads/{id}` */
export const thread = (id: Model.ThreadResponse["thread"]["conversation"]["id"]) =>
  call(`/api/threads/${id}`, (api) => api.threads.get({ params: { id } }))

/** `GET /api/threads/{id}/intercom` */
export const intercom = (id: Model.ThreadResponse["thread"]["conversation"]["id"]) =>
  call(`/api/threads/${id}/intercom`, (api) => api.threads.intercom({ params: { id } }))

/** `POST /api/reload` (with this run's token for state-changing requests, see `Guard`) */
export const reload = () => call("/api/reload", (api) => api.workspace.reload())
