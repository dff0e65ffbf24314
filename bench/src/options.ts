/**
 * What every benchmark module takes and gives back.
 */
import type { Settings } from "./harness.ts"

/** The run's options. */
export interface Options {
  /** `--quick`: smaller inputs, fewer repeats (CI smoke). */
  readonly quick: boolean
  /** Progress lines (stderr). */
  readonly log: (line: string) => void
}

/** What a benchmark module returns: its markdown report and its results for the JSON file. */
export interface Section {
  readonly title: string
  readonly markdown: string
  readonly data: Record<string, unknown>
}

/** Harness settings for a task that runs over a whole input set per iteration. */
export const passSettings = (options: Options): Settings =>
  options.quick
    ? { rounds: 2, iterations: 1, time: 150, warmupIterations: 1, warmupTime: 0 }
    : { rounds: 5, iterations: 1, time: 600, warmupIterations: 1, warmupTime: 50 }
