/**
 * Progress on stderr: a live bar on a terminal (drawn by [`cli-progress`](https://github.com/npkgz/cli-progress)),
 * plain periodic lines when stderr is not a terminal, nothing with `--quiet`.
 *
 * A {@link Tracker} holds the counts (items done and their total when known, messages, rejects, HTTP requests
 * and retried attempts); {@link start} draws it for the life of a scope.
 *
 * @example
 * ```ts
 * import { Progress } from "@parley/cli"
 * import { Effect } from "effect"
 *
 * const program = Effect.scoped(Effect.gen(function*() {
 *   const tracker = new Progress.Tracker("threads")
 *   yield* Progress.start(tracker, { mode: Progress.modeFor({ quiet: false }), intervalMs: 5000 })
 *   tracker.setTotal(2000)
 *   tracker.add(50, { messages: 260 })
 * }))
 * ```
 *
 * @since 0.1.0
 */
import type { DriftClient } from "@parley/drift-client"
import cliProgress from "cli-progress"
import { Effect, Schedule, type Scope } from "effect"

/**
 * How progress is shown: `bar` (a terminal), `lines` (a log every interval), `off`.
 *
 * @since 0.1.0
 */
export type Mode = "bar" | "lines" | "off"

/**
 * The mode for this process: `off` when quiet, `bar` when stderr is a terminal, else `lines`.
 *
 * @since 0.1.0
 */
export const modeFor = (options: { readonly quiet: boolean }): Mode =>
  options.quiet ? "off" : process.stderr.isTTY === true ? "bar" : "lines"

/**
 * What a tracker knows at one instant.
 *
 * @since 0.1.0
 */
export interface Snapshot {
  readonly unit: string
  /** Items done in this run. */
  readonly done: number
  /** Items done by the runs this one resumes. */
  readonly before: number
  /** All items (this run and before), when known. */
  readonly total: number | undefined
  readonly messages: number
  readonly rejects: number
  readonly requests: number
  readonly retried: number
  readonly elapsedMs: number
  /** Items per second in this run. */
  readonly rate: number
  readonly etaMs: number | undefined
}

/**
 * The counts of a run.
 *
 * @since 0.1.0
 */
export class Tracker {
  done = 0
  before = 0
  total: number | undefined = undefined
  messages = 0
  rejects = 0
  /** The client's traffic, as the last progress event (or a final read) reported it. */
  client: DriftClient.Stats = { requests: 0, retries: 0, rateLimited: 0 }
  readonly startedAt = Date.now()
  readonly unit: string
  constructor(unit: string) {
    this.unit = unit
  }
  /** Sets the total number of items (including those done before a resume). */
  setTotal(total: number): void {
    this.total = total
  }
  /** Counts `n` more items done. */
  add(n: number, extra: { readonly messages?: number; readonly rejects?: number } = {}): void {
    this.done += n
    // A total that turns out short (e.g. Drift's stats leave out bulk_sent conversations) is dropped, not exceeded.
    if (this.total !== undefined && this.before + this.done > this.total) this.total = undefined
    this.messages += extra.messages ?? 0
    this.rejects += extra.rejects ?? 0
  }
  /** The counts now, with the rate and the ETA. */
  snapshot(): Snapshot {
    const elapsedMs = Date.now() - this.startedAt
    const rate = elapsedMs > 0 ? this.done / (elapsedMs / 1000) : 0
    const remaining = this.total === undefined ? undefined : Math.max(0, this.total - this.before - this.done)
    return {
      unit: this.unit,
      done: this.done,
      before: this.before,
      total: this.total,
      messages: this.messages,
      rejects: this.rejects,
      requests: this.client.requests,
      retried: this.client.retries,
      elapsedMs,
      rate,
      etaMs: remaining === undefined
        ? undefined
        : remaining === 0
        ? 0
        : rate > 0
        ? (remaining / rate) * 1000
        : undefined
    }
  }
}

/**
 * A duration for people: `850 ms`, `4.2 s`, `3 min 05 s`, `1 h 02 min`.
 *
 * @example
 * ```ts
 * import { Progress } from "@parley/cli"
 *
 * Progress.formatDuration(185_000) // "3 min 05 s"
 * ```
 *
 * @since 0.1.0
 */
export const formatDuration = (ms: number): string => {
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`
  const s = Math.round(ms / 1000)
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")} min`
}

const count = (n: number): string => n.toLocaleString("en-US")

/**
 * The text of a snapshot, without the bar: `1,200/2,000 threads (60%), 6,031 messages, 410/s, 2 retries, ETA 2.0 s`.
 *
 * @since 0.1.0
 */
export const describe = (s: Snapshot): string => {
  const doneAll = s.before + s.done
  const parts: Array<string> = [
    s.total === undefined
      ? `${count(doneAll)} ${s.unit}`
      : `${count(doneAll)}/${count(s.total)} ${s.unit} (${
        s.total === 0 ? 100 : Math.floor((doneAll / s.total) * 100)
      }%)`
  ]
  if (s.unit === "threads") parts.push(`${count(s.messages)} messages`)
  if (s.rejects > 0) parts.push(`${count(s.rejects)} rejected`)
  parts.push(`${count(Math.round(s.rate))} ${s.unit}/s`)
  if (s.requests > 0) parts.push(`${count(s.requests)} requests`, `${count(s.retried)} retries`)
  parts.push(s.etaMs === undefined ? `elapsed ${formatDuration(s.elapsedMs)}` : `ETA ${formatDuration(s.etaMs)}`)
  return parts.join(", ")
}

const BAR_WIDTH = 24

const bar = (s: Snapshot): string => {
  if (s.total === undefined || s.total === 0) return ""
  const ratio = Math.min(1, (s.before + s.done) / s.total)
  const full = Math.round(ratio * BAR_WIDTH)
  return `${"\u2588".repeat(full)}${"\u2591".repeat(BAR_WIDTH - full)} `
}

/**
 * Draws `tracker` on stderr until the scope closes: a `cli-progress` bar redrawn 10 times a second (`bar`), a
 * line every `intervalMs` (`lines`), or nothing (`off`). Closing the scope draws the bar a last time.
 *
 * @since 0.1.0
 */
export const start = (
  tracker: Tracker,
  options: { readonly mode: Mode; readonly intervalMs: number }
): Effect.Effect<void, never, Scope.Scope> => {
  if (options.mode === "off") return Effect.void
  if (options.mode === "lines") {
    return Effect.sync(() => process.stderr.write(`parley: ${describe(tracker.snapshot())}\n`)).pipe(
      Effect.delay(options.intervalMs),
      Effect.repeat(Schedule.spaced(options.intervalMs)),
      Effect.forkScoped,
      Effect.asVoid
    )
  }
  return Effect.acquireRelease(
    Effect.sync(() => {
      const progress = new cliProgress.SingleBar({
        stream: process.stderr,
        hideCursor: true,
        clearOnComplete: false,
        stopOnComplete: false,
        fps: 10,
        format: () => {
          const s = tracker.snapshot()
          return `${bar(s)}${describe(s)}`
        }
      })
      progress.start(tracker.total ?? 0, 0)
      const timer = setInterval(() => progress.update(tracker.before + tracker.done), 100)
      return { progress, timer }
    }),
    ({ progress, timer }) =>
      Effect.sync(() => {
        clearInterval(timer)
        progress.update(tracker.before + tracker.done)
        progress.stop()
      })
  ).pipe(Effect.asVoid)
}
