/**
 * The published binary is a bundle (`scripts/bundle.ts`, `dist/bundle/parley.js`): it must behave exactly as the
 * source binary. Built here into a temporary directory, then run side by side with `src/bin.ts`.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { spawn } from "node:child_process"
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll } from "vitest"
import { environment } from "../../../test-support/cli.ts"
import { startSandbox } from "../../../test-support/sandbox.ts"
import { bundle } from "../scripts/bundle.ts"
import { driftEnv, runCli, tempDir, wait } from "./cli.ts"

// Inside the package, as `dist/bundle` is, so that the workspace packages resolve from it as they do from there.
const distDir = fileURLToPath(new URL("../dist/", import.meta.url))
mkdirSync(distDir, { recursive: true })
const bundleDir = mkdtempSync(join(distDir, "test-bundle-"))
let building: Promise<string> | undefined
const built = Effect.promise(() => (building ??= bundle(bundleDir)))

const runBundle = (args: ReadonlyArray<string>, env: Record<string, string> = {}) =>
  Effect.flatMap(built, (entry) =>
    wait(
      spawn(process.execPath, [entry, ...args], { env: environment(env), stdio: ["pipe", "pipe", "pipe"] }),
      { args }
    ))

describe("the bundled binary", () => {
  afterAll(() => rmSync(bundleDir, { recursive: true, force: true }))

  it.live("is self-contained: every import is a Node built-in or one of its own chunks", () =>
    Effect.gen(function*() {
      yield* built
      const files = readdirSync(bundleDir).filter((f) => f.endsWith(".js"))
      assert.isAbove(files.length, 1)
      let total = 0
      for (const file of files) {
        const code = readFileSync(join(bundleDir, file), "utf8")
        // The import statements the chunk starts with, and what `getBuiltinModule` loads.
        const head =
          /^(?:#![^\n]*\n)?(?:\s*(?:import|export)\s*[^;"'`]*?(?:from\s*)?["'`][^"'`]+["'`];?)*/.exec(code)![0]
        const specifiers = [
          ...head.matchAll(/["'`]([^"'`]+)["'`]/g),
          ...code.matchAll(/getBuiltinModule\(\s*["'`]([^"'`]+)["'`]\s*\)/g)
        ].map((m) => m[1]!)
        total += specifiers.length
        for (const specifier of specifiers) {
          assert.match(specifier, /^(?:node:|\.\/chunk-[\w-]+\.js$|\.\/parley\.js$)/, `${file} imports ${specifier}`)
        }
      }
      assert.isAbove(total, 10, "the check saw the imports")
    }), { timeout: 180_000 })

  it.live("prints the same help, version and usage errors as the source binary", () =>
    Effect.gen(function*() {
      for (const args of [["--help"], ["--version"], ["export", "--help"], ["export", "--to", "nowhere"], []]) {
        const [fromSource, fromBundle] = yield* Effect.all([runCli(args), runBundle(args)], { concurrency: 2 })
        assert.deepStrictEqual(
          { code: fromBundle.code, stdout: fromBundle.stdout, stderr: fromBundle.stderr },
          { code: fromSource.code, stdout: fromSource.stdout, stderr: fromSource.stderr },
          `parley ${args.join(" ")}`
        )
      }
    }), { timeout: 180_000 })

  it.live("exports byte-identical output, from the same sandbox, for every target shape", () =>
    Effect.gen(function*() {
      const sandbox = yield* startSandbox({ conversations: 120, seed: 7 })
      const env = driftEnv(sandbox.url, sandbox.token)
      const dir = tempDir()
      for (const to of ["drift", "intercom", "intercom-2.11"]) {
        const a = join(dir, `source-${to}.ndjson`)
        const b = join(dir, `bundle-${to}.ndjson`)
        const fromSource = yield* runCli(["export", "--to", to, "--out", a, "--quiet"], { env })
        const fromBundle = yield* runBundle(["export", "--to", to, "--out", b, "--quiet"], env)
        assert.strictEqual(fromSource.code, 0, fromSource.stderr)
        assert.strictEqual(fromBundle.code, 0, fromBundle.stderr)
        const expected = readFileSync(a, "utf8")
        assert.strictEqual(expected.split("\n").filter((l) => l !== "").length, 120)
        assert.strictEqual(readFileSync(b, "utf8"), expected, to)
      }
    }), { timeout: 240_000 })
})
