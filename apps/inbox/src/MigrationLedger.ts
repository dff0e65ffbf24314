/**
 * The migration state of each thread, from a `parley migrate` database (`--migration`): the SQLite file a run
 * keeps (`parley-migrate.db` by default) or a `postgres://` URL, opened **read-only** through
 * `@parley/migrate`'s `LedgerReader` (no table created, no row written), so a reviewer can watch a run that is
 * writing the database at the same time.
 *
 * The ledger is read when the Inbox starts (a database that cannot be read stops the start with its reason), then
 * again when it is older than two seconds and asked for, and on Refresh (`POST /api/reload`). A later read that
 * fails keeps the states read before, and says why.
 *
 * @example
 * ```ts
 * import { MigrationLedger } from "@parley/inbox"
 * import { Effect } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const ledger = yield* MigrationLedger.MigrationLedger
 *   const snapshot = yield* ledger.snapshot
 *   snapshot.states.get("464032472")?.status // "migrated"
 * }).pipe(Effect.provide(MigrationLedger.MigrationLedger.layer("parley-migrate.db")))
 * ```
 *
 * @since 0.3.0
 */
import { LedgerReader } from "@parley/migrate"
import type { Drift } from "@parley/schema"
import { Context, DateTime, Effect, Layer } from "effect"
import type * as Model from "./Model.ts"

/**
 * The states read at one moment.
 *
 * @since 0.3.0
 */
export interface Snapshot {
  /** By Drift conversation id (as text). */
  readonly states: ReadonlyMap<string, Model.MigrationState>
  /** Why the last read failed (the states are then those of the read before). */
  readonly error: string | undefined
}

/**
 * The service.
 *
 * @since 0.3.0
 */
export interface Shape {
  /** The database as shown (a URL without its credentials). */
  readonly database: string
  /** The states, read again when older than two seconds. */
  readonly snapshot: Effect.Effect<Snapshot>
  /** Reads the ledger again now. */
  readonly refresh: Effect.Effect<Snapshot>
}

const toState = (state: LedgerReader.ConversationState): Model.MigrationState => ({
  status: state.status,
  intercomId: state.intercomId,
  reason: state.reason,
  mismatches: state.mismatches,
  updatedAt: DateTime.makeUnsafe(state.updatedAt)
})

const toMap = (states: ReadonlyArray<LedgerReader.ConversationState>): ReadonlyMap<string, Model.MigrationState> =>
  new Map(states.map((s) => [s.driftId, toState(s)]))

/** The database as shown in the page: a URL without its credentials, a path as given. */
const shown = (database: string): string => {
  if (!/^postgres(ql)?:\/\//i.test(database) || !URL.canParse(database)) return database
  const url = new URL(database)
  url.username = ""
  url.password = ""
  return url.href
}

/**
 * The migration ledger service.
 *
 * @since 0.3.0
 */
export class MigrationLedger extends Context.Service<MigrationLedger, Shape>()("@parley/inbox/MigrationLedger") {
  /**
   * Reads `database` (a SQLite file path or a `postgres://` URL) read-only; fails with `LedgerUnreadable` when the
   * first read fails (no such file, not a migration database, the database refused).
   *
   * @since 0.3.0
   */
  static readonly layer = (
    database: string
  ): Layer.Layer<MigrationLedger, LedgerReader.LedgerUnreadable> =>
    Layer.effect(
      MigrationLedger,
      Effect.gen(function*() {
        let last: Snapshot = { states: toMap(yield* LedgerReader.read(database)), error: undefined }
        const read = LedgerReader.read(database).pipe(
          Effect.map((states): Snapshot => ({ states: toMap(states), error: undefined })),
          Effect.catchTag("LedgerUnreadable", (error) => Effect.succeed<Snapshot>({ ...last, error: error.message })),
          Effect.tap((snapshot) => Effect.sync(() => (last = snapshot)))
        )
        const [cached, invalidate] = yield* Effect.cachedInvalidateWithTTL(read, "2 seconds")
        return MigrationLedger.of({
          database: shown(database),
          snapshot: cached,
          refresh: Effect.andThen(invalidate, cached)
        })
      })
    )
}

/**
 * Whether a conversation's state matches a filter (`none`: not in the ledger).
 *
 * @since 0.3.0
 */
export const matches = (
  states: ReadonlyMap<string, Model.MigrationState>,
  filter: Model.MigrationFilter
) =>
(id: Drift.ConversationId): boolean => {
  const state = states.get(String(id))
  return filter === "none" ? state === undefined : state?.status === filter
}

/**
 * The counts of the workspace's conversations by state.
 *
 * @since 0.3.0
 */
export const counts = (
  states: ReadonlyMap<string, Model.MigrationState>,
  ids: ReadonlyArray<Drift.ConversationId>
): Model.MigrationInfo["counts"] => {
  const out = { pending: 0, migrated: 0, rejected: 0, mismatch: 0, none: 0 }
  for (const id of ids) out[states.get(String(id))?.status ?? "none"]++
  return out
}
