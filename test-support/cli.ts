/**
 * Runs the `parley` binary as a child process, the way users run it. Shared by the CLI's tests and the security
 * suite. From source (`apps/cli/src/bin.ts`: Node strips the types) by default; with `PARLEY_TEST_CLI=bundle`
 * (what `pnpm test` sets, after `pnpm build`) the published bundle, `apps/cli/dist/bundle/parley.js`, which is
 * what users install and starts several times faster (the Bundle test checks the two behave alike).
 */
import { Effect } from "effect"
import { type ChildProcess, spawn } from "node:child_process"
import { existsSync } from "node:fs"
import { fileURLToPath } from "node:url"

const SOURCE_BIN = fileURLToPath(new URL("../apps/cli/src/bin.ts", import.meta.url))
const BUNDLE_BIN = fileURLToPath(new URL("../apps/cli/dist/bundle/parley.js", import.meta.url))

const chooseBin = (): string => {
  const wanted = process.env.PARLEY_TEST_CLI
  if (wanted === undefined || wanted === "" || wanted === "source") return SOURCE_BIN
  if (wanted !== "bundle") {
    throw new Error(`PARLEY_TEST_CLI must be "source" or "bundle", got ${JSON.stringify(wanted)}`)
  }
  if (!existsSync(BUNDLE_BIN)) {
    throw new Error(`PARLEY_TEST_CLI=bundle but ${BUNDLE_BIN} does not exist: run pnpm build first`)
  }
  return BUNDLE_BIN
}

/** The binary. */
export const BIN = chooseBin()

/** What a run produced. */
export interface Ran {
  readonly args: ReadonlyArray<string>
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
  readonly durationMs: number
}

/** How to run it: extra environment (`undefined` removes a variable), working directory, standard input. */
export interface RunOptions {
  readonly env?: Record<string, string | undefined>
  readonly cwd?: string
  readonly input?: string
}

/**
 * Node's on-disk compile cache for the processes tests spawn (the CLI, the sandbox, fixtures): every spawn loads
 * the same few hundred modules, and reusing their compiled code halves the CPU time of a start, which is most of
 * what a CLI test costs on a busy machine. Keyed by content, so an edited source is compiled afresh.
 */
export const COMPILE_CACHE = fileURLToPath(new URL("../node_modules/.cache/parley-node-compile-cache", import.meta.url))

/** This process's environment without any Drift or Parley setting or `CI`, plus the compile cache and `env`. */
export const environment = (env: Record<string, string | undefined> = {}): NodeJS.ProcessEnv => {
  const base: NodeJS.ProcessEnv = { NODE_COMPILE_CACHE: COMPILE_CACHE }
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
export const spawnCli = (args: ReadonlyArray<string>, options: RunOptions = {}): ChildProcess =>
  spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    env: environment(options.env),
    stdio: ["pipe", "pipe", "pipe"]
  })

/** Collects a child's output until it exits (killed with SIGKILL if the fiber is interrupted first). */
export const wait = (
  child: ChildProcess,
  options: { readonly args?: ReadonlyArray<string>; readonly input?: string } = {}
): Effect.Effect<Ran> =>
  Effect.callback<Ran>((resume) => {
    const started = performance.now()
    let stdout = ""
    let stderr = ""
    child.stdout!.setEncoding("utf8").on("data", (c: string) => (stdout += c))
    child.stderr!.setEncoding("utf8").on("data", (c: string) => (stderr += c))
    child.on("close", (code, signal) =>
      resume(Effect.succeed({
        args: options.args ?? [],
        code,
        signal,
        stdout,
        stderr,
        durationMs: performance.now() - started
      })))
    child.stdin!.on("error", () => undefined)
    if (options.input !== undefined) child.stdin!.end(options.input)
    else child.stdin!.end()
    return Effect.sync(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL")
    })
  })

/** Runs `parley ...args` to its end. */
export const runCli = (args: ReadonlyArray<string>, options: RunOptions = {}): Effect.Effect<Ran> =>
  Effect.suspend(() =>
    wait(spawnCli(args, options), { args, ...(options.input === undefined ? {} : { input: options.input }) })
  )
