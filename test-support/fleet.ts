/**
 * A fleet for tests and the bench: `parley worker` child processes on loopback (each on a free port), in the
 * current scope, and `parley migrate submit` / `status` run as a user runs them.
 */
import { Deferred, Effect } from "effect"
import type { Scope } from "effect"
import type { ChildProcess } from "node:child_process"
import { randomBytes } from "node:crypto"
import { runCli, spawnCli } from "./cli.ts"

/** A fresh fleet key, as `openssl rand -base64 32` makes one. */
export const fleetKey = (): string => randomBytes(32).toString("base64")

/** A running worker. */
export interface Worker {
  readonly child: ChildProcess
  readonly pid: number
  /** `host:port` it listens on. */
  readonly address: string
  /** Everything it wrote on stderr so far. */
  readonly stderr: () => string
}

/**
 * Starts `parley worker --database <url> --listen 127.0.0.1:0` and waits for its "joined the fleet" line (no time
 * limit of its own: a loaded machine can take many seconds to start Node and join). Killed when the scope closes.
 */
export const startWorker = (options: {
  readonly database: string
  readonly key: string
  readonly concurrency?: number
}): Effect.Effect<Worker, Error, Scope.Scope> =>
  Effect.gen(function*() {
    const child = spawnCli(
      [
        "worker",
        "--database",
        options.database,
        "--listen",
        "127.0.0.1:0",
        "--concurrency",
        String(options.concurrency ?? 8)
      ],
      { env: { PARLEY_FLEET_KEY: options.key } }
    )
    yield* Effect.addFinalizer(() =>
      Effect.callback<void>((resume) => {
        if (child.exitCode !== null || child.signalCode !== null) return resume(Effect.void)
        const timer = setTimeout(() => child.kill("SIGKILL"), 15_000)
        child.once("exit", () => {
          clearTimeout(timer)
          resume(Effect.void)
        })
        child.kill("SIGTERM")
      })
    )
    let stderr = ""
    const joined = yield* Deferred.make<string, Error>()
    child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk
      const match = /runner (\S+) joined the fleet/.exec(stderr)
      if (match !== null) Deferred.doneUnsafe(joined, Effect.succeed(match[1]!))
    })
    child.stdout!.resume()
    child.once("exit", (code, signal) =>
      Deferred.doneUnsafe(
        joined,
        Effect.fail(new Error(`parley worker exited (${code ?? signal}) before joining:\n${stderr}`))
      ))
    const address = yield* Deferred.await(joined)
    return { child, pid: child.pid ?? 0, address, stderr: () => stderr }
  })

/** Where a workspace's two APIs are (sandboxes the caller started). */
export interface Workspace {
  readonly name: string
  readonly drift: { readonly url: string; readonly token: string }
  readonly intercom: { readonly url: string; readonly token: string }
}

/** `parley migrate submit` for a workspace (tokens and base URLs in the environment, as a user gives them). */
export const submit = (options: {
  readonly database: string
  readonly key: string
  readonly workspace: Workspace
  readonly perMinute: number
}) =>
  runCli(
    [
      "migrate",
      "submit",
      "--database",
      options.database,
      "--workspace",
      options.workspace.name,
      "--intercom-per-minute",
      String(options.perMinute),
      "--drift-per-minute",
      "60000",
      // The sandbox's search sees writes at once: no settle window.
      "--search-settle",
      "0",
      "--json"
    ],
    {
      env: {
        PARLEY_FLEET_KEY: options.key,
        DRIFT_TOKEN: options.workspace.drift.token,
        DRIFT_BASE_URL: options.workspace.drift.url,
        INTERCOM_TOKEN: options.workspace.intercom.token,
        INTERCOM_BASE_URL: options.workspace.intercom.url
      }
    }
  )

/** One workspace in `parley migrate status --json`. */
export interface StatusRow {
  readonly workspace: string
  readonly walked: boolean
  readonly total: number | null
  readonly migrated: number
  readonly pending: number
  readonly rejected: number
  readonly perMinute: number
  readonly etaMs: number | null
}

/** `parley migrate status --database <url> --json`. */
export const status = (database: string) =>
  runCli(["migrate", "status", "--database", database, "--json"]).pipe(
    Effect.flatMap((ran) =>
      ran.code === 0
        ? Effect.succeed((JSON.parse(ran.stdout) as { readonly workspaces: ReadonlyArray<StatusRow> }).workspaces)
        : Effect.die(new Error(`parley migrate status failed (${ran.code}): ${ran.stderr}`))
    )
  )

/** Whether every workspace of a status is done: walked, nothing pending, every conversation accounted for. */
export const done = (rows: ReadonlyArray<StatusRow>, workspaces: number): boolean =>
  rows.length === workspaces &&
  rows.every((r) => r.walked && r.total !== null && r.pending === 0 && r.migrated + r.rejected === r.total)
