/**
 * The ledger read from outside a run: what each Drift conversation became (pending, migrated with its Intercom id,
 * rejected with its reason, or a verify mismatch with the fields that differ), from a migration database opened
 * **read-only**. It never creates a table or writes a row, so a reviewer's tool (Parley Inbox) can read a database
 * a `parley migrate run` is writing at the same time (SQLite's WAL lets readers and one writer work at once).
 *
 * - a file path opens the SQLite file with `mode=ro` (through {@link NodeSqlite}); a missing file is
 *   {@link LedgerUnreadable} `Missing`, never a new empty database;
 * - a `postgres://` URL connects through `@effect/sql-pg`, and only `SELECT`s are sent;
 * - a database without the ledger's table is `NotALedger`.
 *
 * @example
 * ```ts
 * import { LedgerReader } from "@parley/migrate"
 * import { Effect } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const states = yield* LedgerReader.read("parley-migrate.db")
 *   for (const state of states) {
 *     if (state.status === "mismatch") console.log(state.driftId, state.mismatches.map((m) => m.field))
 *   }
 * })
 * ```
 *
 * @since 0.2.0
 */
import { PgClient } from "@effect/sql-pg"
import { Context, Effect, Exit, Layer, Redacted, Schema, type Scope } from "effect"
import { SqlClient, type SqlError } from "effect/sql"
import * as fs from "node:fs"
import * as path from "node:path"
import { pathToFileURL } from "node:url"
import * as Engine from "./Engine.ts"
import type { ConversationStatus, RawConversationRow } from "./Ledger.ts"
import * as NodeSqlite from "./NodeSqlite.ts"

/**
 * One field a verify found different: what the plan expected and what Intercom holds.
 *
 * @since 0.2.0
 */
export const MismatchField = Schema.Struct({
  field: Schema.String,
  expected: Schema.String,
  actual: Schema.String
})
/** @since 0.2.0 */
export interface MismatchField extends Schema.Schema.Type<typeof MismatchField> {}

/**
 * The fields of a `mismatch`, as `Migration.verify` records them in the ledger's `reason` (JSON text).
 *
 * @since 0.2.0
 */
export const MismatchesJson = Schema.fromJsonString(Schema.Array(MismatchField))

const decodeMismatches = Schema.decodeUnknownExit(MismatchesJson)

/**
 * What a migration knows about one Drift conversation.
 *
 * @since 0.2.0
 */
export interface ConversationState {
  /** The Drift conversation id, as text. */
  readonly driftId: string
  readonly status: ConversationStatus
  /** The Intercom conversation id, once it was created (`migrated`, `mismatch`). */
  readonly intercomId: string | null
  /** The Drift status the conversation had when it was migrated. */
  readonly driftStatus: string | null
  /** Why it was `rejected` (the mapping's or Intercom's words); for a `mismatch`, the fields in plain words. */
  readonly reason: string | null
  /** For a `mismatch`: every field that differs (empty when verify recorded none, or for other statuses). */
  readonly mismatches: ReadonlyArray<MismatchField>
  /** When the ledger last changed this row (epoch milliseconds). */
  readonly updatedAt: number
}

/**
 * The migration database could not be read: `Missing` (no such file), `NotALedger` (no ledger table: not a
 * `parley migrate` database), `Storage` (the database refused or could not be reached; `detail` says how).
 *
 * @since 0.2.0
 */
export class LedgerUnreadable extends Schema.TaggedError<LedgerUnreadable>()("LedgerUnreadable", {
  database: Schema.String,
  reason: Schema.Literals(["Missing", "NotALedger", "Storage"]),
  detail: Schema.String
}) {
  override get message(): string {
    switch (this.reason) {
      case "Missing":
        return `There is no migration database at ${this.database}: run \`parley migrate run\` first, or give the path of its --database`
      case "NotALedger":
        return `${this.database} is not a Parley migration database (it has no parley_conversations table)`
      case "Storage":
        return `Cannot read the migration database ${this.database}: ${this.detail}`
    }
  }
}

/** What is shown of a database in messages: a file path as given, a URL without its credentials. */
const label = (database: string): string => {
  if (!Engine.isPostgres(database)) return database
  if (!URL.canParse(database)) return "the PostgreSQL database"
  const url = new URL(database)
  url.username = ""
  url.password = ""
  return url.href
}

/**
 * Opens a migration database read-only (a SQLite file path or a `postgres://` URL), closed with the scope.
 *
 * @since 0.2.0
 */
export const open = Effect.fn("LedgerReader.open")(function*(
  database: string
): Effect.fn.Return<SqlClient.SqlClient, LedgerUnreadable, Scope.Scope> {
  const shown = label(database)
  const storage = (error: SqlError.SqlError) =>
    new LedgerUnreadable({ database: shown, reason: "Storage", detail: error.message })
  if (Engine.isPostgres(database)) {
    const context = yield* Layer.build(PgClient.layer({ url: Redacted.make(database) })).pipe(
      Effect.mapError(storage)
    )
    return Context.get(context, SqlClient.SqlClient)
  }
  const file = path.resolve(database)
  if (!fs.existsSync(file)) {
    return yield* new LedgerUnreadable({ database: shown, reason: "Missing", detail: "no such file" })
  }
  // `mode=ro`: SQLite opens the file read-only (and never creates it); no journal pragma is sent.
  const context = yield* Layer.build(NodeSqlite.layer({ filename: `${pathToFileURL(file).href}?mode=ro`, wal: false }))
    .pipe(Effect.mapError(storage))
  return Context.get(context, SqlClient.SqlClient)
})

/**
 * A read-only `SqlClient` on a migration database, as a layer (see {@link open}).
 *
 * @since 0.2.0
 */
export const layer = (database: string): Layer.Layer<SqlClient.SqlClient, LedgerUnreadable> =>
  Layer.effect(SqlClient.SqlClient, open(database))

type Row = RawConversationRow

const toState = (row: Row): ConversationState => {
  const decoded = row.status === "mismatch" && row.reason !== null ? decodeMismatches(row.reason) : undefined
  const mismatches = decoded !== undefined && Exit.isSuccess(decoded) ? decoded.value : []
  return {
    driftId: String(row.drift_id),
    status: row.status,
    intercomId: row.intercom_id === null ? null : String(row.intercom_id),
    driftStatus: row.drift_status,
    reason: mismatches.length > 0 ? describeMismatches(mismatches) : row.reason,
    mismatches,
    updatedAt: Number(row.updated_at)
  }
}

/**
 * The fields of a mismatch in plain words: `state: expected closed, found open; parts: expected 4, found 3`.
 *
 * @example
 * ```ts
 * import { LedgerReader } from "@parley/migrate"
 *
 * LedgerReader.describeMismatches([{ field: "state", expected: "closed", actual: "open" }])
 * // "state: expected closed, found open"
 * ```
 *
 * @since 0.2.0
 */
export const describeMismatches = (mismatches: ReadonlyArray<MismatchField>): string =>
  mismatches.map((m) => `${m.field}: expected ${m.expected}, found ${m.actual}`).join("; ")

/**
 * Every conversation of the ledger on the `SqlClient` in context, by Drift id order. Sends only `SELECT`s.
 *
 * @since 0.2.0
 */
export const states = Effect.fn("LedgerReader.states")(function*(database: string = "the migration database") {
  const sql = yield* SqlClient.SqlClient
  const storage = (error: SqlError.SqlError) =>
    new LedgerUnreadable({ database: label(database), reason: "Storage", detail: error.message })
  const tables = yield* sql.onDialectOrElse({
    pg: () =>
      sql<{ readonly n: number | string }>`SELECT COUNT(*) AS n FROM information_schema.tables
        WHERE table_name = 'parley_conversations'`,
    orElse: () =>
      sql<{ readonly n: number | string }>`SELECT COUNT(*) AS n FROM sqlite_master
        WHERE type = 'table' AND name = 'parley_conversations'`
  }).pipe(Effect.mapError(storage))
  if (Number(tables[0]?.n ?? 0) === 0) {
    return yield* new LedgerUnreadable({ database: label(database), reason: "NotALedger", detail: "no ledger table" })
  }
  const rows = yield* sql<Row>`SELECT drift_id, status, intercom_id, drift_status, reason, updated_at
    FROM parley_conversations ORDER BY drift_id`.pipe(Effect.mapError(storage))
  return rows.map(toState)
})

/**
 * Opens `database` read-only, reads every conversation's state, and closes it.
 *
 * @since 0.2.0
 */
export const read = (database: string): Effect.Effect<ReadonlyArray<ConversationState>, LedgerUnreadable> =>
  Effect.scoped(
    Effect.flatMap(open(database), (sql) => states(database).pipe(Effect.provideService(SqlClient.SqlClient, sql)))
  )
