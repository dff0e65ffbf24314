/**
 * The durable machinery a migration runs on: a one-node `effect/cluster` (`SingleRunner`) with
 * `ClusterWorkflowEngine`, its message storage and our {@link Ledger} in one SQL database, and the
 * {@link MigrateWorkflow} registered on it.
 *
 * The database is a file beside the run by default (`node:sqlite`, see {@link NodeSqlite}), or PostgreSQL by
 * URL (`postgres://...`, through `@effect/sql-pg`, which speaks PostgreSQL's protocol itself).
 *
 * @example
 * ```ts
 * import { NodeHttpClient } from "@effect/platform-node"
 * import { IntercomClient } from "@parley/intercom-client"
 * import { Engine } from "@parley/migrate"
 * import { Layer } from "effect"
 *
 * const intercom = IntercomClient.IntercomClient.layerConfig.pipe(Layer.provide(NodeHttpClient.layerUndici))
 * const engine = Engine.layer({ database: "parley-migrate.db" }).pipe(Layer.provide(intercom))
 * const onPostgres = Engine.layer({ database: "postgres://parley@localhost/parley" }).pipe(Layer.provide(intercom))
 * ```
 *
 * @since 0.1.0
 */
import { NodeCrypto } from "@effect/platform-node"
import { PgClient } from "@effect/sql-pg"
import type { IntercomClient } from "@parley/intercom-client"
import type { Config } from "effect"
import { Layer, Redacted } from "effect"
import { ClusterWorkflowEngine, SingleRunner } from "effect/cluster"
import type { SqlError } from "effect/sql"
import type { SqlClient } from "effect/sql"
import type { WorkflowEngine } from "effect/workflow"
import { Ledger } from "./Ledger.ts"
import * as MigrateWorkflow from "./MigrateWorkflow.ts"
import * as NodeSqlite from "./NodeSqlite.ts"

/**
 * Whether a `--database` value is a PostgreSQL URL.
 *
 * @since 0.1.0
 */
export const isPostgres = (database: string): boolean => /^postgres(ql)?:\/\//i.test(database)

/**
 * The SQL client for a `--database` value: a PostgreSQL URL, or a file path (`:memory:` for tests).
 *
 * @since 0.1.0
 */
export const database = (database: string): Layer.Layer<SqlClient.SqlClient, SqlError.SqlError> =>
  isPostgres(database)
    ? PgClient.layer({ url: Redacted.make(database) })
    : NodeSqlite.layer({ filename: database })

/**
 * The workflow engine, the ledger and the registered workflow over the SQL client in context.
 *
 * @since 0.1.0
 */
export const layerWithoutDatabase: Layer.Layer<
  WorkflowEngine.WorkflowEngine | Ledger,
  SqlError.SqlError | Config.ConfigError,
  IntercomClient.IntercomClient | SqlClient.SqlClient
> = MigrateWorkflow.layer.pipe(
  Layer.provideMerge(Ledger.layer),
  Layer.provideMerge(ClusterWorkflowEngine.layer),
  Layer.provideMerge(SingleRunner.layer({ runnerStorage: "memory" })),
  Layer.provide(NodeCrypto.layerDigest)
)

/**
 * Everything a migration needs besides the Drift and Intercom clients, on the given database. It fails with the
 * database's `SqlError` (cannot open or migrate it) or a `ConfigError`.
 *
 * @since 0.1.0
 */
export const layer = (options: { readonly database: string }): Layer.Layer<
  WorkflowEngine.WorkflowEngine | Ledger | SqlClient.SqlClient,
  SqlError.SqlError | Config.ConfigError,
  IntercomClient.IntercomClient
> => layerWithoutDatabase.pipe(Layer.provideMerge(database(options.database)))
