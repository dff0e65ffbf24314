/**
 * `effect/sql`'s `SqlClient` over Node's built-in `node:sqlite` (`DatabaseSync`): the embedded database a
 * migration keeps beside its run by default, with no server to install and no native module to build.
 *
 * Why our own adapter: `@effect/sql-sqlite-node` has only 4.0 betas, which import effect's pre-release
 * `unstable/` paths that effect 4.1 no longer exports. Effect 4.1 ships the parts a SQLite driver shares
 * (`SqlClient.make`, `SqlClient.makeSqliteAcquirers` for one connection behind a semaphore with failed-COMMIT
 * cleanup, `Statement.makeCompilerSqlite`, `SqlError.classifySqliteError`), so what is ours is the thin part:
 * running a statement on `DatabaseSync` and mapping its results. It is tested like a driver
 * (`test/NodeSqlite.test.ts`: parameters, every result form, transactions and savepoints, errors classified,
 * safe integers, a file reopened after close).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { SqlClient } from "effect/sql"
 * import { NodeSqlite } from "@parley/migrate"
 *
 * const program = Effect.gen(function*() {
 *   const sql = yield* SqlClient.SqlClient
 *   yield* sql`CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)`
 *   yield* sql`INSERT INTO t ${sql.insert({ id: 1, name: "a" })}`
 *   return yield* sql<{ id: number; name: string }>`SELECT * FROM t`
 * }).pipe(Effect.provide(NodeSqlite.layer({ filename: ":memory:" })))
 * ```
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer, Scope, Semaphore, Stream } from "effect"
import { Reactivity } from "effect/reactivity"
import { SqlClient, SqlError, Statement } from "effect/sql"
import type { SqlConnection } from "effect/sql"
import { DatabaseSync, type SQLInputValue, type StatementSync } from "node:sqlite"

/**
 * Options of the embedded database.
 *
 * @since 0.1.0
 */
export interface Options {
  /** A file path, or `":memory:"`. */
  readonly filename: string
  /** WAL journal (default true): readers do not block the writer and a crash loses no committed transaction. */
  readonly wal?: boolean | undefined
  /** How long a statement waits for a lock held by another process before failing (default 5000 ms). */
  readonly busyTimeoutMillis?: number | undefined
  /**
   * SQLite's `synchronous` setting. `"normal"` (default, with WAL): a commit survives the process being killed at
   * any instant, and only an operating-system crash or power loss can roll back the last commits; one fsync per
   * checkpoint instead of one per commit. `"full"`: every commit is fsync'd (survives power loss; several times
   * slower on most disks).
   */
  readonly synchronous?: "normal" | "full" | undefined
}

const classify = (cause: unknown, message: string, operation: string): SqlError.SqlError => {
  // node:sqlite reports SQLite's extended code as `errcode`; the classifier reads `errno`/`code`.
  const withErrno = typeof cause === "object" && cause !== null && "errcode" in cause && !("errno" in cause)
    ? Object.assign(cause, { errno: (cause as { readonly errcode: unknown }).errcode })
    : cause
  return new SqlError.SqlError({ reason: SqlError.classifySqliteError(withErrno, { message, operation }) })
}

interface NodeSqliteConnection extends SqlConnection.Connection {
  readonly db: DatabaseSync
}

const PREPARED_CAPACITY = 256

/** With `setReturnArrays(true)` each row is an array of its values. */
const values = (rows: Effect.Effect<ReadonlyArray<object>, SqlError.SqlError>) =>
  rows as Effect.Effect<ReadonlyArray<ReadonlyArray<unknown>>, SqlError.SqlError>

const makeConnection = (options: Options): Effect.Effect<NodeSqliteConnection, SqlError.SqlError, Scope.Scope> =>
  Effect.gen(function*() {
    const db = yield* Effect.acquireRelease(
      Effect.try({
        try: () => new DatabaseSync(options.filename, { timeout: options.busyTimeoutMillis ?? 5000 }),
        catch: (cause) => classify(cause, `cannot open the database ${options.filename}`, "open")
      }),
      (db) => Effect.sync(() => db.isOpen && db.close())
    )
    if (options.wal !== false && options.filename !== ":memory:") {
      yield* Effect.try({
        try: () => {
          db.exec("PRAGMA journal_mode = WAL")
          db.exec(`PRAGMA synchronous = ${options.synchronous === "full" ? "FULL" : "NORMAL"}`)
        },
        catch: (cause) => classify(cause, "cannot switch the database to WAL", "open")
      })
    }
    // Prepared statements by SQL text, least recently used evicted past `PREPARED_CAPACITY` (statements with
    // `IN (...)` lists have one text per list length, so the set of texts is not fixed).
    const prepared = new Map<string, StatementSync>()
    const prepare = (sql: string): StatementSync => {
      let statement = prepared.get(sql)
      if (statement === undefined) {
        statement = db.prepare(sql)
        if (prepared.size >= PREPARED_CAPACITY) prepared.delete(prepared.keys().next().value!)
      } else {
        prepared.delete(sql)
      }
      prepared.set(sql, statement)
      return statement
    }

    const run = (
      sql: string,
      params: ReadonlyArray<unknown>,
      mode: "rows" | "raw" | "values",
      cached: boolean
    ): Effect.Effect<ReadonlyArray<object>, SqlError.SqlError> =>
      Effect.withFiber((fiber) =>
        Effect.try({
          try: () => {
            const statement = cached ? prepare(sql) : db.prepare(sql)
            statement.setReadBigInts(Context.get(fiber.context, SqlClient.SafeIntegers))
            statement.setReturnArrays(mode === "values")
            // effect/sql's compiler produces SQLite's input values (numbers, strings, bigints, bytes, null).
            const args = params as Array<SQLInputValue>
            if (statement.columns().length > 0) return statement.all(...args)
            const result = statement.run(...args)
            // `raw` answers the run's result (changes, lastInsertRowid) in place of rows.
            return mode === "raw" ? result as unknown as ReadonlyArray<object> : []
          },
          catch: (cause) => classify(cause, "the statement failed", "execute")
        })
      )

    return {
      db,
      execute: (sql, params, transformRows) => {
        const rows = run(sql, params, "rows", true)
        return transformRows ? Effect.map(rows, transformRows) : rows
      },
      executeRaw: (sql, params) => run(sql, params, "raw", true),
      executeValues: (sql, params) => values(run(sql, params, "values", true)),
      executeValuesUnprepared: (sql, params) => values(run(sql, params, "values", false)),
      executeUnprepared: (sql, params, transformRows) => {
        const rows = run(sql, params, "rows", false)
        return transformRows ? Effect.map(rows, transformRows) : rows
      },
      executeStream: (sql, params, transformRows) =>
        Stream.fromIterableEffect(
          transformRows ? Effect.map(run(sql, params, "rows", true), transformRows) : run(sql, params, "rows", true)
        )
    }
  })

/**
 * A `SqlClient` on one `node:sqlite` connection, shared through a semaphore (SQLite has one writer).
 *
 * @since 0.1.0
 */
export const make = (
  options: Options
): Effect.Effect<SqlClient.SqlClient, SqlError.SqlError, Scope.Scope | Reactivity.Reactivity> =>
  Effect.gen(function*() {
    const connection = yield* makeConnection(options)
    const semaphore = yield* Semaphore.make(1)
    const acquirers = SqlClient.makeSqliteAcquirers({
      connection: Effect.succeed(connection),
      semaphore,
      isTransaction: (conn) => conn.db.isTransaction
    })
    return yield* SqlClient.make({
      acquirer: acquirers.acquirer,
      borrower: acquirers.borrower,
      transactionAcquirer: acquirers.transactionAcquirer,
      onCommitFailure: acquirers.onCommitFailure,
      ...(acquirers.isTransaction ? { isTransaction: acquirers.isTransaction } : {}),
      compiler: Statement.makeCompilerSqlite(),
      driver: "node:sqlite",
      prepareTransactionControls: true,
      spanAttributes: [["db.system.name", "sqlite"]]
    })
  })

/**
 * The layer: `SqlClient` on a `node:sqlite` database, closed when the layer is released.
 *
 * @since 0.1.0
 */
export const layer = (options: Options): Layer.Layer<SqlClient.SqlClient, SqlError.SqlError> =>
  Layer.effect(SqlClient.SqlClient, make(options)).pipe(Layer.provide(Reactivity.layer))
