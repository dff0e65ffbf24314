/**
 * @since 0.1.0
 */

/**
 * `effect/sql`'s `SqlClient` over Node's built-in `node:sqlite`.
 *
 * @since 0.1.0
 */
export * as NodeSqlite from "./NodeSqlite.ts"
