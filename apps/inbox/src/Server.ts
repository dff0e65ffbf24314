/**
 * The Inbox server: {@link InboxApi.InboxApi} implemented over the {@link ThreadSource.ThreadSource}, its OpenAPI
 * document at `/openapi.json`, a reference page at `/docs`, and the web page (`/` from the bundle's `index.html`,
 * `/assets/*` by `HttpStaticServer`) with a strict Content-Security-Policy.
 *
 * @example
 * ```ts
 * import { Bundle, Server } from "@parley/inbox"
 * import { Effect, Layer } from "effect"
 * import { HttpRouter } from "effect/http"
 *
 * // Requires the ThreadSource, an HttpServer and the platform (see Inbox.layer, which provides them).
 * const app = Layer.unwrap(Effect.map(Bundle.load(), (page) => HttpRouter.serve(Server.routes(page))))
 * ```
 *
 * @since 0.1.0
 */
import { MapperConfig, Mapping } from "@parley/intercom"
import type { Drift } from "@parley/schema"
import { Cause, Effect, Layer, Option, Result, SchemaIssue } from "effect"
import { HttpRouter, HttpServerError, type HttpServerRequest, HttpServerResponse, HttpStaticServer } from "effect/http"
import { HttpApiBuilder, HttpApiError, HttpApiScalar } from "effect/http-api"
import * as path from "node:path"
import type * as Bundle from "./Bundle.ts"
import { InboxApi } from "./InboxApi.ts"
import * as Lossy from "./Lossy.ts"
import * as MigrationLedger from "./MigrationLedger.ts"
import * as Model from "./Model.ts"
import { ThreadSource } from "./ThreadSource.ts"

/**
 * The Content-Security-Policy of the page: scripts, styles and requests from the server only, no inline script,
 * no plugins, no framing. Message bodies are sanitized before they reach the DOM; this is the second wall.
 *
 * @since 0.1.0
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'"
].join("; ")

const pageHeaders = {
  "content-security-policy": CONTENT_SECURITY_POLICY,
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer"
}

const mapperCache = new WeakMap<ReadonlyArray<Drift.User>, Mapping.Mapper>()

const mapperFor = (users: ReadonlyArray<Drift.User>): Mapping.Mapper => {
  let mapper = mapperCache.get(users)
  if (mapper === undefined) {
    // A directory of decoded Drift users is always a valid mapper config.
    mapper = Mapping.fromResolved(Result.getOrThrow(MapperConfig.resolve({ users })))
    mapperCache.set(users, mapper)
  }
  return mapper
}

/** `value` with the migration state of conversation `id`, when the ledger has one. */
const withMigration = <A extends object>(
  value: A,
  id: Drift.ConversationId,
  states: ReadonlyMap<string, Model.MigrationState>
): A => {
  const migration = states.get(String(id))
  return migration === undefined ? value : { ...value, migration }
}

/**
 * The `threads` group: list, get, intercom (with each thread's migration state when a
 * {@link MigrationLedger.MigrationLedger} is provided).
 *
 * @since 0.1.0
 */
export const threads = HttpApiBuilder.group(
  InboxApi,
  "threads",
  Effect.fn(function*(handlers) {
    const source = yield* ThreadSource
    const ledger = yield* Effect.serviceOption(MigrationLedger.MigrationLedger)
    return handlers.handleAll({
      list: ({ query }) =>
        Effect.gen(function*() {
          if (Option.isNone(ledger)) {
            if (query.migration !== undefined) {
              return yield* new Model.BadRequest({
                message: "Invalid migration: this Inbox reads no migration database (start it with --migration)"
              })
            }
            return yield* source.list(query)
          }
          const { states } = yield* ledger.value.snapshot
          const page = yield* source.list(
            query,
            query.migration === undefined ? undefined : MigrationLedger.matches(states, query.migration)
          )
          return { ...page, items: page.items.map((item) => withMigration(item, item.conversation.id, states)) }
        }),
      get: ({ params }) =>
        Effect.gen(function*() {
          const response = yield* source.get(params.id)
          if (Option.isNone(ledger)) return response
          const { states } = yield* ledger.value.snapshot
          return withMigration(response, params.id, states)
        }),
      intercom: ({ params }) =>
        Effect.gen(function*() {
          const { thread } = yield* source.get(params.id)
          const users = yield* source.users
          return Lossy.intercomView(mapperFor(users), thread)
        })
    })
  })
)

/**
 * The `workspace` group: get (with the migration counts when a {@link MigrationLedger.MigrationLedger} is
 * provided), reload (which reads the ledger again too).
 *
 * @since 0.1.0
 */
export const workspace = HttpApiBuilder.group(
  InboxApi,
  "workspace",
  Effect.fn(function*(handlers) {
    const source = yield* ThreadSource
    const ledger = yield* Effect.serviceOption(MigrationLedger.MigrationLedger)
    return handlers.handleAll({
      get: () =>
        Effect.gen(function*() {
          const workspace = yield* source.workspace
          if (Option.isNone(ledger)) return workspace
          const { error, states } = yield* ledger.value.snapshot
          const migration: Model.MigrationInfo = {
            database: ledger.value.database,
            counts: MigrationLedger.counts(states, yield* source.conversationIds),
            ...(error === undefined ? {} : { error })
          }
          return { ...workspace, migration }
        }),
      reload: () => Option.isNone(ledger) ? source.reload : Effect.andThen(ledger.value.refresh, source.reload)
    })
  })
)

const formatter = SchemaIssue.makeFormatterStandardSchemaV1()

const badRequest = (error: HttpApiError.HttpApiSchemaError): HttpServerResponse.HttpServerResponse => {
  const issue = formatter(error.cause.issue).issues[0]
  const param = issue?.path?.[0]
  const name = param === undefined ? error.kind.toLowerCase() : String(typeof param === "object" ? param.key : param)
  const body = { _tag: "BadRequest", message: `Invalid ${name}: ${issue?.message ?? "rejected"}` }
  return HttpServerResponse.jsonUnsafe(body, { status: 400 })
}

const requestKinds = new Set(["Params", "Query", "Payload", "Headers"])

/**
 * Answers what `HttpApiBuilder` would answer with an empty body: a rejected parameter becomes 400
 * `{ _tag: "BadRequest", message: "Invalid id: ..." }`, an unknown `/api` route 404 with a message.
 *
 * @since 0.1.0
 */
export const errorBodies = <E, R>(
  app: Effect.Effect<HttpServerResponse.HttpServerResponse, E, R>
): Effect.Effect<HttpServerResponse.HttpServerResponse, E, R> =>
  Effect.catchCause(app, (cause) => {
    for (const reason of cause.reasons) {
      if (
        Cause.isDieReason(reason) && HttpApiError.HttpApiSchemaError.is(reason.defect) &&
        requestKinds.has(reason.defect.kind)
      ) {
        return Effect.succeed(badRequest(reason.defect))
      }
      if (
        Cause.isFailReason(reason) && HttpServerError.isHttpServerError(reason.error) &&
        reason.error.reason._tag === "RouteNotFound"
      ) {
        return Effect.succeed(HttpServerResponse.text("Not found", { status: 404 }))
      }
    }
    return Effect.failCause(cause)
  })

const middleware = HttpRouter.middleware(Effect.succeed(errorBodies), { global: true })

/** `/assets/` answers never include the bundle's source map (it is built for debugging, and not published). */
const isSourceMap = (url: string): boolean => /\.map$/i.test(new URL(url, "http://inbox.invalid").pathname)

const notFound = () => HttpServerResponse.text("Not found", { status: 404 })

/**
 * The page: `/` (and `/index.html`) from the bundle's `index.html` with this run's token for state-changing
 * requests in a `<meta>` (see `Guard`), and `/assets/*` from `<directory>/assets` on disk through `effect/http`'s
 * {@link HttpStaticServer} (which keeps every request inside that folder, with ETags, ranges and conditional
 * requests), never a source map. Every answer carries the Content-Security-Policy and `nosniff`.
 *
 * @since 0.1.0
 */
export const page = (bundle: Bundle.Page, options: { readonly csrfToken?: string | undefined } = {}) =>
  HttpRouter.use(Effect.fnUntraced(function*(router) {
    const index = HttpServerResponse.text(withToken(bundle.indexHtml, options.csrfToken), {
      contentType: "text/html; charset=utf-8",
      headers: { ...pageHeaders, "cache-control": "no-store" }
    })
    yield* router.add("GET", "/", index)
    yield* router.add("GET", "/index.html", index)
    const assets = yield* HttpStaticServer.make({
      root: path.join(bundle.directory, "assets"),
      index: undefined,
      cacheControl: "public, max-age=31536000, immutable"
    })
    yield* router.prefixed("/assets").add(
      "GET",
      "/*",
      (request: HttpServerRequest.HttpServerRequest) =>
        isSourceMap(request.url)
          ? Effect.succeed(notFound())
          : assets.pipe(
            Effect.map(HttpServerResponse.setHeaders(pageHeaders)),
            Effect.catchReason("HttpServerError", "RouteNotFound", () => Effect.succeed(notFound()))
          )
    )
  }))

/** The page with this run's token for state-changing requests in a `<meta>` (see `Guard`). */
const withToken = (html: string, token: string | undefined): string =>
  token === undefined
    ? html
    : html.replace("<head>", `<head><meta name="parley-inbox-csrf" content="${token.replace(/[^A-Za-z0-9_-]/g, "")}">`)

/**
 * Every route: the API (with `/openapi.json`), `/docs`, the page, and the error-body middleware. Requires the
 * {@link ThreadSource.ThreadSource}.
 *
 * @since 0.1.0
 */
export const routes = (bundle: Bundle.Page, options: { readonly csrfToken?: string | undefined } = {}) =>
  Layer.mergeAll(
    HttpApiBuilder.layer(InboxApi, { openapiPath: "/openapi.json" }).pipe(Layer.provide([threads, workspace])),
    HttpApiScalar.layer(InboxApi, { path: "/docs" }),
    page(bundle, options),
    middleware
  )
