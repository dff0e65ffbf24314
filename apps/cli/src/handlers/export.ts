/**
 * What `parley export` runs (see the command, `commands/export.ts`): the flags reconciled with the checkpoint, then
 * the stages composed over the checkpoint and the Drift connection. Loaded when the command runs.
 *
 * @internal
 */
import { DriftApiError, DriftClient } from "@parley/drift-client"
import { Checkpoint, DriftStream, DriftStreamError, OutputGuard, RecordSink } from "@parley/drift-stream"
import { MapperConfig, Mapping } from "@parley/intercom"
import type { Drift } from "@parley/schema"
import { DateTime, Duration, Effect, Layer, Option, Redacted } from "effect"
import { resolve } from "node:path"
import { type Args, parseSince } from "../commands/export.ts"
import * as Shared from "../commands/shared.ts"
import * as Connection from "../Connection.ts"
import * as Encoding from "../Encoding.ts"
import * as Errors from "../Errors.ts"
import * as ExportReport from "../ExportReport.ts"
import * as Formats from "../Formats.ts"
import * as Progress from "../Progress.ts"
import * as Users from "../Users.ts"

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
  const flagStatuses = yield* Shared.parseStatuses(args.status)
  const flagTo = Option.getOrUndefined(args.to)
  const flagFormat = Option.getOrUndefined(args.format)
  const flagPageSize = Option.getOrUndefined(args.pageSize)
  if (flagPageSize !== undefined && (flagPageSize < 1 || flagPageSize > 100)) {
    return yield* Shared.usage(
      `--page-size must be 1 to 100 (Drift's legacy list API takes 50 at most), got ${flagPageSize}`
    )
  }
  const sinceFlag = Option.getOrUndefined(args.since)
  let resume = args.resume && Option.isSome(saved)
  let since: number | null | undefined = undefined
  if (sinceFlag !== undefined && sinceFlag.trim().toLowerCase() === "checkpoint") {
    if (Option.isNone(saved)) {
      return yield* Shared.usage(
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
      return yield* Shared.usage(
        `--since checkpoint: the export in ${checkpointPath} has not finished; finish it first with --resume`
      )
    }
  } else if (sinceFlag !== undefined) {
    const ms = parseSince(sinceFlag)
    if (ms === undefined) {
      return yield* Shared.usage(
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
      return yield* Shared.usage(
        `--to ${flagTo}: the output being resumed was written with --to ${sink.to}; resume with --to ${sink.to} or start over without --resume`
      )
    }
    if (args.withContacts && sink.withContacts === false) {
      return yield* Shared.usage(
        "--with-contacts: the output being resumed was written without contacts; resume without --with-contacts or start over without --resume"
      )
    }
    if (flagFormat !== undefined && flagFormat !== (sink.format ?? "ndjson")) {
      return yield* Shared.usage(
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
    return yield* Shared.usage(`--format ${format} writes Drift's shape only: use --to drift (or leave --to out)`)
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
  if (to === "drift") return yield* Effect.fromResult(Mapping.make(config))
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
  return yield* Effect.fromResult(Mapping.make({ ...config, users }))
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

/** Where the records come from: the embedded sandbox or Drift (the token from the environment). */
const source = (args: Args, overrides: Connection.Overrides) =>
  args.sandbox
    // Loaded only for `--sandbox`: an export from Drift does not load the server.
    ? Effect.promise(() => import("@parley/drift-sandbox")).pipe(
      Effect.flatMap(({ Sandbox }) =>
        Sandbox.start({
          port: 0,
          host: "127.0.0.1",
          conversations: args.sandboxConversations,
          seed: args.sandboxSeed
        })
      ),
      Effect.map((sandbox) => Connection.forSandbox(sandbox.url, sandbox.token, overrides)),
      Effect.mapError((e) => new Errors.UsageError({ reason: `cannot start the embedded sandbox: ${e.message}` }))
    )
    : Connection.fromEnv(overrides)

/** Where the export writes, from `--out`, `--rejects` and `--checkpoint`. */
const paths = (args: Args): ExportReport.Where => {
  const outPath = Option.getOrUndefined(args.out)
  const toStdout = Shared.isStd(outPath)
  const checkpointPath = Option.getOrElse(args.checkpoint, () => toStdout ? undefined : `${outPath}.checkpoint.json`)
  const rejectsPath = Option.getOrElse(args.rejects, () => toStdout ? "-" : `${outPath}.rejects.ndjson`)
  return {
    outPath,
    toStdout,
    rejectsPath,
    checkpointPath,
    out: toStdout ? "-" : resolve(outPath!),
    rejects: rejectsPath === "-" ? "stderr" : resolve(rejectsPath),
    checkpoint: checkpointPath === undefined ? undefined : resolve(checkpointPath)
  }
}

/** The flag checks that need no checkpoint; the client's overrides. */
const checkFlags = Effect.fnUntraced(function*(args: Args, where: ExportReport.Where) {
  if (args.resume && where.toStdout) {
    return yield* Shared.usage("--resume needs --out FILE: stdout cannot be cut back to the checkpoint")
  }
  if (args.concurrency < 1 || args.concurrency > 64) {
    return yield* Shared.usage(`--concurrency must be 1 to 64, got ${args.concurrency}`)
  }
  if (args.withUsers && where.toStdout) {
    return yield* Shared.usage(
      "--with-users needs --out FILE: the user directory is written beside it, to <out>.users.json"
    )
  }
  const requestsPerMinute = Option.getOrUndefined(args.requestsPerMinute)
  if (requestsPerMinute !== undefined && !(requestsPerMinute >= 0)) {
    return yield* Shared.usage(`--requests-per-minute must be 0 (no limit) or more, got ${requestsPerMinute}`)
  }
  return requestsPerMinute === undefined ? {} : { requestsPerMinute }
})

/** Nothing is replaced unasked and one export writes an output at a time (before anything is cleared). */
const guard = (args: Args, where: ExportReport.Where, resume: boolean) => {
  const out = where.outPath
  const checkpoint = where.checkpointPath
  return OutputGuard.acquire({
    outputs: [
      { name: "--out", path: out, lock: true },
      { name: "--checkpoint", path: checkpoint, existing: "allow" },
      { name: "checkpoint ids file", path: checkpoint && `${checkpoint}.ids`, existing: "allow" },
      { name: "rejects file", path: where.rejectsPath === "-" ? undefined : where.rejectsPath },
      ...(args.withUsers ? [{ name: "users file", path: out && `${out}.users.json` }] : [])
    ],
    overwrite: args.overwrite,
    resume
  })
}

/** `--with-users`: Drift's user directory beside the output. */
const writeUsers = Effect.fnUntraced(function*(args: Args, out: string) {
  const users = yield* DriftClient.DriftClient.use((client) => client.listUsers())
  yield* Users.write(`${out}.users.json`, users)
  if (!args.quiet) {
    yield* Shared.note(
      `wrote ${Progress.count(users.length)} users to ${resolve(`${out}.users.json`)} (for parley convert --users)`
    )
  }
})

/** The workspace the checkpoint pins (a resume against another is refused). */
const workspaceOf = (args: Args, connection: DriftClient.Options): Checkpoint.Workspace => ({
  baseUrl: args.sandbox ? "sandbox" : String(connection.baseUrl),
  orgId: null,
  sandbox: args.sandbox ? { seed: args.sandboxSeed, conversations: args.sandboxConversations } : null,
  tokenFingerprint: Checkpoint.fingerprint(Redacted.value(connection.token))
})

/**
 * The stages, composed: the source (`DriftStream`'s thread pages) through the mapper and the encoder of
 * `--to`/`--format` into the sinks `RecordSink.openExport` opens for the exactly-once protocol.
 */
const stages = Effect.fnUntraced(function*(
  args: Args,
  thePlan: Plan,
  saved: Option.Option<Checkpoint.Saved>,
  report: ExportReport.Report,
  connection: DriftClient.Options
) {
  const where = report.where
  if (args.withUsers) yield* writeUsers(args, where.outPath!)
  const mapper = yield* makeMapper(thePlan.to, args.quiet)
  const encoding = yield* Encoding.make({ format: thePlan.format, to: thePlan.to, mapper })
  const sinks = yield* RecordSink.openExport({
    output: where.toStdout ? "-" : where.outPath!,
    rejects: where.rejectsPath,
    resume: thePlan.resume,
    // One record a line (NDJSON): the saved line count must match the bytes.
    verify: encoding.recordsAreLines,
    saved: Option.getOrUndefined(saved)?.state,
    meta: { to: thePlan.to, format: thePlan.format, withContacts: thePlan.withContacts },
    onResume: (at) =>
      Effect.sync(() => {
        encoding.resumeAt(at.records)
        report.tracker.before = Math.max(0, at.records - encoding.header.length)
      })
  })
  yield* Progress.start(report.tracker, {
    mode: Progress.modeFor({ quiet: args.quiet }),
    intervalMs: args.progressInterval * 1000
  })
  // runExport reports the totals of a fresh export only; a resumed one asks for them here (for the ETA).
  if (thePlan.resume && thePlan.since === null) yield* reportTotals(thePlan.statuses, report.tracker)
  const result = yield* DriftStream.runExport({
    ...sinks,
    statuses: thePlan.statuses,
    pageSize: thePlan.pageSize,
    ...(thePlan.since === null ? {} : { since: DateTime.makeUnsafe(thePlan.since) }),
    concurrency: args.concurrency,
    withContact: thePlan.withContacts,
    strict: args.strict,
    encode: encoding.encode,
    header: encoding.header,
    checkpointEvery: Duration.seconds(args.checkpointEvery),
    workspace: workspaceOf(args, connection),
    onProgress: report.progress
  }).pipe(
    // A page size only the newer list API takes, sent to a server on the legacy one, is a usage error.
    Effect.catchReason(
      "PageFailed",
      "ValidationError",
      (reason, error): Effect.Effect<never, Errors.UsageError | DriftStreamError.PageFailed> =>
        reason.param === "limit" && thePlan.pageSize > 50
          ? Effect.fail(
            Shared.usage(
              `--page-size ${thePlan.pageSize}: this Drift answers with the legacy list API, which takes 50 at most; use --page-size 50 or less`
            )
          )
          : Effect.fail(error)
    ),
    Effect.catchTag("Incomplete", report.incomplete)
  )
  if (result.state.phase === "done" && encoding.footer.length > 0) yield* sinks.output.append(encoding.footer)
  report.tracker.client = yield* DriftClient.DriftClient.use((c) => c.stats)
  return result
})

const program = Effect.fnUntraced(function*(args: Args) {
  const where = paths(args)
  const overrides = yield* checkFlags(args, where)
  const report = new ExportReport.Report(args, where)
  const program = Effect.gen(function*() {
    const saved = yield* Checkpoint.Checkpoint.use((c) => c.load)
    const thePlan = yield* plan(args, saved, where.checkpointPath)
    report.plan = thePlan
    yield* guard(args, where, thePlan.resume)
    if (!args.quiet) { for (const line of thePlan.notes) yield* Shared.note(line) }
    const connection = yield* source(args, overrides)
    report.baseUrl = String(connection.baseUrl)
    return yield* stages(args, thePlan, saved, report, connection).pipe(
      Effect.provide(DriftStream.DriftStream.layer.pipe(Layer.provideMerge(Connection.layer(connection))))
    )
  })
  const checkpoint = where.checkpointPath === undefined
    ? Checkpoint.Checkpoint.layerMemory
    : Checkpoint.Checkpoint.layerFile(where.checkpointPath)
  const exit = yield* Effect.scoped(program).pipe(
    Effect.provide(Layer.fresh(checkpoint)),
    Effect.onInterrupt(() => report.interrupted),
    Effect.exit
  )
  return yield* report.finish(exit)
})

/** `parley export`: flag parsing, then the stages composed over the checkpoint and the Drift connection. */
export const run = (args: Args) => Errors.typed(program(args))
