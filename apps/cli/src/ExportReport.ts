/**
 * How `parley export` reports a run: the `--json` {@link Summary}, the closing line on stderr and the exit code,
 * for a run that finished (with or without rejects), came up short of Drift's count, failed or was interrupted.
 *
 * A {@link Report} follows the run (the plan once made, the progress tracker, what makes an error message
 * precise) so that whichever way the run ends, it is summarized once.
 *
 * @example
 * ```ts
 * import { ExportReport } from "@parley/cli"
 *
 * const exitCode = (s: ExportReport.Summary) => s.status === "rejects" ? 3 : s.ok ? 0 : 1
 * ```
 *
 * @since 0.2.0
 */
import type { DriftStream, DriftStreamError } from "@parley/drift-stream"
import type { Drift } from "@parley/schema"
import * as Text from "@parley/schema/Text"
import type { Exit } from "effect"
import { Cause, Effect, Option } from "effect"
import * as Shared from "./commands/shared.ts"
import type * as Encoding from "./Encoding.ts"
import * as Errors from "./Errors.ts"
import type * as Formats from "./Formats.ts"
import * as Progress from "./Progress.ts"

/**
 * The export summary (`--json`). `status`: `done`, `rejects` (done, but some conversations are in the rejects
 * file: exit code 3), `incomplete` (fewer conversations than Drift counts: exit code 1), `failed`,
 * `interrupted`.
 *
 * @since 0.1.0
 */
export interface Summary {
  readonly command: "export"
  readonly ok: boolean
  readonly status: "done" | "rejects" | "incomplete" | "failed" | "interrupted"
  readonly exitCode: number
  readonly to: Formats.Shape
  readonly format: Encoding.Format
  readonly out: string
  readonly rejectsFile: string
  readonly checkpoint: string | null
  readonly sandbox: boolean
  readonly resumed: boolean
  /** Conversations written by this run. */
  readonly conversations: number
  /** Messages read by this run. */
  readonly messages: number
  /** Conversations in the output, this run and the runs it resumed. */
  readonly totalConversations: number
  readonly bytes: number
  /** Conversations quarantined by this run. */
  readonly rejects: number
  /** Conversations in the rejects file, this run and the runs it resumed. */
  readonly totalRejects: number
  /** Drift's count and what was read (null: not checked: `--since`, or no stats endpoint). */
  readonly completeness: DriftStream.Completeness | null
  readonly requests: number
  readonly retries: number
  readonly durationMs: number
  readonly threadsPerSecond: number
  readonly since: string | null
  readonly watermark: string | null
  readonly error?: string
}

/**
 * Where an export writes: the output (`-`: stdout), the rejects file (`-`: stderr) and the checkpoint (none for
 * an export to stdout without `--checkpoint`), as given and resolved for messages.
 *
 * @since 0.2.0
 */
export interface Where {
  /** `--out` as given (`undefined` or `-`: stdout). */
  readonly outPath: string | undefined
  readonly toStdout: boolean
  readonly rejectsPath: string
  readonly checkpointPath: string | undefined
  /** Resolved, for messages and the summary. */
  readonly out: string
  readonly rejects: string
  readonly checkpoint: string | undefined
}

/**
 * The flags the report reads.
 *
 * @since 0.2.0
 */
export interface Flags {
  readonly to: Option.Option<Formats.Shape>
  readonly format: Option.Option<Encoding.Format>
  readonly sandbox: boolean
  readonly quiet: boolean
  readonly json: boolean
}

/**
 * What the report needs of the plan (once flags and the saved checkpoint are reconciled).
 *
 * @since 0.2.0
 */
export interface Planned {
  readonly resume: boolean
  readonly to: Formats.Shape
  readonly format: Encoding.Format
  readonly statuses: ReadonlyArray<Drift.FilterableStatus>
  readonly since: number | null
}

const iso = (ms: number | null | undefined): string | null =>
  ms === null || ms === undefined ? null : new Date(ms).toISOString()

const exitCodeOf = (status: Summary["status"]): number =>
  status === "done"
    ? Errors.ExitCode.ok
    : status === "rejects"
    ? Errors.ExitCode.rejects
    : status === "interrupted"
    ? Errors.ExitCode.interrupted
    : Errors.ExitCode.failure

/**
 * The report of one export run.
 *
 * @since 0.2.0
 */
export class Report {
  /** The run's progress (its counts feed the summary). */
  readonly tracker = new Progress.Tracker("threads")
  /** The plan, once made. */
  plan: Planned | undefined
  /** The base URL in use, for error messages. */
  baseUrl: string | undefined
  /** Whether the summary was printed already (an incomplete export prints it before it fails). */
  private summarized = false

  readonly flags: Flags
  readonly where: Where

  constructor(flags: Flags, where: Where) {
    this.flags = flags
    this.where = where
  }

  /** The run's result as the summary. */
  summarize(
    status: Summary["status"],
    result?: DriftStream.ExportSummary,
    error?: string
  ): Summary {
    const snapshot = this.tracker.snapshot()
    const state = result?.state
    const rejected = state?.counts.rejected ?? 0
    const plan = this.plan
    return {
      command: "export",
      ok: status === "done",
      status,
      exitCode: exitCodeOf(status),
      to: plan?.to ?? Option.getOrElse(this.flags.to, () => "drift" as const),
      format: plan?.format ?? Option.getOrElse(this.flags.format, () => "ndjson" as const),
      out: this.where.out,
      rejectsFile: this.where.rejects,
      checkpoint: this.where.checkpoint ?? null,
      sandbox: this.flags.sandbox,
      resumed: plan?.resume ?? false,
      conversations: result?.written.threads ?? Math.max(0, snapshot.done - snapshot.rejects),
      messages: snapshot.messages,
      totalConversations: state === undefined ? 0 : Math.max(0, state.emittedCount - rejected),
      bytes: result?.output.bytes ?? 0,
      rejects: result?.written.rejected ?? snapshot.rejects,
      totalRejects: rejected,
      completeness: result?.completeness ?? null,
      requests: snapshot.requests,
      retries: snapshot.retried,
      durationMs: snapshot.elapsedMs,
      threadsPerSecond: Math.round(snapshot.rate * 10) / 10,
      since: iso(plan?.since),
      watermark: iso(state?.watermark ?? plan?.since),
      ...(error === undefined ? {} : { error })
    }
  }

  private print(summary: Summary): Effect.Effect<void> {
    return this.flags.json ? Shared.printJson(summary, this.where.toStdout) : Effect.void
  }

  /** Applies a progress event of the export to the tracker. */
  readonly progress = (event: DriftStream.ProgressEvent): Effect.Effect<void> =>
    Effect.sync(() => {
      const tracker = this.tracker
      if (event._tag === "Totals") {
        return tracker.setTotal(event.conversations, { lowerBound: (this.plan?.statuses.length ?? 0) === 0 })
      }
      tracker.client = event.client
      if (event._tag === "Thread") tracker.add(1, { messages: event.messages })
      if (event._tag === "Rejected") tracker.add(1, { rejects: 1 })
    })

  /** An export that came up short wrote everything it read: its summary says so, then it fails. */
  readonly incomplete = (incomplete: DriftStreamError.Incomplete): Effect.Effect<never, Errors.Described> =>
    Effect.andThen(
      Effect.suspend(() => {
        this.summarized = true
        return this.print(this.summarize("incomplete", undefined, incomplete.message))
      }),
      Effect.fail(new Errors.Described({ line: incomplete.message, exitCode: Errors.ExitCode.failure }))
    )

  /** The summary and the line of an interrupted run. */
  readonly interrupted: Effect.Effect<void> = Effect.suspend(() => {
    const line = `interrupted after ${Progress.count(this.tracker.snapshot().done)} conversations${
      this.where.checkpointPath === undefined || this.where.toStdout
        ? ""
        : `; run the same command with --resume to continue`
    }`
    return Effect.andThen(this.print({ ...this.summarize("interrupted"), error: line }), Shared.note(line))
  })

  /**
   * The end of the run: a failure is described once (summary, then the one line the entry point prints); a
   * finished run prints its summary and closing line, and fails with exit code 3 when it has rejects.
   */
  finish<E extends Errors.Failure>(
    exit: Exit.Exit<DriftStream.ExportSummary, E>
  ): Effect.Effect<void, E | Errors.Described> {
    return exit._tag === "Failure" ? this.failed(exit.cause) : this.done(exit.value)
  }

  private failed<E extends Errors.Failure>(cause: Cause.Cause<E>): Effect.Effect<never, E | Errors.Described> {
    if (this.summarized || Cause.hasInterruptsOnly(cause)) return Effect.failCause(cause)
    const where = this.where
    const described = Errors.describeCause(cause, {
      baseUrl: this.baseUrl,
      sandbox: this.flags.sandbox,
      resumable: !where.toStdout && where.checkpointPath !== undefined && this.tracker.snapshot().done > 0
    })
    return Effect.andThen(
      this.print(this.summarize("failed", undefined, described.line)),
      Effect.fail(new Errors.Described(described))
    )
  }

  private done(result: DriftStream.ExportSummary): Effect.Effect<void, Errors.Described> {
    const rejected = result.state.counts.rejected ?? 0
    const s = this.summarize(rejected > 0 ? "rejects" : "done", result)
    return Effect.andThen(
      Effect.andThen(this.print(s), this.flags.quiet ? Effect.void : Shared.note(this.closingLine(s, result))),
      rejected > 0
        ? Effect.fail(
          new Errors.Described({
            line:
              `finished with rejects: ${rejected} conversations could not be read or written; they are in ${this.where.rejects} (raw answer, request and JSON path of each); the others were exported`,
            exitCode: Errors.ExitCode.rejects
          })
        )
        : Effect.void
    )
  }

  private closingLine(s: Summary, result: DriftStream.ExportSummary): string {
    const resumed = s.resumed ? ` (resumed: ${s.totalConversations} in the output)` : ""
    const checked = s.completeness === null
      ? ""
      // Drift's stats count open, closed and pending conversations; the list also holds bulk-sent ones, so an
      // export of every status reads more than the stats count.
      : `; complete: ${Text.count(s.completeness.read)} read, at least the ${
        Text.count(s.completeness.required)
      } Drift's stats count`
    const checkpoint = this.where.checkpointPath
    return `exported ${Text.count(s.conversations)} conversations (${
      Text.count(s.messages)
    } messages) as ${s.to} ${s.format} to ${this.where.toStdout ? "stdout" : this.where.out} in ${
      Progress.formatDuration(s.durationMs)
    } (${Text.count(Math.round(s.threadsPerSecond))} threads/s)${resumed}; ${Text.count(s.rejects)} rejects; ${
      Text.count(s.requests)
    } requests, ${Text.count(s.retries)} retries${checked}${s.watermark === null ? "" : `; watermark ${s.watermark}`}${
      result.state.phase !== "done" || checkpoint === undefined ? "" : `; checkpoint ${checkpoint}`
    }`
  }
}
