/**
 * Fleet: three workspaces migrating at once on 1, 2 and 3 `parley worker` processes over a throwaway PostgreSQL,
 * every process on this machine (the workers, the six sandboxes, the database), all over loopback.
 *
 * Each workspace is a Drift sandbox and an Intercom sandbox limited to `perMinute` calls (counted like Intercom in
 * 10-second windows). The physical ceiling is the sum of the three limits: no fleet can go faster without 429s.
 * The figure is the calls per second the fleet sustained over each workspace's full windows (the first and last
 * are partial), summed over the workspaces, divided by that ceiling; plus the 429s the limits answered (the shared
 * budget keeps 10% of each window in reserve, so 90% is its own ceiling).
 */
import { Effect, Schedule, Scope } from "effect"
import { spawn } from "node:child_process"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { done, fleetKey, startWorker, status, submit } from "../../test-support/fleet.ts"
import { startPostgres } from "../../test-support/postgres.ts"
import type { Options, Section } from "./options.ts"
import * as Report from "./report.ts"

const DRIFT_SANDBOX = fileURLToPath(new URL("../../packages/drift-sandbox/src/bin.ts", import.meta.url))
const INTERCOM_SANDBOX = fileURLToPath(new URL("../../packages/intercom-sandbox/src/bin.ts", import.meta.url))

interface Server {
  readonly url: string
  readonly token: string
}

/** Starts a sandbox bin with `--port 0 --json` for the scope, and waits for its JSON line. */
const server = (bin: string, args: ReadonlyArray<string>): Effect.Effect<Server, Error, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.callback<{ readonly server: Server; readonly stop: () => void }, Error>((resume) => {
      const child = spawn(process.execPath, [bin, "--port", "0", "--json", "--exit-with-stdin", ...args], {
        stdio: ["pipe", "pipe", "pipe"]
      })
      let out = ""
      let err = ""
      child.stderr.setEncoding("utf8").on("data", (c: string) => (err = (err + c).slice(-4096)))
      child.stdout.setEncoding("utf8").on("data", (c: string) => {
        out += c
        const newline = out.indexOf("\n")
        if (newline >= 0) {
          const info = JSON.parse(out.slice(0, newline)) as Server
          resume(Effect.succeed({ server: { url: info.url, token: info.token }, stop: () => child.kill("SIGTERM") }))
        }
      })
      child.on("exit", (code) => resume(Effect.fail(new Error(`${path.basename(bin)} exited with ${code}: ${err}`))))
    }),
    (s) => Effect.sync(s.stop)
  ).pipe(Effect.map((s) => s.server))

interface Window {
  readonly start: number
  readonly requests: number
  readonly rateLimited: number
}

const windows = (intercom: Server) =>
  Effect.promise(() =>
    fetch(`${intercom.url}/_sandbox/stats`).then((r) =>
      r.json() as Promise<{ traffic: { windows: ReadonlyArray<Window>; faults: { injectedRateLimited: number } } }>
    )
  ).pipe(Effect.map((s) => s.traffic.windows))

interface Run {
  readonly workers: number
  readonly conversations: number
  readonly calls: number
  readonly wallMs: number
  readonly sustainedPerSecond: number
  readonly ceilingPerSecond: number
  readonly ratio: number
  readonly limit429: number
}

const oneRun = (options: {
  readonly workers: number
  readonly conversations: number
  readonly perMinute: number
  readonly log: (line: string) => void
}) =>
  Effect.gen(function*() {
    const pg = yield* startPostgres()
    const key = fleetKey()
    const names = ["acme", "globex", "initech"]
    const workspaces = yield* Effect.forEach(names, (name, i) =>
      Effect.gen(function*() {
        const drift = yield* server(DRIFT_SANDBOX, [
          "--conversations",
          String(options.conversations),
          "--seed",
          String(i + 21)
        ])
        const intercom = yield* server(INTERCOM_SANDBOX, ["--per-minute", String(options.perMinute)])
        return { name, drift, intercom }
      }))
    for (let i = 0; i < options.workers; i++) yield* startWorker({ database: pg.url, key, concurrency: 16 })
    const started = performance.now()
    for (const workspace of workspaces) {
      const ran = yield* submit({ database: pg.url, key, workspace, perMinute: options.perMinute })
      if (ran.code !== 0) return yield* Effect.fail(new Error(`submit failed: ${ran.stderr}`))
    }
    yield* status(pg.url).pipe(Effect.repeat({ schedule: Schedule.spaced("1 second"), until: (rows) => done(rows, 3) }))
    const wallMs = performance.now() - started
    let sustained = 0
    let calls = 0
    let limit429 = 0
    for (const workspace of workspaces) {
      const seen = yield* windows(workspace.intercom)
      const full = seen.length > 2 ? seen.slice(1, -1) : seen
      sustained += full.reduce((n, w) => n + w.requests - w.rateLimited, 0) / (full.length * 10)
      calls += seen.reduce((n, w) => n + w.requests, 0)
      limit429 += seen.reduce((n, w) => n + w.rateLimited, 0)
    }
    const ceiling = (3 * options.perMinute) / 60
    const run: Run = {
      workers: options.workers,
      conversations: 3 * options.conversations,
      calls,
      wallMs,
      sustainedPerSecond: sustained,
      ceilingPerSecond: ceiling,
      ratio: sustained / ceiling,
      limit429
    }
    options.log(
      `fleet: ${options.workers} worker(s): ${calls} calls in ${(wallMs / 1000).toFixed(1)} s, ${
        sustained.toFixed(1)
      }/s of ${ceiling.toFixed(1)}/s = ${(run.ratio * 100).toFixed(1)}%; ${limit429} answered 429`
    )
    return run
  }).pipe(Effect.scoped)

/** Runs the fleet benchmark. */
export const run = async (options: Options): Promise<Section> => {
  const perMinute = options.quick ? 600 : 1_200
  const conversations = options.quick ? 30 : 80
  const runs: Array<Run> = []
  for (const workers of [1, 2, 3]) {
    options.log(
      `fleet: ${workers} worker(s), 3 workspaces of ${conversations} conversations, each limited to ${perMinute}/min`
    )
    runs.push(await Effect.runPromise(oneRun({ workers, conversations, perMinute, log: options.log })))
  }
  const markdown = [
    "## Fleet (`parley worker` ×1, ×2, ×3 over PostgreSQL; three workspaces, each its own Intercom limit)",
    "",
    `Three workspaces of ${conversations} conversations, each Intercom sandbox limited to ${
      Report.num(perMinute)
    } calls a minute: the ceiling is the sum, ${
      Report.num((3 * perMinute) / 60, 1)
    } calls/s. The shared budget keeps 10% of each window in reserve.`,
    "",
    Report.table(
      ["workers", "conversations", "Intercom calls", "wall time", "sustained calls/s", "÷ sum of limits", "429s"],
      runs.map((r) => [
        String(r.workers),
        Report.num(r.conversations),
        Report.num(r.calls),
        Report.duration(r.wallMs),
        Report.num(r.sustainedPerSecond, 1),
        `${(r.ratio * 100).toFixed(1)}%`,
        Report.num(r.limit429)
      ])
    )
  ].join("\n")
  return { title: "fleet", markdown, data: { perMinute, conversations, runs } }
}
