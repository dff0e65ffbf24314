/**
 * `parley export`: every Drift conversation, with its messages, as NDJSON (one conversation per line) in Drift's
 * or Intercom's shape, checkpointed so that a killed export resumes with `--resume` and writes every
 * conversation exactly once.
 *
 * How exactly-once works: a page of threads is encoded, appended to the output as whole lines in one write,
 * and flushed with fsync; only then is the checkpoint saved (atomically) with the output's byte length and the
 * stream's position. A run killed at any instant leaves a checkpoint that vouches for a prefix of the output.
 * `--resume` cuts the output back to that length and continues from the saved position; the conversation ids
 * the checkpoint records keep a conversation that moved in the list from being written twice.
 *
 * @since 0.1.0
 */
import { DriftApiError, DriftClient } from "@parley/drift-client"
import { Sandbox, SandboxCommand } from "@parley/drift-sandbox"
import { Checkpoint, DriftStream, OutputGuard } from "@parley/drift-stream"
import { MapperConfig, Mapping } from "@parley/intercom"
import type { Drift } from "@parley/schema"
import { Cause, DateTime, Effect, Layer, Option, Redacted } from "effect"
import { Command, Flag } from "effect/cli"
import { resolve } from "node:path"
import * as Connection from "../Connection.ts"
import * as Errors from "../Errors.ts"
import * as Formats from "../Formats.ts"
import * as Output from "../Output.ts"
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
    Flag.withDescription("Conversations per list request, 1 to 50 (default 50)"),
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

/** What the sink record of the checkpoint holds. */
interface SinkRecord {
  readonly bytes: number
  readonly lines: number
  readonly rejects: number
  readonly to: Formats.Shape
  readonly withContacts: boolean
}

const readSink = (sink: Checkpoint.State["sink"]): Partial<SinkRecord> => {
  if (sink === undefined) return {}
  const to = sink["to"]
  return {
    ...(typeof sink["bytes"] === "number" ? { bytes: sink["bytes"] } : {}),
    ...(typeof sink["lines"] === "number" ? { lines: sink["lines"] } : {}),
    ...(typeof to === "string" && (Formats.shapes as ReadonlyArray<string>).includes(to)
      ? { to: to as Formats.Shape }
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
  const flagPageSize = Option.getOrUndefined(args.pageSize)
  if (flagPageSize !== undefined && (flagPageSize < 1 || flagPageSize > 50)) {
    return yield* usage(`--page-size must be 1 to 50, got ${flagPageSize}`)
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
    return {
      resume: true,
      to: flagTo ?? sink.to ?? "drift",
      statuses: flagStatuses.length > 0
        ? flagStatuses
        : state.options.statuses as ReadonlyArray<Drift.FilterableStatus>,
      pageSize: flagPageSize ?? state.options.pageSize,
      since: since === undefined ? state.options.since : since,
      withContacts: args.withContacts || sink.withContacts === true,
      notes
    } satisfies Plan
  }
  return {
    resume: false,
    to: flagTo ?? "drift",
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
 * The export summary (`--json`).
 *
 * @since 0.1.0
 */
export interface Summary {
  readonly command: "export"
  readonly ok: boolean
  readonly status: "done" | "failed" | "interrupted"
  readonly to: Formats.Shape
  readonly out: string
  readonly checkpoint: string | null
  readonly sandbox: boolean
  readonly resumed: boolean
  /** Conversations written by this run. */
  readonly conversations: number
  /** Messages in them. */
  readonly messages: number
  /** Conversations in the output, this run and the runs it resumed. */
  readonly totalConversations: number
  readonly bytes: number
  readonly rejects: number
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

const run = Effect.fnUntraced(function*(args: Args) {
  const out = Option.getOrUndefined(args.out)
  const toStdout = Shared.isStd(out)
  const checkpointPath = Option.getOrElse(
    args.checkpoint,
    () => toStdout ? undefined : `${out}.checkpoint.json`
  )
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
  const overrides = requestsPerMinute === undefined ? {} : { requestsPerMinute }
  const mode = Progress.modeFor({ quiet: args.quiet })
  const tracker = new Progress.Tracker("threads")
  const context: { baseUrl?: string; sandbox: boolean; resumable?: boolean } = { sandbox: args.sandbox }
  let planned: Plan | undefined
  let sink: Output.Sink | undefined
  let last: Checkpoint.State | undefined
  let resumedCount = 0
  let rejects = 0
  let rejectedBefore = 0

  const summary = (status: Summary["status"], error?: string): Summary => {
    const snapshot = tracker.snapshot()
    const written = sink?.position()
    const lines = written?.lines ?? 0
    return {
      command: "export",
      ok: status === "done",
      status,
      to: planned?.to ?? Option.getOrElse(args.to, () => "drift" as const),
      out: toStdout ? "-" : resolve(out!),
      checkpoint: checkpointPath === undefined ? null : resolve(checkpointPath),
      sandbox: args.sandbox,
      resumed: planned?.resume ?? false,
      conversations: Math.max(0, lines - resumedCount),
      messages: snapshot.messages,
      totalConversations: lines,
      bytes: written?.bytes ?? 0,
      rejects,
      requests: snapshot.requests,
      retries: snapshot.retried,
      durationMs: snapshot.elapsedMs,
      threadsPerSecond: Math.round(snapshot.rate * 10) / 10,
      since: iso(planned?.since),
      watermark: iso(last?.watermark ?? planned?.since),
      ...(error === undefined ? {} : { error })
    }
  }

  const program = Effect.gen(function*() {
    const checkpoint = yield* Checkpoint.Checkpoint
    const saved = yield* checkpoint.load
    const thePlan = yield* plan(args, saved, checkpointPath)
    planned = thePlan
    // Nothing is replaced unasked and one export writes an output at a time (before anything is cleared).
    yield* OutputGuard.acquire({
      outputs: [
        { name: "--out", path: out, lock: true },
        {
          name: "--checkpoint",
          path: checkpointPath,
          existing: "allow"
        },
        { name: "checkpoint ids file", path: checkpointPath && `${checkpointPath}.ids`, existing: "allow" },
        {
          name: "rejects file",
          path: toStdout ? undefined : `${out}.rejects.ndjson`
        }
      ],
      overwrite: args.overwrite,
      resume: thePlan.resume
    })
    if (!args.quiet) { for (const line of thePlan.notes) yield* Shared.note(line) }

    // Where from: the embedded sandbox, or Drift with the token from the environment.
    const clientOptions = args.sandbox
      ? yield* Sandbox.start({
        port: 0,
        host: "127.0.0.1",
        conversations: args.sandboxConversations,
        seed: args.sandboxSeed
      }).pipe(
        Effect.map((sandbox) => Connection.forSandbox(sandbox.url, sandbox.token, overrides)),
        Effect.mapError((e) => new Errors.UsageError({ reason: `cannot start the embedded sandbox: ${e.message}` }))
      )
      : yield* Connection.fromEnv(overrides)
    context.baseUrl = String(clientOptions.baseUrl)
    const clientLayer = DriftStream.DriftStream.layer.pipe(
      Layer.provideMerge(Connection.layer(clientOptions))
    )

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
      const mapper = yield* makeMapper(thePlan.to, args.quiet)
      const encode = Formats.fromThread(thePlan.to, mapper)

      // A fresh export forgets the old checkpoint before it empties the output, so a crash in between never
      // leaves a checkpoint vouching for bytes that are gone.
      if (!thePlan.resume) yield* checkpoint.clear
      const theSink = toStdout
        ? yield* Output.stdout
        : yield* Output.file(out!, { mode: thePlan.resume ? "keep" : "truncate", fsync: true, resumable: true })
      sink = theSink
      const rejectsSink = yield* Output.lazyFile(toStdout ? "-" : `${out}.rejects.ndjson`, {
        existing: thePlan.resume ? "append" : args.overwrite ? "remove" : "keep"
      })
      yield* Progress.start(tracker, { mode, intervalMs: args.progressInterval * 1000 })
      // runExport reports the totals of a fresh export only; a resumed one asks for them here (for the ETA).
      if (thePlan.resume && thePlan.since === null) yield* reportTotals(thePlan.statuses, tracker)

      const result = yield* DriftStream.runExport({
        statuses: thePlan.statuses,
        pageSize: thePlan.pageSize,
        ...(thePlan.since === null ? {} : { since: DateTime.makeUnsafe(thePlan.since) }),
        concurrency: args.concurrency,
        withContact: thePlan.withContacts,
        resume: thePlan.resume,
        initialSink: { bytes: 0, lines: 0, rejects: 0, to: thePlan.to, withContacts: thePlan.withContacts },
        workspace: {
          baseUrl: args.sandbox ? "sandbox" : String(clientOptions.baseUrl),
          orgId: null,
          sandbox: args.sandbox ? { seed: args.sandboxSeed, conversations: args.sandboxConversations } : null,
          tokenFingerprint: Checkpoint.fingerprint(Redacted.value(clientOptions.token))
        },
        onResume: (record) =>
          Effect.gen(function*() {
            // The sink record is checked against the file before the file is cut back to it.
            const position = yield* Checkpoint.verifyOutput({
              path: out!,
              state: { ...Option.getOrThrow(saved).state, ...(record === undefined ? {} : { sink: record }) }
            })
            yield* theSink.truncate(position)
            rejectedBefore = typeof record?.["rejects"] === "number" ? record["rejects"] : 0
            resumedCount = position.lines
            tracker.before = position.lines
          }),
        onProgress: (event) =>
          Effect.sync(() => {
            if (event._tag === "Totals") {
              tracker.setTotal(event.conversations, { lowerBound: thePlan.statuses.length === 0 })
            } else {
              tracker.client = event.client
              if (event._tag === "Thread") tracker.add(1, { messages: event.messages })
            }
          }),
        write: (threads) =>
          Effect.gen(function*() {
            const lines: Array<string> = []
            const rejected: Array<string> = []
            for (const thread of threads) {
              const encoded = encode(thread)
              if (encoded._tag === "Ok") lines.push(JSON.stringify(encoded.value))
              else {
                rejected.push(JSON.stringify({
                  conversationId: thread.conversation.id,
                  path: Formats.formatPath(encoded.path),
                  error: encoded.message
                }))
              }
            }
            if (rejected.length > 0) {
              rejects += rejected.length
              tracker.rejects += rejected.length
              yield* rejectsSink.append(rejected)
            }
            const position = yield* theSink.append(lines)
            const record: SinkRecord = {
              bytes: position.bytes,
              lines: position.lines,
              rejects: rejectedBefore + rejects,
              to: thePlan.to,
              withContacts: thePlan.withContacts
            }
            return { ...record }
          })
      })
      last = result.state
      tracker.client = yield* DriftClient.DriftClient.use((c) => c.stats)
      return result
    }).pipe(Effect.provide(clientLayer))
  })

  const checkpointLayer = checkpointPath === undefined
    ? Checkpoint.Checkpoint.layerMemory
    : Checkpoint.Checkpoint.layerFile(checkpointPath)

  const exit = yield* Effect.scoped(program).pipe(
    Effect.provide(Layer.fresh(checkpointLayer)),
    Effect.onInterrupt(() =>
      Effect.suspend(() => {
        const s = summary("interrupted")
        const line = `interrupted after ${Progress.count(s.totalConversations)} conversations${
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
    context.resumable = !toStdout && checkpointPath !== undefined && (sink?.position().lines ?? 0) > 0
    const described = Errors.describeCause(exit.cause, context)
    if (Cause.hasInterruptsOnly(exit.cause)) return yield* Effect.failCause(exit.cause)
    if (args.json) yield* Shared.printJson(summary("failed", described.line), toStdout)
    return yield* new Errors.Described(described)
  }

  const s = summary("done")
  const phaseDone = exit.value.state.phase === "done"
  if (args.json) yield* Shared.printJson(s, toStdout)
  if (!args.quiet) {
    const where = toStdout ? "stdout" : resolve(out!)
    const resumed = s.resumed ? ` (resumed: ${Progress.count(s.totalConversations)} in the output)` : ""
    yield* Shared.note(
      `exported ${s.conversations.toLocaleString("en-US")} conversations (${
        s.messages.toLocaleString("en-US")
      } messages) as ${s.to} to ${where} in ${Progress.formatDuration(s.durationMs)} (${
        Math.round(s.threadsPerSecond)
      } threads/s)${resumed}; ${Progress.count(s.rejects)} rejects; ${Progress.count(s.requests)} requests, ${
        Progress.count(s.retries)
      } retries${s.watermark === null ? "" : `; watermark ${s.watermark}`}${
        !phaseDone ? "" : checkpointPath === undefined ? "" : `; checkpoint ${resolve(checkpointPath)}`
      }`
    )
    if (rejects > 0) {
      yield* Shared.note(
        `${Progress.count(rejects)} conversations could not be encoded; see ${resolve(`${out}.rejects.ndjson`)}`
      )
    }
  }
})

/**
 * `parley export`.
 *
 * @since 0.1.0
 */
export const command = Command.make("export", flags, (args) => run(args).pipe(Effect.withSpan("parley.export"))).pipe(
  Command.withDescription(
    "Export every Drift conversation with its messages as NDJSON, in Drift's or Intercom's shape, checkpointed and resumable"
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
