/**
 * The suite's file helpers; running `parley` comes from `test-support/cli.ts` (shared with the CLI's tests).
 */
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"

export { BIN, type Ran, runCli, spawnCli, wait } from "../../test-support/cli.ts"

/** A fresh temporary directory. */
export const tempDir = (prefix = "parley-security-"): string => Fs.mkdtempSync(Path.join(Os.tmpdir(), prefix))

/** The non-empty lines of a file. */
export const readLines = (path: string): Array<string> =>
  Fs.existsSync(path) ? Fs.readFileSync(path, "utf8").split("\n").filter((l) => l.length > 0) : []

/** How many newline-terminated lines a file has now (0 when it does not exist). */
export const countLines = (path: string): number => {
  try {
    const buffer = Fs.readFileSync(path)
    let n = 0
    for (let i = buffer.indexOf(10); i !== -1; i = buffer.indexOf(10, i + 1)) n++
    return n
  } catch {
    return 0
  }
}
