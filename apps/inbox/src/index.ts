/**
 * Parley Inbox: an internal review tool for Drift conversations. A small `effect/http-api` server over a Drift
 * workspace or an export file, and a web page that decodes every answer with the `@parley/schema` schemas.
 *
 * @since 0.1.0
 */

/**
 * Run it: `Inbox.run(options)`, `Inbox.start(options)`, and `Inbox.command` to mount as `parley inbox`.
 *
 * @example
 * ```ts
 * import { Inbox } from "@parley/inbox"
 * import { NodeRuntime } from "@effect/platform-node"
 *
 * NodeRuntime.runMain(Inbox.run({ source: { _tag: "File", path: "export.ndjson" } }))
 * ```
 *
 * @since 0.1.0
 */
export * as Inbox from "./Inbox.ts"

/**
 * The API declaration (`InboxApi`), shared by the server, typed clients and the OpenAPI document.
 *
 * @example
 * ```ts
 * import { InboxApi } from "@parley/inbox"
 * import { OpenApi } from "effect/http-api"
 *
 * const spec = OpenApi.fromApi(InboxApi.InboxApi)
 * ```
 *
 * @since 0.1.0
 */
export * as InboxApi from "./InboxApi.ts"

/**
 * The command line (`InboxCommand.command`, `makeCommand`, `flags`), apart from the server: mounting it in a
 * command tree does not load the server, which is loaded when the command runs.
 *
 * @example
 * ```ts
 * import { InboxCommand } from "@parley/inbox"
 * import { Command } from "effect/cli"
 *
 * const parley = Command.make("parley").pipe(Command.withSubcommands([InboxCommand.command]))
 * ```
 *
 * @since 0.2.0
 */
export * as InboxCommand from "./InboxCommand.ts"

/**
 * The API's schemas (pages, thread views, workspace, errors); browser-safe.
 *
 * @example
 * ```ts
 * import { Model } from "@parley/inbox"
 *
 * Model.DEFAULT_PAGE_SIZE // 25
 * ```
 *
 * @since 0.1.0
 */
export * as Model from "./Model.ts"

/**
 * The data source service and its two layers, `fromDrift` and `fromFile`.
 *
 * @example
 * ```ts
 * import { ThreadSource } from "@parley/inbox"
 *
 * const layer = ThreadSource.ThreadSource.fromFile("export.ndjson")
 * ```
 *
 * @since 0.1.0
 */
export * as ThreadSource from "./ThreadSource.ts"

/**
 * The in-memory index: list order, filters, text search, counts.
 *
 * @example
 * ```ts
 * import { ThreadIndex } from "@parley/inbox"
 *
 * const index = new ThreadIndex.ThreadIndex()
 * ```
 *
 * @since 0.1.0
 */
export * as ThreadIndex from "./ThreadIndex.ts"

/**
 * The Intercom view of a thread and what each shape loses.
 *
 * @example
 * ```ts
 * import { Lossy } from "@parley/inbox"
 *
 * Lossy.classicPath(["conversation", "createdAt"]) // ["created_at"]
 * ```
 *
 * @since 0.1.0
 */
export * as Lossy from "./Lossy.ts"

/**
 * The routes: API handlers, the page, the error bodies.
 *
 * @example
 * ```ts
 * import { Server } from "@parley/inbox"
 *
 * Server.CONTENT_SECURITY_POLICY // "default-src 'none'; script-src 'self'; ..."
 * ```
 *
 * @since 0.1.0
 */
export * as Server from "./Server.ts"

/**
 * The web bundle: build when missing, load into memory.
 *
 * @example
 * ```ts
 * import { Bundle } from "@parley/inbox"
 *
 * Bundle.directory // ".../apps/inbox/dist/web"
 * ```
 *
 * @since 0.1.0
 */
export * as Bundle from "./Bundle.ts"

/**
 * Who may talk to the Inbox: loopback (and configured) host names only, same-origin state-changing requests with
 * this run's token, and an access token (`--token`) beyond loopback.
 *
 * @example
 * ```ts
 * import { Guard } from "@parley/inbox"
 *
 * Guard.isLoopbackHost("127.0.0.1:4020") // true
 * ```
 *
 * @since 0.2.0
 */
export * as Guard from "./Guard.ts"

/**
 * Bounds on the work one input may cost: long message bodies are cut before they are sanitized.
 *
 * @example
 * ```ts
 * import { Limits } from "@parley/inbox"
 *
 * Limits.MAX_BODY_CHARS // 131072
 * ```
 *
 * @since 0.2.0
 */
export * as Limits from "./Limits.ts"

/**
 * Each thread's migration state from a `parley migrate` database (`--migration`), read read-only.
 *
 * @example
 * ```ts
 * import { MigrationLedger } from "@parley/inbox"
 *
 * const layer = MigrationLedger.MigrationLedger.layer("parley-migrate.db")
 * ```
 *
 * @since 0.3.0
 */
export * as MigrationLedger from "./MigrationLedger.ts"
