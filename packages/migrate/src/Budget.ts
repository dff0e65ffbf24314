/**
 * A rate-limit budget shared by every worker of a fleet, kept in the fleet's PostgreSQL database: one row per
 * budget key (`<workspace>/intercom`, `<workspace>/drift`) and window, counted in the database's own clock.
 *
 * A claim is one statement: the current window's row is created or its count raised by up to `batch` permits
 * (see {@link defaultBatch}: 1 below 200 a window, 15 at Intercom's 10,000 a minute), only up to the window's
 * allowance, and never in the last `guardMillis` of a window (so a request granted late in a window still reaches
 * the server inside it). Two workers asking at once are serialized by the row lock, so the workers together never
 * take more than `perWindow` permits in one window; a worker refused sleeps until the next window starts and asks
 * again. A worker hands out what it claimed only inside that window and before its guard, then drops the rest:
 * what lives in a worker's memory can leave part of a window unused, never exceed it, and a worker that dies takes
 * nothing with it that a takeover would need.
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
import * as KeyedLock from "./internal/keyedLock.ts"

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
  /**
   * Permits a worker claims from the database at once and hands out itself until its window ends (default
   * {@link defaultBatch}): one round trip per `batch` requests instead of one per request. Permits claimed and not
   * used before the window's guard are dropped, never carried into the next window: a batch can only leave part
   * of a window unused, never exceed it.
   */
  readonly batch?: number | undefined
}

/**
 * The default claim size for a rule: 1% of its window's allowance, from 1 (no batching below 200 a window) to 16.
 *
 * @since 0.2.0
 */
export const defaultBatch = (rule: Pick<Rule, "perWindow">): number =>
  Math.max(1, Math.min(16, Math.floor(rule.perWindow / 100)))

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
    // The size of the latest claim on the row (the UPDATE's SET sees the row before it, so this is what it took).
    yield* sql`ALTER TABLE parley_fleet_budget ADD COLUMN IF NOT EXISTS last_claim INTEGER NOT NULL DEFAULT 0`
  }))

/**
 * Builds the budget over a PostgreSQL client.
 *
 * @since 0.2.0
 */
export const make = Effect.fnUntraced(function*(sql: SqlClient.SqlClient) {
  yield* createTable(sql)
  /** Claims up to `batch` permits of the current window in one statement: how many it got, and the window. */
  const claim = (rule: Rule, batch: number) =>
    sql<{
      readonly now: string | number
      readonly claimed: string | number | null
      readonly window_start: string | number | null
    }>`
      WITH clock AS (SELECT (EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::BIGINT AS ms),
      grant_row AS (
        INSERT INTO parley_fleet_budget (key, window_start, granted, last_claim)
        SELECT ${rule.key}, (ms / ${rule.windowMillis}::BIGINT) * ${rule.windowMillis}::BIGINT,
          LEAST(${batch}::INTEGER, ${rule.perWindow}::INTEGER), LEAST(${batch}::INTEGER, ${rule.perWindow}::INTEGER)
        FROM clock
        WHERE ms % ${rule.windowMillis}::BIGINT < ${rule.windowMillis - rule.guardMillis}::BIGINT
        ON CONFLICT (key, window_start) DO UPDATE SET
          last_claim = LEAST(${batch}::INTEGER, ${rule.perWindow}::INTEGER - parley_fleet_budget.granted),
          granted = parley_fleet_budget.granted
            + LEAST(${batch}::INTEGER, ${rule.perWindow}::INTEGER - parley_fleet_budget.granted)
          WHERE parley_fleet_budget.granted < ${rule.perWindow}::INTEGER
        RETURNING last_claim, window_start
      )
      SELECT clock.ms AS now, (SELECT last_claim FROM grant_row) AS claimed,
        (SELECT window_start FROM grant_row) AS window_start FROM clock`.pipe(
      Effect.map((rows) => ({
        now: Number(rows[0]?.now ?? 0),
        claimed: rows[0]?.claimed == null ? 0 : Number(rows[0].claimed),
        windowStart: rows[0]?.window_start == null ? 0 : Number(rows[0].window_start)
      }))
    )
  /** Permits this worker claimed and has not handed out yet, per key: usable until their window's guard. */
  interface Pool {
    windowStart: number
    remaining: number
    /** The database's clock minus this process's, at the claim. */
    offset: number
  }
  const pools = new Map<string, Pool>()
  const claiming = KeyedLock.make()
  const fromPool = (rule: Rule): boolean => {
    const pool = pools.get(rule.key)
    if (pool === undefined || pool.remaining === 0) return false
    const now = Date.now() + pool.offset
    if (now < pool.windowStart || now >= pool.windowStart + rule.windowMillis - rule.guardMillis) return false
    pool.remaining--
    return true
  }
  const take = (rule: Rule): Effect.Effect<void, SqlError.SqlError> =>
    Effect.gen(function*() {
      const batch = Math.max(1, Math.floor(rule.batch ?? defaultBatch(rule)))
      while (true) {
        if (fromPool(rule)) return
        // One claim at a time per key in this worker; the others find its leftovers in the pool.
        const wait = yield* claiming(rule.key)(Effect.gen(function*() {
          if (fromPool(rule)) return 0
          const local = Date.now()
          const result = yield* claim(rule, batch)
          if (result.claimed > 0) {
            pools.set(rule.key, {
              windowStart: result.windowStart,
              remaining: result.claimed - 1,
              offset: result.now - local
            })
            return 0
          }
          // Spent (or in the guard): sleep to the next window, spread over its first 50 ms.
          const next = (Math.floor(result.now / rule.windowMillis) + 1) * rule.windowMillis
          return next - result.now + (yield* Random.nextIntBetween(0, 50))
        }))
        if (wait === 0) return
        yield* Effect.sleep(Duration.millis(wait))
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
