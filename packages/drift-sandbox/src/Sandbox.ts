/**
 * The sandbox server: `DriftApi` on seeded data, with faults, an OpenAPI document, an API reference page and
 * an admin surface, served over HTTP on loopback.
 *
 * | path | what |
 * | --- | --- |
 * | `/conversations/...`, `/contacts/{id}`, `/users/...` | Drift's API (`DriftApi`), bearer token required |
 * | `/openapi.json` | the OpenAPI document of `DriftApi` |
 * | `/docs` | the API reference page (Scalar) |
 * | `/_sandbox/...` | the admin surface (see {@link Admin}) |
 *
 * @example
 * ```ts
 * import { Sandbox } from "@parley/drift-sandbox"
 * import { Effect } from "effect"
 *
 * const program = Effect.scoped(Effect.gen(function*() {
 *   const { url, token } = yield* Sandbox.start({ conversations: 500, faults: { errorRate: 0.05 } })
 *   const response = yield* Effect.promise(() =>
 *     fetch(`${url}/conversations/list?limit=50`, { headers: { authorization: `Bearer ${token}` } })
 *   )
 * }))
 * ```
 *
 * @since 0.1.0
 */
import { NodeHttpServer } from "@effect/platform-node"
import { DriftApi } from "@parley/drift-client"
import { ByteSize, Context, Duration, Effect, Layer } from "effect"
import { HttpIncomingMessage, HttpRouter, HttpServer, HttpServerRequest, HttpServerResponse } from "effect/http"
import type { HttpServerError } from "effect/http"
import { HttpApiBuilder, HttpApiScalar } from "effect/http-api"
import { createServer } from "node:http"
import * as Admin from "./Admin.ts"
import * as Auth from "./Auth.ts"
import { Faults } from "./Faults.ts"
import type { FaultSettings } from "./Faults.ts"
import * as Handlers from "./Handlers.ts"
import * as Defaults from "./internal/defaults.ts"
import { type CursorMode, type ListApi, SandboxStore } from "./Store.ts"

/**
 * The defaults: 2,000 conversations from seed 1 on 127.0.0.1:4010, token `sandbox-token` (every scope) and
 * `sandbox-readonly` (no `conversation_write`), no faults.
 *
 * @since 0.1.0
 */
export const defaults: typeof Defaults.defaults = Defaults.defaults

/**
 * How to run a sandbox. Every key is optional (see {@link defaults}).
 *
 * @since 0.1.0
 */
export interface Options {
  /** The port to listen on; 0 picks a free one. */
  readonly port?: number | undefined
  readonly host?: string | undefined
  readonly seed?: number | undefined
  readonly conversations?: number | undefined
  /** How list cursors behave (default `snapshot`; `offset` imitates Drift's shifting pages). */
  readonly cursorMode?: CursorMode | undefined
  /** Which list API `GET /conversations/list` speaks (default `legacy`; `new`: `page_token` / `links.next`). */
  readonly listApi?: ListApi | undefined
  /** Seed the message types and contact fields Drift sends beyond its documents (see `Seed.messages`). */
  readonly oddities?: boolean | undefined
  /** The token with every scope. */
  readonly token?: string | undefined
  /** A token with every scope but `conversation_write`. */
  readonly readonlyToken?: string | undefined
  /** Extra tokens, each with its own scopes. */
  readonly tokens?: ReadonlyArray<Auth.TokenGrant> | undefined
  /** The initial fault settings. */
  readonly faults?: FaultSettings | undefined
  /** Log every request (off by default). */
  readonly logRequests?: boolean | undefined
  /**
   * On shutdown, how long requests in flight may finish before they are interrupted (default 1000 ms: a hung
   * page-timeout request must not hold the process).
   */
  readonly shutdownTimeoutMs?: number | undefined
  /** The largest request body read, in bytes (default {@link defaults}.maxBodyBytes); larger ones get a 413. */
  readonly maxBodyBytes?: number | undefined
}

const grants = (options: Options): ReadonlyArray<Auth.TokenGrant> => [
  { token: options.token ?? defaults.token, scopes: Auth.ALL_SCOPES },
  {
    token: options.readonlyToken ?? defaults.readonlyToken,
    scopes: Auth.ALL_SCOPES.filter((scope) => scope !== "conversation_write")
  },
  ...(options.tokens ?? [])
]

const middleware = (maxBodyBytes: number) =>
  HttpRouter.middleware(
    Effect.gen(function*() {
      const faults = yield* Faults
      const limit = ByteSize.bytes(maxBodyBytes)
      return (app) =>
        Effect.gen(function*() {
          const request = yield* HttpServerRequest.HttpServerRequest
          const declared = Number(request.headers["content-length"] ?? 0)
          // Refused before reading when announced; a body streamed past the limit fails its read (the handlers
          // answer 400), so the sandbox never holds more than the limit of one body.
          if (declared > maxBodyBytes) {
            return HttpServerResponse.jsonUnsafe({
              errors: [{ type: "payload_too_large", message: `request body over ${maxBodyBytes} bytes` }]
            }, { status: 413 })
          }
          return yield* faults.middleware(Handlers.errorEnvelopes(app)).pipe(
            Effect.provideService(HttpIncomingMessage.MaxBodySize, limit)
          )
        })
    }),
    { global: true }
  )

/**
 * The routes of the sandbox (API, OpenAPI document, reference page, admin) and its middleware, without a server.
 * Requires the {@link SandboxStore} and {@link Faults}.
 *
 * @since 0.1.0
 */
export const routes = (options: Options) =>
  Layer.mergeAll(
    HttpApiBuilder.layer(DriftApi.DriftApi, { openapiPath: "/openapi.json" }).pipe(
      Layer.provide(Handlers.layer),
      Layer.provide(Auth.layer(grants(options)))
    ),
    HttpApiScalar.layer(DriftApi.DriftApi, { path: "/docs" }),
    Admin.layer,
    middleware(options.maxBodyBytes ?? defaults.maxBodyBytes)
  )

/**
 * The sandbox as a layer: an HTTP server on `host:port` (127.0.0.1 by default), and the store and fault
 * services it uses (so a program can inspect or steer it in-process).
 *
 * @since 0.1.0
 */
export const layer = (
  options: Options = {}
): Layer.Layer<HttpServer.HttpServer | SandboxStore | Faults, HttpServerError.ServeError> => {
  const seed = options.seed ?? defaults.seed
  return HttpRouter.serve(routes(options), {
    disableLogger: options.logRequests !== true,
    disableListenLog: true
  }).pipe(
    Layer.provideMerge(Layer.mergeAll(
      SandboxStore.layer({
        seed,
        conversations: options.conversations ?? defaults.conversations,
        cursorMode: options.cursorMode,
        listApi: options.listApi,
        oddities: options.oddities
      }),
      Faults.layer({ settings: options.faults, seed })
    )),
    Layer.provideMerge(
      NodeHttpServer.layer(createServer, {
        port: options.port ?? defaults.port,
        host: options.host ?? defaults.host,
        gracefulShutdownTimeout: Duration.millis(options.shutdownTimeoutMs ?? 1000)
      })
    )
  )
}

/**
 * A running sandbox.
 *
 * @since 0.1.0
 */
export interface Running {
  /** The base URL, e.g. `http://127.0.0.1:4010`. */
  readonly url: string
  /** The token with every scope. */
  readonly token: string
  /** The token without `conversation_write`. */
  readonly readonlyToken: string
  readonly port: number
  readonly store: SandboxStore["Service"]
  readonly faults: Faults["Service"]
}

/**
 * Starts a sandbox in the current scope (it stops when the scope closes) and tells where it listens.
 * `port: 0` picks a free port.
 *
 * @example
 * ```ts
 * import { Sandbox } from "@parley/drift-sandbox"
 * import { Effect } from "effect"
 *
 * Effect.scoped(Effect.gen(function*() {
 *   const sandbox = yield* Sandbox.start({ port: 0 })
 *   console.log(sandbox.url, sandbox.token)
 * }))
 * ```
 *
 * @since 0.1.0
 */
export const start = Effect.fn("Sandbox.start")(function*(options: Options = {}) {
  const context = yield* Layer.build(layer(options))
  const server = Context.get(context, HttpServer.HttpServer)
  const address = server.address
  const port = "port" in address ? address.port : 0
  const host = options.host ?? defaults.host
  const running: Running = {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    token: options.token ?? defaults.token,
    readonlyToken: options.readonlyToken ?? defaults.readonlyToken,
    port,
    store: Context.get(context, SandboxStore),
    faults: Context.get(context, Faults)
  }
  return running
})
