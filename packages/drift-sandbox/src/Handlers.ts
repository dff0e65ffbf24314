/**
 * The `DriftApi` handlers: one `HttpApiBuilder.group` per group, all backed by the {@link SandboxStore}.
 *
 * Handlers answer with the wire JSON the store builds (an `HttpServerResponse`), not through the endpoint's
 * success schema: the sandbox serves message bodies raw, as Drift might store them, and leaves sanitizing to
 * the client's schemas. Errors go through the endpoint's error schemas, so they are Drift's envelopes.
 *
 * @example
 * ```ts
 * import { DriftApi } from "@parley/drift-client"
 * import { Handlers } from "@parley/drift-sandbox"
 * import { Layer } from "effect"
 * import { HttpApiBuilder } from "effect/http-api"
 *
 * // DriftApi served by the sandbox (as Sandbox.routes does); requires the SandboxStore and the Auth middleware.
 * const api = HttpApiBuilder.layer(DriftApi.DriftApi).pipe(Layer.provide(Handlers.layer))
 * ```
 *
 * @since 0.1.0
 */
import { DriftApi, DriftApiError } from "@parley/drift-client"
import { Cause, Effect, Layer, SchemaIssue } from "effect"
import { HttpServerError, HttpServerResponse } from "effect/http"
import { HttpApiBuilder, HttpApiError } from "effect/http-api"
import type * as SandboxError from "./SandboxError.ts"
import type * as Store from "./Store.ts"
import { SandboxStore } from "./Store.ts"

const json = (body: unknown): HttpServerResponse.HttpServerResponse => HttpServerResponse.jsonUnsafe(body)

const notFound = (error: SandboxError.NotFound) => {
  const entity = error.entity.charAt(0).toUpperCase() + error.entity.slice(1)
  return Effect.fail(
    new DriftApiError.NotFound({ errors: [{ type: "not_found", message: `${entity} ${error.id} not found` }] })
  )
}

const invalid = (error: SandboxError.InvalidParam) =>
  Effect.fail(
    new DriftApiError.ValidationError({
      errors: [{ type: "validation_error", message: `Invalid ${error.param}: ${error.reason}`, param: error.param }],
      status: 400
    })
  )

type ListQuery = typeof DriftApi.ListConversationsQuery.Type

/** The URL of a list page with another page token, keeping the request's other parameters. */
const listUrl = (query: ListQuery, pageToken: string | undefined, host: string | undefined): string => {
  const params = new URLSearchParams()
  if (query.limit !== undefined) params.set("limit", String(query.limit))
  for (const status of query.statusId ?? []) params.append("statusId", String(status))
  if (pageToken !== undefined) params.set("page_token", pageToken)
  const search = params.toString()
  return `${host === undefined ? "" : `http://${host}`}/conversations/list${search === "" ? "" : `?${search}`}`
}

/**
 * A list page in the store's list API: the legacy answer as the store builds it, or the newer answer with
 * `links: { self, next }` (absolute URLs on the request's host; `next` absent on the last page).
 */
const listAnswer = (
  api: Store.ListApi,
  page: Store.ConversationsPageWire,
  query: ListQuery,
  host: string | undefined
): unknown => {
  if (api === "legacy") return page
  return {
    data: page.data,
    links: {
      self: listUrl(query, query.page_token, host),
      ...(page.nextPageToken === undefined ? {} : { next: listUrl(query, page.nextPageToken, host) })
    }
  }
}

/**
 * `GET /conversations/list`, `/stats`, `/{id}`, `/{id}/messages`, `POST /conversations/new` and
 * `/{id}/messages`.
 *
 * @since 0.1.0
 */
export const conversations = HttpApiBuilder.group(
  DriftApi.DriftApi,
  "conversations",
  Effect.fn(function*(handlers) {
    const store = yield* SandboxStore
    return handlers.handleAll({
      list: ({ query, request }) =>
        store.listConversations({
          limit: query.limit ?? DriftApi.DEFAULT_PAGE_SIZE,
          next: query.next,
          pageToken: query.page_token,
          statusIds: query.statusId
        }).pipe(
          Effect.map((page) => json(listAnswer(store.listApi, page, query, request.headers["host"]))),
          Effect.catchTag("InvalidParam", invalid)
        ),
      stats: () => Effect.map(store.stats, json),
      get: ({ params }) =>
        store.getConversation(params.id).pipe(
          Effect.map((data) => json({ data })),
          Effect.catchTag("NotFound", notFound)
        ),
      messages: ({ params, query }) =>
        store.listMessages(params.id, query.next).pipe(
          Effect.map(json),
          Effect.catchTags({ NotFound: notFound, InvalidParam: invalid })
        ),
      create: ({ payload }) =>
        store.createConversation({
          email: payload.email,
          body: payload.message.body,
          attributes: payload.message.attributes
        }).pipe(Effect.map(json)),
      createMessage: ({ params, payload }) =>
        store.createMessage(params.id, {
          type: payload.type,
          body: payload.body,
          buttons: payload.buttons,
          userId: payload.userId
        }).pipe(
          Effect.map((data) => json({ data })),
          Effect.catchTags({ NotFound: notFound, InvalidParam: invalid })
        )
    })
  })
)

/**
 * `GET /contacts/{id}`.
 *
 * @since 0.1.0
 */
export const contacts = HttpApiBuilder.group(
  DriftApi.DriftApi,
  "contacts",
  Effect.fn(function*(handlers) {
    const store = yield* SandboxStore
    return handlers.handleAll({
      get: ({ params }) =>
        store.getContact(params.id).pipe(
          Effect.map((data) => json({ data })),
          Effect.catchTag("NotFound", notFound)
        ),
      find: ({ query }) => Effect.map(store.findContacts(query.email), (data) => json({ data }))
    })
  })
)

/**
 * `GET /users/list` and `/users/{id}`.
 *
 * @since 0.1.0
 */
export const users = HttpApiBuilder.group(
  DriftApi.DriftApi,
  "users",
  Effect.fn(function*(handlers) {
    const store = yield* SandboxStore
    return handlers.handleAll({
      list: () => Effect.map(store.listUsers, (data) => json({ data })),
      get: ({ params }) =>
        store.getUser(params.id).pipe(
          Effect.map((data) => json({ data })),
          Effect.catchTag("NotFound", notFound)
        )
    })
  })
)

/**
 * All three groups; requires the {@link SandboxStore}.
 *
 * @since 0.1.0
 */
export const layer = Layer.mergeAll(conversations, contacts, users)

const requestKinds = new Set(["Params", "Query", "Payload", "Headers"])
const formatter = SchemaIssue.makeFormatterStandardSchemaV1()

/**
 * Drift's envelope for a request the API's schemas rejected: 400 `validation_error` naming the parameter
 * (`limit=51` -> `param: "limit"`). `HttpApiBuilder` answers an empty 400 on its own.
 *
 * @since 0.1.0
 */
export const validationResponse = (error: HttpApiError.HttpApiSchemaError): HttpServerResponse.HttpServerResponse => {
  const issues = formatter(error.cause.issue).issues
  const errors = issues.length === 0
    ? [{ type: "validation_error", message: `Invalid ${error.kind.toLowerCase()}` }]
    : issues.map((issue) => {
      const path = (issue.path ?? []).map(String)
      const param = path.length === 0 ? undefined : error.kind === "Payload" ? path.join(".") : path[0]!
      return {
        type: "validation_error",
        message: param === undefined ? issue.message : `Invalid ${param}: ${issue.message}`,
        ...(param !== undefined ? { param } : {})
      }
    })
  return HttpServerResponse.jsonUnsafe({ errors }, { status: 400 })
}

/**
 * A middleware giving Drift's envelopes to the answers `HttpApiBuilder` and the router make on their own:
 * request decoding failures become 400 `validation_error` with `param`, unknown routes 404 `not_found`.
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
          HttpServerResponse.jsonUnsafe({ errors: [{ type: "not_found", message: "No such endpoint" }] }, {
            status: 404
          })
        )
      }
    }
    return Effect.failCause(cause)
  })
