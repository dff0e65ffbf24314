/**
 * Export: threads per second from a sandbox child process over loopback at concurrency 1, 4 and 16 (the
 * `DriftStream.threads` pipeline in this process, no client-side rate limit), and the peak RSS of a whole export
 * (threads -> Intercom 2.11 -> NDJSON lines) run in a child process of its own, per workspace size.
 *
 * The sandbox runs as a child process (`test-support/sandbox.ts`), so its memory and CPU are not the client's. On
 * a 2-core machine the two processes share the cores: the numbers are the client and the server together.
 *
 * The CLI against the serving limit: in interleaved rounds on one sandbox, `parley export` (the published bundle,
 * and the source binary) as a child process, against the least client there is (`export-minimal.ts`: `node:http`,
 * `JSON.parse`, the same requests): threads/s of the CLI ÷ threads/s of the minimal client, round by round.
 */
import { DriftClient } from "@parley/drift-client"
import { DriftStream } from "@parley/drift-stream"
import { Effect, Layer, Redacted, Stream } from "effect"
import { FetchHttpClient } from "effect/http"
import { spawn } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { type RunningSandbox, startSandbox } from "../../test-support/sandbox.ts"
import * as Ladder from "./export-ladder.ts"
import * as Minimal from "./export-minimal.ts"
import type { Options, Section } from "./options.ts"
import * as Report from "./report.ts"

const CHILD = fileURLToPath(new URL("./export-child.ts", import.meta.url))
const LADDER = fileURLToPath(new URL("./export-ladder.ts", import.meta.url))

/** Rounds in each ladder process: the first is the process cold, the last warm. */
const LADDER_ROUNDS = 3

const CONCURRENCY = [1, 4, 16] as const

/** The CLI binaries: the published bundle (built by `@parley/cli`'s build) and the source. */
const CLI_ROOT = fileURLToPath(new URL("./", import.meta.resolve("@parley/cli/package.json")))
const CLI_BINARIES = {
  bundle: join(CLI_ROOT, "dist", "bundle", "parley.js"),
  source: join(CLI_ROOT, "src", "bin.ts")
} as const

/** Concurrency of the serving-limit comparison, for the minimal client and `parley export --concurrency`. */
const LIMIT_CONCURRENCY = 16

interface CliRun {
  readonly threads: number
  /** From spawn to exit. */
  readonly ms: number
  /** The CLI's own `durationMs` (its `--json` summary): the run after Node's start and the module loading. */
  readonly runMs: number
}

/**
 * `parley export --to drift` of the whole sandbox into a temporary file, timed from spawn to exit; the summary
 * `--json` prints on stdout gives the run's own duration.
 */
const cliExport = (binary: string, sandbox: RunningSandbox, threads: number) =>
  Effect.callback<CliRun, Error>((resume) => {
    const dir = mkdtempSync(join(tmpdir(), "parley-bench-export-"))
    const args = [binary, "export", "--to", "drift", "--out", join(dir, "out.ndjson"), "--quiet", "--json"]
    args.push("--concurrency", String(LIMIT_CONCURRENCY))
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DRIFT_BASE_URL: sandbox.url,
      DRIFT_TOKEN: sandbox.token,
      DRIFT_REQUESTS_PER_MINUTE: "Infinity"
    }
    const started = performance.now()
    const proc = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"], env })
    let stdout = ""
    let stderr = ""
    proc.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk))
    proc.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr = (stderr + chunk).slice(-4096)))
    proc.on("error", (error) => resume(Effect.fail(error)))
    // Timed at `exit`; resumed at `close`, when stdout has been read to its end.
    let ms = 0
    proc.on("exit", () => (ms = performance.now() - started))
    proc.on("close", (code) => {
      rmSync(dir, { recursive: true, force: true })
      if (code !== 0) return resume(Effect.fail(new Error(`parley export: ${code}: ${stderr}`)))
      const runMs = durationOf(stdout)
      resume(
        runMs === undefined
          ? Effect.fail(new Error(`parley export --json printed no durationMs: ${stdout.slice(0, 200)}`))
          : Effect.succeed({ threads, ms, runMs })
      )
    })
    return Effect.sync(() => {
      if (proc.exitCode === null) proc.kill("SIGKILL")
    })
  })

/** The `durationMs` of the `--json` summary line. */
const durationOf = (stdout: string): number | undefined => {
  try {
    const summary: unknown = JSON.parse(stdout.trim().split("\n").at(-1) ?? "")
    if (typeof summary !== "object" || summary === null || !("durationMs" in summary)) return undefined
    return typeof summary.durationMs === "number" ? summary.durationMs : undefined
  } catch {
    return undefined
  }
}

interface LimitRound {
  readonly minimal: Minimal.MinimalRun
  readonly bundle: CliRun
  readonly source: CliRun
}

const ratioStats = (ratios: ReadonlyArray<number>) => ({
  median: median(ratios),
  min: Math.min(...ratios),
  max: Math.max(...ratios)
})

interface Run {
  readonly threads: number
  readonly messages: number
  readonly requests: number
  readonly ms: number
}

const streamLayer = (sandbox: RunningSandbox) =>
  DriftStream.DriftStream.layer.pipe(
    Layer.provide(
      DriftClient.DriftClient.layer({ token: Redacted.make(sandbox.token), baseUrl: sandbox.url, rateLimit: false })
    ),
    Layer.provide(FetchHttpClient.layer)
  )

/** One export of every thread (or the first `limit`), drained: counts, wall time, and requests the server saw. */
const exportOnce = (sandbox: RunningSandbox, concurrency: number, limit?: number) =>
  Effect.gen(function*() {
    const before = (yield* sandbox.admin.stats()).requests
    let threads = 0
    let messages = 0
    const started = performance.now()
    const all = DriftStream.DriftStream.use((drift) =>
      drift.threads({ concurrency }).pipe(
        (s) => (limit === undefined ? s : Stream.take(s, limit)),
        Stream.runForEach((thread) =>
          Effect.sync(() => {
            threads++
            messages += thread.messages.length
          })
        )
      )
    )
    yield* all.pipe(Effect.provide(streamLayer(sandbox)))
    const ms = performance.now() - started
    // The stats request itself is not counted.
    const requests = (yield* sandbox.admin.stats()).requests - before
    return { threads, messages, requests, ms } satisfies Run
  })

interface ChildResult {
  readonly threads: number
  readonly messages: number
  readonly bytes: number
  readonly ms: number
  readonly maxRssBytes: number
  readonly heapUsedAfterGcBytes: number
}

/** Runs `node <args>` and returns the JSON lines it printed on stdout, parsed; `what` names it in errors. */
const jsonLines = (what: string, args: ReadonlyArray<string>) =>
  Effect.callback<ReadonlyArray<unknown>, Error>((resume) => {
    const proc = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] })
    let stdout = ""
    let stderr = ""
    proc.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk))
    proc.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr = (stderr + chunk).slice(-8192)))
    proc.on("error", (error) => resume(Effect.fail(error)))
    proc.on("exit", (code) => {
      if (code !== 0) return resume(Effect.fail(new Error(`${what} exited with ${code}: ${stderr}`)))
      try {
        resume(Effect.succeed(stdout.trim().split("\n").map((line): unknown => JSON.parse(line))))
      } catch (error) {
        resume(Effect.fail(error instanceof Error ? error : new Error(String(error))))
      }
    })
    return Effect.sync(() => {
      if (proc.exitCode === null) proc.kill("SIGKILL")
    })
  })

/** Runs `export-child.ts` against the sandbox and returns what it printed. */
const child = (sandbox: RunningSandbox, concurrency: number, idle: boolean) =>
  jsonLines("export child", [
    "--expose-gc",
    CHILD,
    sandbox.url,
    sandbox.token,
    String(concurrency),
    ...(idle ? ["--idle"] : [])
  ]).pipe(Effect.map((lines) => lines[lines.length - 1] as ChildResult))

/** One process of `export-ladder.ts` on one rung: its rounds, first (cold) to last (warm). */
const ladderChild = (sandbox: RunningSandbox, rung: Ladder.Rung) =>
  jsonLines(`export ladder (${rung})`, [
    LADDER,
    rung,
    sandbox.url,
    sandbox.token,
    String(LIMIT_CONCURRENCY),
    String(LADDER_ROUNDS)
  ]).pipe(Effect.map((lines) => lines as ReadonlyArray<Ladder.Round>))

const median = (xs: ReadonlyArray<number>): number => {
  const s = xs.toSorted((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

const MB = 1024 * 1024

/** Runs the export benchmark. */
export const run = (options: Options): Promise<Section> => {
  const throughputSize = options.quick ? 1000 : 2000
  const repeats = options.quick ? 1 : 5
  const ladderRepeats = options.quick ? 1 : 3
  const largeSize = options.quick ? 5000 : 20_000
  const largeRepeats = options.quick ? 1 : 5
  const rssSizes = options.quick ? [2000, 10_000] : [10_000, 100_000]
  const rssConcurrency = 4
  const program = Effect.gen(function*() {
    // Throughput.
    const runs = new Map<number, Array<Run>>(CONCURRENCY.map((c) => [c, []]))
    yield* Effect.scoped(Effect.gen(function*() {
      options.log(`export: sandbox child with ${throughputSize} conversations`)
      const sandbox = yield* startSandbox({ conversations: throughputSize })
      options.log("export: warm-up (200 threads at concurrency 4)")
      yield* exportOnce(sandbox, 4, 200)
      for (let r = 0; r < repeats; r++) {
        // Interleaved, so that background load falls on every concurrency alike.
        for (const c of r % 2 === 0 ? CONCURRENCY : CONCURRENCY.toReversed()) {
          const result = yield* exportOnce(sandbox, c)
          options.log(
            `export: concurrency ${c}, run ${r + 1}/${repeats}: ${result.threads} threads in ${
              (result.ms / 1000).toFixed(2)
            } s`
          )
          runs.get(c)!.push(result)
        }
      }
    }))
    // The CLI against the serving limit, interleaved rounds on one sandbox.
    const limitRounds: Array<LimitRound> = []
    const ladder = new Map<Ladder.Rung, Array<ReadonlyArray<Ladder.Round>>>(Ladder.rungs.map((r) => [r, []]))
    yield* Effect.scoped(Effect.gen(function*() {
      const sandbox = yield* startSandbox({ conversations: throughputSize })
      const minimal = () => Effect.promise(() => Minimal.exportThreads(sandbox.url, sandbox.token, LIMIT_CONCURRENCY))
      options.log("export: serving limit: warm-up (minimal client, CLI bundle)")
      yield* minimal()
      yield* cliExport(CLI_BINARIES.bundle, sandbox, throughputSize)
      for (let r = 0; r < repeats; r++) {
        const run = {
          minimal: undefined as Minimal.MinimalRun | undefined,
          bundle: undefined as CliRun | undefined,
          source: undefined as CliRun | undefined
        }
        const order = r % 2 === 0 ? ["minimal", "bundle", "source"] as const : ["source", "bundle", "minimal"] as const
        for (const which of order) {
          if (which === "minimal") run.minimal = yield* minimal()
          else run[which] = yield* cliExport(CLI_BINARIES[which], sandbox, throughputSize)
        }
        const round = { minimal: run.minimal!, bundle: run.bundle!, source: run.source! }
        if (round.minimal.threads !== throughputSize) {
          throw new Error(`the minimal client read ${round.minimal.threads} threads`)
        }
        options.log(
          `export: serving limit, round ${r + 1}/${repeats}: minimal ${
            (round.minimal.ms / 1000).toFixed(2)
          } s, CLI bundle ${(round.bundle.ms / 1000).toFixed(2)} s, CLI from source ${
            (round.source.ms / 1000).toFixed(2)
          } s`
        )
        limitRounds.push(round)
      }
      // The ladder: the same export one layer at a time, each rung in processes of its own (interleaved).
      for (let r = 0; r < ladderRepeats; r++) {
        for (const rung of r % 2 === 0 ? Ladder.rungs : Ladder.rungs.toReversed()) {
          const rounds = yield* ladderChild(sandbox, rung)
          options.log(
            `export: ladder ${rung} ${r + 1}/${ladderRepeats}: ${
              rounds.map((x) => `${(x.ms / 1000).toFixed(2)} s`).join(", ")
            }`
          )
          ladder.get(rung)!.push(rounds)
        }
      }
    }))
    // The same comparison on a workspace ten times larger, where startup is a small part of the run (bundle only).
    const largeRounds: Array<{ readonly minimal: Minimal.MinimalRun; readonly bundle: CliRun }> = []
    yield* Effect.scoped(Effect.gen(function*() {
      options.log(`export: serving limit at ${largeSize} conversations`)
      const sandbox = yield* startSandbox({ conversations: largeSize })
      const minimal = () => Effect.promise(() => Minimal.exportThreads(sandbox.url, sandbox.token, LIMIT_CONCURRENCY))
      yield* minimal()
      for (let r = 0; r < largeRepeats; r++) {
        const first = r % 2 === 0 ? "minimal" : "bundle"
        const a = first === "minimal" ? yield* minimal() : yield* cliExport(CLI_BINARIES.bundle, sandbox, largeSize)
        const b = first === "minimal" ? yield* cliExport(CLI_BINARIES.bundle, sandbox, largeSize) : yield* minimal()
        const round = first === "minimal"
          ? { minimal: a as Minimal.MinimalRun, bundle: b as CliRun }
          : { minimal: b as Minimal.MinimalRun, bundle: a as CliRun }
        if (round.minimal.threads !== largeSize) throw new Error(`the minimal client read ${round.minimal.threads}`)
        options.log(
          `export: serving limit at ${largeSize}, round ${r + 1}/${largeRepeats}: minimal ${
            (round.minimal.ms / 1000).toFixed(2)
          } s, CLI bundle ${(round.bundle.ms / 1000).toFixed(2)} s`
        )
        largeRounds.push(round)
      }
    }))
    // Peak RSS, one child process per size.
    const rss: Array<{ size: number; idle: ChildResult; full: ChildResult; sandboxRssBytes: number }> = []
    for (const size of rssSizes) {
      yield* Effect.scoped(Effect.gen(function*() {
        options.log(`export: sandbox child with ${size} conversations; export child (concurrency ${rssConcurrency})`)
        const sandbox = yield* startSandbox({ conversations: size })
        const idle = yield* child(sandbox, rssConcurrency, true)
        const full = yield* child(sandbox, rssConcurrency, false)
        const stats = yield* sandbox.admin.stats()
        if (full.threads !== size) throw new Error(`the export child read ${full.threads} threads of ${size}`)
        options.log(
          `export: ${size}: ${full.threads} threads in ${(full.ms / 1000).toFixed(1)} s, peak RSS ${
            (full.maxRssBytes / MB).toFixed(0)
          } MiB`
        )
        rss.push({ size, idle, full, sandboxRssBytes: stats.memory.rssBytes })
      }))
    }
    return { runs, rss, limitRounds, largeRounds, ladder }
  })
  return Effect.runPromise(program).then(({ ladder, largeRounds, limitRounds, rss, runs }) => {
    const perSecond = (threads: number, ms: number) => threads / (ms / 1000)
    const limit = {
      concurrency: LIMIT_CONCURRENCY,
      conversations: throughputSize,
      rounds: limitRounds.map((r) => ({
        minimalThreadsPerSecond: perSecond(r.minimal.threads, r.minimal.ms),
        minimalRequests: r.minimal.requests,
        bundleThreadsPerSecond: perSecond(r.bundle.threads, r.bundle.ms),
        bundleRunThreadsPerSecond: perSecond(r.bundle.threads, r.bundle.runMs),
        sourceThreadsPerSecond: perSecond(r.source.threads, r.source.ms)
      })),
      bundleRatio: ratioStats(limitRounds.map((r) => r.minimal.ms / r.bundle.ms)),
      bundleRunRatio: ratioStats(limitRounds.map((r) => r.minimal.ms / r.bundle.runMs)),
      sourceRatio: ratioStats(limitRounds.map((r) => r.minimal.ms / r.source.ms))
    }
    const limitLarge = {
      concurrency: LIMIT_CONCURRENCY,
      conversations: largeSize,
      rounds: largeRounds.map((r) => ({
        minimalThreadsPerSecond: perSecond(r.minimal.threads, r.minimal.ms),
        bundleThreadsPerSecond: perSecond(r.bundle.threads, r.bundle.ms),
        bundleRunThreadsPerSecond: perSecond(r.bundle.threads, r.bundle.runMs)
      })),
      bundleRatio: ratioStats(largeRounds.map((r) => r.minimal.ms / r.bundle.ms)),
      bundleRunRatio: ratioStats(largeRounds.map((r) => r.minimal.ms / r.bundle.runMs))
    }
    const limitMedian = (pick: (r: (typeof limit.rounds)[number]) => number) => median(limit.rounds.map(pick))
    const ladderRows = Ladder.rungs.map((rung) => {
      const processes = ladder.get(rung)!
      const at = (i: number, pick: (x: Ladder.Round) => number) =>
        median(processes.map((rounds) => pick(rounds[i === -1 ? rounds.length - 1 : i]!)))
      return {
        rung,
        processes: processes.length,
        requests: processes[0]![0]!.requests,
        coldMs: at(0, (x) => x.ms),
        coldCpuMs: at(0, (x) => x.cpuMs),
        warmMs: at(-1, (x) => x.ms),
        warmCpuMs: at(-1, (x) => x.cpuMs)
      }
    })
    // The ladder's own serving limit: the minimal client warm, in its own process.
    const ladderLimitMs = ladderRows[0]!.warmMs
    const ladderRatio = (ms: number) => Report.ratio(ladderLimitMs / ms)
    const rungLabels: Record<Ladder.Rung, string> = {
      minimal: "minimal client (`node:http`, `JSON.parse`)",
      undici: "undici's `Agent.dispatch`, no Effect (what an Effect client over undici could come down to)",
      "effect-http": "`@effect/platform-node`'s undici `HttpClient`, bodies `JSON.parse`d (for comparison)",
      http: "`UndiciHttpClient` (Effect `HttpClient` on undici's `dispatch`, the CLI's), bodies `JSON.parse`d",
      client: "+ `DriftClient` (retries, timeouts, page decoders, sanitizing)",
      threads: "+ `DriftStream.threads`",
      encode: "+ Drift wire encoding, `JSON.stringify`"
    }
    const range = (x: { readonly median: number; readonly min: number; readonly max: number }) =>
      `${Report.ratio(x.median)} (rounds: ${Report.ratio(x.min)} to ${Report.ratio(x.max)})`
    const throughputRows = CONCURRENCY.map((c) => {
      const list = runs.get(c)!
      const ms = median(list.map((r) => r.ms))
      const first = list[0]!
      return {
        concurrency: c,
        runs: list.length,
        threads: first.threads,
        messages: first.messages,
        requests: first.requests,
        medianSeconds: ms / 1000,
        threadsPerSecond: first.threads / (ms / 1000),
        messagesPerSecond: first.messages / (ms / 1000),
        requestsPerSecond: first.requests / (ms / 1000)
      }
    })
    const small = rss[0]!
    const large = rss[rss.length - 1]!
    const growth = large.full.maxRssBytes / small.full.maxRssBytes
    const markdown = [
      `### Export${
        options.quick
          ? " (quick: 1,000 conversations for threads/s, RSS at 2,000 and 10,000 instead of 10,000 and 100,000; one run each)"
          : ""
      }`,
      "",
      `Threads/s: \`DriftStream.threads({ concurrency })\` drained in the bench process, from a sandbox child process ` +
      `(${
        Report.num(throughputSize)
      } conversations, seed 1) over loopback, \`FetchHttpClient\`, \`rateLimit: false\`; ` +
      `median of ${repeats} run${
        repeats > 1 ? "s" : ""
      } (after a warm-up). Client and sandbox share the machine's cores.`,
      "",
      Report.table(
        ["concurrency", "threads/s", "messages/s", "HTTP requests/s", "wall time"],
        throughputRows.map((r) => [
          String(r.concurrency),
          Report.num(r.threadsPerSecond),
          Report.num(r.messagesPerSecond),
          Report.num(r.requestsPerSecond),
          `${r.medianSeconds.toFixed(2)} s`
        ])
      ),
      "",
      `Peak RSS of a whole export in a child process of its own (every thread -> \`Mapping.toIntercomV2Sync\` -> ` +
      `encoded -> one NDJSON line, counted and dropped; concurrency ${rssConcurrency}); \`process.resourceUsage().maxRSS\` ` +
      `at the end. "idle" is the same process with everything loaded and the layers built, exporting nothing.`,
      "",
      Report.table(
        ["conversations", "messages", "NDJSON", "threads/s", "peak RSS", "idle RSS", "heap after GC at the end"],
        rss.map((r) => [
          Report.num(r.size),
          Report.num(r.full.messages),
          `${Report.num(r.full.bytes / MB)} MiB`,
          Report.num(r.full.threads / (r.full.ms / 1000)),
          `${Report.num(r.full.maxRssBytes / MB)} MiB`,
          `${Report.num(r.idle.maxRssBytes / MB)} MiB`,
          `${Report.num(r.full.heapUsedAfterGcBytes / MB, 1)} MiB`
        ])
      ),
      "",
      `Peak RSS ${Report.num(large.size)} / ${Report.num(small.size)} conversations: **${growth.toFixed(2)}** ` +
      `(${Report.num(large.size / small.size)}× the data).`,
      "",
      `**\`parley export\` against the sandbox's serving limit.** ${Report.num(throughputSize)} conversations (${
        Report.num(limitRounds[0]!.minimal.requests)
      } requests), concurrency ${LIMIT_CONCURRENCY}; ` +
      `the CLI as a child process (\`--to drift --out <file> --quiet --json\`, timed from spawn to exit, startup included; its run alone is the summary's \`durationMs\`), ` +
      `the serving limit from the minimal client (\`node:http\` keep-alive, \`JSON.parse\`, the same requests, no schema); ` +
      `${repeats} interleaved round${repeats > 1 ? "s" : ""} on one sandbox, medians, the ratio taken round by round.`,
      "",
      Report.table(
        ["client", "threads/s", "÷ serving limit"],
        [
          ["minimal client (the serving limit)", Report.num(limitMedian((r) => r.minimalThreadsPerSecond)), "1.00×"],
          [
            "`parley export`, published bundle",
            Report.num(limitMedian((r) => r.bundleThreadsPerSecond)),
            range(limit.bundleRatio)
          ],
          [
            "the same, its run alone (the `--json` summary's `durationMs`: without Node's start and the module loading)",
            Report.num(limitMedian((r) => r.bundleRunThreadsPerSecond)),
            range(limit.bundleRunRatio)
          ],
          [
            "`parley export`, from source (`node src/bin.ts`)",
            Report.num(limitMedian((r) => r.sourceThreadsPerSecond)),
            range(limit.sourceRatio)
          ]
        ]
      ),
      "",
      `The same at ${Report.num(largeSize)} conversations (a sandbox of its own; ${largeRepeats} interleaved round${
        largeRepeats > 1 ? "s" : ""
      }, the published bundle): startup (about a quarter of a second) is a small part of the run there.`,
      "",
      Report.table(
        ["client", "threads/s", "÷ serving limit"],
        [
          [
            "minimal client (the serving limit)",
            Report.num(median(limitLarge.rounds.map((r) => r.minimalThreadsPerSecond))),
            "1.00×"
          ],
          [
            "`parley export`, published bundle",
            Report.num(median(limitLarge.rounds.map((r) => r.bundleThreadsPerSecond))),
            range(limitLarge.bundleRatio)
          ],
          [
            "the same, its run alone (the `--json` summary's `durationMs`: without Node's start and the module loading)",
            Report.num(median(limitLarge.rounds.map((r) => r.bundleRunThreadsPerSecond))),
            range(limitLarge.bundleRunRatio)
          ]
        ]
      ),
      "",
      `**Where the time goes.** The same export one layer at a time (\`export-ladder.ts\`), each rung in a ` +
      `process of its own, ${LADDER_ROUNDS} rounds in a row: "cold" is the first round (V8 has optimized nothing ` +
      `yet, as in every \`parley export\`), "warm" the last; medians of ${ladderRepeats} process${
        ladderRepeats > 1 ? "es" : ""
      } per rung, interleaved, on the sandbox above. Ratios are against the minimal client warm.`,
      "",
      Report.table(
        ["rung", "cold: wall (CPU)", "÷ limit", "warm: wall (CPU)", "÷ limit"],
        [
          ...ladderRows.map((r) => [
            rungLabels[r.rung],
            `${(r.coldMs / 1000).toFixed(2)} s (${(r.coldCpuMs / 1000).toFixed(2)} s)`,
            ladderRatio(r.coldMs),
            `${(r.warmMs / 1000).toFixed(2)} s (${(r.warmCpuMs / 1000).toFixed(2)} s)`,
            ladderRatio(r.warmMs)
          ]),
          [
            "`parley export`, published bundle (whole process: startup, checkpoints, file)",
            `${(median(limitRounds.map((r) => r.bundle.ms)) / 1000).toFixed(2)} s`,
            ladderRatio(median(limitRounds.map((r) => r.bundle.ms))),
            "",
            ""
          ]
        ]
      ),
      "",
      Report.targets([{
        target: `\`parley export\` (published bundle) ≥ 0.5× the serving limit measured in the same run, ${
          Report.num(throughputSize)
        } conversations`,
        measured: range(limit.bundleRatio),
        met: limit.bundleRatio.median >= 0.5
      }, {
        target: `the same, ${Report.num(largeSize)} conversations`,
        measured: range(limitLarge.bundleRatio),
        met: limitLarge.bundleRatio.median >= 0.5
      }])
    ].join("\n")
    const data = {
      mode: options.quick ? "quick" : "full",
      date: new Date().toISOString(),
      throughput: { conversations: throughputSize, repeats, rows: throughputRows },
      rss: {
        concurrency: rssConcurrency,
        rows: rss.map((r) => ({
          conversations: r.size,
          threads: r.full.threads,
          messages: r.full.messages,
          ndjsonBytes: r.full.bytes,
          seconds: r.full.ms / 1000,
          threadsPerSecond: r.full.threads / (r.full.ms / 1000),
          maxRssBytes: r.full.maxRssBytes,
          idleMaxRssBytes: r.idle.maxRssBytes,
          heapUsedAfterGcBytes: r.full.heapUsedAfterGcBytes,
          sandboxRssBytes: r.sandboxRssBytes
        })),
        growth
      },
      servingLimit: limit,
      servingLimitLarge: limitLarge,
      ladder: { rounds: LADDER_ROUNDS, rows: ladderRows }
    }
    return { title: "export", markdown, data }
  })
}
