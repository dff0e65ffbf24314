/**
 * The timing harness: a thin layer over tinybench (https://github.com/tinylibs/tinybench). Every task is warmed
 * up, then run in rounds; in each round until both a minimum number of iterations and a minimum time are reached.
 * The report uses the median (p50) of the iteration times of all rounds. tinybench times each iteration with `process.hrtime.bigint()` (its `hrtimeNow` timestamp provider).
 */
import { Bench } from "tinybench"

/** How long and how often to run each task. */
export interface Settings {
  /**
   * Rounds: every round runs every task once more (in a rotated order), so that background load on the machine
   * falls on all tasks alike rather than on whichever ran during a burst. Samples are pooled across rounds.
   */
  readonly rounds: number
  /** Minimum measured iterations per task per round. */
  readonly iterations: number
  /** Minimum measured time per task per round, in milliseconds. */
  readonly time: number
  /** Warm-up iterations per task at the start of every round (and at least `warmupTime` ms). */
  readonly warmupIterations: number
  readonly warmupTime: number
}

/** The statistics of one task, in milliseconds per iteration, over the samples of every round. */
export interface Timing {
  readonly median: number
  readonly mean: number
  readonly min: number
  readonly max: number
  readonly p99: number
  /** Relative margin of error of the mean (percent, 95%, normal approximation). */
  readonly rme: number
  readonly samples: number
  /** The median of each round alone, in round order. */
  readonly rounds: ReadonlyArray<number>
}

export interface Task {
  readonly name: string
  /** One iteration; may return a promise (awaited, and timed, by tinybench). */
  readonly fn: () => unknown
}

/** Resolves on the next turn of the event loop (a macrotask), ending the current job. */
export const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

const completed = (bench: Bench, name: string) => {
  const task = bench.getTask(name)
  if (task === undefined) throw new Error(`no task ${name}`)
  const result = task.result
  if (result.state === "errored") throw result.error
  if (result.state !== "completed") throw new Error(`task ${name}: ${result.state}`)
  return result
}

const quantile = (sorted: ReadonlyArray<number>, q: number): number => {
  const pos = (sorted.length - 1) * q
  const lo = Math.floor(pos)
  const hi = Math.ceil(pos)
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo)
}

const statistics = (samples: ReadonlyArray<number>, rounds: ReadonlyArray<number> = []): Timing => {
  const sorted = samples.toSorted((a, b) => a - b)
  const n = sorted.length
  const mean = sorted.reduce((a, b) => a + b, 0) / n
  const variance = n > 1 ? sorted.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : 0
  return {
    median: quantile(sorted, 0.5),
    mean,
    min: sorted[0]!,
    max: sorted[n - 1]!,
    p99: quantile(sorted, 0.99),
    rme: n > 1 ? ((1.96 * Math.sqrt(variance / n)) / mean) * 100 : 0,
    samples: n,
    rounds
  }
}

/**
 * Runs `tasks` in this process, in `settings.rounds` rounds, and returns the timing of each task, by name, in task
 * order. Iterations run one at a time (tinybench's async mode, no concurrency); the event loop turns between tasks.
 */
export const run = async (tasks: ReadonlyArray<Task>, settings: Settings): Promise<Map<string, Timing>> => {
  const samples = new Map<string, Array<number>>(tasks.map((t) => [t.name, []]))
  const roundMedians = new Map<string, Array<number>>(tasks.map((t) => [t.name, []]))
  for (let round = 0; round < settings.rounds; round++) {
    const bench = new Bench({
      timestampProvider: "hrtimeNow",
      iterations: settings.iterations,
      time: settings.time,
      // Every round starts each task with untimed warm-up iterations: they also absorb the garbage and the
      // heap-size changes the previous task left behind (forcing a full GC instead leaves the young generation
      // shrunk, and the next allocation-heavy task pays for regrowing it).
      warmup: true,
      warmupIterations: settings.warmupIterations,
      warmupTime: settings.warmupTime,
      retainSamples: true,
      throws: true
    })
    for (let i = 0; i < tasks.length; i++) {
      const task = tasks[(i + round) % tasks.length]!
      bench.add(task.name, task.fn)
    }
    await bench.run()
    for (const task of tasks) {
      const result = completed(bench, task.name)
      const all = samples.get(task.name)!
      for (const sample of result.latency.samples ?? [result.latency.p50]) all.push(sample)
      roundMedians.get(task.name)!.push(result.latency.p50)
    }
    await nextTurn()
  }
  return new Map(tasks.map((t) => [t.name, statistics(samples.get(t.name)!, roundMedians.get(t.name)!)]))
}

/** How long and how often to run the tasks of {@link interleaved}. */
export interface InterleavedSettings {
  /** Timed rounds. */
  readonly rounds: number
  /** The wall time of one round, in milliseconds: the tasks take turns, one pass each, until it is over. */
  readonly roundTime: number
  /**
   * The untimed warm-up before the first round: the tasks take turns (as in a round) until every one has run at
   * least `warmupTime` milliseconds and `warmupPasses` passes, so that V8 has optimized every contender (and any
   * code generated on first use is generated) before anything is timed.
   */
  readonly warmupTime: number
  readonly warmupPasses: number
}

/** Milliseconds, high resolution; a double, so timing a unit of tens of µs allocates nothing. */
const now = (): number => performance.now()

const median = (xs: ReadonlyArray<number>): number => quantile(xs.toSorted((a, b) => a - b), 0.5)

/** A task of {@link interleaved}: one pass is `fn(0)`, `fn(1)`, ... `fn(units - 1)` (e.g. one call per page). */
export interface UnitTask {
  readonly name: string
  readonly fn: (unit: number) => unknown
}

/**
 * Runs synchronous `tasks` interleaved pass by pass: in every round the tasks take turns, one pass each, the order
 * rotating by one every turn (so each task follows every other equally often), until the round's time is up. A
 * burst of load from elsewhere on the machine, or a garbage collection, then lands on all tasks alike instead of
 * on whichever had the machine during it.
 *
 * Every unit of a pass (a page) is timed on its own, and a task's time in a round is the sum over its units of
 * the median of that unit's times in the round. A unit takes tens of microseconds, far less than a scheduler time
 * slice, so few of its samples include a preemption and the median drops them; a whole pass (milliseconds) timed as
 * one sample on a loaded machine includes a preemption more often the longer it is, which inflates the slower
 * contender's time most (ratios of 442× were read that way).
 */
export const interleaved = async (
  tasks: ReadonlyArray<UnitTask>,
  units: number,
  settings: InterleavedSettings
): Promise<Map<string, Timing>> => {
  const n = tasks.length
  const spent = tasks.map(() => 0)
  for (let pass = 0; pass < settings.warmupPasses || spent.some((t) => t < settings.warmupTime); pass++) {
    for (let j = 0; j < n; j++) {
      const i = (j + pass) % n
      const fn = tasks[i]!.fn
      const t0 = now()
      for (let u = 0; u < units; u++) fn(u)
      spent[i]! += now() - t0
    }
    if (pass % 16 === 15) await nextTurn()
  }
  await nextTurn()
  const roundTimes = tasks.map((): Array<number> => [])
  const passes = tasks.map(() => 0)
  for (let round = 0; round < settings.rounds; round++) {
    // samples[task][unit]: that unit's times in this round
    const samples = tasks.map(() => Array.from({ length: units }, (): Array<number> => []))
    const start = now()
    for (let turn = 0; turn < 3 || now() - start < settings.roundTime; turn++) {
      for (let j = 0; j < n; j++) {
        const i = (j + turn + round) % n
        const fn = tasks[i]!.fn
        const mine = samples[i]!
        for (let u = 0; u < units; u++) {
          const t0 = now()
          fn(u)
          mine[u]!.push(now() - t0)
        }
        passes[i]!++
      }
    }
    for (let i = 0; i < n; i++) roundTimes[i]!.push(samples[i]!.reduce((sum, unit) => sum + median(unit), 0))
    await nextTurn()
  }
  // A task's statistics are over its round times (each a whole pass, from per-unit medians); `samples` counts the
  // timed passes.
  return new Map(tasks.map((t, i) => [t.name, { ...statistics(roundTimes[i]!, roundTimes[i]!), samples: passes[i]! }]))
}

/** A ratio of two tasks of one {@link run} or {@link interleaved}: the median of its per-round values, and their min and max. */
export interface Ratio {
  readonly median: number
  readonly min: number
  readonly max: number
  readonly rounds: number
}

/**
 * `a / b` round by round (each round's medians, the two tasks interleaved in that round), summarised as the median
 * of those per-round ratios with their min and max. The headline is then always inside its own range (a ratio of
 * medians pooled over all rounds need not be: a quick run once reported 3.86x beside rounds of 1.99x to 3.41x).
 */
export const ratio = (a: Timing, b: Timing): Ratio => {
  const ratios = a.rounds.map((x, i) => x / b.rounds[i]!).toSorted((x, y) => x - y)
  return {
    median: quantile(ratios, 0.5),
    min: ratios[0]!,
    max: ratios[ratios.length - 1]!,
    rounds: ratios.length
  }
}

/** Per-item latency percentiles, in milliseconds. */
export interface Latency {
  readonly p50: number
  readonly p99: number
}

/** Items per synchronous chunk of a latency run (the event loop turns between chunks). */
const LATENCY_CHUNK = 250

/**
 * Per-item latency: one tinybench iteration per item, synchronously (no `await` inside the timings), going through
 * `items` in order `cycles` times after one warm-up cycle, in chunks of {@link LATENCY_CHUNK} items with a turn of
 * the event loop between chunks. The timer's own overhead (measured by tinybench) is subtracted from every sample.
 */
export const latency = async <A>(
  name: string,
  items: ReadonlyArray<A>,
  fn: (item: A) => unknown,
  cycles: number
): Promise<Latency> => {
  const samples: Array<number> = []
  for (let cycle = -1; cycle < cycles; cycle++) {
    for (let start = 0; start < items.length; start += LATENCY_CHUNK) {
      const chunk = items.slice(start, start + LATENCY_CHUNK)
      let i = 0
      const bench = new Bench({
        timestampProvider: "hrtimeNow",
        iterations: chunk.length,
        time: 0,
        warmup: false,
        subtractTimerOverhead: true,
        retainSamples: true,
        throws: true
      })
      // tinybench makes one untimed call before timing (it checks whether the task is async): the index wraps.
      bench.add(name, () => fn(chunk[i++ % chunk.length]!))
      bench.runSync()
      if (cycle >= 0) {
        const l = completed(bench, name).latency
        for (const sample of l.samples ?? [l.p50]) samples.push(sample)
      }
      await nextTurn()
    }
  }
  const t = statistics(samples)
  return { p50: t.median, p99: t.p99 }
}
