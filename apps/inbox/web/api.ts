/**
 * Talking to the Inbox API from the page: every answer, success or error, is decoded with the `Model` schemas
 * (built on `@parley/schema`), so what the page renders is what the schemas let through: branded ids,
 * `DateTime.Utc` times, and message bodies sanitized by `Html.sanitize` on decode.
 */
import { Cause, Exit, Schema } from "effect"
import * as Model from "../src/Model.ts"

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

const failure = (kind: Failure["kind"], message: string, status: number | null = null, tag: Failure["tag"] = null) => ({
  _tag: "Failed" as const,
  error: { kind, status, tag, message }
})

/** The message of the first failure in a cause. */
export const causeMessage = (cause: Cause.Cause<unknown>): string => {
  const reason = cause.reasons.find(Cause.isFailReason)
  const error = reason?.error
  return typeof error === "object" && error !== null && "message" in error && typeof error.message === "string"
    ? error.message
    : Cause.pretty(cause)
}

const decodeErrorBody = Schema.decodeUnknownExit(Model.ErrorBody)

/**
 * Fetches `path` and decodes the JSON answer with `schema`; error answers are decoded with `Model.ErrorBody`.
 */
export const request = async <S extends Schema.Decoder<unknown>>(
  path: string,
  schema: S,
  init: RequestInit = {}
): Promise<Loaded<S["Type"]>> => {
  let response: Response
  try {
    response = await fetch(path, { ...init, headers: { ...init.headers, accept: "application/json" } })
  } catch (error) {
    return failure(
      "network",
      `Cannot reach the Inbox server (${error instanceof Error ? error.message : String(error)}). Is it still running?`
    )
  }
  const text = await response.text()
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    const excerpt = text.trim().slice(0, 200)
    return failure(
      response.ok ? "decode" : "http",
      response.ok
        ? `The server's answer to ${path} is not JSON.`
        : `The server answered ${response.status} ${response.statusText}${excerpt === "" ? "" : `: ${excerpt}`}`,
      response.status
    )
  }
  if (!response.ok) {
    const body = decodeErrorBody(json)
    return Exit.isSuccess(body)
      ? failure("http", body.value.message, response.status, body.value._tag)
      : failure("http", `The server answered ${response.status} ${response.statusText}.`, response.status)
  }
  const decoded = Schema.decodeUnknownExit(schema)(json)
  return Exit.isSuccess(decoded)
    ? { _tag: "Ok", value: decoded.value }
    : failure("decode", `The server's answer to ${path} does not match its schema: ${causeMessage(decoded.cause)}`)
}

const query = (params: Record<string, string | number | undefined>): string => {
  const search = new URLSearchParams()
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== "") search.set(key, String(value))
  }
  const s = search.toString()
  return s === "" ? "" : `?${s}`
}

/** `GET /api/workspace` */
export const workspace = () => request("/api/workspace", Model.Workspace)

/** `GET /api/threads` */
export const threads = (q: Model.ThreadsQuery) =>
  request(
    `/api/threads${query({ status: q.status, tag: q.tag, q: q.q, page: q.page, pageSize: q.pageSize })}`,
    Model.ThreadsPage
  )

/** `GET /api/threads/{id}` */
export const thread = (id: number) => request(`/api/threads/${id}`, Model.ThreadResponse)

/** `GET /api/threads/{id}/intercom` */
export const intercom = (id: number) => request(`/api/threads/${id}/intercom`, Model.IntercomView)

/** `POST /api/reload` */
export const reload = () =>
  request("/api/reload", Model.IndexStatus, {
    method: "POST",
    // This run's token for state-changing requests, written into the page by the server (see Guard).
    headers: {
      "x-parley-inbox-csrf": document.querySelector("meta[name=parley-inbox-csrf]")?.getAttribute("content") ?? ""
    }
  })
