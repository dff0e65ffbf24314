/**
 * `pnpm --filter <package> <script>` runs the script in the package's folder: relative paths must still mean the
 * folder the user ran pnpm from (pnpm passes it as INIT_CWD), and messages show them resolved.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { spawn } from "node:child_process"
import { existsSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { environment } from "../../../test-support/cli.ts"
import { readNdjson, tempDir, wait } from "./cli.ts"

const ROOT = fileURLToPath(new URL("../../..", import.meta.url))
const PACKAGE = fileURLToPath(new URL("..", import.meta.url))

/** Runs `pnpm -C <repo> --filter <pkg> <script> -- ...args` from `cwd`, as a user in another folder would. */
const pnpm = (cwd: string, pkg: string, script: string, args: ReadonlyArray<string>) =>
  Effect.suspend(() =>
    wait(
      spawn("pnpm", ["-C", ROOT, "--filter", pkg, script, "--", ...args], {
        cwd,
        env: environment({ INIT_CWD: undefined, npm_config_update_notifier: "false" }),
        stdio: ["pipe", "pipe", "pipe"]
      }),
      { args }
    )
  )

describe("relative paths under pnpm --filter mean the folder pnpm was run from", () => {
  it.live("parley export --out rel.ndjson writes where the user is, and says where", () =>
    Effect.gen(function*() {
      const dir = tempDir()
      const ran = yield* pnpm(dir, "@parley/cli", "parley", [
        "export",
        "--sandbox",
        "--sandbox-conversations",
        "5",
        "--out",
        "rel.ndjson"
      ])
      assert.strictEqual(ran.code, 0, ran.stderr)
      assert.strictEqual(readNdjson(join(dir, "rel.ndjson")).length, 5)
      assert.isFalse(existsSync(join(PACKAGE, "rel.ndjson")))
      assert.include(ran.stderr, `to ${join(dir, "rel.ndjson")} in`)
    }), 180_000)

  it.live(
    "parley-inbox --file missing.ndjson names the file resolved from the user's folder",
    () =>
      Effect.gen(function*() {
        const dir = tempDir()
        const ran = yield* pnpm(dir, "@parley/inbox", "start", ["--file", "missing.ndjson", "--port", "0"])
        assert.notStrictEqual(ran.code, 0)
        assert.include(
          ran.stderr,
          `parley-inbox: Cannot read the export file ${join(dir, "missing.ndjson")}: no such file`
        )
        assert.notMatch(ran.stderr, /\n\s+at /)
      }),
    180_000
  )
})
