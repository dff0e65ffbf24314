/**
 * The Inbox API, declared once with `effect/http-api`: the server implements it (`Server`), the tests call it
 * with `HttpApiClient`, and `OpenApi.fromApi(InboxApi)` is the document served at `/openapi.json`.
 *
 * | endpoint | answers |
 * | --- | --- |
 * | `GET /api/threads?status&tag&q&page&pageSize` | {@link Model.ThreadsPage} |
 * | `GET /api/threads/{id}` | {@link Model.ThreadResponse} (Drift shape) |
 * | `GET /api/threads/{id}/intercom` | {@link Model.IntercomView} (API 2.11 and classic, with losses) |
 * | `GET /api/workspace` | {@link Model.Workspace} (counts, index status, unreadable lines, users) |
 * | `POST /api/reload` | {@link Model.IndexStatus} (rebuilds the index) |
 *
 * @example
 * ```ts
 * import { InboxApi } from "@parley/inbox"
 * import { OpenApi } from "effect/http-api"
 *
 * Object.keys(OpenApi.fromApi(InboxApi.InboxApi).paths) // ["/api/threads", "/api/threads/{id}", ...]
 * ```
 *
 * @since 0.1.0
 */
// `Html` is only named in JSDoc, which lets declaration emit name `Html.SanitizedBodySchema` (message bodies).
// oxlint-disable-next-line no-unused-vars
import { Drift, type Html } from "@parley/schema"
import { HttpApi, HttpApiEndpoint, HttpApiGroup, OpenApi } from "effect/http-api"
import * as Model from "./Model.ts"

/**
 * `/api/threads`: `list`, `get`, `intercom`. Message bodies decode through {@link Html.SanitizedBodySchema}.
 *
 * @example
 * ```ts
 * import { InboxApi } from "@parley/inbox"
 *
 * InboxApi.Threads.identifier // "threads"
 * ```
 *
 * @since 0.1.0
 */
export class Threads extends HttpApiGroup.make("threads")
  .add(
    HttpApiEndpoint.get("list", "/api/threads", {
      query: Model.ThreadsQuery,
      success: Model.ThreadsPage,
      error: [Model.SourceUnavailable, Model.BadRequest]
    }).annotateMerge(OpenApi.annotations({
      description:
        "One page of threads, most recently updated first, filtered by status, tag and text. While the index is loading, `index` says how far it got."
    })),
    HttpApiEndpoint.get("get", "/api/threads/:id", {
      params: { id: Drift.ConversationId },
      success: Model.ThreadResponse,
      error: [Model.ThreadNotFound, Model.SourceUnavailable, Model.BadRequest]
    }).annotateMerge(OpenApi.annotations({
      description:
        "One thread in Drift's shape (conversation, messages, contact when read). From Drift, read live; if Drift does not answer, the indexed copy with a `warning`."
    })),
    HttpApiEndpoint.get("intercom", "/api/threads/:id/intercom", {
      params: { id: Drift.ConversationId },
      success: Model.IntercomView,
      error: [Model.ThreadNotFound, Model.SourceUnavailable, Model.BadRequest]
    }).annotateMerge(OpenApi.annotations({
      description:
        "One thread mapped to Intercom (API 2.11 and classic) by @parley/intercom, with the Drift fields each shape loses (found by mapping back)."
    }))
  )
  .annotateMerge(OpenApi.annotations({ title: "Threads" }))
{}

/**
 * `/api/workspace` and `/api/reload`.
 *
 * @example
 * ```ts
 * import { InboxApi } from "@parley/inbox"
 *
 * InboxApi.Workspace.identifier // "workspace"
 * ```
 *
 * @since 0.1.0
 */
export class Workspace extends HttpApiGroup.make("workspace")
  .add(
    HttpApiEndpoint.get("get", "/api/workspace", {
      success: Model.Workspace
    }).annotateMerge(OpenApi.annotations({
      description:
        "The source, conversation counts by status and tag, the index status, unreadable export lines and the user directory."
    })),
    HttpApiEndpoint.post("reload", "/api/reload", {
      success: Model.IndexStatus
    }).annotateMerge(OpenApi.annotations({
      description: "Rebuilds the index from the source (after Drift came back, or the file changed)."
    }))
  )
  .annotateMerge(OpenApi.annotations({ title: "Workspace" }))
{}

/**
 * The Inbox API.
 *
 * @example
 * ```ts
 * import { InboxApi } from "@parley/inbox"
 * import { Effect } from "effect"
 * import { FetchHttpClient } from "effect/http"
 * import { HttpApiClient } from "effect/http-api"
 *
 * const program = Effect.gen(function*() {
 *   const client = yield* HttpApiClient.make(InboxApi.InboxApi, { baseUrl: "http://127.0.0.1:4020" })
 *   const page = yield* client.threads.list({ query: { status: "open" } })
 * }).pipe(Effect.provide(FetchHttpClient.layer))
 * ```
 *
 * @since 0.1.0
 */
export class InboxApi extends HttpApi.make("inbox")
  .add(Threads)
  .add(Workspace)
  .annotateMerge(OpenApi.annotations({
    title: "Parley Inbox API",
    version: "0.1.0",
    description:
      "Review Drift conversations: threads page by page with filters, one thread in Drift and Intercom shapes, workspace counts. Bodies are sanitized by @parley/schema."
  }))
{}
