import { assert, describe, it } from "@effect/vitest"
import { Progress } from "../src/index.ts"

const busy: Progress.Snapshot = {
  unit: "threads",
  done: 1200,
  before: 0,
  total: 1843,
  totalIsLowerBound: true,
  shortTotal: undefined,
  messages: 12_345,
  rejects: 3,
  requests: 2459,
  retried: 17,
  elapsedMs: 12_000,
  rate: 100,
  etaMs: 185_000
}

const has = (line: string, ...parts: ReadonlyArray<string>) => {
  for (const part of parts) assert.include(line, part, `${JSON.stringify(part)} in ${JSON.stringify(line)}`)
}

const at = (columns: number) => Progress.layout(busy, columns)

describe("the progress line fits the terminal", () => {
  it("at 60, 80, 120 and 200 columns: never wider, the count and the ETA (with its unit) always there", () => {
    for (const columns of [60, 80, 120, 200]) {
      const line = Progress.layout(busy, columns)
      assert.isBelow(line.length, columns, `${columns}: ${line}`)
      has(line, "1,200/1,843+ threads (65%)", "ETA 3 min 05 s", "3 rejected")
    }
  })

  it("drops the lowest-priority fields first, keeps them all when there is room", () => {
    has(at(200), "12,345 messages", "100 threads/s", "2,459 requests", "17 retries", "\u2588")
    // 120: the bar graphic gives way first
    has(at(120), "12,345 messages", "100 threads/s", "2,459 requests", "17 retries")
    assert.notInclude(at(120), "\u2588")
    // 80: then the request count, the messages, the retries; the rate stays
    has(at(80), "100 threads/s")
    for (const gone of ["requests", "messages", "retries", "\u2588"]) assert.notInclude(at(80), gone)
    // 60: the count, the rejects and the ETA
    assert.notInclude(at(60), "threads/s")
  })

  it("a total Drift's stats got short is said, not exceeded", () => {
    const tracker = new Progress.Tracker("threads")
    tracker.setTotal(2, { lowerBound: true })
    tracker.add(3, { messages: 9 })
    const s = tracker.snapshot()
    assert.isUndefined(s.total)
    has(Progress.layout(s, 200), "3 threads", "Drift's stats counted 2", "elapsed")
    has(Progress.layout(s, 60), "3 threads", "elapsed")
  })

  it("numbers one way everywhere: 2,459", () => {
    assert.strictEqual(Progress.count(2459), "2,459")
    assert.strictEqual(Progress.count(2_000_000.4), "2,000,000")
  })
})
