/**
 * `pnpm fuzz`: the sanitizer's properties (`properties.ts`), including the differential one (the tree-free path
 * writes what the parse5 path writes), over generated HTML-like input and bodies at the edges of the tree-free
 * path's subset (`htmlish.ts`), a million cases by default, with fast-check 4, spread over worker threads.
 *
 *   pnpm fuzz [--runs 1000000] [--seed N] [--workers N] [--chunk 10000] [--keep-going]
 *   pnpm fuzz --seed S --runs R --path P      replay one counterexample (printed on failure)
 *
 * The runs are cut into chunks of `--chunk` cases, chunk `i` seeded with `seed + i`; a failing chunk is shrunk by
 * fast-check and reported with its seed and path. Exits 1 when a counterexample was found.
 */
import * as fc from "fast-check"
import { availableParallelism } from "node:os"
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads"
import { htmlish, subsetish } from "./htmlish.ts"
import { checkBody, checkTreeFree } from "./properties.ts"

/** A shrunk counterexample. */
export interface Failure {
  readonly seed: number
  readonly runs: number
  readonly path: string
  readonly input: string
  readonly error: string
  readonly shrinks: number
}

/**
 * Half the cases are HTML-like soup, half are aimed at the edges of the tree-free path's subset; every case checks
 * the sanitizer's properties and the differential one (tree-free path = parse5 path, both policies).
 */
const property = fc.property(fc.oneof(htmlish, subsetish), (input) => {
  checkTreeFree(input)
  checkBody(input)
})

/** Runs `runs` cases from `seed` (or replays `path`); the shrunk counterexample if one fails. */
export const runChunk = (seed: number, runs: number, path?: string): Failure | undefined => {
  const details = fc.check(property, { numRuns: runs, seed, ...(path === undefined ? {} : { path }) })
  if (!details.failed) return undefined
  const error = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance)
  return {
    seed,
    runs,
    path: details.counterexamplePath ?? "",
    input: details.counterexample?.[0] ?? "",
    error,
    shrinks: details.numShrinks
  }
}

interface Args {
  readonly runs: number
  readonly seed: number
  readonly workers: number
  readonly chunk: number
  readonly keepGoing: boolean
  readonly path: string | undefined
}

const parseArgs = (argv: ReadonlyArray<string>): Args => {
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(name)
    return i === -1 ? undefined : argv[i + 1]
  }
  const int = (name: string, fallback: number): number => {
    const raw = value(name)
    if (raw === undefined) return fallback
    const n = Number(raw.replaceAll("_", ""))
    if (!Number.isSafeInteger(n)) throw new Error(`${name} expects an integer, got ${JSON.stringify(raw)}`)
    return n
  }
  return {
    runs: int("--runs", 1_000_000),
    seed: int("--seed", Date.now() % 2 ** 31),
    workers: Math.max(1, int("--workers", availableParallelism())),
    chunk: Math.max(1, int("--chunk", 10_000)),
    keepGoing: argv.includes("--keep-going"),
    path: value("--path")
  }
}

const report = (failure: Failure): void => {
  console.error(
    [
      "",
      `COUNTEREXAMPLE (shrunk ${failure.shrinks} times): ${JSON.stringify(failure.input)}`,
      `  ${failure.error}`,
      `  replay: pnpm fuzz --seed ${failure.seed} --runs ${failure.runs} --path ${failure.path}`
    ].join("\n")
  )
}

const main = async (args: Args): Promise<number> => {
  if (args.path !== undefined) {
    const failure = runChunk(args.seed, args.runs, args.path)
    if (failure === undefined) {
      console.log("replay: the property holds")
      return 0
    }
    report(failure)
    return 1
  }
  const chunks: Array<{ seed: number; runs: number }> = []
  for (let done = 0, i = 0; done < args.runs; done += args.chunk, i++) {
    chunks.push({ seed: (args.seed + i) | 0, runs: Math.min(args.chunk, args.runs - done) })
  }
  const workers = Math.min(args.workers, chunks.length)
  console.log(
    `fuzz: ${args.runs.toLocaleString("en")} cases, seed ${args.seed}, ${workers} worker(s), chunks of ${args.chunk}`
  )
  const started = performance.now()
  let next = 0
  let cases = 0
  let lastReport = 0
  const failures: Array<Failure> = []
  await Promise.all(
    Array.from({ length: workers }, () =>
      new Promise<void>((resolve, reject) => {
        const worker = new Worker(new URL(import.meta.url), { workerData: { worker: true } })
        const feed = () => {
          // oxlint-disable-next-line unicorn/require-post-message-target-origin -- worker_threads, not window
          if (next < chunks.length && (args.keepGoing || failures.length === 0)) worker.postMessage(chunks[next++])
          else void worker.terminate().then(() => resolve())
        }
        worker.on("message", (message: { runs: number; failure?: Failure }) => {
          cases += message.runs
          if (message.failure !== undefined) {
            failures.push(message.failure)
            report(message.failure)
          }
          const seconds = (performance.now() - started) / 1000
          const line = `${cases.toLocaleString("en")} / ${args.runs.toLocaleString("en")} cases, ${
            Math.round(cases / seconds).toLocaleString("en")
          } cases/s, ${failures.length} counterexample(s)`
          if (process.stdout.isTTY) process.stdout.write(`\r${line}   `)
          else if (seconds - lastReport >= 10) {
            lastReport = seconds
            console.log(line)
          }
          feed()
        })
        worker.on("error", reject)
        feed()
      }))
  )
  const seconds = (performance.now() - started) / 1000
  console.log(
    `\nfuzz: ${cases.toLocaleString("en")} cases in ${seconds.toFixed(1)} s (${
      Math.round(cases / seconds).toLocaleString("en")
    } cases/s), ${failures.length} counterexample(s)`
  )
  return failures.length === 0 ? 0 : 1
}

if (isMainThread) {
  if (process.argv[1] !== undefined && import.meta.filename === process.argv[1]) {
    main(parseArgs(process.argv.slice(2))).then(
      (code) => process.exit(code),
      (error: unknown) => {
        console.error(error instanceof Error ? error.message : error)
        process.exit(2)
      }
    )
  }
} else if ((workerData as { worker?: boolean } | undefined)?.worker === true) {
  parentPort!.on("message", (chunk: { seed: number; runs: number }) => {
    // A chunk counts as many cases as ran: a failing chunk stops at the failure.
    const failure = runChunk(chunk.seed, chunk.runs)
    // oxlint-disable-next-line unicorn/require-post-message-target-origin -- worker_threads, not window
    parentPort!.postMessage(failure === undefined ? { runs: chunk.runs } : { runs: chunk.runs, failure })
  })
}
