/**
 * @since 0.1.0
 */

/**
 * `effect/sql`'s `SqlClient` over Node's built-in `node:sqlite`.
 *
 * @since 0.1.0
 */
export * as NodeSqlite from "./NodeSqlite.ts"

/**
 * The plan of one conversation (the workflow's payload).
 *
 * @since 0.1.0
 */
export * as Plan from "./Plan.ts"

/**
 * The migration's own records: conversations, writes done, writes intended.
 *
 * @since 0.1.0
 */
export * as Ledger from "./Ledger.ts"

/**
 * The per-conversation workflow and its activities.
 *
 * @since 0.1.0
 */
export * as MigrateWorkflow from "./MigrateWorkflow.ts"

/**
 * plan, run, verify, status.
 *
 * @since 0.1.0
 */
export * as Migration from "./Migration.ts"

/**
 * The workflow engine and database layers.
 *
 * @since 0.1.0
 */
export * as Engine from "./Engine.ts"

/**
 * Sealing a fleet's workspace tokens with the fleet key (AES-256-GCM).
 *
 * @since 0.2.0
 */
export * as Secrets from "./Secrets.ts"

/**
 * The rate-limit budget every worker of a fleet shares, in PostgreSQL.
 *
 * @since 0.2.0
 */
export * as Budget from "./Budget.ts"

/**
 * Many workspaces on a cluster of workers over PostgreSQL: the workflows, the worker and client layers, submit,
 * status.
 *
 * @since 0.2.0
 */
export * as Fleet from "./Fleet.ts"

/**
 * The ledger read from outside a run, read-only: each conversation's state (pending, migrated with its Intercom
 * id, rejected with its reason, a verify mismatch with its fields).
 *
 * @since 0.2.0
 */
export * as LedgerReader from "./LedgerReader.ts"
