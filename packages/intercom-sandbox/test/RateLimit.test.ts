import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { client, start } from "./support.ts"

// 180 a minute is 30 per 10-second window: 60 reads need at least two windows.
const PER_MINUTE = 180
const CALLS = 60

describe("the header-driven rate limiter against the sandbox's 10-second windows", () => {
  it.live("uses the budget with at most one 429 per window; without it, the same run meets a 429 storm", () =>
    Effect.gen(function*() {
      // Control, same run: no limiter, no retries, 10 per window: a window that sees more than 10 refuses the rest.
      const sandbox = yield* start({ limits: { perMinute: 60 } })
      const blind = yield* client(sandbox, { rateLimit: false, retry: { times: 0 } })
      yield* Effect.forEach(Array.from({ length: 45 }), () => Effect.result(blind.listAdmins()), { concurrency: 8 })
      const control = yield* sandbox.faults.stats
      const worst = Math.max(...control.windows.map((w) => w.rateLimited))
      assert.isAbove(worst, 1, `without the limiter: ${JSON.stringify(control.windows)}`)

      yield* sandbox.faults.setLimits({ perMinute: PER_MINUTE })
      yield* sandbox.faults.resetStats
      const intercom = yield* client(sandbox)
      yield* Effect.forEach(Array.from({ length: CALLS }), () => intercom.listAdmins(), {
        concurrency: 8,
        discard: true
      })
      const traffic = yield* sandbox.faults.stats
      const stats = yield* intercom.stats
      for (const window of traffic.windows) {
        assert.isAtMost(window.rateLimited, 1, `window at ${window.start}: ${window.rateLimited} 429s`)
      }
      assert.strictEqual(stats.requests - stats.retries, CALLS)
      assert.isAtMost(stats.rateLimited, traffic.windows.length)
      assert.isAtLeast(stats.limiter?.waits ?? 0, 1, "the limiter held requests back for a window reset")
      // The budget is used, not just respected: some window served all 30 of its requests.
      assert.isTrue(
        traffic.windows.some((w) => w.requests - w.rateLimited >= PER_MINUTE / 6),
        JSON.stringify(traffic.windows)
      )
    }))
})
