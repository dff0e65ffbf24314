/**
 * What `parley migrate` runs (see the commands, `commands/migrate.ts`): the flags checked, then plan, run, status,
 * verify or submit over the migration database. Loaded when a subcommand runs.
 *
 * @internal
 */
import { NodeHttpClient } from "@effect/platform-node"
import { DriftClient } from "@parley/drift-client"
import { Sandbox as DriftSandbox } from "@parley/drift-sandbox"
import { DriftStream } from "@parley/drift-stream"
import { IntercomClient } from "@parley/intercom-client"
import { Sandbox as IntercomSandbox } from "@parley/intercom-sandbox"
import { Engine, Fleet, Ledger, MigrateWorkflow, Migration } from "@parley/migrate"
import * as Text from "@parley/schema/Text"
import { Config, DateTime, Duration, Effect, Layer, Option, Redacted, Stream } from "effect"
import { SqlClient } from "effect/sql"
import * as fs from "node:fs"
import * as path from "node:path"
import type * as Flags from "../commands/migrate.ts"
import * as Shared from "../commands/shared.ts"
import * as Connection from "../Connection.ts"
import * as Errors from "../Errors.ts"
import * as Progress from "../Progress.ts"

/** Exit code of `verify` when a migrated conversation differs from its plan. */
const MISMATCH_EXIT = 4

const parseDate = (flag: string, value: Option.Option<string>) =>
  Effect.gen(function*() {
    if (Option.isNone(value)) return undefined
    const trimmed = value.value.trim()
    const ms = /^\d+$/.test(trimmed) ? Number(trimmed) : /^\d{4}-\d{2}-\d{2}/.test(trimmed) ? Date.parse(trimmed) : NaN
    if (!Number.isFinite(ms)) {
      return yield* Shared.usage(
        `${flag} must be an ISO date (2024-05-01) or epoch milliseconds, got ${JSON.stringify(trimmed)}`
      )
    }
    return DateTime.makeUnsafe(ms)
  })

const readAdminMap = (file: Option.Option<string>) =>
  Effect.gen(function*() {
    if (Option.isNone(file)) return undefined
    const resolved = path.resolve(process.env["INIT_CWD"] ?? process.cwd(), file.value)
    const text = yield* Effect.try({
      try: () => fs.readFileSync(resolved, "utf8"),
      catch: (cause) =>
        new Errors.FileError({
          path: resolved,
          operation: "read",
          reason: (cause as NodeJS.ErrnoException).code === "ENOENT" ? "the file does not exist" : String(cause)
        })
    })
    const parsed = yield* Effect.try({
      try: () => JSON.parse(text) as unknown,
      catch: () =>
        Shared.usage(
          `--admin-map ${resolved} is not JSON: expected {"<drift user id or email>": "<admin id or email>"}`
        )
    })
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      return yield* Shared.usage(`--admin-map ${resolved} must hold one JSON object of strings`)
    }
    const out: Record<string, string> = {}
    for (const [k, v] of Object.entries(parsed)) {
      if (typeof v !== "string" && typeof v !== "number") {
        return yield* Shared.usage(
          `--admin-map ${resolved}: the value of ${JSON.stringify(k)} must be an admin id or email`
        )
      }
      out[k] = String(v)
    }
    return out
  })

/** The options of a run, from the flags. */
const runOptions = (args: Flags.CommonArgs) =>
  Effect.gen(function*() {
    const statuses = yield* Shared.parseStatuses(args.status)
    const until = yield* parseDate("--until", args.until)
    const since = yield* parseDate("--since", args.since)
    if (until !== undefined && since !== undefined) {
      return yield* Shared.usage("--until (initial run) and --since (cutover run) are two runs: give one of them")
    }
    if (args.concurrency < 1 || args.concurrency > 64) {
      return yield* Shared.usage(`--concurrency must be 1 to 64, got ${args.concurrency}`)
    }
    const sample = Option.getOrUndefined(args.sample)
    if (sample !== undefined && sample < 1) return yield* Shared.usage(`--sample must be at least 1, got ${sample}`)
    const mapping = yield* readAdminMap(args.adminMap)
    return {
      ...(statuses.length === 0 ? {} : { statuses }),
      ...(until === undefined ? {} : { until }),
      ...(since === undefined ? {} : { since }),
      ...(sample === undefined ? {} : { sample }),
      ...(mapping === undefined ? {} : { mapping }),
      ...(Option.isSome(args.defaultAdmin) ? { defaultAdmin: args.defaultAdmin.value } : {}),
      ...(Option.isSome(args.botAdmin) ? { botAdmin: args.botAdmin.value } : {}),
      concurrency: args.concurrency
    } satisfies Migration.RunOptions
  })

/**
 * The Drift and Intercom clients, the stream, the engine and the database, for real workspaces (tokens from the
 * environment) or the embedded sandboxes. Also says which database it opened.
 */
const environment = (args: Flags.CommonArgs) =>
  Effect.gen(function*() {
    const cwd = process.env["INIT_CWD"] ?? process.cwd()
    const given = Option.getOrUndefined(args.database)
    const database = given === undefined
      ? args.sandbox ? ":memory:" : path.resolve(cwd, "parley-migrate.db")
      : Engine.isPostgres(given) || given === ":memory:"
      ? given
      : path.resolve(cwd, given)
    if (given !== undefined && given.trim() === "") {
      return yield* Shared.usage("--database must be a file path or a postgres:// URL")
    }
    let drift: DriftClient.Options
    let intercom: Layer.Layer<IntercomClient.IntercomClient, Config.ConfigError>
    if (args.sandbox) {
      const driftSandbox = yield* DriftSandbox.start({
        port: 0,
        conversations: args.sandboxConversations,
        seed: args.sandboxSeed
      })
      // The teammates exist on both sides, as in a real migration: the Intercom sandbox's admins are the Drift
      // sandbox's (non-bot) users, so authors are matched by email; its first admin (the token's) is the default.
      const users = yield* Effect.tryPromise({
        try: () =>
          fetch(`${driftSandbox.url}/users/list`, { headers: { authorization: `Bearer ${driftSandbox.token}` } })
            .then((r) =>
              r.json() as Promise<
                {
                  readonly data: ReadonlyArray<
                    { readonly bot?: boolean; readonly email?: string | null; readonly name?: string }
                  >
                }
              >
            ),
        catch: (cause) =>
          new Errors.Described({ line: `the embedded Drift sandbox did not answer: ${cause}`, exitCode: 1 })
      })
      const admins = [
        { name: "Parley Migration", email: "migration@parley.invalid" },
        ...users.data.filter((u) => u.bot !== true && u.email).map((u) => ({
          name: u.name ?? String(u.email),
          email: String(u.email)
        }))
      ]
      const intercomSandbox = yield* IntercomSandbox.start({
        port: 0,
        admins,
        limits: { perMinute: args.sandboxPerMinute }
      })
      drift = Connection.forSandbox(driftSandbox.url, driftSandbox.token, {})
      intercom = IntercomClient.IntercomClient.layer({
        token: Redacted.make(intercomSandbox.token),
        baseUrl: intercomSandbox.url
      }).pipe(Layer.provide(NodeHttpClient.layerUndici))
    } else {
      drift = yield* Connection.fromEnv({})
      const token = yield* Config.option(Config.Redacted("INTERCOM_TOKEN"))
      if (Option.isNone(token) || Redacted.value(token.value).trim() === "") {
        return yield* Shared.usage(
          "INTERCOM_TOKEN is not set. Create an access token in Intercom's Developer Hub (your app > Authentication), export INTERCOM_TOKEN=<token> (and INTERCOM_REGION=eu|au outside the US), or run with --sandbox"
        )
      }
      intercom = IntercomClient.IntercomClient.layerConfig.pipe(Layer.provide(NodeHttpClient.layerUndici))
    }
    const clients = Layer.mergeAll(
      DriftStream.DriftStream.layer.pipe(Layer.provideMerge(Connection.layer(drift))),
      intercom
    )
    // The embedded Intercom sandbox's search sees writes at once; Intercom's trails them.
    const settle = Duration.seconds(Option.getOrElse(args.searchSettle, () => args.sandbox ? 0 : 60))
    const layer = Engine.layer({ database }).pipe(
      Layer.provideMerge(clients),
      Layer.provide(Layer.succeed(MigrateWorkflow.SearchSettle, settle))
    )
    return { layer, database }
  })

const print = (json: boolean, value: unknown, human: string) =>
  Effect.sync(() => {
    if (json) process.stdout.write(`${JSON.stringify(value)}\n`)
    else process.stderr.write(`${human}\n`)
  })

// -----------------------------------------------------------------------------
// plan
// -----------------------------------------------------------------------------

/** `parley migrate plan`. */
export const plan = Effect.fn("parley.migrate.plan")(
  function*(args: Flags.PlanArgs) {
    const options = yield* runOptions(args)
    const env = yield* environment(args)
    const report = yield* Migration.plan({
      ...options,
      // The embedded Drift sandbox has no rate limit; against Drift the client's default (600/min) applies.
      ...(args.sandbox ? { intercomPerMinute: args.sandboxPerMinute, driftPerMinute: Number.POSITIVE_INFINITY } : {})
    }).pipe(Effect.provide(env.layer))
    const counts = Object.entries(report.driftCounts).map(([k, v]) => `${Text.count(v)} ${k}`).join(", ")
    const human = [
      `parley: Drift holds ${counts}; this run takes ${Text.count(report.conversations)} conversations.`,
      `parley: from a sample of ${report.sampled} (${report.sampledRejected} would be rejected): ${
        report.callsPerConversation.toFixed(1)
      } Intercom calls and ${report.driftRequestsPerConversation.toFixed(1)} Drift requests per conversation.`,
      `parley: about ${Text.count(report.intercomCalls)} Intercom calls (${
        Progress.formatDuration(report.minutesAtIntercomLimit * 60_000)
      } at ${Text.count(report.intercomPerMinute)}/min) and ${Text.count(report.driftRequests)} Drift requests (${
        Progress.formatDuration(report.minutesAtDriftLimit * 60_000)
      } at ${Text.count(report.driftPerMinute)}/min); the run takes the longer.`,
      report.unmatchedUsers.length === 0
        ? "parley: every Drift user has an Intercom admin."
        : `parley: ${report.unmatchedUsers.length} Drift users have no Intercom admin (their messages go to the default admin; map them with --admin-map): ${
          report.unmatchedUsers.slice(0, 10).map((u) => `${u.id} ${u.name ?? ""} <${u.email ?? "no email"}>`).join(
            ", "
          )
        }${report.unmatchedUsers.length > 10 ? ", ..." : ""}`
    ].join("\n")
    yield* print(args.json, report, human)
  },
  Effect.scoped,
  Errors.typed
)

/** `parley migrate run`. */
export const run = Effect.fn("parley.migrate.run")(
  function*(args: Flags.RunArgs) {
    const options = yield* runOptions(args)
    const env = yield* environment(args)
    const cwd = process.env["INIT_CWD"] ?? process.cwd()
    const rejectsPath = path.resolve(cwd, Option.getOrElse(args.rejects, () => "parley-migrate.rejects.ndjson"))
    const tracker = new Progress.Tracker("conversations")
    let migrated = 0
    let already = 0
    let rejected = 0
    let replies = 0
    let rejectsFd: number | undefined
    const summary = yield* Effect.gen(function*() {
      const intercom = yield* IntercomClient.IntercomClient
      const expected = yield* Migration.total(options)
      if (expected !== undefined) tracker.setTotal(expected)
      yield* Progress.start(tracker, {
        mode: Progress.modeFor({ quiet: args.quiet }),
        intervalMs: args.progressInterval * 1000
      })
      yield* Migration.run(options).pipe(
        Stream.runForEach((event) =>
          Effect.gen(function*() {
            if (event._tag === "Migrated") {
              if (event.already) already++
              else migrated++
              replies += event.replies
              tracker.add(1, { messages: event.replies + 1 })
            } else {
              rejected++
              tracker.add(1, { rejects: 1 })
              yield* Effect.sync(() => {
                // Appended whole lines: a rejects file is never truncated, so a re-run keeps earlier ones.
                rejectsFd ??= fs.openSync(rejectsPath, "a")
                fs.writeSync(rejectsFd, `${JSON.stringify(event)}\n`)
              })
            }
            tracker.client = yield* intercom.stats
          })
        ),
        Effect.ensuring(Effect.sync(() => rejectsFd !== undefined && fs.closeSync(rejectsFd)))
      )
      const stats = yield* intercom.stats
      tracker.client = stats
      const verified = args.verify ? yield* Migration.verify({ concurrency: args.concurrency }) : undefined
      return {
        ...(verified === undefined ? {} : { verified }),
        migrated,
        alreadyMigrated: already,
        rejected,
        replies,
        intercomRequests: stats.requests,
        intercomRetries: stats.retries,
        intercomRateLimited: stats.rateLimited,
        elapsedMs: tracker.snapshot().elapsedMs,
        database: env.database,
        ...(rejected > 0 ? { rejects: rejectsPath } : {})
      }
    }).pipe(Effect.provide(env.layer))
    const human = `parley: migrated ${Text.count(summary.migrated)} conversations (${
      Text.count(summary.replies)
    } later messages) in ${Progress.formatDuration(summary.elapsedMs)}; ${
      Text.count(summary.alreadyMigrated)
    } were already migrated; ${Text.count(summary.intercomRequests)} Intercom requests, ${
      Text.count(summary.intercomRetries)
    } retries, ${Text.count(summary.intercomRateLimited)} answered 429${
      summary.rejected > 0 ? `; ${Text.count(summary.rejected)} rejected (see ${rejectsPath})` : ""
    }`
    const { verified, ...rest } = summary
    if (!args.quiet || args.json) {
      yield* print(
        args.json,
        verified === undefined
          ? rest
          : {
            ...rest,
            verified: {
              checked: verified.checked,
              matching: verified.matching,
              mismatches: verified.mismatches.length
            }
          },
        human
      )
    }
    if (verified !== undefined) {
      const mismatch = yield* reportVerify(verified, args.report, args.json || args.quiet)
      if (mismatch !== undefined) return yield* mismatch
    }
    if (summary.rejected > 0) {
      return yield* new Errors.Described({
        line:
          `finished with ${summary.rejected} rejected conversations, written to ${rejectsPath} with their reasons; the others are migrated (a later run retries the ones Intercom could not take)`,
        exitCode: Errors.ExitCode.rejects
      })
    }
  },
  Effect.scoped,
  Errors.typed
)

// -----------------------------------------------------------------------------
// status and verify
// -----------------------------------------------------------------------------

/** `parley migrate status`. */
export const status = Effect.fn("parley.migrate.status")(function*(args: Flags.StatusArgs) {
  const cwd = process.env["INIT_CWD"] ?? process.cwd()
  const given = Option.getOrElse(args.database, () => "parley-migrate.db")
  const database = Engine.isPostgres(given) ? given : path.resolve(cwd, given)
  if (!Engine.isPostgres(database) && !fs.existsSync(database)) {
    return yield* Shared.usage(`no migration database at ${database}: run parley migrate run first, or pass --database`)
  }
  if (Engine.isPostgres(database)) {
    const fleet = yield* fleetStatus(database)
    if (fleet !== undefined) {
      return yield* print(args.json, { database: "postgres", workspaces: fleet }, formatFleet(fleet))
    }
  }
  const counts = yield* Effect.gen(function*() {
    const ledger = yield* Ledger.Ledger
    return yield* ledger.counts
  }).pipe(Effect.provide(Ledger.Ledger.layer.pipe(Layer.provide(Engine.database(database)))), Effect.scoped)
  yield* print(
    args.json,
    { database, ...counts },
    `parley: ${database}: ${Text.count(counts.migrated)} migrated, ${Text.count(counts.pending)} pending, ${
      Text.count(counts.rejected)
    } rejected, ${Text.count(counts.mismatch)} mismatched`
  )
}, Errors.typed)

/** Writes the verify report and prints its line; answers the failure to end with when something differs. */
const reportVerify = (report: Migration.VerifyReport, file: Option.Option<string>, silent: boolean) =>
  Effect.gen(function*() {
    const cwd = process.env["INIT_CWD"] ?? process.cwd()
    const reportPath = path.resolve(cwd, Option.getOrElse(file, () => "parley-migrate.verify.ndjson"))
    yield* Effect.sync(() =>
      fs.writeFileSync(reportPath, report.mismatches.map((m) => `${JSON.stringify(m)}\n`).join(""))
    )
    if (!silent) {
      yield* print(
        false,
        undefined,
        `parley: verified ${Text.count(report.checked)} migrated conversations against Intercom: ${
          Text.count(report.matching)
        } match${report.mismatches.length > 0 ? `, ${report.mismatches.length} differences (see ${reportPath})` : ""}`
      )
    }
    return report.mismatches.length === 0 ? undefined : new Errors.Described({
      line: `${
        report.checked - report.matching
      } conversations differ from their plan; the differences are in ${reportPath}`,
      exitCode: MISMATCH_EXIT
    })
  })

/** `parley migrate verify`. */
export const verify = Effect.fn("parley.migrate.verify")(
  function*(args: Flags.VerifyArgs) {
    const env = yield* environment(args)
    const report = yield* Migration.verify({ concurrency: args.concurrency }).pipe(Effect.provide(env.layer))
    if (args.json) {
      yield* print(
        true,
        { checked: report.checked, matching: report.matching, mismatches: report.mismatches.length },
        ""
      )
    }
    const mismatch = yield* reportVerify(report, args.report, args.json)
    if (mismatch !== undefined) return yield* mismatch
  },
  Effect.scoped,
  Errors.typed
)

// -----------------------------------------------------------------------------
// the fleet: submit, and status over every workspace
// -----------------------------------------------------------------------------

/** The fleet's workspaces, or undefined when the database is not a fleet's (a single-machine run on PostgreSQL). */
const fleetStatus = (database: string) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const found = yield* sql<{ readonly t: string | null }>`SELECT to_regclass('parley_fleet_workspaces')::text AS t`
    if (found[0]?.t == null) return undefined
    return yield* Fleet.status()
  }).pipe(Effect.provide(Fleet.database(database)), Effect.scoped)

const formatFleet = (rows: ReadonlyArray<Fleet.WorkspaceStatus>): string =>
  rows.length === 0
    ? "parley: no workspace was submitted to this fleet (parley migrate submit --workspace NAME)"
    : rows.map((r) =>
      `parley: ${r.workspace} (run ${r.run}): ${Text.count(r.migrated)}${
        r.total === null ? "" : ` of ${Text.count(r.total)}`
      } migrated, ${Text.count(r.pending)} pending, ${Text.count(r.rejected)} rejected; ${
        Text.count(r.perMinute)
      }/min, ${
        r.etaMs === null ? (r.walked ? "ETA unknown" : "still walking Drift") : r.etaMs === 0
          ? "done"
          : `ETA ${Progress.formatDuration(r.etaMs)}`
      }; Intercom ${Text.count(r.intercomCallsLastMinute)} calls in the last minute (limit ${
        Text.count(r.intercomPerMinute)
      }/min)${r.error === null ? "" : `; error: ${r.error}`}`
    ).join("\n")

/** `parley migrate submit`. */
export const submit = Effect.fn("parley.migrate.submit")(
  function*(args: Flags.SubmitArgs) {
    if (!Engine.isPostgres(args.database)) {
      return yield* Shared.usage("--database must be a postgres:// URL: a fleet shares one PostgreSQL database")
    }
    if (!Fleet.isWorkspaceName(args.workspace)) {
      return yield* Shared.usage(
        `--workspace must be 1 to 64 letters, digits, dots, dashes or underscores, got ${
          JSON.stringify(args.workspace)
        }`
      )
    }
    if (args.intercomPerMinute < 6 || args.driftPerMinute < 60) {
      return yield* Shared.usage("--intercom-per-minute must be at least 6 and --drift-per-minute at least 60")
    }
    const options = yield* runOptions({ ...args, concurrency: 8 } as unknown as Flags.CommonArgs)
    const drift = yield* Connection.fromEnv({})
    const intercomToken = yield* Config.option(Config.Redacted("INTERCOM_TOKEN"))
    if (Option.isNone(intercomToken) || Redacted.value(intercomToken.value).trim() === "") {
      return yield* Shared.usage(
        "INTERCOM_TOKEN is not set: export the workspace's Intercom access token (and INTERCOM_REGION=eu|au outside the US, or INTERCOM_BASE_URL)"
      )
    }
    const region = yield* Config.String("INTERCOM_REGION").pipe(Config.withDefault("us"))
    if (region !== "us" && region !== "eu" && region !== "au") {
      return yield* Shared.usage(`INTERCOM_REGION must be us, eu or au, got ${JSON.stringify(region)}`)
    }
    const intercomBaseUrl = yield* Config.option(Config.String("INTERCOM_BASE_URL"))
    const settings: Fleet.Settings = {
      ...Fleet.defaultSettings,
      driftBaseUrl: String(drift.baseUrl ?? Fleet.defaultSettings.driftBaseUrl),
      intercomBaseUrl: Option.getOrNull(intercomBaseUrl),
      intercomRegion: region,
      intercomPerMinute: args.intercomPerMinute,
      driftPerMinute: args.driftPerMinute,
      statuses: options.statuses ?? [],
      until: options.until === undefined ? null : DateTime.toEpochMillis(options.until),
      since: options.since === undefined ? null : DateTime.toEpochMillis(options.since),
      sample: options.sample ?? null,
      mapping: options.mapping ?? {},
      defaultAdmin: options.defaultAdmin ?? null,
      botAdmin: options.botAdmin ?? null,
      searchSettleSeconds: Option.getOrElse(args.searchSettle, () => 60)
    }
    const submitted = yield* Fleet.submit({
      workspace: args.workspace,
      tokens: { drift: drift.token, intercom: intercomToken.value },
      settings
    }).pipe(Effect.provide(Layer.mergeAll(Fleet.layerClient(args.database), Fleet.layerCrypto)))
    yield* print(
      args.json,
      submitted,
      `parley: submitted workspace ${submitted.workspace} (run ${submitted.run}) to the fleet; follow it with parley migrate status --database ...`
    )
  },
  Effect.scoped,
  Errors.typed
)
