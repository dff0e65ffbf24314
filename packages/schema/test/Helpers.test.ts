import { describe, expect, it } from "@effect/vitest"
import { JsonPath, Secret, Text } from "@parley/schema"
import { Schema } from "effect"

describe("the helpers every package formats its errors with", () => {
  it("JsonPath.format prints paths as Effect's schema errors do", () => {
    expect(JsonPath.format(["data", 3, "createdAt"])).toBe(`["data"][3]["createdAt"]`)
    expect(JsonPath.format(["a\"b", "3"])).toBe(`["a\\"b"]["3"]`)
    expect(JsonPath.format([])).toBe("(root)")
    expect(JsonPath.format([], { root: "the root" })).toBe("the root")
  })

  it("JsonPath.keys reads a Standard Schema issue path", () => {
    expect(JsonPath.keys([{ key: "data" }, 3, "id"])).toEqual(["data", 3, "id"])
    expect(JsonPath.keys(undefined)).toEqual([])
  })

  it("Text.oneLine folds every run of whitespace and trims", () => {
    expect(Text.oneLine("  cannot\tread\r\n  the file \n")).toBe("cannot read the file")
  })

  it("Text.count groups thousands exactly as toLocaleString(\"en-US\") does", () => {
    expect(Text.count(1234567)).toBe("1,234,567")
    expect(Text.count(-1000)).toBe("-1,000")
    for (const n of [0, 999, 1000, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 1.5, Number.NaN, Infinity]) {
      expect(Text.count(n)).toBe(n.toLocaleString("en-US"))
    }
  })

  it.prop(
    "Text.count of any safe integer is toLocaleString(\"en-US\")",
    [Schema.Int.check(Schema.isBetween({ minimum: -Number.MAX_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER }))],
    ([n]) => Text.count(n) === n.toLocaleString("en-US"),
    { arbitrary: { runs: 2000 } }
  )

  it("Secret.scrubber removes the token whole, cut and base64'd", () => {
    const token = "tok_3f9a1c77e2b54d08"
    const scrub = Secret.scrubber(token)
    expect(scrub(`Bearer ${token} failed`)).toBe("Bearer <redacted> failed")
    expect(scrub("echo: tok_3f9a1c77e2")).toBe("echo: <redacted>")
    const basic = Buffer.from(`user:${token}`).toString("base64")
    expect(scrub(basic)).not.toContain(Buffer.from(token).toString("base64").slice(2, 14))
    expect(Secret.scrub("short abc", ["abc"])).toBe("short abc")
  })
})
