/**
 * The secret-handling check: every run of the suite uses a distinctive token, and everything a run leaves behind
 * (stdout, stderr, log lines, error messages, output, checkpoint and rejects files) is collected in a
 * {@link Transcript} and searched for it.
 */
import * as Fs from "node:fs"

/** The token every security test uses: distinctive, so that a hit is never a coincidence. */
export const TOKEN = "prly-tok-7Qx9Lm2V-SENTINEL-c0ffee5ecr3t"

/** Forms of the token worth searching for: itself, its distinctive tail, base64 and URL-encoded forms. */
export const tokenForms: ReadonlyArray<string> = [
  TOKEN,
  "SENTINEL-c0ffee5ecr3t",
  Buffer.from(TOKEN).toString("base64"),
  Buffer.from(`Bearer ${TOKEN}`).toString("base64"),
  encodeURIComponent(`Bearer ${TOKEN}`)
]

/** Where each token form appears in `text`. */
export const findToken = (text: string): ReadonlyArray<string> => tokenForms.filter((form) => text.includes(form))

/** Everything a set of runs produced, by source. */
export class Transcript {
  readonly entries: Array<{ readonly source: string; readonly text: string }> = []

  add(source: string, text: string): void {
    this.entries.push({ source, text })
  }

  /** Adds a file (and, for a checkpoint, its `.ids` and temporary siblings) if it exists. */
  addFile(path: string): void {
    for (const candidate of [path, `${path}.ids`, `${path}.tmp`]) {
      if (Fs.existsSync(candidate) && Fs.statSync(candidate).isFile()) {
        this.add(`file ${candidate}`, Fs.readFileSync(candidate, "latin1"))
      }
    }
  }

  /** Adds every file of a directory. */
  addDirectory(dir: string): void {
    for (const name of Fs.readdirSync(dir)) this.addFile(`${dir}/${name}`)
  }

  /** The sources where the token appears, with the form found. */
  leaks(): ReadonlyArray<string> {
    return this.entries.flatMap((e) => findToken(e.text).map((form) => `${e.source} contains ${JSON.stringify(form)}`))
  }

  /** Total characters searched. */
  get size(): number {
    return this.entries.reduce((n, e) => n + e.text.length, 0)
  }
}
