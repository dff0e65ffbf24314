/**
 * Migrate: `parley migrate run` (the real CLI, a child process) from a Drift sandbox child into an Intercom
 * sandbox child, over loopback. Three processes, so each one's memory is its own.
 *
 * - Rate: the Intercom sandbox is set to 10,000 calls a minute (Intercom's default), counted like Intercom in
 *   10-second windows of 1,667. The figure is the calls per second the migration sustained over the full windows
 *   of the run, divided by the allowed rate (the physical limit: the migration cannot go faster without 429s),
 *   and the most 429 answers any one window saw.
 * - Memory: the migrating process's peak RSS (`VmHWM`) migrating 2,000 and then 20,000 conversations (`--quick`:
 *   300 and 1,500) with the Intercom limit off, so the run is as fast as the machine allows. Flat means the ratio
 *   of the two peaks stays near 1 while the workspace grows tenfold.
 */
import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import type { Options, Section } from "./options.ts"
import * as Report from "./report.ts"

const CLI = fileURLToPath(new URL("../../apps/cli/src/bin.ts", import.meta.url))
const DRIFT_SANDBOX = fileURLToPath(new URL("../../packages/drift-sandbox/src/bin.ts", import.meta.url))
const INTERCOM_SANDBOX = fileURLToPath(new URL("../../packages/intercom-sandbox/src/bin.ts", import.meta.url))

interface Server {
  readonly url: string
  readonly token: string
  readonly stop: () => void
}

/** Starts a sandbox bin with `--port 0 --json` and waits for its JSON line. */
const server = (bin: string, args: ReadonlyArray<string>): Promise<Server> =>
  new Promise((resolve, reject) => {
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
        const info = JSON.parse(out.slice(0, newline)) as { url: string; token: string }
        resolve({ url: info.url, token: info.token, stop: () => child.kill("SIGTERM") })
      }
    })
    child.on("exit", (code) => reject(new Error(`${path.basename(bin)} exited with ${code}: ${err}`)))
  })

interface Migrated {
  readonly summary: {
    readonly migrated: number
    readonly rejected: number
    readonly intercomRequests: number
    readonly intercomRateLimited: number
    readonly elapsedMs: number
  }
  readonly peakRssBytes: number
  readonly wallMs: number
}

/** Runs `parley migrate run` to its end, sampling its peak RSS. */
const migrate = (drift: Server, intercom: Server, database: string): Promise<Migrated> =>
  new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(process.execPath, [
      CLI,
      "migrate",
      "run",
      "--database",
      database,
      "--concurrency",
      "16",
      "--json",
      "--quiet",
      "--rejects",
      `${database}.rejects.ndjson`
    ], {
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        DRIFT_TOKEN: drift.token,
        DRIFT_BASE_URL: drift.url,
        DRIFT_REQUESTS_PER_MINUTE: "Infinity",
        INTERCOM_TOKEN: intercom.token,
        INTERCOM_BASE_URL: intercom.url
      }
    })
    let peak = 0
    const sample = setInterval(() => {
      try {
        const status = fs.readFileSync(`/proc/${child.pid}/status`, "utf8")
        const hwm = /VmHWM:\s+(\d+) kB/.exec(status)
        if (hwm) peak = Math.max(peak, Number(hwm[1]) * 1024)
      } catch {
        // exited
      }
    }, 100)
    let out = ""
    let err = ""
    child.stdout.setEncoding("utf8").on("data", (c: string) => (out += c))
    child.stderr.setEncoding("utf8").on("data", (c: string) => (err = (err + c).slice(-4096)))
    child.on("exit", (code) => {
      clearInterval(sample)
      if (code !== 0 && code !== 3) return reject(new Error(`parley migrate run exited with ${code}: ${err}`))
      resolve({
        summary: JSON.parse(out.trim().split("\n").pop()!),
        peakRssBytes: peak,
        wallMs: performance.now() - started
      })
    })
  })

interface Window {
  readonly start: number
  readonly requests: number
  readonly rateLimited: number
}

const stats = (intercom: Server) =>
  fetch(`${intercom.url}/_sandbox/stats`).then((r) =>
    r.json() as Promise<{ traffic: { windows: ReadonlyArray<Window> } }>
  )

const tempDatabase = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), "parley-bench-migrate-")), "migrate.db")

const MB = 1024 * 1024

/** Runs the migrate benchmark. */
export const run = async (options: Options): Promise<Section> => {
  const rateSize = options.quick ? 600 : 2000
  const perMinute = 10_000
  const memorySizes = options.quick ? [300, 1500] : [2000, 20_000]

  options.log(`migrate: ${rateSize} conversations at ${perMinute.toLocaleString("en-US")} Intercom calls a minute`)
  const drift = await server(DRIFT_SANDBOX, ["--conversations", String(rateSize)])
  const intercom = await server(INTERCOM_SANDBOX, ["--per-minute", String(perMinute)])
  let rate
  try {
    const result = await migrate(drift, intercom, tempDatabase())
    const windows = (await stats(intercom)).traffic.windows
    // The first and last windows are partial (the run starts and ends inside them).
    const full = windows.length > 2 ? windows.slice(1, -1) : windows
    const sustained = full.reduce((n, w) => n + w.requests, 0) / (full.length * 10)
    const allowed = perMinute / 60
    rate = {
      conversations: result.summary.migrated + result.summary.rejected,
      requests: result.summary.intercomRequests,
      windows: windows.length,
      fullWindows: full.length,
      sustainedPerSecond: sustained,
      allowedPerSecond: allowed,
      ratio: sustained / allowed,
      max429PerWindow: Math.max(0, ...windows.map((w) => w.rateLimited)),
      total429: windows.reduce((n, w) => n + w.rateLimited, 0),
      wallMs: result.wallMs
    }
    options.log(
      `migrate: ${rate.requests} calls in ${(result.wallMs / 1000).toFixed(1)} s; ${
        sustained.toFixed(1)
      }/s over ${full.length} full windows = ${
        (rate.ratio * 100).toFixed(1)
      }% of the limit; at most ${rate.max429PerWindow} 429s in a window`
    )
  } finally {
    drift.stop()
    intercom.stop()
  }

  const memory: Array<{ size: number; peakRssBytes: number; wallMs: number; requests: number }> = []
  for (const size of memorySizes) {
    options.log(`migrate: peak RSS migrating ${size} conversations (Intercom limit off)`)
    const d = await server(DRIFT_SANDBOX, ["--conversations", String(size)])
    const i = await server(INTERCOM_SANDBOX, ["--no-limit"])
    try {
      const result = await migrate(d, i, tempDatabase())
      memory.push({
        size,
        peakRssBytes: result.peakRssBytes,
        wallMs: result.wallMs,
        requests: result.summary.intercomRequests
      })
      options.log(
        `migrate: ${size}: peak RSS ${(result.peakRssBytes / MB).toFixed(0)} MiB in ${
          (result.wallMs / 1000).toFixed(1)
        } s`
      )
    } finally {
      d.stop()
      i.stop()
    }
  }
  const growth = memory.length === 2 ? memory[1]!.peakRssBytes / memory[0]!.peakRssBytes : NaN

  const markdown = [
    "## Migrate (`parley migrate run`, Drift sandbox -> Intercom sandbox, three processes over loopback)",
    "",
    Report.table(["measure", "value"], [
      ["conversations (rate run)", Report.num(rate.conversations)],
      ["Intercom calls", Report.num(rate.requests)],
      ["sustained calls/s over the full 10-s windows", Report.num(rate.sustainedPerSecond, 1)],
      ["allowed calls/s (10,000 a minute)", Report.num(rate.allowedPerSecond, 1)],
      ["sustained ÷ allowed", `${(rate.ratio * 100).toFixed(1)}%`],
      ["most 429s in one 10-s window", Report.num(rate.max429PerWindow)],
      ...memory.map((
        m
      ) => [`peak RSS, ${Report.num(m.size)} conversations`, `${(m.peakRssBytes / MB).toFixed(0)} MiB`]),
      [`peak RSS growth, ${Report.num(memorySizes[0]!)} -> ${Report.num(memorySizes[1]!)}`, `×${growth.toFixed(2)}`]
    ]),
    "",
    Report.targets([
      {
        target: "sustained ≥ 90% of the allowed call rate",
        met: rate.ratio >= 0.9,
        measured: `${(rate.ratio * 100).toFixed(1)}%`
      },
      {
        target: "≤ 1 429 per 10-second window",
        met: rate.max429PerWindow <= 1,
        measured: String(rate.max429PerWindow)
      },
      {
        target: "memory flat (peak RSS growth ≤ ×1.5 for 10× the conversations)",
        met: growth <= 1.5,
        measured: `×${growth.toFixed(2)}`
      }
    ])
  ].join("\n")
  return { title: "migrate", markdown, data: { rate, memory, growth } }
}
