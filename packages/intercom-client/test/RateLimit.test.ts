import { assert, describe, it } from "@effect/vitest"
import { IntercomApi, RateLimit } from "@parley/intercom-client"
import { Effect, Fiber } from "effect"
import { OpenApi } from "effect/http-api"
import { TestClock } from "effect/testing"

describe("RateLimit", () => {
  it("reads Intercom's headers, and nothing when one is missing", () => {
    assert.deepStrictEqual(
      RateLimit.parseHeaders({
        "x-ratelimit-limit": "167",
        "x-ratelimit-remaining": "12",
        "x-ratelimit-reset": "1487332520"
      }),
      { limit: 167, remaining: 12, resetAt: 1_487_332_520_000 }
    )
    assert.isUndefined(RateLimit.parseHeaders({ "x-ratelimit-limit": "167", "x-ratelimit-remaining": "12" }))
    assert.isUndefined(
      RateLimit.parseHeaders({ "x-ratelimit-limit": "x", "x-ratelimit-remaining": "1", "x-ratelimit-reset": "2" })
    )
  })

  it.effect("sends one probe first, then the window's budget, then waits for the reset", () =>
    Effect.gen(function*() {
      const limiter = yield* RateLimit.make({ margin: "100 millis" })
      const probe = yield* limiter.acquire
      assert.isTrue(probe.probe)
      // A second request waits for the probe's answer.
      const waiting = yield* Effect.forkChild(limiter.acquire)
      yield* TestClock.adjust("1 millis")
      assert.isUndefined(waiting.pollUnsafe())
      yield* limiter.release(probe, { status: 200, window: { limit: 3, remaining: 2, resetAt: 10_000 } })
      const second = yield* Fiber.join(waiting)
      assert.isFalse(second.probe)
      yield* limiter.acquire
      // The window is spent: the next request waits until 10 s + the margin.
      const third = yield* Effect.forkChild(limiter.acquire)
      yield* TestClock.adjust("9 seconds")
      assert.isUndefined(third.pollUnsafe())
      yield* TestClock.adjust("1200 millis")
      const permit = yield* Fiber.join(third)
      assert.isTrue(permit.probe, "a new window starts with a probe")
      const stats = yield* limiter.stats
      assert.strictEqual(stats.probes, 2)
      assert.isAtLeast(stats.waits, 2)
    }))

  it.effect("a server that sends no headers is not held back after three probes", () =>
    Effect.gen(function*() {
      const limiter = yield* RateLimit.make()
      for (let k = 0; k < RateLimit.HEADERLESS_PROBES; k++) {
        const probe = yield* limiter.acquire
        assert.isTrue(probe.probe)
        yield* limiter.release(probe, { status: 200 })
      }
      // Now requests pass at once, without waiting for each other.
      const permits = yield* Effect.all([limiter.acquire, limiter.acquire, limiter.acquire])
      assert.deepStrictEqual(permits.map((p) => p.probe), [false, false, false])
      // Headers again: the limiter follows them.
      yield* limiter.release(permits[0], { status: 200, window: { limit: 2, remaining: 0, resetAt: 10_000 } })
      const held = yield* Effect.forkChild(limiter.acquire)
      yield* TestClock.adjust("5 seconds")
      assert.isUndefined(held.pollUnsafe())
    }))

  it.effect("a 429 empties the window until its reset", () =>
    Effect.gen(function*() {
      const limiter = yield* RateLimit.make({ margin: 0 })
      const probe = yield* limiter.acquire
      yield* limiter.release(probe, { status: 429, window: { limit: 5, remaining: 0, resetAt: 5_000 } })
      const next = yield* Effect.forkChild(limiter.acquire)
      yield* TestClock.adjust("4 seconds")
      assert.isUndefined(next.pollUnsafe())
      yield* TestClock.adjust("1 second")
      yield* Fiber.join(next)
    }))
})

describe("IntercomApi", () => {
  it("declares the subset as one OpenAPI document with Intercom's paths", () => {
    const spec = OpenApi.fromApi(IntercomApi.IntercomApi)
    assert.includeMembers(Object.keys(spec.paths), [
      "/me",
      "/admins",
      "/contacts",
      "/contacts/search",
      "/contacts/{id}",
      "/data_attributes",
      "/tags",
      "/conversations",
      "/conversations/search",
      "/conversations/{id}",
      "/conversations/{id}/reply",
      "/conversations/{id}/parts",
      "/conversations/{id}/tags"
    ])
  })
})
