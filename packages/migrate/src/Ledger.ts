/**
 * The migration's own records, in the same SQL database as the workflow engine's: what each Drift conversation
 * became in Intercom, which writes are done, and which writes were started but not seen to finish (intents).
 *
 * The workflow engine makes each activity run to a recorded result once; the ledger is what makes a single write
 * inside an activity exactly once. Every write to Intercom is bracketed:
 *
 * 1. `done(key)` already recorded: return its result; nothing is sent.
 * 2. `intent(key)` recorded but not `done`: the write may have happened (the process died, or the answer was
 *    lost). Read Intercom back and look for it; if found, record `done` with what was found; if not, write.
 * 3. Otherwise record the intent, write, record `done`.
 *
 * The SQL is portable between SQLite and PostgreSQL (`CREATE TABLE IF NOT EXISTS`, `ON CONFLICT DO NOTHING`).
 *
 * @example
 * ```ts
 * import { Ledger, NodeSqlite } from "@parley/migrate"
 * import { Effect, Layer, Option } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const ledger = yield* Ledger.Ledger
 *   if (Option.isNone(yield* ledger.done("contact:1234"))) {
 *     yield* ledger.intend("contact:1234")
 *     // ... create the contact in Intercom ...
 *     yield* ledger.complete("contact:1234", "6657a1b2c3d4e5f6a7b8c9d0")
 *   }
 *   return yield* ledger.counts
 * }).pipe(Effect.provide(Ledger.Ledger.layer.pipe(Layer.provide(NodeSqlite.layer({ filename: ":memory:" })))))
 * ```
 *
 * On a fleet (`Fleet`), one database holds many workspaces: a ledger made with a `workspace` keeps its rows apart
 * by prefixing every key, Drift id and setting name with `<workspace>/` (workspace names are `[A-Za-z0-9._-]`), and
 * answers with the prefix removed, so the same service works for one workspace or many.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer, Option, Schema } from "effect"
import { SqlClient, type SqlError } from "effect/sql"
import * as KeyedLock from "./internal/keyedLock.ts"

/**
 * What a migration knows about one Drift conversation.
 *
 * @since 0.1.0
 */
export const ConversationStatus = Schema.Literals(["pending", "migrated", "rejected", "mismatch"])
/** @since 0.1.0 */
export type ConversationStatus = typeof ConversationStatus.Type

/**
 * A row of the conversation ledger.
 *
 * @since 0.1.0
 */
export interface ConversationRow {
  readonly driftId: string
  readonly status: ConversationStatus
  readonly intercomId: string | null
  readonly driftStatus: string | null
  readonly reason: string | null
  readonly updatedAt: number
}

/**
 * Counts by status.
 *
 * @since 0.1.0
 */
export interface Counts {
  readonly pending: number
  readonly migrated: number
  readonly rejected: number
  readonly mismatch: number
}

/**
 * The ledger service.
 *
 * @since 0.1.0
 */
export interface Service {
  /** The recorded result of a write, if it is done. */
  readonly done: (key: string) => Effect.Effect<Option.Option<string>, SqlError.SqlError>
  /** Whether a write was started (and may have happened) without being recorded done. */
  readonly hasIntent: (key: string) => Effect.Effect<boolean, SqlError.SqlError>
  /**
   * When the last attempt of a write that is not done was sent (epoch milliseconds), if one was: the write may
   * have happened then.
   */
  readonly intendedAt: (key: string) => Effect.Effect<Option.Option<number>, SqlError.SqlError>
  /** Records that a write is about to be sent (again: the time is that of the latest attempt). */
  readonly intend: (key: string) => Effect.Effect<void, SqlError.SqlError>
  /**
   * Withdraws the intent of a write that is not done, when its answer proved it did not happen (a 429, a 4xx):
   * the next attempt then writes at once instead of reconciling a write that cannot exist.
   */
  readonly retract: (key: string) => Effect.Effect<void, SqlError.SqlError>
  /**
   * Runs `effect` as the only one on `key` in this process: a write shared by conversations (a contact) is made by
   * one of them while the others wait and then find it done, instead of taking its in-flight intent for a write
   * whose fate is unknown. Workers of a fleet do not share this lock; there the intent's settle window holds.
   */
  readonly exclusive: (key: string) => <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  /** Records a write's result (and clears its intent). */
  readonly complete: (key: string, result: string) => Effect.Effect<void, SqlError.SqlError>
  /** Every done write whose key starts with `prefix` (e.g. the parts of one conversation). */
  readonly doneWithPrefix: (
    prefix: string
  ) => Effect.Effect<ReadonlyArray<{ readonly key: string; readonly result: string }>, SqlError.SqlError>
  /** Sets a conversation's status. */
  readonly setConversation: (
    row: Omit<ConversationRow, "updatedAt">,
    plan?: string | undefined
  ) => Effect.Effect<void, SqlError.SqlError>
  /** The plan (JSON) a conversation was last migrated with. */
  readonly plan: (driftId: string) => Effect.Effect<Option.Option<string>, SqlError.SqlError>
  readonly getConversation: (driftId: string) => Effect.Effect<Option.Option<ConversationRow>, SqlError.SqlError>
  /** Conversations with a status, oldest update first. */
  readonly conversations: (
    status?: ConversationStatus | undefined
  ) => Effect.Effect<ReadonlyArray<ConversationRow>, SqlError.SqlError>
  readonly counts: Effect.Effect<Counts, SqlError.SqlError>
  /** A run-wide setting (e.g. the workspace identity a database belongs to). */
  readonly getSetting: (name: string) => Effect.Effect<Option.Option<string>, SqlError.SqlError>
  readonly setSetting: (name: string, value: string) => Effect.Effect<void, SqlError.SqlError>
}

/**
 * The ledger service tag.
 *
 * @since 0.1.0
 */
export class Ledger extends Context.Service<Ledger, Service>()("@parley/migrate/Ledger") {
  /**
   * The ledger on the `SqlClient` in context; creates its tables when missing.
   *
   * @since 0.1.0
   */
  static readonly layer: Layer.Layer<Ledger, SqlError.SqlError, SqlClient.SqlClient> = Layer.effect(
    Ledger,
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      return yield* make(sql)
    })
  )

  /**
   * The ledger of one workspace of a fleet database (see {@link make}'s `workspace`).
   *
   * @since 0.2.0
   */
  static readonly layerWorkspace = (workspace: string): Layer.Layer<Ledger, SqlError.SqlError, SqlClient.SqlClient> =>
    Layer.effect(
      Ledger,
      Effect.gen(function*() {
        const sql = yield* SqlClient.SqlClient
        return yield* make(sql, { workspace })
      })
    )
}

/**
 * Options of {@link make}.
 *
 * @since 0.2.0
 */
export interface MakeOptions {
  /** Keep this workspace's rows apart from the others' in a shared (fleet) database. */
  readonly workspace?: string | undefined
}

/**
 * A row of `parley_conversations` as the database returns it (the ledger and {@link LedgerReader} both read it).
 *
 * @since 0.2.0
 */
export interface RawConversationRow {
  readonly drift_id: string
  readonly status: ConversationStatus
  readonly intercom_id: string | null
  readonly drift_status: string | null
  readonly reason: string | null
  readonly updated_at: number | string
}

const toRow = (r: RawConversationRow, strip = 0): ConversationRow => ({
  driftId: r.drift_id.slice(strip),
  status: r.status,
  intercomId: r.intercom_id,
  driftStatus: r.drift_status,
  reason: r.reason,
  updatedAt: Number(r.updated_at)
})

/**
 * Builds the ledger over a SQL client, creating its tables when missing.
 *
 * @since 0.1.0
 */
export const make = Effect.fnUntraced(function*(sql: SqlClient.SqlClient, options: MakeOptions = {}) {
  yield* sql`CREATE TABLE IF NOT EXISTS parley_writes (
    key TEXT PRIMARY KEY,
    result TEXT,
    intended_at BIGINT NOT NULL,
    done_at BIGINT
  )`
  yield* sql`CREATE TABLE IF NOT EXISTS parley_conversations (
    drift_id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    intercom_id TEXT,
    drift_status TEXT,
    reason TEXT,
    plan TEXT,
    updated_at BIGINT NOT NULL
  )`
  yield* sql`CREATE TABLE IF NOT EXISTS parley_settings (name TEXT PRIMARY KEY, value TEXT NOT NULL)`

  const now = () => Date.now()
  const prefix = options.workspace === undefined ? "" : `${options.workspace}/`
  const k = (key: string) => prefix + key
  const like = (start: string) => start.replace(/[\\%_]/g, (c) => `\\${c}`) + "%"
  const toRows = (rows: ReadonlyArray<RawConversationRow>) => rows.map((r) => toRow(r, prefix.length))
  const exclusive = KeyedLock.make()
  // Without a workspace every row is this ledger's (a single-workspace database); with one, only its own.
  const mine = prefix === "" ? sql`1 = 1` : sql`drift_id LIKE ${like(prefix)} ESCAPE '\\'`
  const service: Service = {
    done: (key) =>
      sql<
        { readonly result: string | null }
      >`SELECT result FROM parley_writes WHERE key = ${k(key)} AND done_at IS NOT NULL`
        .pipe(Effect.map((rows) => Option.fromNullishOr(rows[0]?.result)), Effect.map(Option.map(String))),
    hasIntent: (key) =>
      sql`SELECT 1 AS x FROM parley_writes WHERE key = ${k(key)} AND done_at IS NULL`.pipe(
        Effect.map((rows) => rows.length > 0)
      ),
    intendedAt: (key) =>
      sql<{ readonly intended_at: number | string }>`SELECT intended_at FROM parley_writes
        WHERE key = ${k(key)} AND done_at IS NULL`.pipe(
        Effect.map((rows) => Option.map(Option.fromNullishOr(rows[0]), (row) => Number(row.intended_at)))
      ),
    intend: (key) =>
      Effect.suspend(() => {
        const at = now()
        return sql`INSERT INTO parley_writes (key, intended_at) VALUES (${k(key)}, ${at})
          ON CONFLICT (key) DO UPDATE SET intended_at = ${at} WHERE parley_writes.done_at IS NULL`
      }).pipe(Effect.asVoid),
    exclusive,
    retract: (key) => sql`DELETE FROM parley_writes WHERE key = ${k(key)} AND done_at IS NULL`.pipe(Effect.asVoid),
    complete: (key, result) =>
      sql`INSERT INTO parley_writes (key, result, intended_at, done_at) VALUES (${
        k(key)
      }, ${result}, ${now()}, ${now()})
        ON CONFLICT (key) DO UPDATE SET result = ${result}, done_at = ${now()}`.pipe(Effect.asVoid),
    doneWithPrefix: (start) =>
      sql<{ readonly key: string; readonly result: string }>`SELECT key, result FROM parley_writes
        WHERE key LIKE ${like(k(start))} ESCAPE '\\' AND done_at IS NOT NULL`.pipe(
        Effect.map((rows) => rows.map((r) => ({ key: r.key.slice(prefix.length), result: r.result })))
      ),
    setConversation: (row, plan) =>
      (plan === undefined
        ? sql`INSERT INTO parley_conversations (drift_id, status, intercom_id, drift_status, reason, updated_at)
          VALUES (${k(row.driftId)}, ${row.status}, ${row.intercomId}, ${row.driftStatus}, ${row.reason}, ${now()})
          ON CONFLICT (drift_id) DO UPDATE SET status = ${row.status}, intercom_id = ${row.intercomId},
            drift_status = ${row.driftStatus}, reason = ${row.reason}, updated_at = ${now()}`
        : sql`INSERT INTO parley_conversations (drift_id, status, intercom_id, drift_status, reason, plan, updated_at)
          VALUES (${
          k(row.driftId)
        }, ${row.status}, ${row.intercomId}, ${row.driftStatus}, ${row.reason}, ${plan}, ${now()})
          ON CONFLICT (drift_id) DO UPDATE SET status = ${row.status}, intercom_id = ${row.intercomId},
            drift_status = ${row.driftStatus}, reason = ${row.reason}, plan = ${plan}, updated_at = ${now()}`).pipe(
          Effect.asVoid
        ),
    plan: (driftId) =>
      sql<{ readonly plan: string | null }>`SELECT plan FROM parley_conversations WHERE drift_id = ${k(driftId)}`.pipe(
        Effect.map((rows) => Option.fromNullishOr(rows[0]?.plan))
      ),
    getConversation: (driftId) =>
      sql<
        RawConversationRow
      >`SELECT drift_id, status, intercom_id, drift_status, reason, updated_at FROM parley_conversations WHERE drift_id = ${
        k(driftId)
      }`
        .pipe(
          Effect.map((rows) => Option.map(Option.fromNullishOr(rows[0]), (r) => toRow(r, prefix.length)))
        ),
    conversations: (status) =>
      (status === undefined
        ? sql<
          RawConversationRow
        >`SELECT drift_id, status, intercom_id, drift_status, reason, updated_at FROM parley_conversations WHERE ${mine}
            ORDER BY updated_at, drift_id`
        : sql<
          RawConversationRow
        >`SELECT drift_id, status, intercom_id, drift_status, reason, updated_at FROM parley_conversations
            WHERE status = ${status} AND ${mine} ORDER BY updated_at, drift_id`).pipe(Effect.map(toRows)),
    counts: sql<{ readonly status: ConversationStatus; readonly n: number | string }>`SELECT status, COUNT(*) AS n
      FROM parley_conversations WHERE ${mine} GROUP BY status`.pipe(
      Effect.map((rows) => {
        const counts = { pending: 0, migrated: 0, rejected: 0, mismatch: 0 }
        for (const r of rows) counts[r.status] = Number(r.n)
        return counts
      })
    ),
    getSetting: (name) =>
      sql<{ readonly value: string }>`SELECT value FROM parley_settings WHERE name = ${k(name)}`.pipe(
        Effect.map((rows) => Option.map(Option.fromNullishOr(rows[0]), (r) => r.value))
      ),
    setSetting: (name, value) =>
      sql`INSERT INTO parley_settings (name, value) VALUES (${k(name)}, ${value})
        ON CONFLICT (name) DO UPDATE SET value = ${value}`.pipe(Effect.asVoid)
  }
  return service
})
