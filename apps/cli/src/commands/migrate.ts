/**
 * `parley migrate plan|run|status|verify`: land a Drift workspace in Intercom through Intercom's API, following
 * Intercom's process for historical migrations (plan and map, batch-test a subset with `--sample`, an initial run
 * of closed conversations up to a delta date with `--until`, a cutover run with `--since`), exactly once, as
 * durable workflows in a SQL database (a file beside the run by default, PostgreSQL by URL).
 *
 * Exit codes: 0 done, 1 failure, 2 usage, 3 finished with rejected conversations (see the rejects file),
 * 4 `verify` found mismatches (see the report).
 *
 * The flags and the commands are here; what they run is loaded when they run (`handlers/migrate.ts`).
 *
 * @since 0.1.0
 */

import * as SandboxCommand from "@parley/drift-sandbox/SandboxCommand"
import { Effect } from "effect"
import { Command, Flag } from "effect/cli"
import * as Shared from "./shared.ts"

/** What the subcommands run, loaded when one of them runs: `parley --help` and the other commands never load it. */
const handlers = Effect.promise(() => import("../handlers/migrate.ts"))

/** `--json`: migrate has no output file, so its summary always goes to stdout. */
const json = Shared.json.pipe(Flag.withDescription("Print a JSON summary on stdout (default: off)"))

const common = {
  database: Flag.String("database").pipe(
    Flag.withDescription(
      "Where the migration keeps its state: a SQLite file (default parley-migrate.db; :memory: with --sandbox) or a postgres:// URL"
    ),
    Flag.optional
  ),
  sandbox: Flag.Boolean("sandbox").pipe(
    Flag.withDescription("Migrate an embedded Drift sandbox into an embedded Intercom sandbox (no tokens, no network)"),
    Flag.withDefault(false)
  ),
  sandboxConversations: Flag.Int("sandbox-conversations").pipe(
    Flag.withDescription("Conversations seeded in the embedded Drift sandbox (default 2000)"),
    Flag.withDefault(SandboxCommand.defaults.conversations)
  ),
  sandboxSeed: Flag.Int("sandbox-seed").pipe(
    Flag.withDescription("Seed of the embedded Drift sandbox's data (default 1)"),
    Flag.withDefault(SandboxCommand.defaults.seed)
  ),
  searchSettle: Flag.Int("search-settle").pipe(
    Flag.withDescription(
      "Seconds Intercom's search may trail a write; a lost write is sent again only once this has passed (default 60; 0 with --sandbox)"
    ),
    Flag.filter((n) => n >= 0, (n) => `--search-settle must be at least 0 seconds, got ${n}`),
    Flag.optional
  ),
  sandboxPerMinute: Flag.Int("sandbox-intercom-per-minute").pipe(
    Flag.withDescription("The embedded Intercom sandbox's rate limit, calls per minute (default 10000, Intercom's)"),
    Flag.withDefault(10_000)
  ),
  defaultAdmin: Flag.String("default-admin").pipe(
    Flag.withDescription(
      "Intercom admin (id or email) for Drift users with no matching admin (default: the token's own admin)"
    ),
    Flag.optional
  ),
  botAdmin: Flag.String("bot-admin").pipe(
    Flag.withDescription("Intercom admin (id or email) that Drift bots write as (default: the default admin)"),
    Flag.optional
  ),
  adminMap: Flag.String("admin-map").pipe(
    Flag.withDescription(
      "JSON file mapping Drift user ids or emails to Intercom admin ids or emails, e.g. {\"7\": \"chris@acme.com\"}"
    ),
    Flag.optional
  ),
  status: Flag.String("status").pipe(
    Flag.withDescription("Only these Drift statuses: open, closed, pending (repeat or separate with commas)"),
    Flag.atLeast(0)
  ),
  until: Flag.String("until").pipe(
    Flag.withDescription("Initial run: closed conversations last updated at or before this date (ISO or epoch ms)"),
    Flag.optional
  ),
  since: Flag.String("since").pipe(
    Flag.withDescription("Cutover run: conversations updated after this date, plus every open and pending one"),
    Flag.optional
  ),
  sample: Flag.Int("sample").pipe(
    Flag.withDescription("Batch test: migrate at most this many conversations"),
    Flag.optional
  ),
  concurrency: Flag.Int("concurrency").pipe(
    Flag.withDescription("Conversations migrated at once (default 8)"),
    Flag.withDefault(8)
  ),
  quiet: Shared.quiet,
  json,
  progressInterval: Shared.progressInterval
}

/** The flags every subcommand but `status` and `submit` shares, parsed. */
export type CommonArgs = Command.Command.Config.Infer<typeof common>
/** The parsed flags of `parley migrate plan`. */
export type PlanArgs = Command.Command.Config.Infer<typeof common>

const planCommand = Command.make(
  "plan",
  common,
  (args) => Effect.flatMap(handlers, (handler) => handler.plan(args))
).pipe(
  Command.withDescription("Count what a migration would do: conversations, Intercom calls, duration, unmatched users")
)

// -----------------------------------------------------------------------------
// run
// -----------------------------------------------------------------------------

const runFlags = {
  ...common,
  verify: Flag.Boolean("verify").pipe(
    Flag.withDescription("After the run, verify every migrated conversation (as parley migrate verify does)"),
    Flag.withDefault(false)
  ),
  report: Flag.String("report").pipe(
    Flag.withDescription("With --verify: where the differences go (default parley-migrate.verify.ndjson)"),
    Flag.optional
  ),
  rejects: Flag.String("rejects").pipe(
    Flag.withDescription("Where rejected conversations go, one JSON line each (default parley-migrate.rejects.ndjson)"),
    Flag.optional
  )
}

/** The parsed flags of `parley migrate run`. */
export type RunArgs = Command.Command.Config.Infer<typeof runFlags>

const runCommand = Command.make(
  "run",
  runFlags,
  (args) => Effect.flatMap(handlers, (handler) => handler.run(args))
).pipe(Command.withDescription("Migrate the conversations into Intercom, exactly once (resumes where a run stopped)"))

const statusFlags = { database: common.database, json }

/** The parsed flags of `parley migrate status`. */
export type StatusArgs = Command.Command.Config.Infer<typeof statusFlags>

const statusCommand = Command.make(
  "status",
  statusFlags,
  (args) => Effect.flatMap(handlers, (handler) => handler.status(args))
).pipe(
  Command.withDescription(
    "What a migration database holds: migrated, pending, rejected, mismatched (on a fleet: every workspace, with rate and ETA)"
  )
)

const verifyFlags = {
  ...common,
  report: Flag.String("report").pipe(
    Flag.withDescription("Where the mismatches go, one JSON line each (default parley-migrate.verify.ndjson)"),
    Flag.optional
  )
}

/** The parsed flags of `parley migrate verify`. */
export type VerifyArgs = Command.Command.Config.Infer<typeof verifyFlags>

const verifyCommand = Command.make(
  "verify",
  verifyFlags,
  (args) => Effect.flatMap(handlers, (handler) => handler.verify(args))
).pipe(Command.withDescription("Read every migrated conversation back from Intercom and compare it with its plan"))

const submitFlags = {
  database: Flag.String("database").pipe(Flag.withDescription("The fleet's PostgreSQL database: postgres://...")),
  workspace: Flag.String("workspace").pipe(
    Flag.withDescription(
      "The workspace's name in the fleet (letters, digits, . _ -); submitting it again starts a new run"
    )
  ),
  intercomPerMinute: Flag.Int("intercom-per-minute").pipe(
    Flag.withDescription("The Intercom app's rate limit, calls per minute, shared by every worker (default 10000)"),
    Flag.withDefault(10_000)
  ),
  driftPerMinute: Flag.Int("drift-per-minute").pipe(
    Flag.withDescription("Drift's rate limit for this workspace, requests per minute (default 600)"),
    Flag.withDefault(600)
  ),
  searchSettle: common.searchSettle,
  defaultAdmin: common.defaultAdmin,
  botAdmin: common.botAdmin,
  adminMap: common.adminMap,
  status: common.status,
  until: common.until,
  since: common.since,
  sample: common.sample,
  json: Shared.json
}

/** The parsed flags of `parley migrate submit`. */
export type SubmitArgs = Command.Command.Config.Infer<typeof submitFlags>

const submitCommand = Command.make(
  "submit",
  submitFlags,
  (args) => Effect.flatMap(handlers, (handler) => handler.submit(args))
).pipe(
  Command.withDescription(
    "Start a workspace's migration on a fleet of parley workers (tokens from DRIFT_TOKEN and INTERCOM_TOKEN, sealed with PARLEY_FLEET_KEY)"
  )
)

/**
 * `parley migrate`.
 *
 * @since 0.1.0
 */
export const command = Command.make("migrate").pipe(
  Command.withDescription("Land a Drift workspace in Intercom through Intercom's API, exactly once"),
  Command.withSubcommands([planCommand, runCommand, statusCommand, verifyCommand, submitCommand])
)
