import { assert, describe, it } from "@effect/vitest"
import { Clock, type Duration, Effect, Exit, Fiber } from "effect"
import { TestClock } from "effect/testing"
import { DriftApiError, DriftClient, DriftError } from "../src/index.ts"
import { syntaxErrorOffset } from "../src/internal/jsonSyntax.ts"
import * as Timeout from "../src/internal/timeout.ts"

describe("syntaxErrorOffset", () => {
  it("is undefined for JSON", () => {
    for (const text of ["{}", "[]", " {\"a\":[1,-2.5e3,true,false,null,\"x\\u00e9\\n\"]} ", "0", "\"s\""]) {
      assert.isUndefined(syntaxErrorOffset(text), text)
    }
  })

  it("is the length for JSON that ends early", () => {
    for (
      const text of [
        "",
        "{",
        "{\"a\"",
        "{\"a\":",
        "{\"a\":1",
        "[1,",
        "\"abc",
        "tr",
        "-",
        "12.",
        "\"\\u00",
        "{\"a\":[{\"b\":\"c"
      ]
    ) {
      assert.strictEqual(syntaxErrorOffset(text), text.length, text)
    }
  })

  it("is the offset of the first character that cannot continue JSON", () => {
    assert.strictEqual(syntaxErrorOffset("<html>"), 0)
    assert.strictEqual(syntaxErrorOffset(")]}',\n{}"), 0)
    assert.strictEqual(syntaxErrorOffset("  x"), 2)
    assert.strictEqual(syntaxErrorOffset("{\"a\":1}x"), 7)
    assert.strictEqual(syntaxErrorOffset("{\"a\":tru}"), 5) // the start of the token that is not JSON
    assert.strictEqual(syntaxErrorOffset("[1 2]"), 3)
    assert.strictEqual(syntaxErrorOffset("{'a':1}"), 1)
  })
})

const rateLimited = (retryAfterMillis?: number) =>
  new DriftApiError.RateLimited({
    errors: [{ type: "rate_limit_exceeded", message: "slow down" }],
    ...(retryAfterMillis === undefined ? {} : { retryAfterMillis })
  })

/** The times (TestClock millis) at which each attempt of a failing effect ran under the schedule. */
const attemptTimes = (
  options: DriftClient.RetryOptions,
  errorOf: (attempt: number) => DriftError.DriftError,
  advance: Duration.Input = "10 minutes"
) =>
  Effect.gen(function*() {
    const start = yield* Clock.currentTimeMillis
    const times: Array<number> = []
    const fiber = yield* Effect.forkChild(
      Effect.gen(function*() {
        times.push((yield* Clock.currentTimeMillis) - start)
        return yield* Effect.fail(errorOf(times.length))
      }).pipe(Effect.retry(DriftClient.retrySchedule(options)), Effect.exit)
    )
    yield* TestClock.adjust(advance)
    yield* Fiber.join(fiber)
    return times
  })

describe("retrySchedule", () => {
  it.effect("backs off exponentially from baseDelay, capped at maxDelay, for times retries", () =>
    Effect.gen(function*() {
      const times = yield* attemptTimes(
        { times: 6, baseDelay: "100 millis", maxDelay: "1 second", jitter: false },
        () => rateLimited()
      )
      // delays 100, 200, 400, 800, 1000, 1000
      assert.deepStrictEqual(times, [0, 100, 300, 700, 1500, 2500, 3500])
    }))

  it.effect("jitters each delay within [0.8, 1.2]", () =>
    Effect.gen(function*() {
      const times = yield* attemptTimes({ times: 5, baseDelay: "1 second", maxDelay: "1 minute" }, () => rateLimited())
      const delays = times.slice(1).map((t, i) => t - times[i]!)
      delays.forEach((delay, i) => {
        const nominal = 1000 * 2 ** i
        assert.isAtLeast(delay, nominal * 0.8 - 1)
        assert.isAtMost(delay, nominal * 1.2 + 1)
      })
    }))

  it.effect("waits exactly Retry-After when the answer carries it", () =>
    Effect.gen(function*() {
      const times = yield* attemptTimes(
        { times: 2, baseDelay: "10 millis", maxDelay: "1 minute", jitter: false },
        () => rateLimited(7000)
      )
      assert.deepStrictEqual(times, [0, 7000, 14000])
    }))

  it.effect("stops at once on a Retry-After beyond maxDelay, and on errors not worth retrying", () =>
    Effect.gen(function*() {
      assert.deepStrictEqual(
        yield* attemptTimes({ times: 5, maxDelay: "30 seconds" }, () => rateLimited(60_000)),
        [0]
      )
      const notFound = new DriftApiError.NotFound({ errors: [{ type: "not_found", message: "x" }] })
      assert.deepStrictEqual(yield* attemptTimes({ times: 5 }, () => notFound), [0])
      const decode = new DriftError.DecodeError({
        method: "GET",
        url: "https://driftapi.com/users/list",
        status: 200,
        path: "position 0 of 0",
        description: "empty",
        excerpt: ""
      })
      // an unparseable answer to a GET is retried (cut off in transit); one that parses to the wrong shape is not
      assert.strictEqual((yield* attemptTimes({ times: 5, jitter: false }, () => decode)).length, 6)
      assert.deepStrictEqual(
        yield* attemptTimes({ times: 5 }, () => new DriftError.DecodeError({ ...decode, path: "[\"data\"]" })),
        [0]
      )
      assert.deepStrictEqual(
        yield* attemptTimes({ times: 5 }, () => new DriftError.DecodeError({ ...decode, method: "POST" })),
        [0]
      )
      // a transient error, then a permanent one: the permanent one ends the retries
      const transient = new DriftError.Timeout({
        method: "GET",
        url: "https://driftapi.com/users/list",
        timeoutMillis: 1
      })
      assert.strictEqual(
        (yield* attemptTimes({ times: 5, jitter: false }, (n) => n < 3 ? transient : notFound)).length,
        3
      )
    }))

  it("defaults: 5 retries from 250 ms to 30 s, 30 s timeout, 600 requests a minute", () => {
    assert.strictEqual(DriftClient.defaults.retry.times, 5)
    assert.strictEqual(DriftClient.defaults.rateLimit.requestsPerMinute, 600)
    assert.strictEqual(DriftClient.DEFAULT_BASE_URL, "https://driftapi.com")
  })
})

const timedOut = () => Effect.fail("timed out" as const)

/** The timers keeping the event loop alive. */
const timers = () =>
  (process as unknown as { getActiveResourcesInfo(): Array<string> }).getActiveResourcesInfo()
    .filter((kind) => kind === "Timeout").length

describe("the per-attempt timeout (internal/timeout.ts)", () => {
  it.live("an effect that finishes in time keeps its value or its error, and leaves no timer behind", () =>
    Effect.gen(function*() {
      // The runtime keeps a timer of its own once a fiber has slept; count from there.
      yield* Effect.sleep("1 millis")
      const before = timers()
      assert.strictEqual(yield* Timeout.timeoutOrElse(Effect.succeed(1), 1000, timedOut), 1)
      assert.strictEqual(yield* Timeout.timeoutOrElse(Effect.as(Effect.sleep("5 millis"), 2), 1000, timedOut), 2)
      const failed = yield* Effect.exit(Timeout.timeoutOrElse(Effect.fail("boom" as const), 1000, timedOut))
      assert.deepStrictEqual(failed, Exit.fail("boom"))
      // A pending 1 s timer would keep the event loop alive; none is left after the three calls.
      assert.strictEqual(timers(), before)
    }))

  it.live("an effect still running at the deadline is interrupted, then orElse answers", () =>
    Effect.gen(function*() {
      let interrupted = false
      const hang = Effect.never.pipe(Effect.onInterrupt(() => Effect.sync(() => (interrupted = true))))
      const exit = yield* Effect.exit(Timeout.timeoutOrElse(hang, 20, timedOut))
      assert.deepStrictEqual(exit, Exit.fail("timed out"))
      assert.isTrue(interrupted)
    }))

  it.live("interrupting the caller interrupts the effect and clears the timer", () =>
    Effect.gen(function*() {
      let interrupted = false
      let orElseRan = false
      const hang = Effect.never.pipe(Effect.onInterrupt(() => Effect.sync(() => (interrupted = true))))
      const fiber = yield* Effect.forkChild(
        Timeout.timeoutOrElse(hang, 50, () => Effect.sync(() => (orElseRan = true)))
      )
      yield* Effect.sleep("5 millis")
      yield* Fiber.interrupt(fiber)
      assert.isTrue(interrupted)
      yield* Effect.sleep("80 millis")
      assert.isFalse(orElseRan)
    }))

  it.effect("under a TestClock the deadline is the clock's: moving time past it times out", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(Effect.exit(Timeout.timeoutOrElse(Effect.never, 30_000, timedOut)))
      yield* TestClock.adjust("29 seconds")
      assert.isUndefined(fiber.pollUnsafe())
      yield* TestClock.adjust("2 seconds")
      assert.deepStrictEqual(yield* Fiber.join(fiber), Exit.fail("timed out"))
    }))
})
