/**
 * The Inbox server: {@link InboxApi.InboxApi} implemented over the {@link ThreadSource.ThreadSource}, its OpenAPI
 * document at `/openapi.json`, a reference page at `/docs`, and the web page (`/` and `/assets/*`) served from
 * the bundle in memory with a strict Content-Security-Policy.
 *
 * @example
 * ```ts
 * import { Bundle, Server } from "@parley/inbox"
 * import { Effect, Layer } from "effect"
 * import { HttpRouter } from "effect/http"
 *
 * // Requires the ThreadSource and an HttpServer (see Inbox.layer, which provides both).
 * const app = Layer.unwrap(Effect.map(Bundle.load(), (files) => HttpRouter.serve(Server.routes(files))))
 * ```
 *
 * @since 0.1.0
 */
import { MapperConfig, Mapping } from "@parley/intercom"
import type { Drift } from "@parley/schema"
import { Cause, Effect, Layer, Result, SchemaIssue } from "effect"
import { HttpRouter, HttpServerError, type HttpServerRequest, HttpServerResponse } from "effect/http"
import { HttpApiBuilder, HttpApiError, HttpApiScalar } from "effect/http-api"
import type * as Bundle from "./Bundle.ts"
import { InboxApi } from "./InboxApi.ts"
import * as Lossy from "./Lossy.ts"
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

/**
 * The `threads` group: list, get, intercom.
 *
 * @since 0.1.0
 */
export const threads = HttpApiBuilder.group(
  InboxApi,
  "threads",
  Effect.fn(function*(handlers) {
    const source = yield* ThreadSource
    return handlers.handleAll({
      list: ({ query }) => source.list(query),
      get: ({ params }) => source.get(params.id),
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
 * The `workspace` group: get, reload.
 *
 * @since 0.1.0
 */
export const workspace = HttpApiBuilder.group(
  InboxApi,
  "workspace",
  Effect.fn(function*(handlers) {
    const source = yield* ThreadSource
    return handlers.handleAll({
      get: () => source.workspace,
      reload: () => source.reload
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
        reason.error.reason instanceof HttpServerError.RouteNotFound
      ) {
        return Effect.succeed(HttpServerResponse.text("Not found", { status: 404 }))
      }
    }
    return Effect.failCause(cause)
  })

const middleware = HttpRouter.middleware(Effect.succeed(errorBodies), { global: true })

/**
 * `/` and `/assets/*` from the bundle in memory.
 *
 * @since 0.1.0
 */
export const page = (files: ReadonlyMap<string, Bundle.File>, options: { readonly csrfToken?: string } = {}) =>
  HttpRouter.use(Effect.fnUntraced(function*(router) {
    const index = withToken(files, options.csrfToken)
    yield* router.add("GET", "/", Effect.sync(() => serve(index, "/index.html", "no-store")))
    yield* router.add("GET", "/index.html", Effect.sync(() => serve(index, "/index.html", "no-store")))
    yield* router.add("GET", "/assets/*", (request: HttpServerRequest.HttpServerRequest) =>
      Effect.sync(() => {
        const pathname = new URL(request.url, "http://inbox.invalid").pathname
        return serve(files, pathname, "public, max-age=31536000, immutable")
      }))
  }))

/** The page with this run's token for state-changing requests in a `<meta>` (see `Guard`). */
const withToken = (files: ReadonlyMap<string, Bundle.File>, token: string | undefined) => {
  const file = files.get("/index.html")
  if (token === undefined || file === undefined) return files
  const html = new TextDecoder().decode(file.body).replace(
    "<head>",
    `<head><meta name="parley-inbox-csrf" content="${token.replace(/[^A-Za-z0-9_-]/g, "")}">`
  )
  return new Map(files).set("/index.html", { ...file, body: new TextEncoder().encode(html) })
}

const serve = (files: ReadonlyMap<string, Bundle.File>, key: string, cache: string) => {
  const file = files.get(key)
  return file === undefined
    ? HttpServerResponse.text("Not found", { status: 404 })
    : HttpServerResponse.uint8Array(file.body, {
      contentType: file.contentType,
      headers: { ...pageHeaders, "cache-control": cache }
    })
}

/**
 * Every route: the API (with `/openapi.json`), `/docs`, the page, and the error-body middleware. Requires the
 * {@link ThreadSource.ThreadSource}.
 *
 * @since 0.1.0
 */
export const routes = (files: ReadonlyMap<string, Bundle.File>, options: { readonly csrfToken?: string } = {}) =>
  Layer.mergeAll(
    HttpApiBuilder.layer(InboxApi, { openapiPath: "/openapi.json" }).pipe(Layer.provide([threads, workspace])),
    HttpApiScalar.layer(InboxApi, { path: "/docs" }),
    page(files, options),
    middleware
  )
