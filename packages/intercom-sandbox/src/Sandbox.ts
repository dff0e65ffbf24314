/**
 * The sandbox server: `IntercomApi` on an in-memory workspace, with Intercom's rate-limit headers, faults, an
 * OpenAPI document, an API reference page and an admin view, served over HTTP on loopback.
 *
 * | path | what |
 * | --- | --- |
 * | `/me`, `/admins`, `/contacts...`, `/data_attributes`, `/tags`, `/conversations...` | the API (`IntercomApi`), bearer token required |
 * | `/openapi.json`, `/docs` | the OpenAPI document and its reference page |
 * | `/_sandbox/...` | the admin view (see {@link Admin}) |
 *
 * @example
 * ```ts
 * import { Sandbox } from "@parley/intercom-sandbox"
 * import { Effect } from "effect"
 *
 * const program = Effect.scoped(Effect.gen(function*() {
 *   const { url, token } = yield* Sandbox.start({ port: 0, limits: { perMinute: 10_000 } })
 *   const response = yield* Effect.promise(() => fetch(`${url}/admins`, { headers: { authorization: `Bearer ${token}` } }))
 * }))
 * ```
 *
 * @since 0.1.0
 */
import { NodeHttpServer } from "@effect/platform-node"
import { IntercomApi } from "@parley/intercom-client"
import { Context, Duration, Effect, Layer } from "effect"
import { HttpRouter, HttpServer } from "effect/http"
import type { HttpServerError } from "effect/http"
import { HttpApiBuilder, HttpApiScalar } from "effect/http-api"
import { createServer } from "node:http"
import * as Admin from "./Admin.ts"
import * as Auth from "./Auth.ts"
import { Faults, type FaultSettings, type LimitSettings } from "./Faults.ts"
import * as Handlers from "./Handlers.ts"
import { type AdminSeed, SandboxStore } from "./Store.ts"

/**
 * The defaults: 127.0.0.1:4020, token `sandbox-token` acting as the first admin, 10,000 requests a minute,
 * no faults.
 *
 * @since 0.1.0
 */
export const defaults = { host: "127.0.0.1", port: 4020, token: Auth.DEFAULT_TOKEN, seed: 1 } as const

/**
 * How to run a sandbox. Every key is optional.
 *
 * @since 0.1.0
 */
export interface Options {
  /** The port to listen on; 0 picks a free one. */
  readonly port?: number | undefined
  readonly host?: string | undefined
  /** The token acting as the first admin. */
  readonly token?: string | undefined
  /** More tokens, each acting as an admin (by id: the seeded admins are `991267001`, `991267002`, ...). */
  readonly tokens?: ReadonlyArray<Auth.TokenGrant> | undefined
  readonly admins?: ReadonlyArray<AdminSeed> | undefined
  /** How long created contacts and conversations stay invisible to search, as Intercom's index trails writes. */
  readonly searchLagMillis?: number | undefined
  readonly faults?: FaultSettings | undefined
  readonly limits?: LimitSettings | undefined
  /** Seed of the fault PRNG (unless the fault settings carry their own). */
  readonly seed?: number | undefined
  readonly logRequests?: boolean | undefined
  /** On shutdown, how long requests in flight may finish. Default 1000 ms. */
  readonly shutdownTimeoutMs?: number | undefined
}

const FIRST_ADMIN_ID = "991267001"

const grants = (options: Options): ReadonlyArray<Auth.TokenGrant> => [
  { token: options.token ?? defaults.token, adminId: FIRST_ADMIN_ID },
  ...(options.tokens ?? [])
]

/**
 * The routes of the sandbox and its middleware, without a server. Requires the {@link SandboxStore} and
 * {@link Faults}.
 *
 * @since 0.1.0
 */
export const routes = (options: Options) => {
  const isAuthenticated = Auth.authenticated(grants(options))
  return Layer.mergeAll(
    HttpApiBuilder.layer(IntercomApi.IntercomApi, { openapiPath: "/openapi.json" }).pipe(
      Layer.provide(Handlers.layer),
      Layer.provide(Auth.layer(grants(options)))
    ),
    HttpApiScalar.layer(IntercomApi.IntercomApi, { path: "/docs" }),
    Admin.layer,
    HttpRouter.middleware(
      Effect.gen(function*() {
        const faults = yield* Faults
        return (app) => faults.middleware(Handlers.errorEnvelopes(app), isAuthenticated)
      }),
      { global: true }
    )
  )
}

/**
 * The sandbox as a layer: an HTTP server on `host:port`, and the store and fault services it uses (so a program
 * can inspect or steer it in-process).
 *
 * @since 0.1.0
 */
export const layer = (
  options: Options = {}
): Layer.Layer<HttpServer.HttpServer | SandboxStore | Faults, HttpServerError.ServeError> =>
  HttpRouter.serve(routes(options), { disableLogger: options.logRequests !== true, disableListenLog: true }).pipe(
    Layer.provideMerge(Layer.mergeAll(
      SandboxStore.layer({ admins: options.admins, searchLagMillis: options.searchLagMillis }),
      Faults.layer({ faults: options.faults, limits: options.limits, seed: options.seed ?? defaults.seed })
    )),
    Layer.provideMerge(
      NodeHttpServer.layer(createServer, {
        port: options.port ?? defaults.port,
        host: options.host ?? defaults.host,
        gracefulShutdownTimeout: Duration.millis(options.shutdownTimeoutMs ?? 1000)
      })
    )
  )

/**
 * A running sandbox.
 *
 * @since 0.1.0
 */
export interface Running {
  /** The base URL, e.g. `http://127.0.0.1:4020`: give it to a client as its base URL. */
  readonly url: string
  readonly token: string
  readonly port: number
  /** The id of the admin the token acts as. */
  readonly adminId: string
  readonly store: SandboxStore["Service"]
  readonly faults: Faults["Service"]
}

/**
 * Starts a sandbox in the current scope (it stops when the scope closes). `port: 0` picks a free port.
 *
 * @since 0.1.0
 */
export const start = Effect.fn("Sandbox.start")(function*(options: Options = {}) {
  const context = yield* Layer.build(layer(options))
  const address = Context.get(context, HttpServer.HttpServer).address
  const port = "port" in address ? address.port : 0
  const host = options.host ?? defaults.host
  const running: Running = {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    token: options.token ?? defaults.token,
    port,
    adminId: FIRST_ADMIN_ID,
    store: Context.get(context, SandboxStore),
    faults: Context.get(context, Faults)
  }
  return running
})
