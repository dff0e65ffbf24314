/**
 * Parley Inbox as a program: pick a source (the embedded sandbox, a Drift workspace, an export file), start the
 * server, print its URL. `run` is what `parley-inbox` and `parley inbox` run; `command` is the `effect/cli`
 * command to mount in another command tree.
 *
 * @example
 * ```ts
 * import { Inbox } from "@parley/inbox"
 * import { NodeRuntime } from "@effect/platform-node"
 *
 * // the embedded sandbox (2,000 seeded conversations) on http://127.0.0.1:4020
 * NodeRuntime.runMain(Inbox.run())
 * // an export file on a free port
 * NodeRuntime.runMain(Inbox.run({ port: 0, source: { _tag: "File", path: "export.ndjson" } }))
 * ```
 *
 * @since 0.1.0
 */
import { NodeFileSystem, NodeHttpClient, NodeHttpServer } from "@effect/platform-node"
import { DriftClient, type DriftError } from "@parley/drift-client"
import { Sandbox } from "@parley/drift-sandbox"
import { DriftStream } from "@parley/drift-stream"
import type { LedgerReader } from "@parley/migrate"
import * as Text from "@parley/schema/Text"
import { Config, Console, Context, Effect, Layer, Option, type PlatformError, Redacted, type Scope } from "effect"
import { HttpClient, HttpRouter, HttpServer, type HttpServerError } from "effect/http"
import { createServer } from "node:http"
import { resolve } from "node:path"
import * as Bundle from "./Bundle.ts"
import * as Guard from "./Guard.ts"
import * as InboxCommand from "./InboxCommand.ts"
import * as Limits from "./Limits.ts"
import * as MigrationLedger from "./MigrationLedger.ts"
import * as Server from "./Server.ts"
import { type FileUnreadable, ThreadSource } from "./ThreadSource.ts"

/**
 * Where the threads come from.
 *
 * - `Sandbox`: an embedded Drift sandbox (`@parley/drift-sandbox`) on a free loopback port, read through
 *   `DriftClient`/`DriftStream` like a real workspace (contacts included).
 * - `Drift`: a Drift workspace with these `DriftClient` options (token, base URL, retries, rate limit).
 * - `File`: an NDJSON export of Drift threads (`parley export --to drift`).
 *
 * @since 0.1.0
 */
export type Source =
  | {
    readonly _tag: "Sandbox"
    readonly conversations?: number | undefined
    readonly seed?: number | undefined
  }
  | {
    readonly _tag: "Drift"
    readonly client: DriftClient.Options
    readonly withContacts?: boolean | undefined
  }
  | { readonly _tag: "File"; readonly path: string }

/**
 * How to run the Inbox. Every key is optional.
 *
 * @since 0.1.0
 */
export interface Options {
  /** The port; 0 picks a free one. Default 4020. */
  readonly port?: number | undefined
  /** The interface. Default `127.0.0.1` (the Inbox has no authentication: keep it on loopback). */
  readonly host?: string | undefined
  /** Default: the embedded sandbox. */
  readonly source?: Source | undefined
  /** Host names answered besides the loopback ones (see `Guard`). */
  readonly allowedHosts?: ReadonlyArray<string> | undefined
  /** An access token every request must carry; required to listen beyond loopback (see `Guard`). */
  readonly token?: Redacted.Redacted<string> | undefined
  /**
   * A `parley migrate` database (a SQLite file path or a `postgres://` URL), read read-only: each thread's
   * migration state in the list and the thread view, with a filter by state (see `MigrationLedger`).
   */
  readonly migration?: string | undefined
}

/**
 * The defaults.
 *
 * @since 0.1.0
 */
export const defaults = {
  ...InboxCommand.defaults,
  source: { _tag: "Sandbox" } as Source
} as const

/**
 * A running Inbox.
 *
 * @since 0.1.0
 */
export interface Running {
  /** `http://127.0.0.1:4020` */
  readonly url: string
  readonly port: number
  /** The source service (its index status, for programs and tests). */
  readonly source: ThreadSource["Service"]
  /** This run's token for state-changing requests (the `x-parley-inbox-csrf` header; see `Guard`). */
  readonly csrfToken: string
}

const driftLayers = (options: DriftClient.Options) =>
  DriftStream.DriftStream.layer.pipe(
    Layer.provideMerge(DriftClient.DriftClient.layer(options)),
    // Long message bodies are cut before they are decoded and sanitized (see Limits).
    Layer.provide(
      Layer.effect(
        HttpClient.HttpClient,
        Effect.gen(function*() {
          return Limits.clipMessagePages()(yield* HttpClient.HttpClient)
        })
      )
    ),
    Layer.provide(NodeHttpClient.layerUndici)
  )

const originOf = (url: string | URL | undefined): string => {
  try {
    return new URL(url ?? DriftClient.DEFAULT_BASE_URL).origin
  } catch {
    return String(url)
  }
}

/**
 * The {@link ThreadSource.ThreadSource} layer of a {@link Source}.
 *
 * @since 0.1.0
 */
export const sourceLayer = (
  source: Source
): Layer.Layer<ThreadSource, FileUnreadable | DriftError.InvalidOptions | HttpServerError.ServeError> => {
  switch (source._tag) {
    case "File":
      return ThreadSource.fromFile(source.path).pipe(Layer.provide(NodeFileSystem.layer))
    case "Drift":
      return ThreadSource.fromDrift({
        kind: "drift",
        label: `Drift at ${originOf(source.client.baseUrl)}`,
        withContacts: source.withContacts
      }).pipe(Layer.provide(driftLayers(source.client)))
    case "Sandbox":
      return Layer.unwrap(Effect.gen(function*() {
        const conversations = source.conversations ?? Sandbox.defaults.conversations
        const seed = source.seed ?? Sandbox.defaults.seed
        const sandbox = yield* Sandbox.start({ port: 0, conversations, seed })
        return ThreadSource.fromDrift({
          kind: "sandbox",
          label: `Embedded Drift sandbox at ${sandbox.url} (${Text.count(conversations)} conversations, seed ${seed})`,
          withContacts: true
        }).pipe(
          Layer.provide(driftLayers({
            token: Redacted.make(sandbox.token),
            baseUrl: sandbox.url,
            rateLimit: false,
            timeout: "10 seconds",
            retry: { times: 2, baseDelay: "50 millis", maxDelay: "1 second" }
          }))
        )
      }))
  }
}

/**
 * The whole Inbox as a layer: the HTTP server on `host:port` serving {@link Server.routes} over the source.
 * `bundle` is the web page ({@link Bundle.load}).
 *
 * @since 0.1.0
 */
export const layer = (
  options: Options,
  bundle: Bundle.Page,
  csrfToken: string = Guard.makeCsrfToken()
): Layer.Layer<
  HttpServer.HttpServer | ThreadSource,
  | FileUnreadable
  | DriftError.InvalidOptions
  | HttpServerError.ServeError
  | PlatformError.PlatformError
  | LedgerReader.LedgerUnreadable
> =>
  HttpRouter.serve(
    Layer.merge(
      Server.routes(bundle, { csrfToken }),
      Guard.layer({ csrfToken, allowedHosts: options.allowedHosts, token: options.token })
    ),
    { disableListenLog: true, disableLogger: true }
  ).pipe(
    Layer.provide(
      options.migration === undefined ? Layer.empty : MigrationLedger.MigrationLedger.layer(options.migration)
    ),
    Layer.provideMerge(sourceLayer(options.source ?? defaults.source)),
    Layer.provideMerge(nodeServer(options.port ?? defaults.port, options.host ?? defaults.host))
  )

/**
 * The Node HTTP server, whose connections are all closed when the Inbox stops. A browser keeps sockets open that
 * have sent no request yet (preconnects) or are between requests, and Node's `close` waits for the first kind; the
 * graceful shutdown then gives up after its timeout (20 s by default) while those connections go on being served.
 * Here a request in flight gets one second to finish; then every connection is closed and the Inbox answers no more.
 */
const nodeServer = (port: number, host: string) =>
  Layer.unwrap(Effect.sync(() => {
    const server = createServer()
    const closeEveryConnection = Layer.effectDiscard(Effect.addFinalizer(() =>
      Effect.sync(() => {
        server.close()
        server.closeAllConnections()
      })
    ))
    return closeEveryConnection.pipe(
      Layer.provideMerge(NodeHttpServer.layer(() => server, { port, host, gracefulShutdownTimeout: "1 second" }))
    )
  }))

/**
 * Starts the Inbox in the current scope (building the web bundle first if it is missing) and tells where it
 * listens; it stops when the scope closes.
 *
 * @example
 * ```ts
 * import { Inbox } from "@parley/inbox"
 * import { Effect } from "effect"
 *
 * Effect.scoped(Effect.gen(function*() {
 *   const inbox = yield* Inbox.start({ port: 0, source: { _tag: "Sandbox", conversations: 300 } })
 *   yield* inbox.source.ready
 *   console.log(inbox.url)
 * }))
 * ```
 *
 * @since 0.1.0
 */
export const start = Effect.fn("Inbox.start")(function*(
  options: Options = {}
): Effect.fn.Return<
  Running,
  | Bundle.BundleMissing
  | FileUnreadable
  | DriftError.InvalidOptions
  | HttpServerError.ServeError
  | PlatformError.PlatformError
  | LedgerReader.LedgerUnreadable
  | Guard.InsecureListen,
  Scope.Scope
> {
  const listen = options.host ?? defaults.host
  if (!Guard.isLoopbackHost(listen) && options.token === undefined) {
    return yield* new Guard.InsecureListen({ host: listen })
  }
  yield* Bundle.ensure()
  const bundle = yield* Bundle.load().pipe(Effect.provide(NodeFileSystem.layer))
  const csrfToken = Guard.makeCsrfToken()
  const context = yield* Layer.build(layer(options, bundle, csrfToken))
  const address = Context.get(context, HttpServer.HttpServer).address
  const port = "port" in address ? address.port : 0
  const host = options.host ?? defaults.host
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    source: Context.get(context, ThreadSource),
    csrfToken
  }
})

/**
 * Starts the Inbox, prints its URL and serves until interrupted (Ctrl-C).
 *
 * @since 0.1.0
 */
export const run = (
  options: Options = {}
): Effect.Effect<
  never,
  | Bundle.BundleMissing
  | FileUnreadable
  | DriftError.InvalidOptions
  | HttpServerError.ServeError
  | PlatformError.PlatformError
  | LedgerReader.LedgerUnreadable
  | Guard.InsecureListen
> =>
  Effect.scoped(Effect.gen(function*() {
    const inbox = yield* start(options)
    yield* Console.log(`Parley Inbox on ${inbox.url} — ${inbox.source.info.label}. API: ${inbox.url}/docs`)
    return yield* Effect.never
  }))

/**
 * The source the flags and the environment ask for: `--file`, else Drift when `DRIFT_TOKEN` is set (with
 * `DRIFT_BASE_URL` and the rest of `DriftClient.config`) and `--sandbox` is not, else the embedded sandbox.
 *
 * @since 0.1.0
 */
export const resolveSource = Effect.fn("Inbox.resolveSource")(function*(args: {
  readonly file: Option.Option<string>
  readonly sandbox: boolean
  readonly conversations: number
  readonly seed: number
  readonly withContacts: boolean
}) {
  if (Option.isSome(args.file)) return { _tag: "File", path: resolve(args.file.value) } as Source
  const token = yield* Config.option(Config.Redacted("DRIFT_TOKEN"))
  if (!args.sandbox && Option.isSome(token) && Redacted.value(token.value).trim() !== "") {
    const client = yield* DriftClient.config
    return { _tag: "Drift", client, withContacts: args.withContacts } as Source
  }
  return { _tag: "Sandbox", conversations: args.conversations, seed: args.seed } as Source
})

/**
 * The command line, re-exported from {@link InboxCommand} (which loads this module only when the command runs):
 * `flags`, `makeCommand(name)` and `command`, the command to mount in another tree
 * (`Command.withSubcommands([..., Inbox.command])`).
 *
 * @since 0.1.0
 */
export { command, flags, makeCommand } from "./InboxCommand.ts"
