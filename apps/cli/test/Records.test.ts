import { assert, describe, it } from "@effect/vitest"
import { Records } from "@parley/cli"

/** Splits `text` fed in chunks of `size` characters. */
const split = (text: string, size: number) => {
  const splitter = new Records.Splitter()
  const out: Array<Records.RawRecord> = []
  for (let i = 0; i < text.length; i += size) out.push(...splitter.push(text.slice(i, i + size)))
  out.push(...splitter.end())
  return { syntax: splitter.syntax, records: out }
}

describe("Records.Splitter", () => {
  it("NDJSON: one record per non-blank line, with its line number, whatever the chunking", () => {
    const text = `{"a":1}\n\n{"b":"x\\ny"}\r\nnot json\n{"c":3}`
    for (const size of [1, 2, 5, 1000]) {
      const { records, syntax } = split(text, size)
      assert.strictEqual(syntax, "ndjson")
      assert.deepStrictEqual(records.map((r) => [r.line, r.index, r.text]), [
        [1, 0, `{"a":1}`],
        [3, 1, `{"b":"x\\ny"}`],
        [4, 2, "not json"],
        [5, 3, `{"c":3}`]
      ])
    }
  })

  it("JSON array: each element, strings with brackets and escaped quotes, nested arrays", () => {
    const text = `[\n  {"a": "]}[{,\\"", "n": [1, [2]]},\n  {"b": 2}, 3, "s,]" , null\n]\n`
    for (const size of [1, 3, 7, 1000]) {
      const { records, syntax } = split(text, size)
      assert.strictEqual(syntax, "array")
      assert.deepStrictEqual(records.map((r) => JSON.parse(r.text) as unknown), [
        { a: `]}[{,"`, n: [1, [2]] },
        { b: 2 },
        3,
        "s,]",
        null
      ])
      assert.deepStrictEqual(records.map((r) => r.line), [2, 3, 3, 3, 3])
    }
  })

  it("a cut-off array reports the unfinished element as truncated", () => {
    const { records } = split(`[{"a":1},{"b":`, 4)
    assert.strictEqual(records.length, 2)
    assert.isTrue(records[1]!.truncated)
  })

  it("a pretty-printed document is one record", () => {
    const { records, syntax } = split(JSON.stringify({ a: { b: [1, 2] } }, null, 2), 3)
    assert.strictEqual(syntax, "document")
    assert.deepStrictEqual(records.map((r) => JSON.parse(r.text) as unknown), [{ a: { b: [1, 2] } }])
  })
})

/** Every record of `text`, read in chunks of `size`, with a record limit. */
const splitWith = (text: string, size: number, maxRecordChars: number) => {
  const splitter = new Records.Splitter({ maxRecordChars })
  const out: Array<Records.RawRecord> = []
  for (let i = 0; i < text.length; i += size) out.push(...splitter.push(text.slice(i, i + size)))
  out.push(...splitter.end())
  return out
}

describe("Records.Splitter: no record is dropped", () => {
  it("an NDJSON file whose first line is an array loses no line", () => {
    const text = `[1,2]\n{"a":1}\n{"b":2}\n{"c":3}\n{"d":4}\n{"e":5}\n`
    for (const size of [1, 3, 1000]) {
      const records = split(text, size).records
      assert.deepStrictEqual(records.map((r) => [r.line, r.text]), [
        [1, "1"],
        [1, "2"],
        [2, `{"a":1}`],
        [3, `{"b":2}`],
        [4, `{"c":3}`],
        [5, `{"d":4}`],
        [6, `{"e":5}`]
      ])
    }
  })

  it("data after a JSON array is read (as NDJSON), not dropped", () => {
    const text = `[\n {"a":1},\n {"b":2}\n]\n{"c":3}\ntrailing junk\n`
    for (const size of [1, 4, 1000]) {
      assert.deepStrictEqual(split(text, size).records.map((r) => [r.line, r.text]), [
        [2, `{"a":1}`],
        [3, `{"b":2}`],
        [5, `{"c":3}`],
        [6, "trailing junk"]
      ])
    }
  })

  it("a record over the limit is a tooLarge record with an excerpt, and the next record is read", () => {
    const big = `{"x":"${"y".repeat(5000)}"}`
    for (const text of [`{"a":1}\n${big}\n{"b":2}\n`, `[{"a":1},${big},{"b":2}]`]) {
      for (const size of [7, 100, 100_000]) {
        const records = splitWith(text, size, 1000)
        assert.deepStrictEqual(records.map((r) => r.tooLarge), [undefined, big.length, undefined])
        assert.isTrue(big.startsWith(records[1]!.text) && records[1]!.text.length >= 1000, records[1]!.text)
        assert.deepStrictEqual([records[0]!.text, records[2]!.text], [`{"a":1}`, `{"b":2}`])
      }
    }
  })

  it("every character is scanned once: time grows linearly with the record length (n and 4n, one run)", () => {
    const time = (n: number) => {
      const record = `{"x":"${"a\\\\\\\"[{,".repeat(n / 8)}"}`
      const started = performance.now()
      for (const text of [`${record}\n`, `[${record}]`]) splitWith(text, 64 * 1024, 1 << 30)
      return performance.now() - started
    }
    time(1 << 20) // warm up
    // Interleaved, the best of three each, at sizes where a rescan (quadratic) would show clearly (about 16).
    const smalls: Array<number> = []
    const larges: Array<number> = []
    for (let i = 0; i < 3; i++) {
      smalls.push(time(8 << 20))
      larges.push(time(32 << 20))
    }
    const small = Math.min(...smalls)
    const large = Math.min(...larges)
    // Linear: about 4 (up to 9 measured on a machine loaded 10x); the old splitter's rescans make it about 16 here
    // (9 to 10 already at 4 Mi -> 16 Mi), and take minutes at these sizes.
    assert.isBelow(large / small, 12, `${small} ms for n, ${large} ms for 4n`)
  })
})
