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
