/**
 * Starts the Drift sandbox (`packages/drift-sandbox`) as a child process for integration tests, on an ephemeral loopback
 * port, and stops it when the scope closes.
 *
 * Packages never import apps, so tests run the real sandbox binary (`node packages/drift-sandbox/src/bin.ts --port 0
 * --json`) and talk to it over HTTP, like any Drift client would.
 *
 * @example
 * ```ts
 * import { it } from "@effect/vitest"
 * import { Effect } from "effect"
 * import { startSandbox } from "../../../test-support/sandbox.ts"
 *
 * it.live("lists conversations", () =>
 *   Effect.gen(function*() {
 *     const sandbox = yield* startSandbox({ conversations: 300, faults: { errorRate: 0.1 } })
 *     const ids = yield* sandbox.admin.ids()
 *     // ... point a DriftClient at sandbox.url with sandbox.token
 *   }))
 * ```
 */
import { Effect } from "effect"
import type { Scope } from "effect"
import { type ChildProcess, spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import { COMPILE_CACHE } from "./cli.ts"

/** The sandbox's command line, resolved from this file so the helper works from any package. */
const BIN = fileURLToPath(new URL("../packages/drift-sandbox/src/bin.ts", import.meta.url))

/**
 * One deterministic fault rule (`Faults.ScheduledFault` in packages/drift-sandbox): the fault, the requests it sees
 * (`method`, `path` with `:name` segments, `attempts` of the same request), and which of them it hits: `nth`
 * (1-based), `every` Kth, `from` the Nth on, or a `rate` keyed by the request and its attempt number (never by arrival order); none of
 * the three: all it sees.
 */
export interface ScheduledFault {
  readonly fault: "latency" | "rateLimit" | "pageTimeout" | "serverError" | "truncate" | "malformed"
  readonly method?: "GET" | "POST"
  readonly path?: string
  readonly attempts?: ReadonlyArray<number>
  readonly nth?: ReadonlyArray<number>
  readonly every?: number
  readonly from?: number
  readonly rate?: number
  readonly status?: 500 | 502 | 503 | 504
  readonly retryAfter?: number
  readonly ms?: number
  readonly mode?: "504" | "hang"
  readonly kind?: "html" | "string-ids" | "xssi"
}

/**
 * Fault settings, as `PUT /_sandbox/faults` takes them (see packages/drift-sandbox/README.md). Absent = off.
 *
 * A test that asserts a fault happened uses `schedule` (deterministic on any machine); the rate fields and the
 * leaky bucket are random or speed-dependent, for demos and soak runs (a rate-limit test that uses the bucket
 * drains it so slowly, e.g. `perSecond: 0.001`, that overflow does not depend on speed).
 */
export interface SandboxFaults {
  readonly seed?: number
  readonly rateLimit?: { readonly perSecond: number; readonly burst?: number; readonly retryAfter?: boolean }
  readonly errorRate?: number
  readonly errorStatuses?: ReadonlyArray<500 | 502 | 503 | 504>
  readonly latency?: { readonly ms: number; readonly jitterMs?: number }
  readonly truncateRate?: number
  readonly malformedRate?: number
  readonly pageTimeout?: {
    readonly fromPage?: number
    readonly rate?: number
    readonly delayMs?: number
    readonly mode?: "504" | "hang"
  }
  readonly schedule?: ReadonlyArray<ScheduledFault>
}

/** `GET /_sandbox/stats`. */
export interface SandboxStats {
  readonly requests: number
  readonly faults: {
    readonly latency: number
    readonly rateLimited: number
    readonly pageTimeout: number
    readonly serverError: number
    readonly truncated: number
    readonly malformed: number
  }
  readonly serverErrorsByStatus: { readonly [status: string]: number }
  /** Faults injected by each rule of `schedule`, by index (since the settings were set). */
  readonly scheduled: ReadonlyArray<number>
  /** Conversations now (seeded and created). */
  readonly conversations: number
  /** The sandbox process's memory. */
  readonly memory: { readonly rssBytes: number; readonly heapUsedBytes: number }
}

/** Options of {@link startSandbox}. */
export interface StartSandboxOptions {
  /** Seeded conversations (default 2,000). */
  readonly conversations?: number
  /** Data seed (default 1). */
  readonly seed?: number
  /** Faults in force from the first request (set through the admin surface before the effect returns). */
  readonly faults?: SandboxFaults
  /** More command-line arguments, e.g. `["--token", "other"]`. */
  readonly extraArgs?: ReadonlyArray<string>
  /** How long to wait for the sandbox to listen (default 60 s). */
  readonly startTimeoutMs?: number
}

/** A running sandbox. */
export interface RunningSandbox {
  /** e.g. `http://127.0.0.1:41234` */
  readonly url: string
  /** The token with every scope. */
  readonly token: string
  /** The token without `conversation_write` (`sandbox-readonly` unless `--readonly-token` says otherwise). */
  readonly readonlyToken: string
  /** Seeded conversations. */
  readonly conversations: number
  /** The admin surface (`/_sandbox/*`): never faulted, no token. */
  readonly admin: {
    /** Replaces the fault settings (`{}` switches every fault off). */
    readonly setFaults: (faults: SandboxFaults) => Effect.Effect<void>
    readonly faults: () => Effect.Effect<SandboxFaults>
    /** Every conversation id, most recently updated first. */
    readonly ids: () => Effect.Effect<ReadonlyArray<number>>
    readonly stats: () => Effect.Effect<SandboxStats>
    /** Bumps a conversation's `updatedAt` as a new message would (it moves to the front of the list). */
    readonly touch: (id: number) => Effect.Effect<void>
  }
  /** The child process (killed when the scope closes). */
  readonly process: ChildProcess
}

const request = (url: string, init?: RequestInit): Effect.Effect<unknown> =>
  Effect.tryPromise({
    try: async (signal) => {
      const response = await fetch(url, { ...init, signal })
      const text = await response.text()
      if (!response.ok) throw new Error(`${init?.method ?? "GET"} ${url}: ${response.status} ${text}`)
      return text === "" ? undefined : (JSON.parse(text) as unknown)
    },
    catch: (cause) => cause
  }).pipe(Effect.orDie)

const launch = (options: StartSandboxOptions) =>
  Effect.callback<{ readonly child: ChildProcess; readonly line: string }, Error>((resume) => {
    const args = [
      BIN,
      "--port",
      "0",
      "--json",
      "--exit-with-stdin",
      "--conversations",
      String(options.conversations ?? 2000),
      "--seed",
      String(options.seed ?? 1),
      ...(options.extraArgs ?? [])
    ]
    const child = spawn(process.execPath, args, {
      stdio: ["pipe", "pipe", "pipe"],
      env: { NODE_COMPILE_CACHE: COMPILE_CACHE, ...process.env }
    })
    let stdout = ""
    let stderr = ""
    let done = false
    const finish = (result: { line: string } | Error) => {
      if (done) return
      done = true
      clearTimeout(timer)
      if (result instanceof Error) {
        child.kill("SIGKILL")
        resume(Effect.fail(result))
      } else {
        resume(Effect.succeed({ child, line: result.line }))
      }
    }
    const timer = setTimeout(
      () => finish(new Error(`The sandbox did not start within ${options.startTimeoutMs ?? 60_000} ms: ${stderr}`)),
      options.startTimeoutMs ?? 60_000
    )
    child.stdout.setEncoding("utf8")
    child.stdout.on("data", (chunk: string) => {
      stdout += chunk
      const newline = stdout.indexOf("\n")
      if (newline !== -1) finish({ line: stdout.slice(0, newline) })
    })
    child.stderr.setEncoding("utf8")
    child.stderr.on("data", (chunk: string) => {
      stderr = (stderr + chunk).slice(-16_384)
    })
    child.on("error", (error) => finish(error))
    child.on(
      "exit",
      (code, signal) =>
        finish(new Error(`The sandbox exited before listening (code ${code}, signal ${signal}): ${stderr}`))
    )
    return Effect.sync(() => {
      if (!done) child.kill("SIGKILL")
    })
  })

const stop = (child: ChildProcess) =>
  Effect.callback<void>((resume) => {
    if (child.exitCode !== null || child.signalCode !== null) return resume(Effect.void)
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000)
    child.once("exit", () => {
      clearTimeout(timer)
      resume(Effect.void)
    })
    child.kill("SIGTERM")
  })

/**
 * Spawns the sandbox (`node packages/drift-sandbox/src/bin.ts --port 0 --json ...`), waits for the JSON line it prints
 * when it listens, applies `faults`, and returns its URL, tokens and admin surface. The process is stopped
 * (SIGTERM, then SIGKILL after 5 s) when the scope closes; it also exits on its own if this process dies.
 */
export const startSandbox = (options: StartSandboxOptions = {}): Effect.Effect<RunningSandbox, never, Scope.Scope> =>
  Effect.gen(function*() {
    const { child, line } = yield* Effect.acquireRelease(
      launch(options),
      ({ child }) => stop(child)
    ).pipe(Effect.orDie)
    const info = JSON.parse(line) as { url: string; token: string; conversations: number }
    const readonlyIndex = options.extraArgs?.indexOf("--readonly-token") ?? -1
    const admin: RunningSandbox["admin"] = {
      setFaults: (faults) =>
        Effect.asVoid(request(`${info.url}/_sandbox/faults`, {
          method: "PUT",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(faults)
        })),
      faults: () => Effect.map(request(`${info.url}/_sandbox/faults`), (body) => body as SandboxFaults),
      ids: () => Effect.map(request(`${info.url}/_sandbox/ids`), (body) => (body as { ids: Array<number> }).ids),
      stats: () => Effect.map(request(`${info.url}/_sandbox/stats`), (body) => body as SandboxStats),
      touch: (id) =>
        Effect.asVoid(request(`${info.url}/_sandbox/touch`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ id })
        }))
    }
    if (options.faults !== undefined) yield* admin.setFaults(options.faults)
    return {
      url: info.url,
      token: info.token,
      readonlyToken: readonlyIndex >= 0 ? options.extraArgs![readonlyIndex + 1]! : "sandbox-readonly",
      conversations: info.conversations,
      admin,
      process: child
    }
  })
