import { describe, expect, it } from "@effect/vitest"
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

const src = fileURLToPath(new URL("../src", import.meta.url))

const sources = (dir: string): Array<string> =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []
  )

/** The code of a source file without its comments and string contents (so a `throw` in a doc example is fine). */
const code = (text: string): string =>
  text
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/\/\/.*$/gm, "")
    .replace(/"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`/g, "\"\"")

describe("failures are values: the mapper never throws", () => {
  const files = sources(src)

  it("finds the sources", () => {
    expect(files.length).toBeGreaterThan(5)
    expect(files.some((f) => f.endsWith("core.ts"))).toBe(true)
  })

  it.each(files.map((f) => [f.slice(src.length + 1), f]))("%s has no throw, try/catch or getOrThrow", (_, file) => {
    const body = code(readFileSync(file, "utf8"))
    expect(body).not.toMatch(/\bthrow\b/)
    expect(body).not.toMatch(/\btry\s*\{/)
    expect(body).not.toMatch(/\b(?:getOrThrow|decodeSync|decodeUnknownSync|encodeSync)\b/)
  })

  it("the check can fail", () => {
    expect(code("const f = () => { throw new Error(\"x\") } // throw")).toMatch(/\bthrow\b/)
    expect(code("/** throw */ const s = \"throw\"")).not.toMatch(/\bthrow\b/)
  })
})
