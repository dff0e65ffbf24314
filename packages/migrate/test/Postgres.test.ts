import { describe, expect, it } from "@effect/vitest"
import { Effect, Stream } from "effect"
import { binaries, startPostgres } from "../../../test-support/postgres.ts"
import { Migration } from "../src/index.ts"
import { duplicates, migrationLayer, startSandboxes, storedConversations } from "./support.ts"

// `.ci/run` installs PostgreSQL when missing; on a machine without it this suite says so and is skipped.
describe.skipIf(binaries() === undefined)("Migration on PostgreSQL (--database postgres://...)", () => {
  it.live(
    "the workflow engine, its storage and the ledger on a real PostgreSQL: every conversation once, verify clean, resumable",
    () =>
      Effect.gen(function*() {
        const pg = yield* startPostgres()
        const sandboxes = yield* startSandboxes({
          conversations: 30,
          seed: 2,
          intercom: { limits: { perMinute: null }, faults: { seed: 3, lostAnswer: { rate: 0.05, writesOnly: true } } }
        })
        const events = yield* Migration.run({ concurrency: 8 }).pipe(
          Stream.runCollect,
          Effect.provide(migrationLayer(sandboxes, pg.url))
        )
        const migrated = events.filter((e) => e._tag === "Migrated")
        expect(migrated.length + events.filter((e) => e._tag === "Rejected").length).toBe(30)
        expect((yield* storedConversations(sandboxes)).length).toBe(migrated.length)
        expect(yield* duplicates(sandboxes)).toMatchObject({ conversations: 0, contacts: 0 })
        // A second process (a new layer) on the same database finds everything done.
        const again = yield* Migration.run({ concurrency: 8 }).pipe(
          Stream.runCollect,
          Effect.provide(migrationLayer(sandboxes, pg.url))
        )
        expect(again.filter((e) => e._tag === "Migrated" && e.already).length).toBe(migrated.length)
        const report = yield* Migration.verify().pipe(Effect.provide(migrationLayer(sandboxes, pg.url)))
        expect(report.mismatches).toStrictEqual([])
        expect(report.checked).toBe(migrated.length)
      }).pipe(Effect.scoped),
    180_000
  )
})
