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
import * as Text from "@parley/schema/Text"
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
  /**
   * Whether `total` is a lower bound (Drift's stats leave out bulk-sent conversations, so an export of every
   * status may find more): shown as `1,843+`.
   */
  readonly totalIsLowerBound: boolean
  /** A total that turned out short, kept to say so (`Drift's stats counted 1,843`). */
  readonly shortTotal: number | undefined
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
  totalIsLowerBound = false
  shortTotal: number | undefined = undefined
  messages = 0
  rejects = 0
  /** The client's traffic, as the last progress event (or a final read) reported it. */
  client: DriftClient.Stats = { requests: 0, retries: 0, rateLimited: 0 }
  readonly startedAt = Date.now()
  readonly unit: string
  constructor(unit: string) {
    this.unit = unit
  }
  /**
   * Sets the total number of items (including those done before a resume); `lowerBound` when there may be more
   * (Drift's stats leave out bulk-sent conversations).
   */
  setTotal(total: number, options: { readonly lowerBound?: boolean } = {}): void {
    this.total = total
    this.totalIsLowerBound = options.lowerBound === true
    this.shortTotal = undefined
  }
  /** Counts `n` more items done. */
  add(n: number, extra: { readonly messages?: number; readonly rejects?: number } = {}): void {
    this.done += n
    // A total that turns out short (e.g. Drift's stats leave out bulk_sent conversations) is dropped, not exceeded.
    if (this.total !== undefined && this.before + this.done > this.total) {
      this.shortTotal = this.total
      this.total = undefined
    }
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
      totalIsLowerBound: this.totalIsLowerBound,
      shortTotal: this.shortTotal,
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

/**
 * A count for people, one way everywhere: `2,459`.
 *
 * @example
 * ```ts
 * import { Progress } from "@parley/cli"
 *
 * Progress.count(2459) // "2,459"
 * ```
 *
 * @since 0.1.0
 */
export const count = (n: number): string => Text.count(Math.round(n))

/**
 * One field of the progress line. `priority` 0 is never dropped; when the line is too wide for the terminal,
 * the field with the highest priority number goes first.
 *
 * @since 0.1.0
 */
export interface Field {
  readonly name: "bar" | "count" | "messages" | "rejects" | "rate" | "requests" | "retries" | "drift" | "time"
  readonly text: string
  readonly priority: number
}

/**
 * The fields of a snapshot, in display order (the bar graphic is added by {@link layout}).
 *
 * @since 0.1.0
 */
export const fields = (s: Snapshot): ReadonlyArray<Field> => {
  const doneAll = s.before + s.done
  const out: Array<Field> = [{
    name: "count",
    priority: 0,
    text: s.total === undefined
      ? `${count(doneAll)} ${s.unit}`
      : `${count(doneAll)}/${count(s.total)}${s.totalIsLowerBound ? "+" : ""} ${s.unit} (${
        s.total === 0 ? 100 : Math.floor((doneAll / s.total) * 100)
      }%)`
  }]
  if (s.unit === "threads") out.push({ name: "messages", priority: 4, text: `${count(s.messages)} messages` })
  if (s.rejects > 0) out.push({ name: "rejects", priority: 1, text: `${count(s.rejects)} rejected` })
  out.push({ name: "rate", priority: 2, text: `${count(s.rate)} ${s.unit}/s` })
  if (s.requests > 0) {
    out.push(
      { name: "requests", priority: 5, text: `${count(s.requests)} requests` },
      { name: "retries", priority: s.retried > 0 ? 3 : 6, text: `${count(s.retried)} retries` }
    )
  }
  if (s.shortTotal !== undefined) {
    out.push({
      name: "drift",
      priority: 7,
      text: `Drift's stats counted ${count(s.shortTotal)} (they leave out bulk-sent)`
    })
  }
  out.push({
    name: "time",
    priority: 0,
    text: s.etaMs === undefined ? `elapsed ${formatDuration(s.elapsedMs)}` : `ETA ${formatDuration(s.etaMs)}`
  })
  return out
}

/**
 * The text of a snapshot, every field, without the bar: `1,200/2,000 threads (60%), 6,031 messages, 410 threads/s,
 * 2 requests, 0 retries, ETA 2.0 s`.
 *
 * @since 0.1.0
 */
export const describe = (s: Snapshot): string => fields(s).map((f) => f.text).join(", ")

const BAR_MAX = 24
const BAR_MIN = 8

/**
 * The progress line for a terminal `columns` wide: the bar graphic (8 to 24 cells, when the total is known) and
 * the fields, dropping the lowest-priority ones until the line fits; the count and the ETA are always there.
 *
 * @example
 * ```ts
 * import { Progress } from "@parley/cli"
 *
 * const tracker = new Progress.Tracker("threads")
 * tracker.setTotal(2000)
 * Progress.layout(tracker.snapshot(), 60) // "0/2,000 threads (0%), 0 threads/s, elapsed 0 ms"
 * ```
 *
 * @since 0.1.0
 */
export const layout = (s: Snapshot, columns: number): string => {
  // cli-progress and terminals wrap at the last column: keep one free.
  const width = Math.max(20, columns - 1)
  const withBar = s.total !== undefined && s.total > 0
  // The bar graphic competes for room like a field (at its smallest), and gives way before the request count.
  const barField: Field = { name: "bar", priority: 5.5, text: "\u2591".repeat(BAR_MIN) }
  let kept: Array<Field> = withBar ? [barField, ...fields(s)] : [...fields(s)]
  const text = () => kept.map((f) => f.text).join(", ")
  while (text().length > width) {
    const droppable = kept.filter((f) => f.priority > 0)
    if (droppable.length === 0) break
    const lowest = droppable.reduce((a, b) => (b.priority > a.priority ? b : a))
    kept = kept.filter((f) => f !== lowest)
  }
  if (!kept.includes(barField)) return text()
  kept = kept.filter((f) => f !== barField)
  const line = text()
  const cells = Math.min(BAR_MAX, width - line.length - 1)
  const ratio = Math.min(1, (s.before + s.done) / s.total!)
  const full = Math.round(ratio * cells)
  return `${"\u2588".repeat(full)}${"\u2591".repeat(cells - full)} ${line}`
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
          last = layout(tracker.snapshot(), process.stderr.columns ?? 80)
          return last
        }
      })
      let last = ""
      progress.start(tracker.total ?? 0, 0)
      const timer = setInterval(() => progress.update(tracker.before + tracker.done), 100)
      // On resize, the line drawn for the old width may now wrap: clear the rows it takes and draw it for the new.
      const onResize = () => {
        const columns = process.stderr.columns ?? 80
        const rows = Math.max(1, Math.ceil(last.length / columns))
        process.stderr.write(`${rows > 1 ? `\x1b[${rows - 1}A` : ""}\r\x1b[J`) // `render(force)` is public in cli-progress but missing from its type declarations.
        ;(progress as unknown as { render: (force: boolean) => void }).render(true)
      }
      process.stderr.on("resize", onResize)
      return { progress, timer, onResize }
    }),
    ({ onResize, progress, timer }) =>
      Effect.sync(() => {
        process.stderr.off("resize", onResize)
        clearInterval(timer)
        progress.update(tracker.before + tracker.done)
        progress.stop()
      })
  ).pipe(Effect.asVoid)
}
