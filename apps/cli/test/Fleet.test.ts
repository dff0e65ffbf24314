/**
 * A fleet over loopback: a real PostgreSQL started here, three `parley worker` processes, three workspaces (each a
 * Drift sandbox and an Intercom sandbox with its own rate limit) submitted with `parley migrate submit`, one worker
 * SIGKILLed once a third of the conversations have landed. Then, read back from each Intercom sandbox's store:
 * every conversation landed exactly once (no duplicate conversation, contact or part, none missing), and no
 * sandbox answered a 429 for its limit.
 */
import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Sandbox as DriftSandbox } from "@parley/drift-sandbox"
import { IntercomClient } from "@parley/intercom-client"
import { Sandbox as IntercomSandbox } from "@parley/intercom-sandbox"
import { Fleet, Ledger, Migration } from "@parley/migrate"
import { Effect, Layer, Redacted, Schedule } from "effect"
import { SqlClient } from "effect/sql"
import { randomBytes } from "node:crypto"
import { adminsFor } from "../../../test-support/admins.ts"
import { done, fleetKey, startWorker, status, submit, type Workspace } from "../../../test-support/fleet.ts"
import { binaries, startPostgres } from "../../../test-support/postgres.ts"

/** Intercom calls a minute each workspace's app is allowed: 200 per 10-second window, so the limit binds. */
const PER_MINUTE = 1_200
const CONVERSATIONS = 40

const startWorkspace = (name: string, seed: number) =>
  Effect.gen(function*() {
    // Each workspace its own tokens, so the database can be searched for them.
    const drift = yield* DriftSandbox.start({
      port: 0,
      conversations: CONVERSATIONS,
      seed,
      token: `drift-${name}-${randomBytes(8).toString("hex")}`
    })
    const intercom = yield* IntercomSandbox.start({
      port: 0,
      token: `intercom-${name}-${randomBytes(8).toString("hex")}`,
      admins: yield* adminsFor(drift),
      limits: { perMinute: PER_MINUTE }
    })
    return { name, drift, intercom } satisfies Workspace
  })

/** Polls (every half second) until `check` holds; the test's own timeout bounds it. */
const until = <A>(read: Effect.Effect<A>, check: (a: A) => boolean) =>
  read.pipe(Effect.repeat({ schedule: Schedule.spaced("500 millis"), until: check }))

describe.skipIf(binaries() === undefined)("parley worker: a fleet over PostgreSQL", () => {
  it.live(
    "three workspaces on three workers, one SIGKILLed mid-run: every conversation once, no limit exceeded",
    () =>
      Effect.gen(function*() {
        const pg = yield* startPostgres()
        const key = fleetKey()
        const workspaces = yield* Effect.all([
          startWorkspace("acme", 11),
          startWorkspace("globex", 12),
          startWorkspace("initech", 13)
        ])
        // The first worker creates the tables; the others join it.
        const first = yield* startWorker({ database: pg.url, key })
        const others = yield* Effect.all([
          startWorker({ database: pg.url, key }),
          startWorker({ database: pg.url, key })
        ], { concurrency: "unbounded" })
        const workers = [first, ...others]
        expect(new Set(workers.map((w) => w.address)).size).toBe(3)

        for (const workspace of workspaces) {
          const ran = yield* submit({ database: pg.url, key, workspace, perMinute: PER_MINUTE })
          expect(ran.code, ran.stderr).toBe(0)
          expect(JSON.parse(ran.stdout)).toMatchObject({ workspace: workspace.name, run: 1 })
        }

        // SIGKILL a worker once a third of all conversations have landed (read from the sandboxes' stores).
        const landed = Effect.map(
          Effect.forEach(workspaces, (w) => w.intercom.store.counts),
          (counts) => counts.reduce((n, c) => n + c.conversations, 0)
        )
        yield* until(landed, (n) => n >= CONVERSATIONS)
        const victim = workers[1]!
        victim.child.kill("SIGKILL")

        const final = yield* until(status(pg.url), (rows) => done(rows, 3))
        for (const row of final) {
          expect(row.total, row.workspace).toBe(CONVERSATIONS)
          expect(row.pending).toBe(0)
        }

        // The shared budget held, for all workers together: no 429 from a sandbox's limit in any window (read
        // before verifying, whose reads count in the same windows).
        for (const workspace of workspaces) {
          const traffic = yield* workspace.intercom.faults.stats
          const limited = traffic.windows.reduce((n, w) => n + w.rateLimited, 0) - traffic.faults.injectedRateLimited
          expect(limited, `${workspace.name} answered 429 for its limit: ${JSON.stringify(traffic.windows)}`).toBe(0)
          const perWindow = Math.ceil(PER_MINUTE / 6)
          for (const w of traffic.windows) expect(w.requests - w.rateLimited).toBeLessThanOrEqual(perWindow)
          // The limit bound: some window was filled to the budget (the test exercises the limit, not an idle API).
          expect(Math.max(...traffic.windows.map((w) => w.requests))).toBeGreaterThan(perWindow / 2)
        }

        const sql = Fleet.database(pg.url)
        // The tokens are nowhere in the database in clear (every row of every table, as text).
        const everything = yield* Effect.gen(function*() {
          const client = yield* SqlClient.SqlClient
          const tables = yield* client<{ readonly name: string }>`SELECT table_name AS name
            FROM information_schema.tables WHERE table_schema = 'public'`
          expect(tables.map((t) => t.name)).toContain("parley_fleet_workspaces")
          let text = ""
          for (const t of tables) {
            const rows = yield* client<{ readonly row: string }>`SELECT r::text AS row FROM ${client(t.name)} r`
            text += rows.map((r) => r.row).join("\n")
          }
          return text
        }).pipe(Effect.provide(sql))
        for (const workspace of workspaces) {
          expect(everything).not.toContain(workspace.drift.token)
          expect(everything).not.toContain(workspace.intercom.token)
        }
        expect(everything).not.toContain(key)
        for (const workspace of workspaces) {
          const row = final.find((r) => r.workspace === workspace.name)!
          const conversations = yield* workspace.intercom.store.dumpConversations
          // Exactly once: one Intercom conversation per migrated Drift conversation, none twice.
          const byDrift = new Map<string, number>()
          for (const c of conversations) {
            const id = String((c.custom_attributes as Record<string, unknown> | undefined)?.["drift_conversation_id"])
            byDrift.set(id, (byDrift.get(id) ?? 0) + 1)
          }
          expect([...byDrift.values()].filter((n) => n > 1), workspace.name).toStrictEqual([])
          expect(conversations.length, workspace.name).toBe(row.migrated)
          const contacts = yield* workspace.intercom.store.dumpContacts
          const external = contacts.map((c) => c.external_id).filter((e) => e != null)
          expect(new Set(external).size, workspace.name).toBe(external.length)
          // Every part as planned, none twice, none missing: verify reads each conversation back and compares.
          const report = yield* Migration.verify().pipe(
            Effect.provide(
              Layer.mergeAll(
                Ledger.Ledger.layerWorkspace(workspace.name).pipe(Layer.provide(sql)),
                IntercomClient.IntercomClient.layer({
                  token: Redacted.make(workspace.intercom.token),
                  baseUrl: workspace.intercom.url,
                  rateLimit: false
                }).pipe(Layer.provide(NodeHttpClient.layerUndici))
              )
            )
          )
          expect(report.mismatches, workspace.name).toStrictEqual([])
          expect(report.checked).toBe(row.migrated)
        }
        expect(victim.child.signalCode).toBe("SIGKILL")
      }).pipe(Effect.scoped),
    300_000
  )
})
