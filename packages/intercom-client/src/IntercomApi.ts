/**
 * The Intercom API subset a migration needs (API 2.11), declared once with `effect/http-api`.
 *
 * The declaration serves three things: the typed client (`IntercomClient` is built on
 * `HttpApiClient.makeWith(IntercomApi)`), the Intercom-compatible sandbox (`@parley/intercom-sandbox` implements
 * it with `HttpApiBuilder`), and an OpenAPI document of the subset. Shapes are in {@link Models}.
 *
 * | group | endpoints |
 * | --- | --- |
 * | `admins` | `GET /me`, `GET /admins` |
 * | `contacts` | `GET /contacts`, `POST /contacts/search`, `POST /contacts`, `GET /contacts/{id}` |
 * | `dataAttributes` | `GET /data_attributes`, `POST /data_attributes` |
 * | `tags` | `POST /tags`, `POST /conversations/{id}/tags` |
 * | `conversations` | `GET /conversations`, `POST /conversations`, `GET /conversations/{id}`, `PUT /conversations/{id}`, `POST /conversations/search`, `POST /conversations/{id}/reply`, `POST /conversations/{id}/parts` |
 *
 * @example
 * ```ts
 * import { IntercomApi } from "@parley/intercom-client"
 * import { OpenApi } from "effect/http-api"
 *
 * Object.keys(OpenApi.fromApi(IntercomApi.IntercomApi).paths) // ["/me", "/admins", "/contacts", ...]
 * ```
 *
 * @since 0.1.0
 */
import { Intercom } from "@parley/schema"
import { Context, Schema } from "effect"
import { HttpApi, HttpApiEndpoint, HttpApiGroup, HttpApiMiddleware, HttpApiSecurity, OpenApi } from "effect/http-api"
import * as IntercomApiError from "./IntercomApiError.ts"
import * as Models from "./Models.ts"

/**
 * The API version this declaration describes, sent as `Intercom-Version`.
 *
 * @since 0.1.0
 */
export const VERSION = "2.11"

/**
 * The authenticated caller, provided to handlers by a server's {@link Authorization}.
 *
 * @since 0.1.0
 */
export class Caller extends Context.Service<Caller, { readonly adminId: string }>()(
  "@parley/intercom-client/IntercomApi/Caller"
) {}

/**
 * Bearer-token authentication (`Authorization: Bearer <access token>`). Servers implement it and fail with
 * {@link IntercomApiError.Unauthorized}; `IntercomClient` adds the header itself.
 *
 * @since 0.1.0
 */
export class Authorization extends HttpApiMiddleware.Service<Authorization, { provides: Caller }>()(
  "@parley/intercom-client/IntercomApi/Authorization",
  {
    security: { bearer: HttpApiSecurity.bearer },
    error: [IntercomApiError.Wire.Unauthorized, IntercomApiError.Wire.Forbidden]
  }
) {}

const errors = [
  IntercomApiError.Wire.NotFound,
  IntercomApiError.Wire.Conflict,
  IntercomApiError.Wire.BadRequest,
  IntercomApiError.Wire.Unprocessable,
  IntercomApiError.Wire.RateLimited,
  IntercomApiError.Wire.ServerError
] as const

const describe = (description: string) => OpenApi.annotations({ description })

/**
 * `GET /me` and `GET /admins`.
 *
 * @since 0.1.0
 */
export class Admins extends HttpApiGroup.make("admins")
  .add(
    HttpApiEndpoint.get("me", "/me", { success: Models.AdminWithApp, error: errors })
      .annotateMerge(describe("The admin the token belongs to, with its workspace (`app`).")),
    HttpApiEndpoint.get("list", "/admins", { success: Models.AdminList, error: errors })
      .annotateMerge(describe("Every admin (teammate) of the workspace."))
  )
  .middleware(Authorization)
  .annotateMerge(OpenApi.annotations({ title: "Admins" }))
{}

/**
 * `GET /contacts`, `POST /contacts/search`, `POST /contacts`, `GET /contacts/{id}`.
 *
 * @since 0.1.0
 */
export class Contacts extends HttpApiGroup.make("contacts")
  .add(
    HttpApiEndpoint.get("list", "/contacts", { query: Models.ListQuery, success: Models.ContactList, error: errors })
      .annotateMerge(describe("One page of contacts; `pages.next.starting_after` is the next cursor.")),
    HttpApiEndpoint.post("search", "/contacts/search", {
      payload: Models.SearchRequest,
      success: Models.ContactList,
      error: errors
    }).annotateMerge(
      describe("Contacts matching a query (`email`, `external_id`, `role`, `custom_attributes.*`, ...).")
    ),
    HttpApiEndpoint.post("create", "/contacts", {
      payload: Models.CreateContactRequest,
      success: Models.Contact,
      error: errors
    }).annotateMerge(describe("Creates a user or lead; 409 `conflict` when the email or external_id exists.")),
    HttpApiEndpoint.get("get", "/contacts/:id", {
      params: { id: Schema.String },
      success: Models.Contact,
      error: errors
    }).annotateMerge(describe("One contact."))
  )
  .middleware(Authorization)
  .annotateMerge(OpenApi.annotations({ title: "Contacts" }))
{}

/**
 * `GET /data_attributes` and `POST /data_attributes`.
 *
 * @since 0.1.0
 */
export class DataAttributes extends HttpApiGroup.make("dataAttributes")
  .add(
    HttpApiEndpoint.get("list", "/data_attributes", {
      query: Models.DataAttributesQuery,
      success: Models.DataAttributeList,
      error: errors
    }).annotateMerge(describe("The data attributes of a model (`contact`, `company`, `conversation`).")),
    HttpApiEndpoint.post("create", "/data_attributes", {
      payload: Models.CreateDataAttributeRequest,
      success: Models.DataAttribute,
      error: errors
    }).annotateMerge(describe("Creates a custom data attribute; 400 `parameter_invalid` when the name exists."))
  )
  .middleware(Authorization)
  .annotateMerge(OpenApi.annotations({ title: "Data Attributes" }))
{}

/**
 * `POST /tags` and `POST /conversations/{id}/tags`.
 *
 * @since 0.1.0
 */
export class Tags extends HttpApiGroup.make("tags")
  .add(
    HttpApiEndpoint.post("create", "/tags", { payload: Models.CreateTagRequest, success: Models.Tag, error: errors })
      .annotateMerge(describe("Creates a tag, or answers the one of that name (case insensitive).")),
    HttpApiEndpoint.post("attachToConversation", "/conversations/:id/tags", {
      params: { id: Intercom.ConversationId },
      payload: Models.AttachTagRequest,
      success: Models.AppliedTag,
      error: errors
    }).annotateMerge(describe("Tags a conversation, on behalf of an admin."))
  )
  .middleware(Authorization)
  .annotateMerge(OpenApi.annotations({ title: "Tags" }))
{}

/**
 * `GET /conversations`, `POST /conversations`, `GET|PUT /conversations/{id}`, `POST /conversations/search`,
 * `POST /conversations/{id}/reply`, `POST /conversations/{id}/parts`.
 *
 * @since 0.1.0
 */
export class Conversations extends HttpApiGroup.make("conversations")
  .add(
    HttpApiEndpoint.get("list", "/conversations", {
      query: Models.ListQuery,
      success: Models.ConversationList,
      error: errors
    }).annotateMerge(describe("One page of conversations, without parts.")),
    HttpApiEndpoint.post("create", "/conversations", {
      payload: Models.CreateConversationRequest,
      success: Models.Message,
      error: errors
    }).annotateMerge(describe("Starts a conversation from a contact; `created_at` backdates it (for migrations).")),
    HttpApiEndpoint.post("search", "/conversations/search", {
      payload: Models.SearchRequest,
      success: Models.ConversationList,
      error: errors
    }).annotateMerge(describe("Conversations matching a query (`custom_attributes.*`, `state`, `contact_ids`, ...).")),
    HttpApiEndpoint.get("get", "/conversations/:id", {
      params: { id: Intercom.ConversationId },
      query: Models.GetConversationQuery,
      success: Models.Conversation,
      error: errors
    }).annotateMerge(describe("One conversation with its parts (up to 500).")),
    HttpApiEndpoint.put("update", "/conversations/:id", {
      params: { id: Intercom.ConversationId },
      payload: Models.UpdateConversationRequest,
      success: Models.Conversation,
      error: errors
    }).annotateMerge(describe("Sets `read`, `title` or `custom_attributes` (defined conversation attributes only).")),
    HttpApiEndpoint.post("reply", "/conversations/:id/reply", {
      params: { id: Intercom.ConversationId },
      payload: Models.ReplyRequest,
      success: Models.Conversation,
      error: errors
    }).annotateMerge(
      describe("A comment or note by an admin, or a comment by the contact; `created_at` backdates it.")
    ),
    HttpApiEndpoint.post("manage", "/conversations/:id/parts", {
      params: { id: Intercom.ConversationId },
      payload: Models.ManageRequest,
      success: Models.Conversation,
      error: errors
    }).annotateMerge(describe("Close, snooze, open or assign the conversation."))
  )
  .middleware(Authorization)
  .annotateMerge(OpenApi.annotations({ title: "Conversations" }))
{}

/**
 * The Intercom API subset: admins, contacts, data attributes, tags, conversations.
 *
 * @since 0.1.0
 */
export class IntercomApi extends HttpApi.make("intercom")
  .add(Admins)
  .add(Contacts)
  .add(DataAttributes)
  .add(Tags)
  .add(Conversations)
  .annotateMerge(OpenApi.annotations({
    title: "Intercom API (the subset Parley uses)",
    version: VERSION,
    description:
      "The Intercom REST API 2.11 endpoints a migration needs, as Parley declares them. Timestamps are epoch seconds. Authenticate with `Authorization: Bearer <token>` and send `Intercom-Version: 2.11`. Hosts: https://api.intercom.io (US), https://api.eu.intercom.io (EU), https://api.au.intercom.io (AU)."
  }))
{}
