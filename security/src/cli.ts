/**
 * Runs the `parley` binary (`apps/cli/src/bin.ts`, from source) as a child process, the way users run it.
 */
import { Effect } from "effect"
import { type ChildProcess, spawn } from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"

/** The binary. */
export const BIN = fileURLToPath(new URL("../../apps/cli/src/bin.ts", import.meta.url))

/** What a run produced. */
export interface Ran {
  readonly args: ReadonlyArray<string>
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
  readonly durationMs: number
}

/** This process's environment without any Drift or Parley setting or `CI`, plus `env`. */
export const environment = (env: Record<string, string | undefined>): NodeJS.ProcessEnv => {
  const base: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith("DRIFT_") && !k.startsWith("PARLEY_") && k !== "CI") base[k] = v
  }
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete base[k]
    else base[k] = v
  }
  return base
}

/** Starts `parley ...args`. */
export const spawnCli = (
  args: ReadonlyArray<string>,
  env: Record<string, string | undefined> = {}
): ChildProcess => spawn(process.execPath, [BIN, ...args], { env: environment(env), stdio: ["pipe", "pipe", "pipe"] })

/** Collects a child's output until it exits (killed with SIGKILL if the fiber is interrupted first). */
export const wait = (child: ChildProcess, args: ReadonlyArray<string>, input?: string): Effect.Effect<Ran> =>
  Effect.callback<Ran>((resume) => {
    const started = performance.now()
    let stdout = ""
    let stderr = ""
    child.stdout!.setEncoding("utf8").on("data", (c: string) => (stdout += c))
    child.stderr!.setEncoding("utf8").on("data", (c: string) => (stderr += c))
    child.on(
      "close",
      (code, signal) =>
        resume(Effect.succeed({ args, code, signal, stdout, stderr, durationMs: performance.now() - started }))
    )
    child.stdin!.on("error", () => undefined)
    if (input !== undefined) child.stdin!.end(input)
    else child.stdin!.end()
    return Effect.sync(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL")
    })
  })

/** Runs `parley ...args` to its end. */
export const runCli = (
  args: ReadonlyArray<string>,
  env: Record<string, string | undefined> = {},
  input?: string
): Effect.Effect<Ran> => Effect.suspend(() => wait(spawnCli(args, env), args, input))

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
