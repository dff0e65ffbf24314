/**
 * `parley export`: every Drift conversation, with its messages, in Drift's or Intercom's shape (`--to`) and an
 * encoding (`--format`: NDJSON, a JSON array or CSV), checkpointed so that a killed export resumes with
 * `--resume` and writes every conversation exactly once.
 *
 * The command parses flags and composes the stages; the stages live in the packages: the source is
 * `DriftStream` (its thread pages, a quarantine for conversations Drift answers undecodably), the mapper the
 * `@parley/intercom` mapping (or the identity for Drift's shape), the encoder {@link Encoding}, and the sinks
 * `RecordSink` files written with the exactly-once protocol of `DriftStream.runExport` (whole records, fsync,
 * then the checkpoint with both files' byte lengths; cut back on resume), for the output and the rejects file.
 *
 * Exit codes: 0 done; 3 done, with rejects (see the rejects file); 1 failure, including an export that came up
 * short of Drift's `/conversations/stats`; 2 usage; 130 interrupted.
 *
 * @since 0.1.0
 */
import { DriftApiError, DriftClient } from "@parley/drift-client"
import { Sandbox, SandboxCommand } from "@parley/drift-sandbox"
import { Checkpoint, DriftStream, DriftStreamError, OutputGuard, RecordSink } from "@parley/drift-stream"
import { MapperConfig, Mapping } from "@parley/intercom"
import type { Drift } from "@parley/schema"
import { Cause, DateTime, Effect, Layer, Option, Redacted } from "effect"
import { Command, Flag } from "effect/cli"
import { resolve } from "node:path"
import * as Connection from "../Connection.ts"
import * as Encoding from "../Encoding.ts"
import * as Errors from "../Errors.ts"
import * as Formats from "../Formats.ts"
import * as Progress from "../Progress.ts"
import * as Users from "../Users.ts"
import * as Shared from "./shared.ts"

const statuses = ["open", "closed", "pending"] as const

/**
 * The flags of `parley export`.
 *
 * @since 0.1.0
 */
export const flags = {
  to: Flag.Literals("to", Formats.shapes).pipe(
    Flag.withDescription("Output shape: drift (default), intercom (classic) or intercom-2.11"),
    Flag.optional
  ),
  format: Flag.Literals("format", Encoding.formats).pipe(
    Flag.withDescription(
      "Output encoding: ndjson (default), json (one array) or csv (one row per message; --to drift)"
    ),
    Flag.optional
  ),
  rejects: Flag.String("rejects").pipe(
    Flag.withDescription(
      "Where conversations that cannot be read or written go, one JSON record per line (default <out>.rejects.ndjson; stderr when writing to stdout)"
    ),
    Flag.optional
  ),
  strict: Flag.Boolean("strict").pipe(
    Flag.withDescription("Stop at the first conversation that cannot be read or written instead of quarantining it"),
    Flag.withDefault(false)
  ),
  status: Flag.String("status").pipe(
    Flag.withDescription(
      "Only these statuses: open, closed, pending (repeat the flag or separate with commas; default: all)"
    ),
    Flag.atLeast(0)
  ),
  since: Flag.String("since").pipe(
    Flag.withDescription(
      "Only conversations updated after this instant: an ISO date, epoch milliseconds, or `checkpoint` (the watermark of the previous export's checkpoint; default: all)"
    ),
    Flag.optional
  ),
  concurrency: Flag.Int("concurrency").pipe(
    Flag.withDescription("Conversations whose messages are read at once (default 8)"),
    Flag.withDefault(8)
  ),
  pageSize: Flag.Int("page-size").pipe(
    Flag.withDescription("Conversations per list request, 1 to 50 (1 to 100 on Drift's newer list API; default 50)"),
    Flag.optional
  ),
  out: Flag.String("out").pipe(
    Flag.withAlias("o"),
    Flag.withDescription("Output file (default: stdout; `-` is stdout)"),
    Flag.optional
  ),
  checkpoint: Flag.String("checkpoint").pipe(
    Flag.withDescription("Checkpoint file (default: <out>.checkpoint.json when --out is a file)"),
    Flag.optional
  ),
  resume: Flag.Boolean("resume").pipe(
    Flag.withDescription(
      "Continue the export the checkpoint describes (cuts the output back to it first; default: off)"
    ),
    Flag.withDefault(false)
  ),
  withContacts: Flag.Boolean("with-contacts").pipe(
    Flag.withDescription("Also read each conversation's contact (needs the contact_read scope; default: off)"),
    Flag.withDefault(false)
  ),
  sandbox: Flag.Boolean("sandbox").pipe(
    Flag.withDescription("Export from an embedded Drift sandbox on 127.0.0.1 (no token, no network; default: off)"),
    Flag.withDefault(false)
  ),
  withUsers: Flag.Boolean("with-users").pipe(
    Flag.withDescription(
      "Also write Drift's user directory to <out>.users.json, for `parley convert --users` (needs user_read; default: off)"
    ),
    Flag.withDefault(false)
  ),
  sandboxConversations: SandboxCommand.conversationsFlag(
    "sandbox-conversations",
    "Conversations seeded in the embedded sandbox",
    Sandbox.defaults.conversations
  ),
  sandboxSeed: Flag.Int("sandbox-seed").pipe(
    Flag.withDescription("Seed of the embedded sandbox's data (default 1)"),
    Flag.withDefault(Sandbox.defaults.seed)
  ),
  requestsPerMinute: Flag.Finite("requests-per-minute").pipe(
    Flag.withDescription(
      "Client-side rate limit in requests per minute (default: DRIFT_REQUESTS_PER_MINUTE, else 600 against Drift and none with --sandbox or a loopback DRIFT_BASE_URL); 0 disables it"
    ),
    Flag.optional
  ),
  overwrite: Shared.overwrite,
  quiet: Shared.quiet,
  json: Shared.json,
  progressInterval: Shared.progressInterval
}

/**
 * The parsed flags.
 *
 * @since 0.1.0
 */
export type Args = Command.Command.Config.Infer<typeof flags>

/** What the export saves beside the positions in the checkpoint's sink record. */
interface SinkMeta {
  readonly to?: Formats.Shape
  readonly format?: Encoding.Format
  readonly withContacts?: boolean
}

const readSink = (sink: Checkpoint.State["sink"]): SinkMeta => {
  if (sink === undefined) return {}
  const to = sink["to"]
  const format = sink["format"]
  return {
    ...(typeof to === "string" && (Formats.shapes as ReadonlyArray<string>).includes(to)
      ? { to: to as Formats.Shape }
      : {}),
    ...(typeof format === "string" && (Encoding.formats as ReadonlyArray<string>).includes(format)
      ? { format: format as Encoding.Format }
      : {}),
    ...(typeof sink["withContacts"] === "boolean" ? { withContacts: sink["withContacts"] } : {})
  }
}

const usage = (reason: string) => new Errors.UsageError({ reason })

/**
 * Parses `--since`: epoch milliseconds or an ISO date (`checkpoint` is handled by the caller).
 *
 * @example
 * ```ts
 * import { Export } from "@parley/cli"
 *
 * Export.parseSince("2024-05-01") // 1714521600000
 * Export.parseSince("1714521600000") // 1714521600000
 * ```
 *
 * @since 0.1.0
 */
export const parseSince = (value: string): number | undefined => {
  const trimmed = value.trim()
  if (/^\d+$/.test(trimmed)) return Number(trimmed)
  if (!/^\d{4}-\d{2}-\d{2}/.test(trimmed)) return undefined
  const ms = Date.parse(trimmed)
  return Number.isFinite(ms) ? ms : undefined
}

const parseStatuses = (values: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const out: Array<Drift.FilterableStatus> = []
    for (const value of values.flatMap((v) => v.split(","))) {
      const s = value.trim().toLowerCase()
      if (s === "") continue
      if (!(statuses as ReadonlyArray<string>).includes(s)) {
        return yield* usage(`--status must be open, closed or pending, got ${JSON.stringify(value.trim())}`)
      }
      if (!out.includes(s as Drift.FilterableStatus)) out.push(s as Drift.FilterableStatus)
    }
    return out
  })

/** The export to run, once flags and the saved checkpoint are reconciled. */
interface Plan {
  readonly resume: boolean
  readonly to: Formats.Shape
  readonly format: Encoding.Format
  readonly statuses: ReadonlyArray<Drift.FilterableStatus>
  readonly pageSize: number
  readonly since: number | null
  readonly withContacts: boolean
  readonly notes: ReadonlyArray<string>
}

const plan = Effect.fnUntraced(function*(
  args: Args,
  saved: Option.Option<Checkpoint.Saved>,
  checkpointPath: string | undefined
) {
  const notes: Array<string> = []
  const flagStatuses = yield* parseStatuses(args.status)
  const flagTo = Option.getOrUndefined(args.to)
  const flagFormat = Option.getOrUndefined(args.format)
  const flagPageSize = Option.getOrUndefined(args.pageSize)
  if (flagPageSize !== undefined && (flagPageSize < 1 || flagPageSize > 100)) {
    return yield* usage(`--page-size must be 1 to 100 (Drift's legacy list API takes 50 at most), got ${flagPageSize}`)
  }
  const sinceFlag = Option.getOrUndefined(args.since)
  let resume = args.resume && Option.isSome(saved)
  let since: number | null | undefined = undefined
  if (sinceFlag !== undefined && sinceFlag.trim().toLowerCase() === "checkpoint") {
    if (Option.isNone(saved)) {
      return yield* usage(
        `--since checkpoint: there is no checkpoint at ${
          checkpointPath ?? "(none: give --checkpoint FILE)"
        }; run a full export with that --checkpoint first`
      )
    }
    const state = saved.value.state
    if (state.phase === "done") {
      since = state.watermark
      resume = false
      notes.push(
        `incremental export of the conversations updated after ${
          state.watermark === null ? "(nothing exported yet)" : new Date(state.watermark).toISOString()
        } (the previous export's watermark)`
      )
    } else if (args.resume) {
      since = state.options.since
    } else {
      return yield* usage(
        `--since checkpoint: the export in ${checkpointPath} has not finished; finish it first with --resume`
      )
    }
  } else if (sinceFlag !== undefined) {
    const ms = parseSince(sinceFlag)
    if (ms === undefined) {
      return yield* usage(
        `--since must be an ISO date (2024-05-01 or 2024-05-01T12:00:00Z), epoch milliseconds or \`checkpoint\`, got ${
          JSON.stringify(sinceFlag)
        }`
      )
    }
    since = ms
  }
  if (args.resume && Option.isNone(saved)) {
    notes.push(`no checkpoint at ${checkpointPath}: starting from the beginning`)
  }
  if (resume && Option.isSome(saved)) {
    const state = saved.value.state
    const sink = readSink(state.sink)
    if (flagTo !== undefined && sink.to !== undefined && flagTo !== sink.to) {
      return yield* usage(
        `--to ${flagTo}: the output being resumed was written with --to ${sink.to}; resume with --to ${sink.to} or start over without --resume`
      )
    }
    if (args.withContacts && sink.withContacts === false) {
      return yield* usage(
        "--with-contacts: the output being resumed was written without contacts; resume without --with-contacts or start over without --resume"
      )
    }
    if (flagFormat !== undefined && flagFormat !== (sink.format ?? "ndjson")) {
      return yield* usage(
        `--format ${flagFormat}: the output being resumed was written with --format ${
          sink.format ?? "ndjson"
        }; resume with that format or start over without --resume`
      )
    }
    return {
      resume: true,
      to: flagTo ?? sink.to ?? "drift",
      format: sink.format ?? "ndjson",
      statuses: flagStatuses.length > 0
        ? flagStatuses
        : state.options.statuses as ReadonlyArray<Drift.FilterableStatus>,
      pageSize: flagPageSize ?? state.options.pageSize,
      since: since === undefined ? state.options.since : since,
      withContacts: args.withContacts || sink.withContacts === true,
      notes
    } satisfies Plan
  }
  const format = flagFormat ?? "ndjson"
  if (!Encoding.supports(format, flagTo ?? "drift")) {
    return yield* usage(`--format ${format} writes Drift's shape only: use --to drift (or leave --to out)`)
  }
  return {
    resume: false,
    to: flagTo ?? "drift",
    format,
    statuses: flagStatuses,
    pageSize: flagPageSize ?? 50,
    since: since ?? null,
    withContacts: args.withContacts,
    notes
  } satisfies Plan
})

/**
 * The mapper for `to`, configured from the `PARLEY_INTERCOM_*` variables and Drift's user directory (admin names
 * and emails, bots) when the token may read it.
 */
const makeMapper = Effect.fnUntraced(function*(to: Formats.Shape, quiet: boolean) {
  const config = yield* MapperConfig.fromEnv
  if (to === "drift") return yield* Effect.fromResult<Mapping.Mapper, unknown>(Mapping.make(config))
  const client = yield* DriftClient.DriftClient
  const users = yield* client.listUsers().pipe(
    Effect.catchTag("Forbidden", (e: DriftApiError.Forbidden) =>
      Effect.as(
        quiet ? Effect.void : Shared.note(
          `warning: the token cannot read the user list (${
            e.errors[0].type
          }); admins are mapped by id only (grant user_read for names and emails)`
        ),
        [] as ReadonlyArray<Drift.User>
      ))
  )
  return yield* Effect.fromResult<Mapping.Mapper, unknown>(Mapping.make({ ...config, users }))
})

/** The number of conversations to export, from Drift's stats, into the tracker (best effort). */
const reportTotals = (statuses: ReadonlyArray<Drift.FilterableStatus>, tracker: Progress.Tracker) =>
  DriftClient.DriftClient.use((client) => client.conversationStats()).pipe(
    Effect.map((stats) => {
      const counts = stats.conversationCount as Partial<Record<string, number>>
      const wanted = statuses.length === 0
        ? Object.values(counts).reduce<number>((a, b) => a + (b ?? 0), 0)
        : statuses.reduce((a, s) => a + (counts[s.toUpperCase()] ?? 0), 0)
      // Drift's stats leave out bulk-sent conversations: without a status filter there may be more.
      tracker.setTotal(wanted, { lowerBound: statuses.length === 0 })
    }),
    Effect.ignore
  )

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

const iso = (ms: number | null | undefined): string | null =>
  ms === null || ms === undefined ? null : new Date(ms).toISOString()

/** The run's result as the summary, the closing line and the exit code. */
const summarize = (
  args: Args,
  where: { readonly out: string; readonly rejects: string; readonly checkpoint: string | undefined },
  plan: Plan | undefined,
  tracker: Progress.Tracker,
  result: DriftStream.ExportSummary | undefined,
  status: Summary["status"],
  error?: string
): Summary => {
  const snapshot = tracker.snapshot()
  const state = result?.state
  const rejected = state?.counts.rejected ?? 0
  const exitCode = status === "done"
    ? Errors.ExitCode.ok
    : status === "rejects"
    ? Errors.ExitCode.rejects
    : status === "interrupted"
    ? Errors.ExitCode.interrupted
    : Errors.ExitCode.failure
  return {
    command: "export",
    ok: status === "done",
    status,
    exitCode,
    to: plan?.to ?? Option.getOrElse(args.to, () => "drift" as const),
    format: plan?.format ?? Option.getOrElse(args.format, () => "ndjson" as const),
    out: where.out,
    rejectsFile: where.rejects,
    checkpoint: where.checkpoint ?? null,
    sandbox: args.sandbox,
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

/** Where the records come from: the embedded sandbox or Drift (the token from the environment). */
const source = (args: Args, overrides: Connection.Overrides) =>
  args.sandbox
    ? Sandbox.start({
      port: 0,
      host: "127.0.0.1",
      conversations: args.sandboxConversations,
      seed: args.sandboxSeed
    }).pipe(
      Effect.map((sandbox) => Connection.forSandbox(sandbox.url, sandbox.token, overrides)),
      Effect.mapError((e) => new Errors.UsageError({ reason: `cannot start the embedded sandbox: ${e.message}` }))
    )
    : Connection.fromEnv(overrides)

const run = Effect.fnUntraced(function*(args: Args) {
  const out = Option.getOrUndefined(args.out)
  const toStdout = Shared.isStd(out)
  const checkpointPath = Option.getOrElse(args.checkpoint, () => toStdout ? undefined : `${out}.checkpoint.json`)
  const rejectsPath = Option.getOrElse(args.rejects, () => toStdout ? "-" : `${out}.rejects.ndjson`)
  const where = {
    out: toStdout ? "-" : resolve(out!),
    rejects: rejectsPath === "-" ? "stderr" : resolve(rejectsPath),
    checkpoint: checkpointPath === undefined ? undefined : resolve(checkpointPath)
  }
  if (args.resume && toStdout) {
    return yield* usage("--resume needs --out FILE: stdout cannot be cut back to the checkpoint")
  }
  if (args.concurrency < 1 || args.concurrency > 64) {
    return yield* usage(`--concurrency must be 1 to 64, got ${args.concurrency}`)
  }
  if (args.withUsers && toStdout) {
    return yield* usage("--with-users needs --out FILE: the user directory is written beside it, to <out>.users.json")
  }
  const requestsPerMinute = Option.getOrUndefined(args.requestsPerMinute)
  if (requestsPerMinute !== undefined && !(requestsPerMinute >= 0)) {
    return yield* usage(`--requests-per-minute must be 0 (no limit) or more, got ${requestsPerMinute}`)
  }
  const tracker = new Progress.Tracker("threads")
  const context: { baseUrl?: string; sandbox: boolean; resumable?: boolean } = { sandbox: args.sandbox }
  let planned: Plan | undefined
  let summarized = false

  const program = Effect.gen(function*() {
    const saved = yield* Checkpoint.Checkpoint.use((c) => c.load)
    const thePlan = yield* plan(args, saved, checkpointPath)
    planned = thePlan
    // Nothing is replaced unasked and one export writes an output at a time (before anything is cleared).
    yield* OutputGuard.acquire({
      outputs: [
        { name: "--out", path: out, lock: true },
        { name: "--checkpoint", path: checkpointPath, existing: "allow" },
        { name: "checkpoint ids file", path: checkpointPath && `${checkpointPath}.ids`, existing: "allow" },
        { name: "rejects file", path: rejectsPath === "-" ? undefined : rejectsPath },
        ...(args.withUsers ? [{ name: "users file", path: out && `${out}.users.json` }] : [])
      ],
      overwrite: args.overwrite,
      resume: thePlan.resume
    })
    if (!args.quiet) { for (const line of thePlan.notes) yield* Shared.note(line) }
    const clientOptions = yield* source(args, requestsPerMinute === undefined ? {} : { requestsPerMinute })
    context.baseUrl = String(clientOptions.baseUrl)
    return yield* Effect.gen(function*() {
      if (args.withUsers) {
        const users = yield* DriftClient.DriftClient.use((client) => client.listUsers())
        yield* Users.write(`${out}.users.json`, users)
        if (!args.quiet) {
          yield* Shared.note(
            `wrote ${Progress.count(users.length)} users to ${
              resolve(`${out}.users.json`)
            } (for parley convert --users)`
          )
        }
      }
      const encoding = yield* Encoding.make({
        format: thePlan.format,
        to: thePlan.to,
        mapper: yield* makeMapper(thePlan.to, args.quiet)
      })
      const mode = thePlan.resume ? "keep" : "truncate"
      // A fresh export forgets the old checkpoint before it empties the output, so a crash in between never
      // leaves a checkpoint vouching for bytes that are gone.
      if (!thePlan.resume) yield* Checkpoint.Checkpoint.use((c) => c.clear)
      const output = toStdout ? yield* RecordSink.stdout : yield* RecordSink.file(out!, { mode })
      const rejects = rejectsPath === "-"
        ? yield* RecordSink.stderr
        : yield* RecordSink.file(rejectsPath, { mode, lazy: true })
      yield* Progress.start(tracker, {
        mode: Progress.modeFor({ quiet: args.quiet }),
        intervalMs: args.progressInterval * 1000
      })
      // runExport reports the totals of a fresh export only; a resumed one asks for them here (for the ETA).
      if (thePlan.resume && thePlan.since === null) yield* reportTotals(thePlan.statuses, tracker)
      const result = yield* DriftStream.runExport({
        statuses: thePlan.statuses,
        pageSize: thePlan.pageSize,
        ...(thePlan.since === null ? {} : { since: DateTime.makeUnsafe(thePlan.since) }),
        concurrency: args.concurrency,
        withContact: thePlan.withContacts,
        strict: args.strict,
        resume: thePlan.resume,
        output,
        rejects,
        encode: encoding.encode,
        header: encoding.header,
        meta: { to: thePlan.to, format: thePlan.format, withContacts: thePlan.withContacts },
        initialSink: { bytes: 0, lines: 0, to: thePlan.to, format: thePlan.format, withContacts: thePlan.withContacts },
        workspace: {
          baseUrl: args.sandbox ? "sandbox" : String(clientOptions.baseUrl),
          orgId: null,
          sandbox: args.sandbox ? { seed: args.sandboxSeed, conversations: args.sandboxConversations } : null,
          tokenFingerprint: Checkpoint.fingerprint(Redacted.value(clientOptions.token))
        },
        onResume: (record) =>
          Effect.gen(function*() {
            // The sink record is checked against the file before the file is cut back to it (NDJSON: one record
            // a line, so the line count must match the bytes).
            if (!toStdout && thePlan.format === "ndjson" && Option.isSome(saved)) {
              yield* Checkpoint.verifyOutput({ path: out!, state: { ...saved.value.state, sink: record } })
            }
            const lines = typeof record["lines"] === "number" ? record["lines"] : 0
            encoding.resumeAt(lines)
            tracker.before = Math.max(0, lines - encoding.header.length)
          }),
        onProgress: (event) =>
          Effect.sync(() => {
            if (event._tag === "Totals") {
              return tracker.setTotal(event.conversations, { lowerBound: thePlan.statuses.length === 0 })
            }
            tracker.client = event.client
            if (event._tag === "Thread") tracker.add(1, { messages: event.messages })
            if (event._tag === "Rejected") tracker.add(1, { rejects: 1 })
          })
      }).pipe(
        // A page size only the newer list API takes, sent to a server on the legacy one, is a usage error.
        Effect.catchReason(
          "PageFailed",
          "ValidationError",
          (reason, error): Effect.Effect<never, Errors.UsageError | DriftStreamError.PageFailed> =>
            reason.param === "limit" && thePlan.pageSize > 50
              ? Effect.fail(
                usage(
                  `--page-size ${thePlan.pageSize}: this Drift answers with the legacy list API, which takes 50 at most; use --page-size 50 or less`
                )
              )
              : Effect.fail(error)
        ),
        // An export that comes up short wrote everything it read: its summary says so, then it fails.
        Effect.catchTag("Incomplete", (incomplete) =>
          Effect.gen(function*() {
            if (args.json) {
              yield* Shared.printJson(
                summarize(args, where, planned, tracker, undefined, "incomplete", incomplete.message),
                toStdout
              )
            }
            summarized = true
            return yield* new Errors.Described({ line: incomplete.message, exitCode: Errors.ExitCode.failure })
          }))
      )
      if (result.state.phase === "done" && encoding.footer.length > 0) yield* output.append(encoding.footer)
      tracker.client = yield* DriftClient.DriftClient.use((c) => c.stats)
      return result
    }).pipe(Effect.provide(DriftStream.DriftStream.layer.pipe(Layer.provideMerge(Connection.layer(clientOptions)))))
  })

  const checkpointLayer = checkpointPath === undefined
    ? Checkpoint.Checkpoint.layerMemory
    : Checkpoint.Checkpoint.layerFile(checkpointPath)

  const exit = yield* Effect.scoped(program).pipe(
    Effect.provide(Layer.fresh(checkpointLayer)),
    Effect.onInterrupt(() =>
      Effect.suspend(() => {
        const s = summarize(args, where, planned, tracker, undefined, "interrupted")
        const line = `interrupted after ${Progress.count(tracker.snapshot().done)} conversations${
          checkpointPath === undefined || toStdout ? "" : `; run the same command with --resume to continue`
        }`
        return Effect.andThen(
          args.json ? Shared.printJson({ ...s, error: line }, toStdout) : Effect.void,
          Shared.note(line)
        )
      })
    ),
    Effect.exit
  )

  if (exit._tag === "Failure") {
    if (Cause.hasInterruptsOnly(exit.cause) || summarized) return yield* Effect.failCause(exit.cause)
    context.resumable = !toStdout && checkpointPath !== undefined && tracker.snapshot().done > 0
    const described = Errors.describeCause(exit.cause, context)
    if (args.json) {
      yield* Shared.printJson(summarize(args, where, planned, tracker, undefined, "failed", described.line), toStdout)
    }
    return yield* new Errors.Described(described)
  }

  const result = exit.value
  const rejected = result.state.counts.rejected ?? 0
  const s = summarize(args, where, planned, tracker, result, rejected > 0 ? "rejects" : "done")
  if (args.json) yield* Shared.printJson(s, toStdout)
  if (!args.quiet) {
    const resumed = s.resumed ? ` (resumed: ${s.totalConversations} in the output)` : ""
    const checked = s.completeness === null
      ? ""
      : `; complete: ${s.completeness.read} of ${s.completeness.required} counted by Drift`
    yield* Shared.note(
      `exported ${s.conversations.toLocaleString("en-US")} conversations (${
        s.messages.toLocaleString("en-US")
      } messages) as ${s.to} ${s.format} to ${toStdout ? "stdout" : where.out} in ${
        Progress.formatDuration(s.durationMs)
      } (${
        Math.round(s.threadsPerSecond)
      } threads/s)${resumed}; ${s.rejects} rejects; ${s.requests} requests, ${s.retries} retries${checked}${
        s.watermark === null ? "" : `; watermark ${s.watermark}`
      }${result.state.phase !== "done" || checkpointPath === undefined ? "" : `; checkpoint ${checkpointPath}`}`
    )
  }
  if (rejected > 0) {
    return yield* new Errors.Described({
      line:
        `finished with rejects: ${rejected} conversations could not be read or written; they are in ${where.rejects} (raw answer, request and JSON path of each); the others were exported`,
      exitCode: Errors.ExitCode.rejects
    })
  }
})

/**
 * `parley export`.
 *
 * @since 0.1.0
 */
export const command = Command.make("export", flags, (args) => run(args).pipe(Effect.withSpan("parley.export"))).pipe(
  Command.withDescription(
    "Export every Drift conversation with its messages as NDJSON, a JSON array or CSV, in Drift's or Intercom's shape, checkpointed and resumable; conversations that cannot be read go to a rejects file (exit code 3)"
  ),
  Command.withExamples([
    {
      command: "parley export --sandbox --to intercom --out parley-export.ndjson",
      description: "Export the embedded sandbox's 2,000 conversations in Intercom's classic shape"
    },
    {
      command: "DRIFT_TOKEN=... parley export --to intercom-2.11 --status open,pending --out open.ndjson",
      description: "Export the open and pending conversations from Drift"
    },
    {
      command: "parley export --out all.ndjson --resume",
      description: "Continue an export that was interrupted"
    },
    {
      command: "parley export --out delta.ndjson --checkpoint state.json --since checkpoint",
      description: "Export what changed since the export that last used state.json"
    }
  ])
)
