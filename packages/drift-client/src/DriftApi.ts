/**
 * Drift's conversation API, declared once with `effect/http-api`.
 *
 * The declaration is the single source of truth for three things: the typed client (`DriftClient` is built
 * on `HttpApiClient.makeWith(DriftApi)`), the Drift-compatible sandbox server (`@parley/drift-sandbox` implements
 * it with `HttpApiBuilder`), and the OpenAPI document of Drift's conversation API (Drift publishes none).
 * Bodies and payloads are the `@parley/schema` Drift models (message bodies decode through
 * {@link Html.SanitizedBodySchema}).
 *
 * @example
 * ```ts
 * import { DriftApi } from "@parley/drift-client"
 * import { OpenApi } from "effect/http-api"
 *
 * const spec = OpenApi.fromApi(DriftApi.DriftApi)
 * Object.keys(spec.paths) // ["/conversations/list", "/conversations/{id}", ...]
 * ```
 *
 * @since 0.1.0
 */
// `Html` is only named in JSDoc, which lets declaration emit name `Html.SanitizedBodySchema` (message bodies).
// oxlint-disable-next-line no-unused-vars
import { Drift, type Html } from "@parley/schema"
import { Context, Schema } from "effect"
import { HttpApi, HttpApiEndpoint, HttpApiGroup, HttpApiMiddleware, HttpApiSecurity, OpenApi } from "effect/http-api"
import * as DriftApiError from "./DriftApiError.ts"

/**
 * The largest `limit` the legacy `GET /conversations/list` (the `next` cursor API) accepts.
 *
 * @example
 * ```ts
 * import { DriftApi, DriftClient } from "@parley/drift-client"
 *
 * const fullPage = DriftClient.DriftClient.use((drift) => drift.listConversations({ limit: DriftApi.MAX_PAGE_SIZE }))
 * ```
 *
 * @since 0.1.0
 */
export const MAX_PAGE_SIZE = 50

/**
 * The largest `limit` Drift's newer list API (the `page_token` / `links.next` API) accepts. The client sends
 * what it is asked; a server on the legacy API answers a `limit` above {@link MAX_PAGE_SIZE} with a 400 naming
 * `limit`.
 *
 * @example
 * ```ts
 * import { DriftApi } from "@parley/drift-client"
 *
 * DriftApi.MAX_PAGE_SIZE_NEW // 100
 * ```
 *
 * @since 0.2.0
 */
export const MAX_PAGE_SIZE_NEW = 100

/**
 * The page size Drift uses when no `limit` is given.
 *
 * @example
 * ```ts
 * import { DriftApi } from "@parley/drift-client"
 *
 * DriftApi.DEFAULT_PAGE_SIZE // 25
 * ```
 *
 * @since 0.1.0
 */
export const DEFAULT_PAGE_SIZE = 25

/**
 * `limit` of `GET /conversations/list`: an integer from 1 to {@link MAX_PAGE_SIZE_NEW} (the legacy API takes at
 * most {@link MAX_PAGE_SIZE}). In the query string it is the decimal string (`limit=50`).
 *
 * @example
 * ```ts
 * import { DriftApi } from "@parley/drift-client"
 * import { Schema } from "effect"
 *
 * Schema.decodeUnknownExit(DriftApi.Limit)(101) // Failure: Expected a value between 1 and 100
 * ```
 *
 * @since 0.1.0
 */
export const Limit = Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: MAX_PAGE_SIZE_NEW }))

/**
 * The query of `GET /conversations/list`. `statusId` is repeatable: `[1, 2]` is sent as
 * `statusId=1&statusId=2`, and a single `statusId=1` decodes to `[1]`.
 *
 * @example
 * ```ts
 * import { DriftApi } from "@parley/drift-client"
 * import { Schema } from "effect"
 *
 * Schema.decodeUnknownSync(DriftApi.ListConversationsQuery)({ limit: 10, statusId: [1, 2] })
 * ```
 *
 * @since 0.1.0
 */
export const ListConversationsQuery = Schema.Struct({
  limit: Schema.optionalKey(Limit).annotateKey({
    description:
      `Page size: an integer from 1 to ${MAX_PAGE_SIZE} on the legacy API, to ${MAX_PAGE_SIZE_NEW} on the newer one (default ${DEFAULT_PAGE_SIZE}).`
  }),
  next: Schema.optionalKey(Schema.String).annotateKey({
    description: "Legacy API: the cursor of the page to read, `pagination.next` of the previous page."
  }),
  page_token: Schema.optionalKey(Schema.String).annotateKey({
    description: "Newer API: the page token of the page to read, from `links.next` of the previous page."
  }),
  statusId: Schema.optionalKey(Schema.Array(Drift.StatusId)).annotateKey({
    description: "Repeatable status filter (`statusId=1&statusId=2`): 1 open, 2 closed, 3 pending."
  })
})
/**
 * The decoded query of `GET /conversations/list`.
 *
 * @since 0.1.0
 */
export interface ListConversationsQuery extends Schema.Schema.Type<typeof ListConversationsQuery> {}

/**
 * The query of `GET /conversations/{id}/messages`.
 *
 * @example
 * ```ts
 * import { DriftApi } from "@parley/drift-client"
 * import { Schema } from "effect"
 *
 * Schema.decodeUnknownSync(DriftApi.ListMessagesQuery)({ next: "c0.abc.2" })
 * ```
 *
 * @since 0.1.0
 */
export const ListMessagesQuery = Schema.Struct({
  next: Schema.optionalKey(Schema.String).annotateKey({
    description: "The cursor of the page to read: `pagination.next` of the previous page."
  })
})
/**
 * The decoded query of `GET /conversations/{id}/messages`.
 *
 * @since 0.1.0
 */
export interface ListMessagesQuery extends Schema.Schema.Type<typeof ListMessagesQuery> {}

/**
 * The authenticated caller: the scopes its token grants (`conversation_read`, `conversation_write`,
 * `contact_read`, `user_read`). Provided to handlers by a server's {@link Authorization} implementation.
 *
 * @example
 * ```ts
 * import { DriftApi } from "@parley/drift-client"
 * import { Effect } from "effect"
 *
 * const canWrite = DriftApi.Caller.useSync((caller) => caller.scopes.has("conversation_write"))
 * ```
 *
 * @since 0.1.0
 */
export class Caller extends Context.Service<Caller, { readonly scopes: ReadonlySet<string> }>()(
  "@parley/drift-client/DriftApi/Caller"
) {}

/**
 * Bearer-token authentication, as Drift does it (`Authorization: Bearer <token>`). Servers implement it and
 * fail with {@link DriftApiError.Unauthorized} (401) or {@link DriftApiError.Forbidden} (403); `DriftClient` adds
 * the header itself, so clients need no middleware layer.
 *
 * @example
 * ```ts
 * import { DriftApi, DriftApiError } from "@parley/drift-client"
 * import { Effect, Layer, Redacted } from "effect"
 *
 * const AuthorizationLive = Layer.succeed(DriftApi.Authorization, DriftApi.Authorization.of({
 *   bearer: (handler, { credential }) =>
 *     Redacted.value(credential) === "let-me-in"
 *       ? Effect.provideService(handler, DriftApi.Caller, { scopes: new Set(["conversation_read"]) })
 *       : Effect.fail(new DriftApiError.Unauthorized({ errors: [{ type: "authentication_error", message: "bad token" }] }))
 * }))
 * ```
 *
 * @since 0.1.0
 */
export class Authorization extends HttpApiMiddleware.Service<Authorization, { provides: Caller }>()(
  "@parley/drift-client/DriftApi/Authorization",
  {
    security: { bearer: HttpApiSecurity.bearer },
    error: [DriftApiError.Wire.Unauthorized, DriftApiError.Wire.Forbidden]
  }
) {}

const commonErrors = [
  DriftApiError.Wire.NotFound,
  DriftApiError.Wire.BadRequest,
  DriftApiError.Wire.Unprocessable,
  DriftApiError.Wire.RateLimited,
  DriftApiError.Wire.ServerError
] as const

/**
 * `/conversations`: `list`, `stats`, `get`, `messages`, `create`, `createMessage`. `/conversations/stats`,
 * `/conversations/list` and `/conversations/new` are static routes and win over `/conversations/:id`.
 *
 * @example
 * ```ts
 * import { DriftApi } from "@parley/drift-client"
 * import { HttpApiClient } from "effect/http-api"
 *
 * const url = HttpApiClient.urlBuilder(DriftApi.DriftApi).conversations.list({ query: { statusId: [1, 2] } })
 * // "/conversations/list?statusId=1&statusId=2"
 * ```
 *
 * @since 0.1.0
 */
export class Conversations extends HttpApiGroup.make("conversations")
  .add(
    HttpApiEndpoint.get("list", "/conversations/list", {
      query: ListConversationsQuery,
      success: Drift.ConversationsPage,
      error: commonErrors
    }).annotateMerge(OpenApi.annotations({
      description:
        "One page of conversations, most recently updated first. Legacy API: `pagination { more, next }`, absent on the last page, next page with `?next=`. Newer API: `links { self, next }`, next page with `?page_token=`. `statusId` is repeatable: 1 open, 2 closed, 3 pending."
    })),
    HttpApiEndpoint.get("stats", "/conversations/stats", {
      success: Drift.ConversationStats,
      error: commonErrors
    }).annotateMerge(OpenApi.annotations({
      description: "Conversation counts by status (`OPEN`, `CLOSED`, `PENDING`)."
    })),
    HttpApiEndpoint.get("get", "/conversations/:id", {
      params: { id: Drift.ConversationId },
      success: Drift.ConversationResponse,
      error: commonErrors
    }).annotateMerge(OpenApi.annotations({
      description: "One conversation; `not_found` (404) for an unknown id."
    })),
    HttpApiEndpoint.get("messages", "/conversations/:id/messages", {
      params: { id: Drift.ConversationId },
      query: ListMessagesQuery,
      success: Drift.MessagesPage,
      error: commonErrors
    }).annotateMerge(OpenApi.annotations({
      description:
        "One page of a conversation's messages, oldest first. `pagination` is at the top level (some Drift answers nest it under `data`)."
    })),
    HttpApiEndpoint.post("create", "/conversations/new", {
      payload: Drift.CreateConversationRequest,
      success: Drift.CreateConversationResponse,
      error: commonErrors
    }).annotateMerge(OpenApi.annotations({
      description: "Starts a conversation with a contact, by email. Needs `conversation_write`."
    })),
    HttpApiEndpoint.post("createMessage", "/conversations/:id/messages", {
      params: { id: Drift.ConversationId },
      payload: Drift.CreateMessageRequest,
      success: Drift.CreateMessageResponse,
      error: commonErrors
    }).annotateMerge(OpenApi.annotations({
      description: "Posts a chat message or a private note to a conversation. Needs `conversation_write`."
    }))
  )
  .middleware(Authorization)
  .annotateMerge(OpenApi.annotations({ title: "Conversations" }))
{}

/**
 * The query of `GET /contacts`: `email` (Drift's "Retrieving Contacts").
 *
 * @example
 * ```ts
 * import { DriftApi } from "@parley/drift-client"
 * import { Schema } from "effect"
 *
 * Schema.decodeUnknownSync(DriftApi.FindContactsQuery)({ email: "ada@example.com" })
 * ```
 *
 * @since 0.2.0
 */
export const FindContactsQuery = Schema.Struct({
  email: Schema.String.annotate({ description: "The email to look up (case-insensitive)." })
})

/**
 * `/contacts/{id}` and `/contacts?email=`: `get`, `find`.
 *
 * @example
 * ```ts
 * import { DriftApi } from "@parley/drift-client"
 *
 * DriftApi.Contacts.identifier // "contacts"
 * ```
 *
 * @since 0.1.0
 */
export class Contacts extends HttpApiGroup.make("contacts")
  .add(
    HttpApiEndpoint.get("get", "/contacts/:id", {
      params: { id: Drift.ContactId },
      success: Drift.ContactResponse,
      error: commonErrors
    }).annotateMerge(OpenApi.annotations({
      description: "One contact. Needs `contact_read`."
    })),
    HttpApiEndpoint.get("find", "/contacts", {
      query: FindContactsQuery,
      success: Drift.ContactsResponse,
      error: commonErrors
    }).annotateMerge(OpenApi.annotations({
      description: "The contacts with an email (`data` is empty when there are none). Needs `contact_read`."
    }))
  )
  .middleware(Authorization)
  .annotateMerge(OpenApi.annotations({ title: "Contacts" }))
{}

/**
 * `/users/list` and `/users/{id}`: `list`, `get`.
 *
 * @example
 * ```ts
 * import { DriftApi } from "@parley/drift-client"
 *
 * DriftApi.Users.identifier // "users"
 * ```
 *
 * @since 0.1.0
 */
export class Users extends HttpApiGroup.make("users")
  .add(
    HttpApiEndpoint.get("list", "/users/list", {
      success: Drift.UsersResponse,
      error: commonErrors
    }).annotateMerge(OpenApi.annotations({
      description: "Every user of the organization. Needs `user_read`."
    })),
    HttpApiEndpoint.get("get", "/users/:id", {
      params: { id: Drift.UserId },
      success: Drift.UserResponse,
      error: commonErrors
    }).annotateMerge(OpenApi.annotations({
      description: "One user. Needs `user_read`."
    }))
  )
  .middleware(Authorization)
  .annotateMerge(OpenApi.annotations({ title: "Users" }))
{}

/**
 * Drift's conversation API: conversations, contacts and users. Serve it with `HttpApiBuilder` (as the sandbox
 * does), call it with `HttpApiClient` (as `DriftClient` does), document it with `OpenApi.fromApi`.
 *
 * @example
 * ```ts
 * import { DriftApi } from "@parley/drift-client"
 * import { Effect } from "effect"
 * import { FetchHttpClient } from "effect/http"
 * import { HttpApiClient } from "effect/http-api"
 *
 * const raw = HttpApiClient.make(DriftApi.DriftApi, { baseUrl: "https://driftapi.com" }).pipe(
 *   Effect.provide(FetchHttpClient.layer)
 * )
 * ```
 *
 * @since 0.1.0
 */
export class DriftApi extends HttpApi.make("drift")
  .add(Conversations)
  .add(Contacts)
  .add(Users)
  .annotateMerge(OpenApi.annotations({
    title: "Drift Conversation API",
    version: "1.0.0",
    description:
      "Drift's conversation API as Parley declares it (Drift publishes no OpenAPI document). Timestamps are epoch milliseconds; ids are 64-bit integers (Parley rejects ids beyond 2^53). Authenticate with `Authorization: Bearer <token>`."
  }))
{}
