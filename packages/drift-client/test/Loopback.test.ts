import { assert, describe, it } from "@effect/vitest"
import { ConfigProvider, Effect } from "effect"
import { DriftClient } from "../src/index.ts"

describe("the default rate limit: Drift's 600 a minute, none on loopback", () => {
  it("isLoopback: 127.0.0.0/8, localhost, [::1]; not Drift or other hosts", () => {
    for (const url of ["http://127.0.0.1:4010", "http://127.8.9.1", "http://localhost:1", "http://[::1]:80"]) {
      assert.isTrue(DriftClient.isLoopback(url), url)
    }
    for (const url of ["https://driftapi.com", "http://10.0.0.1", "http://127.0.0.1.example.com", "not a url"]) {
      assert.isFalse(DriftClient.isLoopback(url), url)
    }
  })

  it.effect("config: without DRIFT_REQUESTS_PER_MINUTE the limit is left to the client's default", () =>
    Effect.gen(function*() {
      const unset = yield* DriftClient.config.parse(ConfigProvider.fromUnknown({ DRIFT_TOKEN: "t0ken" }))
      assert.isUndefined(unset.rateLimit)
      const set = yield* DriftClient.config.parse(
        ConfigProvider.fromUnknown({ DRIFT_TOKEN: "t0ken", DRIFT_REQUESTS_PER_MINUTE: "120" })
      )
      assert.deepStrictEqual(set.rateLimit, { requestsPerMinute: 120, burst: undefined })
    }))
})
