/**
 * Failures are values in the apps too: no `instanceof` ladder recovers an error's type from `unknown`. Typed
 * failures are told apart by `switch (error._tag)` over `Errors.Failure`; the only `instanceof` left is
 * `instanceof Error`, for the message of a thrown value (a defect, or what `JSON.parse` throws).
 */
import { describe, expect, it } from "@effect/vitest"
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

const roots = ["../src", "../../inbox/src"].map((p) => fileURLToPath(new URL(p, import.meta.url)))

const sources = (dir: string): Array<string> =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : []
  )

/** The code of a source file without its comments and string contents. */
const code = (text: string): string =>
  text
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/\/\/.*$/gm, "")
    .replace(/"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`/g, "\"\"")

/** Every `instanceof X` in `body` whose `X` is not `Error`. */
const ladders = (body: string): Array<string> =>
  [...body.matchAll(/\binstanceof\s+([\w.]+)/g)].map((m) => m[1]!).filter((name) => name !== "Error")

describe("failures are values: no instanceof ladders in the apps", () => {
  const files = roots.flatMap(sources)

  it("finds the sources", () => {
    expect(files.some((f) => f.endsWith("Errors.ts"))).toBe(true)
    expect(files.some((f) => f.endsWith("ThreadSource.ts"))).toBe(true)
  })

  it.each(files.map((f) => [f.slice(f.indexOf("apps/")), f]))("%s tells errors apart by their tag", (_, file) => {
    expect(ladders(code(readFileSync(file, "utf8")))).toEqual([])
  })

  it("the check can fail", () => {
    expect(ladders(code("if (e instanceof DriftError.Timeout) {} // instanceof X"))).toEqual(["DriftError.Timeout"])
    expect(ladders(code("const m = e instanceof Error ? e.message : \"instanceof Y\""))).toEqual([])
  })
})
