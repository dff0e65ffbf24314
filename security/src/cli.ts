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

/**
 * Counts a growing file's newline-terminated lines, reading only what was appended since the last call (a poll
 * that re-read a 50 MB export every 15 ms took CPU from the export it watches). Starts again from the beginning
 * when the file shrank (truncated by a resume).
 */
export const lineCounter = (path: string): () => number => {
  let offset = 0
  let lines = 0
  const buffer = Buffer.alloc(1 << 20)
  return () => {
    let fd: number
    try {
      fd = Fs.openSync(path, "r")
    } catch {
      offset = 0
      lines = 0
      return 0
    }
    try {
      const size = Fs.fstatSync(fd).size
      if (size < offset) {
        offset = 0
        lines = 0
      }
      while (offset < size) {
        const read = Fs.readSync(fd, buffer, 0, Math.min(buffer.length, size - offset), offset)
        if (read === 0) break
        for (let i = buffer.indexOf(10); i !== -1 && i < read; i = buffer.indexOf(10, i + 1)) lines++
        offset += read
      }
      return lines
    } finally {
      Fs.closeSync(fd)
    }
  }
}
