/**
 * The fleet's shared rate-limit budget on a real PostgreSQL: two budgets on two connection pools (two workers), many
 * fibers each asking at once, never more permits in one window than the rule allows, and every request served in
 * the end (a refused one sleeps to the next window and asks again).
 */
import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Layer } from "effect"
import { binaries, startPostgres } from "../../../test-support/postgres.ts"
import { Budget, Fleet } from "../src/index.ts"

describe("Budget rules", () => {
  it("Intercom: ceil(perMinute / 6) a 10-second window less a 10% reserve, nothing in the last 500 ms", () => {
    expect(Budget.intercomRule("acme", 10_000)).toStrictEqual({
      key: "acme/intercom",
      perWindow: 1_667 - 167,
      windowMillis: 10_000,
      guardMillis: 500
    })
    // The reserve is at least one request, and a window always grants at least one.
    expect(Budget.intercomRule("acme", 6).perWindow).toBe(1)
    expect(Budget.intercomRule("acme", 60).perWindow).toBe(9)
  })

  it("claims: 1% of a window's allowance, from 1 to 16", () => {
    expect(Budget.defaultBatch({ perWindow: 180 })).toBe(1)
    expect(Budget.defaultBatch(Budget.intercomRule("acme", 10_000))).toBe(15)
    expect(Budget.defaultBatch({ perWindow: 100_000 })).toBe(16)
  })

  it("Drift: perMinute / 60 a one-second window", () => {
    expect(Budget.driftRule("acme", 600)).toStrictEqual({
      key: "acme/drift",
      perWindow: 10,
      windowMillis: 1_000,
      guardMillis: 0
    })
  })
})

// `.ci/run` installs PostgreSQL when missing; on a machine without it this suite says so and is skipped.
describe.skipIf(binaries() === undefined)("Budget on PostgreSQL", () => {
  it.live(
    "two workers, 24 fibers asking at once: no window over its allowance, every permit granted in the end",
    () =>
      Effect.gen(function*() {
        const pg = yield* startPostgres()
        const rule: Budget.Rule = { key: "acme/intercom", perWindow: 15, windowMillis: 1_000, guardMillis: 200 }
        const worker = () =>
          Layer.build(Budget.Budget.layer.pipe(Layer.provide(Fleet.database(pg.url)))).pipe(
            Effect.map((context) => Context.get(context, Budget.Budget))
          )
        const [a, b] = [yield* worker(), yield* worker()]
        const PER_FIBER = 3
        const FIBERS = 12
        yield* Effect.forEach(
          [a, b].flatMap((budget) => Array.from({ length: FIBERS }, () => budget)),
          (budget) => Effect.repeat(budget.take(rule), { times: PER_FIBER - 1 }),
          { concurrency: "unbounded" }
        )
        const grants = yield* a.grants("acme/intercom")
        const total = grants.reduce((n, g) => n + g.granted, 0)
        expect(total).toBe(2 * FIBERS * PER_FIBER)
        for (const g of grants) expect(g.granted, `window ${g.windowStart}`).toBeLessThanOrEqual(rule.perWindow)
        // 72 permits at 15 a window take at least five windows: the refused asked again after sleeping.
        expect(grants.length).toBeGreaterThanOrEqual(Math.ceil(total / rule.perWindow))
        // Claimed in batches of 4 (one round trip per 4 requests): still no window over its allowance; what a
        // worker claimed and did not use by its window's guard is dropped, so the rows may count more than were used.
        const batched: Budget.Rule = { ...rule, key: "acme/batched", batch: 4 }
        yield* Effect.forEach(
          [a, b].flatMap((budget) => Array.from({ length: FIBERS }, () => budget)),
          (budget) => Effect.repeat(budget.take(batched), { times: PER_FIBER - 1 }),
          { concurrency: "unbounded" }
        )
        const batches = yield* a.grants("acme/batched")
        expect(batches.reduce((n, g) => n + g.granted, 0)).toBeGreaterThanOrEqual(2 * FIBERS * PER_FIBER)
        for (const g of batches) expect(g.granted, `window ${g.windowStart}`).toBeLessThanOrEqual(rule.perWindow)
        // Another key is another budget.
        yield* b.take({ ...rule, key: "globex/intercom" })
        expect((yield* b.grants("globex/")).map((g) => g.granted)).toStrictEqual([1])
        // Old windows can be pruned.
        yield* a.prune("0 millis")
        expect((yield* a.grants("acme/")).length).toBeLessThanOrEqual(2)
      }).pipe(Effect.scoped),
    120_000
  )
})
