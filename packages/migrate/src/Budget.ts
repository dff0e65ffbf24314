/**
 * A rate-limit budget shared by every worker of a fleet, kept in the fleet's PostgreSQL database: one row per
 * budget key (`<workspace>/intercom`, `<workspace>/drift`) and window, counted in the database's own clock.
 *
 * A permit is one statement: the current window's row is created or its count raised by one, only while the count
 * is under the window's allowance, and never in the last `guardMillis` of a window (so a request granted late in a
 * window still reaches the server inside it). Two workers asking at once are serialized by the row lock, so the
 * workers together never take more than `perWindow` permits in one window; a worker refused sleeps until the next
 * window starts and asks again. Nothing lives in a worker's memory: a worker that dies holds nothing, and one that
 * takes over its shards draws from the same rows.
 *
 * Windows are aligned on the epoch, as Intercom's 10-second windows are (the sandbox's too), so a budget window
 * and a server window are the same interval: a server window can only see the permits of its own budget window.
 *
 * Effect's `RateLimiter` (`effect/persistence`) has stores in memory and Redis only, and its fixed window starts
 * when a key is first used rather than on the epoch, so two of its windows can fall in one of Intercom's; hence
 * this small store in the database every worker already shares.
 *
 * @since 0.2.0
 */
import { Context, Duration, Effect, Layer, Random, Schedule } from "effect"
import { HttpClient } from "effect/http"
import { SqlClient, type SqlError } from "effect/sql"

/**
 * One budget: `perWindow` permits in each `windowMillis` window (aligned on the epoch), none in the last
 * `guardMillis` of a window.
 *
 * @since 0.2.0
 */
export interface Rule {
  readonly key: string
  readonly perWindow: number
  readonly windowMillis: number
  readonly guardMillis: number
}

/**
 * Intercom's budget for a workspace allowed `perMinute` calls a minute: Intercom counts in 10-second windows of
 * `ceil(perMinute / 6)`; the budget keeps `reserve` of each (default 10%, at least one) for requests still on
 * their way when a window turns, and grants nothing in the last 500 ms.
 *
 * @since 0.2.0
 */
export const intercomRule = (workspace: string, perMinute: number, reserve = 0.1): Rule => {
  const perWindow = Math.ceil(perMinute / 6)
  return {
    key: `${workspace}/intercom`,
    perWindow: Math.max(1, perWindow - Math.max(1, Math.ceil(perWindow * reserve))),
    windowMillis: 10_000,
    guardMillis: 500
  }
}

/**
 * Drift's budget for a workspace allowed `perMinute` requests a minute, counted per second (Drift's limit is a
 * bucket refilled every second).
 *
 * @since 0.2.0
 */
export const driftRule = (workspace: string, perMinute: number): Rule => ({
  key: `${workspace}/drift`,
  perWindow: Math.max(1, Math.floor(perMinute / 60)),
  windowMillis: 1_000,
  guardMillis: 0
})

/**
 * What a budget granted in one window.
 *
 * @since 0.2.0
 */
export interface WindowGrant {
  readonly key: string
  readonly windowStart: number
  readonly granted: number
}

/**
 * The budget service.
 *
 * @since 0.2.0
 */
export interface Service {
  /** Waits for a permit of `rule` (sleeping until the next window while the current one is spent). */
  readonly take: (rule: Rule) => Effect.Effect<void, SqlError.SqlError>
  /** The permits granted per window, for keys starting with `prefix`, oldest first. */
  readonly grants: (prefix: string) => Effect.Effect<ReadonlyArray<WindowGrant>, SqlError.SqlError>
  /** Deletes windows older than `olderThan` (the database's clock). */
  readonly prune: (olderThan: Duration.Input) => Effect.Effect<void, SqlError.SqlError>
}

/**
 * The budget service tag.
 *
 * @since 0.2.0
 */
export class Budget extends Context.Service<Budget, Service>()("@parley/migrate/Budget") {
  /**
   * The budget on the PostgreSQL `SqlClient` in context; creates its table when missing.
   *
   * @since 0.2.0
   */
  static readonly layer: Layer.Layer<Budget, SqlError.SqlError, SqlClient.SqlClient> = Layer.effect(
    Budget,
    Effect.gen(function*() {
      return yield* make(yield* SqlClient.SqlClient)
    })
  )
}

/**
 * The advisory lock the fleet's `CREATE TABLE`s run under: PostgreSQL's `CREATE TABLE IF NOT EXISTS` is not safe
 * against itself (two sessions creating the same table at once: one fails on `pg_type`), and workers start together.
 *
 * @since 0.2.0
 */
export const SCHEMA_LOCK = 718004019

/**
 * Creates the budget's table (PostgreSQL), under {@link SCHEMA_LOCK}.
 *
 * @since 0.2.0
 */
export const createTable = (sql: SqlClient.SqlClient) =>
  sql.withTransaction(Effect.gen(function*() {
    yield* sql`SELECT pg_advisory_xact_lock(${sql.literal(String(SCHEMA_LOCK))})`
    yield* sql`CREATE TABLE IF NOT EXISTS parley_fleet_budget (
      key TEXT NOT NULL,
      window_start BIGINT NOT NULL,
      granted INTEGER NOT NULL,
      PRIMARY KEY (key, window_start)
    )`
  }))

/**
 * Builds the budget over a PostgreSQL client.
 *
 * @since 0.2.0
 */
export const make = Effect.fnUntraced(function*(sql: SqlClient.SqlClient) {
  yield* createTable(sql)
  const attempt = (rule: Rule) =>
    sql<{ readonly now: string | number; readonly granted: string | number | null }>`
      WITH clock AS (SELECT (EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::BIGINT AS ms),
      grant_row AS (
        INSERT INTO parley_fleet_budget (key, window_start, granted)
        SELECT ${rule.key}, (ms / ${rule.windowMillis}::BIGINT) * ${rule.windowMillis}::BIGINT, 1 FROM clock
        WHERE ms % ${rule.windowMillis}::BIGINT < ${rule.windowMillis - rule.guardMillis}::BIGINT
        ON CONFLICT (key, window_start) DO UPDATE SET granted = parley_fleet_budget.granted + 1
          WHERE parley_fleet_budget.granted < ${rule.perWindow}::INTEGER
        RETURNING granted
      )
      SELECT clock.ms AS now, (SELECT granted FROM grant_row) AS granted FROM clock`.pipe(
      Effect.map((rows) => ({ now: Number(rows[0]?.now ?? 0), granted: rows[0]?.granted != null }))
    )
  const take = (rule: Rule): Effect.Effect<void, SqlError.SqlError> =>
    Effect.gen(function*() {
      while (true) {
        const result = yield* attempt(rule)
        if (result.granted) return
        // Spent (or in the guard): sleep to the next window, spread over its first 50 ms.
        const next = (Math.floor(result.now / rule.windowMillis) + 1) * rule.windowMillis
        yield* Effect.sleep(Duration.millis(next - result.now + (yield* Random.nextIntBetween(0, 50))))
      }
    })
  return Budget.of({
    take,
    grants: (prefix) =>
      sql<{ readonly key: string; readonly window_start: string | number; readonly granted: string | number }>`
        SELECT key, window_start, granted FROM parley_fleet_budget
        WHERE key LIKE ${prefix.replace(/[\\%_]/g, (c) => `\\${c}`) + "%"} ESCAPE '\\'
        ORDER BY window_start, key`.pipe(
        Effect.map((rows) =>
          rows.map((r) => ({ key: r.key, windowStart: Number(r.window_start), granted: Number(r.granted) }))
        )
      ),
    prune: (olderThan) =>
      sql`DELETE FROM parley_fleet_budget WHERE window_start <
        (EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::BIGINT - ${
        Duration.toMillis(Duration.fromInputUnsafe(olderThan))
      }::BIGINT`.pipe(Effect.asVoid)
  })
})

/**
 * The `HttpClient` in context with a permit of `rule` taken before every request it sends (each attempt of a
 * retried call is a request, and takes its own permit). A database failure while asking is retried, then a defect.
 *
 * @since 0.2.0
 */
export const layerHttpClient = (
  rule: Rule
): Layer.Layer<HttpClient.HttpClient, never, HttpClient.HttpClient | Budget> =>
  Layer.effect(
    HttpClient.HttpClient,
    Effect.gen(function*() {
      const base = yield* HttpClient.HttpClient
      const budget = yield* Budget
      const permit = budget.take(rule).pipe(
        Effect.retry({ schedule: Schedule.exponential("100 millis"), times: 5 }),
        Effect.orDie
      )
      return base.pipe(HttpClient.transform((effect) => Effect.andThen(permit, effect)))
    })
  )
