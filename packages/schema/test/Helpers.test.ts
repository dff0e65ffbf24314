import { describe, expect, it } from "@effect/vitest"
import { JsonPath, Secret, Text } from "@parley/schema"

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
