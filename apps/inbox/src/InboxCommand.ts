/**
 * The Inbox's command line: `parley inbox` and the `parley-inbox` binary. The flags live here, apart from the
 * server: a command tree that mounts {@link command} builds it (and prints its help) without loading the server,
 * which is loaded when the command runs.
 *
 * @example
 * ```ts
 * import { InboxCommand } from "@parley/inbox"
 * import { Command } from "effect/cli"
 *
 * const parley = Command.make("parley").pipe(Command.withSubcommands([InboxCommand.command]))
 * ```
 *
 * @since 0.2.0
 */
import * as SandboxCommand from "@parley/drift-sandbox/SandboxCommand"
import * as SandboxError from "@parley/drift-sandbox/SandboxError"
import { Config, Effect, Option, Redacted } from "effect"
import { Command, Flag } from "effect/cli"
import { resolve } from "node:path"
import type * as Program from "./Inbox.ts"

/**
 * Where the Inbox listens unless told otherwise: 127.0.0.1:4020.
 *
 * @since 0.2.0
 */
export const defaults = {
  port: 4020,
  host: "127.0.0.1"
} as const

/**
 * The flags of `parley inbox` / `parley-inbox`.
 *
 * @since 0.2.0
 */
export const flags = {
  port: SandboxCommand.portFlag(defaults.port),
  host: Flag.String("host").pipe(
    Flag.withDescription("Interface to listen on (default 127.0.0.1; beyond loopback needs --token)"),
    Flag.withDefault(defaults.host)
  ),
  token: Flag.String("token").pipe(
    Flag.withDescription(
      "Access token every request must carry (open /?token=... once in the browser); default PARLEY_INBOX_TOKEN"
    ),
    Flag.optional
  ),
  allowHost: Flag.String("allow-host").pipe(
    Flag.withDescription("A host name to answer besides the loopback ones (repeat the flag for more)"),
    Flag.atLeast(0)
  ),
  file: Flag.String("file").pipe(
    Flag.withDescription(
      "Read an NDJSON export of Drift threads (`parley export --to drift`) instead of Drift (default: none; a relative path is read from where you ran the command)"
    ),
    Flag.filter(
      (file) => file.trim() !== "",
      () => "--file is empty: give the path of an export file, e.g. --file export.ndjson"
    ),
    Flag.optional
  ),
  sandbox: Flag.Boolean("sandbox").pipe(
    Flag.withDescription("Use the embedded sandbox even when DRIFT_TOKEN is set (default: only without DRIFT_TOKEN)"),
    Flag.withDefault(false)
  ),
  conversations: SandboxCommand.conversationsFlag(
    "conversations",
    "Conversations seeded in the embedded sandbox",
    SandboxCommand.defaults.conversations
  ),
  seed: Flag.Int("seed").pipe(
    Flag.withDescription(`Seed of the embedded sandbox (default ${SandboxCommand.defaults.seed})`),
    Flag.withDefault(SandboxCommand.defaults.seed)
  ),
  migration: Flag.String("migration").pipe(
    Flag.withDescription(
      "A `parley migrate` database (its --database: a file path, e.g. parley-migrate.db, or a postgres:// URL), read read-only: each thread's migration state, with a filter (default: none)"
    ),
    Flag.filter(
      (database) => database.trim() !== "",
      () => "--migration is empty: give the migration database, e.g. --migration parley-migrate.db"
    ),
    Flag.optional
  ),
  withContacts: Flag.Boolean("with-contacts").pipe(
    Flag.withDescription("With DRIFT_TOKEN: also read each conversation's contact (needs contact_read; default: off)"),
    Flag.withDefault(false)
  )
}

/** The server and its sources (`Inbox.ts`), which re-exports this module's command. */
const program = (): Promise<Pick<typeof Program, "resolveSource" | "run">> => import("./Inbox.ts")

/**
 * The parsed flags.
 *
 * @since 0.2.0
 */
export type Args = Command.Command.Config.Infer<typeof flags>

/**
 * What the command fails with: a source that cannot be opened or a port that cannot be listened on.
 *
 * @since 0.2.0
 */
export type Failure =
  | Effect.Error<ReturnType<typeof Program.resolveSource>>
  | Effect.Error<ReturnType<typeof Program.run>>
  | SandboxError.ListenFailed

/**
 * The Inbox command under any name (the `parley-inbox` binary runs it as its root command).
 *
 * @since 0.2.0
 */
export const makeCommand = (name: string): Command.Command<string, Args, {}, Failure> =>
  Command.make(
    name,
    flags,
    Effect.fn("parley.inbox")(function*(args) {
      // The server and its sources are loaded when the command runs, not when the command tree is built.
      const { resolveSource, run } = yield* Effect.promise(program)
      const source = yield* resolveSource(args)
      const token = Option.isSome(args.token)
        ? Option.some(Redacted.make(args.token.value))
        : yield* Config.option(Config.Redacted("PARLEY_INBOX_TOKEN"))
      return yield* run({
        port: args.port,
        host: args.host,
        source,
        allowedHosts: args.allowHost,
        ...(Option.isSome(token) ? { token: token.value } : {}),
        ...(Option.isSome(args.migration)
          ? {
            migration: /^postgres(ql)?:\/\//i.test(args.migration.value)
              ? args.migration.value
              : resolve(args.migration.value)
          }
          : {})
      }).pipe(
        Effect.catchTag(
          "ServeError",
          (error) => Effect.fail(SandboxError.ListenFailed.fromCause(error.cause, { host: args.host, port: args.port }))
        )
      )
    })
  ).pipe(
    Command.withDescription(
      "Review conversations in the browser: threads with filters, transcripts, and their Intercom mapping"
    ),
    Command.withExamples([
      { command: "parley inbox", description: "The embedded sandbox (2,000 seeded conversations) on port 4020" },
      { command: "parley inbox --file export.ndjson", description: "An export of `parley export --to drift`" },
      {
        command: "parley inbox --migration parley-migrate.db",
        description: "Each thread's migration state (pending, migrated, rejected, mismatch) from `parley migrate`"
      },
      { command: "DRIFT_TOKEN=... parley inbox --port 0", description: "A real Drift workspace, on a free port" }
    ])
  )

/**
 * `inbox`: the command to mount in another tree (`Command.withSubcommands([..., InboxCommand.command])`).
 *
 * @since 0.2.0
 */
export const command: Command.Command<string, Args, {}, Failure> = makeCommand("inbox")
