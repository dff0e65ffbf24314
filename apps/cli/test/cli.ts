/**
 * Runs the `parley` binary (from source: Node strips the types) as a child process.
 */
import { Effect } from "effect"
import { type ChildProcess, spawn } from "node:child_process"
import { mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

/** The binary. */
export const BIN = fileURLToPath(new URL("../src/bin.ts", import.meta.url))

/** What a run produced. */
export interface Ran {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
}

/** The environment of a run: this process's, without any Drift or Parley setting unless given. */
const environment = (env: Record<string, string | undefined>): NodeJS.ProcessEnv => {
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

/** Starts `parley args...`; the child is killed if the test ends first. */
export const spawnCli = (
  args: ReadonlyArray<string>,
  options: { readonly env?: Record<string, string | undefined>; readonly cwd?: string } = {}
): ChildProcess =>
  spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    env: environment(options.env ?? {}),
    stdio: ["pipe", "pipe", "pipe"]
  })

/** Collects a child's output until it exits. */
export const wait = (child: ChildProcess, input?: string): Effect.Effect<Ran> =>
  Effect.callback<Ran>((resume) => {
    let stdout = ""
    let stderr = ""
    child.stdout!.setEncoding("utf8").on("data", (c: string) => (stdout += c))
    child.stderr!.setEncoding("utf8").on("data", (c: string) => (stderr += c))
    child.on("close", (code, signal) => resume(Effect.succeed({ code, signal, stdout, stderr })))
    if (input !== undefined) child.stdin!.end(input)
    else child.stdin!.end()
    return Effect.sync(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL")
    })
  })

/** Runs `parley args...` to its end. */
export const runCli = (
  args: ReadonlyArray<string>,
  options: {
    readonly env?: Record<string, string | undefined>
    readonly cwd?: string
    readonly input?: string
  } = {}
): Effect.Effect<Ran> => Effect.suspend(() => wait(spawnCli(args, options), options.input))

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
