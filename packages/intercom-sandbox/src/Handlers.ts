/**
 * The `IntercomApi` handlers, backed by the {@link SandboxStore}. Handlers answer with the wire JSON the store
 * builds; errors go through the endpoints' error schemas, so they are Intercom's error lists.
 *
 * @example
 * ```ts
 * import { IntercomApi } from "@parley/intercom-client"
 * import { Handlers } from "@parley/intercom-sandbox"
 * import { Layer } from "effect"
 * import { HttpApiBuilder } from "effect/http-api"
 *
 * // IntercomApi served by the sandbox (as Sandbox.routes does); requires the SandboxStore and the Auth middleware.
 * const api = HttpApiBuilder.layer(IntercomApi.IntercomApi).pipe(Layer.provide(Handlers.layer))
 * ```
 *
 * @since 0.1.0
 */
import { IntercomApi, IntercomApiError } from "@parley/intercom-client"
import { Cause, type DateTime, Effect, Layer, SchemaIssue } from "effect"
import { HttpServerError, HttpServerResponse } from "effect/http"
import { HttpApiBuilder, HttpApiError } from "effect/http-api"
import type * as SandboxError from "./SandboxError.ts"
import { SandboxStore } from "./Store.ts"

const json = (body: unknown): HttpServerResponse.HttpServerResponse => HttpServerResponse.jsonUnsafe(body)

const seconds = (dt: DateTime.Utc): number => Math.floor(dt.epochMilliseconds / 1000)
const secondsOrNull = (dt: DateTime.Utc | null | undefined): number | null | undefined =>
  dt === undefined ? undefined : dt === null ? null : seconds(dt)

const requestId = () => crypto.randomUUID()

type StoreError = SandboxError.NotFound | SandboxError.Conflict | SandboxError.Invalid

/** Intercom's error for a store refusal. */
const toApiError = (e: StoreError): IntercomApiError.IntercomApiError => {
  switch (e._tag) {
    case "NotFound":
      return new IntercomApiError.NotFound({ errors: [{ code: e.code, message: e.message }], requestId: requestId() })
    case "Conflict":
      return new IntercomApiError.Conflict({
        errors: [{ code: "conflict", message: e.message }],
        requestId: requestId()
      })
    case "Invalid":
      return new IntercomApiError.ValidationError({
        errors: [{
          code: "parameter_invalid",
          message: e.message,
          ...(e.field === undefined ? {} : { field: e.field })
        }],
        requestId: requestId(),
        status: 400
      })
  }
}

/** Serve the store's wire JSON, or Intercom's error. */
const answer = <R>(effect: Effect.Effect<unknown, StoreError, R>) =>
  effect.pipe(Effect.map(json), Effect.mapError(toApiError))

/**
 * `GET /me`, `GET /admins`.
 *
 * @since 0.1.0
 */
export const admins = HttpApiBuilder.group(
  IntercomApi.IntercomApi,
  "admins",
  Effect.fn(function*(handlers) {
    const store = yield* SandboxStore
    return handlers.handleAll({
      me: () => IntercomApi.Caller.use((caller) => store.me(caller.adminId)).pipe(answer),
      list: () => answer(store.listAdmins)
    })
  })
)

/**
 * `GET /contacts`, `POST /contacts/search`, `POST /contacts`, `GET /contacts/{id}`.
 *
 * @since 0.1.0
 */
export const contacts = HttpApiBuilder.group(
  IntercomApi.IntercomApi,
  "contacts",
  Effect.fn(function*(handlers) {
    const store = yield* SandboxStore
    return handlers.handleAll({
      list: ({ query }) => store.listContacts(query.per_page, query.starting_after).pipe(answer),
      search: ({ payload }) =>
        store.searchContacts(payload.query, payload.pagination?.per_page, payload.pagination?.starting_after).pipe(
          answer
        ),
      create: ({ payload }) =>
        store.createContact({
          ...payload,
          signed_up_at: secondsOrNull(payload.signed_up_at),
          last_seen_at: secondsOrNull(payload.last_seen_at)
        }).pipe(answer),
      get: ({ params }) => store.getContact(params.id).pipe(answer)
    })
  })
)

/**
 * `GET /data_attributes`, `POST /data_attributes`.
 *
 * @since 0.1.0
 */
export const dataAttributes = HttpApiBuilder.group(
  IntercomApi.IntercomApi,
  "dataAttributes",
  Effect.fn(function*(handlers) {
    const store = yield* SandboxStore
    return handlers.handleAll({
      list: ({ query }) => answer(store.listDataAttributes(query.model)),
      create: ({ payload }) =>
        IntercomApi.Caller.use((caller) => store.createDataAttribute(caller.adminId, payload)).pipe(answer)
    })
  })
)

/**
 * `POST /tags`, `POST /conversations/{id}/tags`.
 *
 * @since 0.1.0
 */
export const tags = HttpApiBuilder.group(
  IntercomApi.IntercomApi,
  "tags",
  Effect.fn(function*(handlers) {
    const store = yield* SandboxStore
    return handlers.handleAll({
      create: ({ payload }) => answer(store.createTag(payload.name)),
      attachToConversation: ({ params, payload }) =>
        store.tagConversation(params.id, payload.id, payload.admin_id).pipe(answer)
    })
  })
)

/**
 * `GET|POST /conversations`, `GET|PUT /conversations/{id}`, `POST /conversations/search`,
 * `POST /conversations/{id}/reply`, `POST /conversations/{id}/parts`.
 *
 * @since 0.1.0
 */
export const conversations = HttpApiBuilder.group(
  IntercomApi.IntercomApi,
  "conversations",
  Effect.fn(function*(handlers) {
    const store = yield* SandboxStore
    return handlers.handleAll({
      list: ({ query }) => store.listConversations(query.per_page, query.starting_after).pipe(answer),
      create: ({ payload }) =>
        store.createConversation({
          fromId: payload.from.id,
          body: payload.body,
          subject: payload.subject,
          created_at: secondsOrNull(payload.created_at) ?? undefined
        }).pipe(answer),
      search: ({ payload }) =>
        store.searchConversations(payload.query, payload.pagination?.per_page, payload.pagination?.starting_after).pipe(
          answer
        ),
      get: ({ params, query }) => store.getConversation(params.id, query.display_as === "plaintext").pipe(answer),
      update: ({ params, payload }) => store.updateConversation(params.id, payload).pipe(answer),
      reply: ({ params, payload }) =>
        store.reply(
          params.id,
          payload.type === "admin"
            ? {
              kind: "admin",
              message_type: payload.message_type,
              admin_id: payload.admin_id,
              body: payload.body,
              created_at: secondsOrNull(payload.created_at) ?? undefined
            }
            : {
              kind: "contact",
              body: payload.body,
              created_at: secondsOrNull(payload.created_at) ?? undefined,
              intercom_user_id: payload.intercom_user_id,
              email: payload.email,
              user_id: payload.user_id
            }
        ).pipe(answer),
      manage: ({ params, payload }) =>
        store.manage(
          params.id,
          payload.message_type === "snoozed"
            ? { message_type: "snoozed", admin_id: payload.admin_id, snoozed_until: seconds(payload.snoozed_until) }
            : payload
        ).pipe(answer)
    })
  })
)

/**
 * Every group; requires the {@link SandboxStore}.
 *
 * @since 0.1.0
 */
export const layer = Layer.mergeAll(admins, contacts, dataAttributes, tags, conversations)

const requestKinds = new Set(["Params", "Query", "Payload", "Headers"])
const formatter = SchemaIssue.makeFormatterStandardSchemaV1()

/**
 * Intercom's error list for a request the API's schemas rejected: 400 `parameter_invalid` naming the field.
 *
 * @since 0.1.0
 */
export const validationResponse = (error: HttpApiError.HttpApiSchemaError): HttpServerResponse.HttpServerResponse => {
  const issues = formatter(error.cause.issue).issues
  const errors = issues.length === 0
    ? [{ code: "parameter_invalid", message: `Invalid ${error.kind.toLowerCase()}` }]
    : issues.slice(0, 5).map((issue) => {
      const path = (issue.path ?? []).map(String)
      const field = path.length === 0 ? undefined : path.join(".")
      return {
        code: "parameter_invalid",
        message: field === undefined ? issue.message : `${field}: ${issue.message}`,
        ...(field === undefined ? {} : { field })
      }
    })
  return HttpServerResponse.jsonUnsafe({ type: "error.list", request_id: requestId(), errors }, { status: 400 })
}

/**
 * Gives Intercom's error list to the answers `HttpApiBuilder` and the router make on their own: request decoding
 * failures become 400 `parameter_invalid`, unknown routes 404 `not_found`.
 *
 * @since 0.1.0
 */
export const errorEnvelopes = <E, R>(
  app: Effect.Effect<HttpServerResponse.HttpServerResponse, E, R>
): Effect.Effect<HttpServerResponse.HttpServerResponse, E, R> =>
  Effect.catchCause(app, (cause) => {
    for (const reason of cause.reasons) {
      if (
        Cause.isDieReason(reason) && HttpApiError.HttpApiSchemaError.is(reason.defect) &&
        requestKinds.has(reason.defect.kind)
      ) {
        return Effect.succeed(validationResponse(reason.defect))
      }
      if (
        Cause.isFailReason(reason) && HttpServerError.isHttpServerError(reason.error) &&
        reason.error.reason instanceof HttpServerError.RouteNotFound
      ) {
        return Effect.succeed(
          HttpServerResponse.jsonUnsafe({
            type: "error.list",
            request_id: requestId(),
            errors: [{ code: "not_found", message: "Resource Not Found" }]
          }, { status: 404 })
        )
      }
    }
    return Effect.failCause(cause)
  })
