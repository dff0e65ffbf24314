/**
 * The CLI's test helpers: running `parley` comes from `test-support/cli.ts` (shared with the security suite).
 */
import { mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

export { BIN, type Ran, runCli, spawnCli, wait } from "../../../test-support/cli.ts"

/** A fresh temporary directory. */
export const tempDir = (): string => mkdtempSync(join(tmpdir(), "parley-cli-"))

/** The non-empty lines of a file, parsed. */
export const readNdjson = (path: string): Array<unknown> =>
  readFileSync(path, "utf8").split("\n").filter((l) => l.length > 0).map((l) => JSON.parse(l) as unknown)

/** Drift and Intercom environment for a sandbox started by `startSandbox`. */
export const driftEnv = (url: string, token: string): Record<string, string> => ({
  DRIFT_BASE_URL: url,
  DRIFT_TOKEN: token,
  DRIFT_REQUESTS_PER_MINUTE: "Infinity",
  DRIFT_RETRY_BASE_DELAY: "20 millis"
})
