import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Fiber, Schedule, Stream } from "effect"
import { SqlClient } from "effect/sql"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { runCli, spawnCli, wait } from "../../../test-support/cli.ts"
import { Ledger, Migration } from "../src/index.ts"
import { duplicates, migrationLayer, startSandboxes, storedConversations } from "./support.ts"

const tempDb = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), "parley-migrate-")), "migrate.db")

const collect = (options: Migration.RunOptions = {}) =>
  Migration.run({ concurrency: 8, ...options }).pipe(Stream.runCollect)

describe("Migration over loopback (Drift sandbox -> Intercom sandbox)", () => {
  it.live("a full migration lands every conversation once; verify finds 0 mismatches; a second run sends nothing", () =>
    Effect.gen(function*() {
      const sandboxes = yield* startSandboxes({ conversations: 40, intercom: { limits: { perMinute: null } } })
      const database = tempDb()
      const events = yield* collect().pipe(Effect.provide(migrationLayer(sandboxes, database)))
      const migrated = events.filter((e) => e._tag === "Migrated")
      const rejected = events.filter((e) => e._tag === "Rejected")
      expect(migrated.length + rejected.length).toBe(40)
      expect(migrated.length).toBeGreaterThan(35)
      // Every rejection says why and where.
      for (const r of rejected) {
        expect(r._tag === "Rejected" && r.detail.length > 0).toBe(true)
      }
      const stored = yield* storedConversations(sandboxes)
      expect(stored.length).toBe(migrated.length)
      expect(yield* duplicates(sandboxes)).toMatchObject({ conversations: 0, contacts: 0 })

      // Authors, times and bodies: the plans say who wrote each part; the stored parts agree (verify checks each).
      const report = yield* Migration.verify().pipe(Effect.provide(migrationLayer(sandboxes, database)))
      expect(report.checked).toBe(migrated.length)
      expect(report.mismatches).toStrictEqual([])
      expect(report.matching).toBe(migrated.length)
      const adminParts = stored.flatMap((c) => c.conversation_parts.conversation_parts).filter((p) =>
        p.author.type === "admin"
      )
      const contactParts = stored.flatMap((c) => c.conversation_parts.conversation_parts).filter((p) =>
        p.author.type !== "admin" && p.part_type === "comment"
      )
      expect(adminParts.length).toBeGreaterThan(0)
      expect(contactParts.length).toBeGreaterThan(0)

      // A second run over the same database: everything is already migrated, nothing is written.
      const before = (yield* sandboxes.intercom.faults.stats).requests
      const again = yield* collect().pipe(Effect.provide(migrationLayer(sandboxes, database)))
      expect(again.filter((e) => e._tag === "Migrated" && e.already).length).toBe(migrated.length)
      expect((yield* storedConversations(sandboxes)).length).toBe(stored.length)
      const after = yield* sandboxes.intercom.faults.stats
      // Only the run's set-up reads (admins, me, data attributes) reached Intercom.
      expect(after.requests - before).toBeLessThanOrEqual(3)
    }).pipe(Effect.scoped))

  it.live("lost answers (every 20th write, a deterministic schedule) and 5xx (every 50th request): 0 duplicated conversations, contacts or parts", () =>
    Effect.gen(function*() {
      const sandboxes = yield* startSandboxes({
        conversations: 40,
        intercom: {
          limits: { perMinute: null },
          faults: {
            seed: 7,
            lostAnswer: { every: 20, writesOnly: true },
            serverError: { every: 50, statuses: [500, 503] }
          }
        }
      })
      const database = tempDb()
      const events = yield* collect().pipe(Effect.provide(migrationLayer(sandboxes, database)))
      const stats = yield* sandboxes.intercom.faults.stats
      // The faults did fire (a deterministic schedule: the same requests meet the same faults on every run).
      expect(stats.faults.lostAnswer).toBeGreaterThan(0)
      const migrated = events.filter((e) => e._tag === "Migrated")
      expect(yield* duplicates(sandboxes)).toMatchObject({ conversations: 0, contacts: 0 })
      expect((yield* storedConversations(sandboxes)).length).toBe(migrated.length)
      const report = yield* Migration.verify().pipe(Effect.provide(migrationLayer(sandboxes, database)))
      expect(report.mismatches).toStrictEqual([])
    }).pipe(Effect.scoped))

  // Intercom's search trails writes. A create whose answer was lost, looked up again at once by search, is missed
  // and sent again: the control run (no settle window) shows the sandbox's lag does make duplicates; with the
  // window, the lookup waits until the search can see the lost write, and nothing is duplicated.
  it.live("search trailing writes (5 s lag) and every 3rd conversation create's answer lost: 0 duplicates with the settle window; the control without it duplicates", () =>
    Effect.gen(function*() {
      const run = (settle: Duration.Input) =>
        Effect.gen(function*() {
          const sandboxes = yield* startSandboxes({
            conversations: 16,
            intercom: {
              limits: { perMinute: null },
              searchLagMillis: 5_000,
              faults: { lostAnswer: { every: 3, writesOnly: true, path: "/conversations" } }
            }
          })
          const layer = migrationLayer(sandboxes, tempDb(), Duration.fromInputUnsafe(settle))
          const events = yield* collect().pipe(Effect.provide(layer))
          const stats = yield* sandboxes.intercom.faults.stats
          return {
            lost: stats.faults.lostAnswer,
            migrated: events.filter((e) => e._tag === "Migrated").length,
            duplicates: yield* duplicates(sandboxes),
            stored: (yield* storedConversations(sandboxes)).length
          }
        }).pipe(Effect.scoped)
      const [control, settled] = yield* Effect.all([run(0), run("7 seconds")], { concurrency: 2 })
      expect(control.lost).toBeGreaterThanOrEqual(4)
      expect(control.duplicates.conversations).toBeGreaterThan(0)
      expect(settled.lost).toBeGreaterThanOrEqual(4)
      expect(settled.duplicates).toMatchObject({ conversations: 0, contacts: 0 })
      expect(settled.stored).toBe(settled.migrated)
    }))

  // A create refused with 429 did not happen: its intent is withdrawn, so the activity's retry writes again at once
  // instead of reconciling (by search, after a 10-minute settle window) a write that cannot exist. Every
  // conversation search answers 500 here: any reconcile would fail, and the fault counter shows none was made.
  // (The client neither retries nor waits for the window here, so the 429 reaches the activity.)
  it.live("a conversation create refused with 429 (every 3rd, the client not retrying) is written again without a reconciling search", () =>
    Effect.gen(function*() {
      const sandboxes = yield* startSandboxes({
        conversations: 12,
        intercom: {
          limits: { perMinute: null },
          faults: {
            rateLimited: { every: 3, writesOnly: true, path: "/conversations" },
            serverError: { every: 1, path: "/conversations/search" }
          }
        }
      })
      const layer = migrationLayer(sandboxes, tempDb(), Duration.minutes(10), { retry: { times: 0 }, rateLimit: false })
      const events = yield* collect().pipe(Effect.provide(layer))
      const stats = yield* sandboxes.intercom.faults.stats
      expect(stats.faults.injectedRateLimited).toBeGreaterThanOrEqual(4)
      expect(stats.faults.serverError).toBe(0)
      const migrated = events.filter((e) => e._tag === "Migrated")
      expect(migrated.length + events.filter((e) => e._tag === "Rejected").length).toBe(12)
      expect(yield* duplicates(sandboxes)).toMatchObject({ conversations: 0, contacts: 0 })
      expect((yield* storedConversations(sandboxes)).length).toBe(migrated.length)
    }).pipe(Effect.scoped))

  it.live("a conversation Intercom cannot take is quarantined with its reason; the run goes on", () =>
    Effect.gen(function*() {
      const sandboxes = yield* startSandboxes({ conversations: 25, seed: 3, intercom: { limits: { perMinute: null } } })
      const database = tempDb()
      const events = yield* collect().pipe(Effect.provide(migrationLayer(sandboxes, database)))
      const rejected = events.filter((e) => e._tag === "Rejected")
      const migrated = events.filter((e) => e._tag === "Migrated")
      expect(migrated.length + rejected.length).toBe(25)
      const counts = yield* Effect.gen(function*() {
        return yield* (yield* Ledger.Ledger).counts
      }).pipe(Effect.provide(migrationLayer(sandboxes, database)))
      expect(counts.rejected).toBe(rejected.length)
      expect(counts.migrated).toBe(migrated.length)
    }).pipe(Effect.scoped))

  it.live("plan counts conversations and calls without writing to Intercom", () =>
    Effect.gen(function*() {
      const sandboxes = yield* startSandboxes({ conversations: 30 })
      const report = yield* Migration.plan({ sampleSize: 10 }).pipe(Effect.provide(migrationLayer(sandboxes)))
      expect(report.sampled).toBe(10)
      expect(report.callsPerConversation).toBeGreaterThan(4)
      expect(report.unmatchedUsers).toStrictEqual([])
      expect((yield* storedConversations(sandboxes)).length).toBe(0)
    }).pipe(Effect.scoped))

  it.live("the token is in no event, no ledger row and nowhere in the database file", () =>
    Effect.gen(function*() {
      const sandboxes = yield* startSandboxes({ conversations: 15, intercom: { limits: { perMinute: null } } })
      const database = tempDb()
      const events = yield* collect().pipe(Effect.provide(migrationLayer(sandboxes, database)))
      const tokens = [sandboxes.drift.token, sandboxes.intercom.token]
      for (const token of tokens) expect(JSON.stringify(events)).not.toContain(token)
      // Every table, every column, every row.
      const dump = yield* Effect.gen(function*() {
        const sql = yield* SqlClient.SqlClient
        const tables = yield* sql<{ readonly name: string }>`SELECT name FROM sqlite_master WHERE type = 'table'`
        const rows = yield* Effect.forEach(tables, (t) => sql.unsafe(`SELECT * FROM "${t.name}"`))
        return JSON.stringify(rows, (_, v) => typeof v === "bigint" ? v.toString() : v)
      }).pipe(Effect.provideService(SqlClient.SafeIntegers, true), Effect.provide(migrationLayer(sandboxes, database)))
      expect(dump.length).toBeGreaterThan(1000)
      for (const token of tokens) expect(dump).not.toContain(token)
      for (const file of fs.readdirSync(path.dirname(database))) {
        const bytes = fs.readFileSync(path.join(path.dirname(database), file)).toString("latin1")
        for (const token of tokens) expect(bytes).not.toContain(token)
      }
    }).pipe(Effect.scoped))
})

describe("parley migrate run, killed with SIGKILL and resumed", () => {
  it.live(
    "three kills at moments set by progress, then a resume: 0 duplicated, 0 missing, verify clean",
    () =>
      Effect.gen(function*() {
        const sandboxes = yield* startSandboxes({
          conversations: 40,
          seed: 5,
          intercom: { limits: { perMinute: null } }
        })
        const database = tempDb()
        const env = {
          DRIFT_TOKEN: sandboxes.drift.token,
          DRIFT_BASE_URL: sandboxes.drift.url,
          DRIFT_REQUESTS_PER_MINUTE: "Infinity",
          INTERCOM_TOKEN: sandboxes.intercom.token,
          INTERCOM_BASE_URL: sandboxes.intercom.url
        }
        // The sandbox's search sees writes at once: no settle window needed.
        const args = [
          "migrate",
          "run",
          "--database",
          database,
          "--quiet",
          "--rejects",
          `${database}.rejects.ndjson`,
          "--search-settle",
          "0"
        ]
        // Each kill comes once Intercom holds more conversations than the threshold: mid-run by construction,
        // whatever the machine's speed (the child may also be killed mid-write).
        for (const threshold of [4, 14, 26]) {
          const child = spawnCli(args, { env })
          const exited = yield* Effect.forkChild(wait(child, { args }))
          yield* storedConversations(sandboxes).pipe(
            Effect.repeat({
              until: (list) => list.length > threshold || child.exitCode !== null,
              schedule: Schedule.spaced("20 millis")
            })
          )
          child.kill("SIGKILL")
          const ran = yield* Fiber.join(exited)
          expect(ran.signal === "SIGKILL" || ran.code !== null).toBe(true)
        }
        const final = yield* runCli(args, { env })
        expect([0, 3]).toContain(final.code)
        const events = yield* collect().pipe(Effect.provide(migrationLayer(sandboxes, database)))
        const migrated = events.filter((e) => e._tag === "Migrated")
        // Everything was done by the killed runs and the resume: this last run only confirms.
        expect(migrated.every((e) => e._tag === "Migrated" && e.already)).toBe(true)
        const stored = yield* storedConversations(sandboxes)
        expect(stored.length).toBe(migrated.length)
        expect(yield* duplicates(sandboxes)).toMatchObject({ conversations: 0, contacts: 0 })
        const report = yield* Migration.verify().pipe(Effect.provide(migrationLayer(sandboxes, database)))
        expect(report.checked).toBe(migrated.length)
        expect(report.mismatches).toStrictEqual([])
      }).pipe(Effect.scoped),
    240_000
  )
})
