/**
 * The `parley` command tree and its entry point.
 *
 * ```
 * parley export    Drift -> NDJSON (drift | intercom | intercom-2.11), checkpointed, resumable, incremental
 * parley convert   records between shapes, streaming, with a rejects file
 * parley migrate   Drift -> Intercom through Intercom's API, exactly once (plan, run, status, verify, submit)
 * parley worker    one worker of a fleet migrating many workspaces over PostgreSQL
 * parley sanitize  an HTML body through Drift's or Intercom's allow-list, or to plain text
 * parley sandbox   the Drift-compatible sandbox server
 * parley inbox     Parley Inbox, the review tool, in the browser
 * parley openapi   the OpenAPI document of DriftApi
 * ```
 *
 * {@link main} runs the tree on `argv` and always succeeds with the process exit code: failures are printed as
 * one line on stderr (`parley: <what happened and what to do>`), never as a stack trace, and never with the
 * token in them.
 *
 * @example
 * ```ts
 * import { Cli } from "@parley/cli"
 * import { NodeServices } from "@effect/platform-node"
 * import { Effect } from "effect"
 *
 * const code = await Effect.runPromise(Cli.main(["openapi"]).pipe(Effect.provide(NodeServices.layer)))
 * ```
 *
 * @since 0.1.0
 */
import * as Text from "@parley/schema/Text"
import { Cause, Console, Effect } from "effect"
import { CliError, CliOutput, Command } from "effect/cli"
import { createRequire } from "node:module"
import * as Convert from "./commands/convert.ts"
import * as Export from "./commands/export.ts"
import * as InboxCommand from "./commands/inbox.ts"
import * as MigrateCommand from "./commands/migrate.ts"
import * as OpenApiCommand from "./commands/openapi.ts"
import * as SandboxCommand from "./commands/sandbox.ts"
import * as Sanitize from "./commands/sanitize.ts"
import * as WorkerCommand from "./commands/worker.ts"
import * as Errors from "./Errors.ts"

/**
 * The version printed by `parley --version`: the `version` of `@parley/cli`'s package.json.
 *
 * @since 0.1.0
 */
export const VERSION: string = (
  // From src/ and dist/ alike, package.json is one folder up.
  createRequire(import.meta.url)("../package.json") as { readonly version: string }
).version

/** The subcommands. */
type Subcommand =
  | typeof Export.command
  | typeof Convert.command
  | typeof MigrateCommand.command
  | typeof WorkerCommand.command
  | typeof Sanitize.command
  | typeof SandboxCommand.command
  | typeof InboxCommand.command
  | typeof OpenApiCommand.command

/**
 * The root command. Building it loads each command's flags, not what the commands run: each loads its own program
 * when it runs, so `parley --help` and `parley sanitize` do not load the export, the migration or the servers.
 *
 * @since 0.1.0
 */
export const command: Command.Command<
  "parley",
  {},
  {},
  Command.Error<Subcommand>,
  Exclude<Command.Services<Subcommand>, Command.CommandContext<"parley">>
> = Command.make("parley").pipe(
  Command.withDescription(
    "Move conversations between Drift and Intercom: export from Drift's API, convert between shapes, sanitize bodies"
  ),
  Command.withSubcommands([
    Export.command,
    Convert.command,
    MigrateCommand.command,
    WorkerCommand.command,
    Sanitize.command,
    SandboxCommand.command,
    InboxCommand.command,
    OpenApiCommand.command
  ])
)

/**
 * The presenter: help on stdout when asked for (`--help`), on stderr otherwise; parse errors as one line each
 * on stderr, never the whole help (stdout may be the data).
 */
const presenter: CliOutput.Presenter = {
  present: Effect.fnUntraced(function*(event) {
    const formatter = CliOutput.defaultFormatter({ colors: false })
    switch (event._tag) {
      case "Help":
        if (event.reason === "Requested") return yield* Console.log(formatter.formatHelpDoc(event.helpDoc))
        return yield* Console.error(formatter.formatHelpDoc(event.helpDoc))
      case "Version":
        return yield* Console.log(formatter.formatVersion(event.name, event.version))
      case "InvalidInvocation": {
        const path = event.commandPath.join(" ")
        for (const error of event.errors) {
          yield* Console.error(`parley: ${Text.oneLine(error.message)} (see \`${path} --help\`)`)
        }
      }
    }
  })
}

const secrets = (): ReadonlyArray<string | undefined> => [
  process.env["DRIFT_TOKEN"],
  process.env["INTERCOM_TOKEN"],
  process.env["PARLEY_FLEET_KEY"]
]

/**
 * Runs the command tree on `args` (without the node and script paths) and returns the exit code (see
 * {@link Errors.ExitCode}). Failures are printed on stderr as one line; `PARLEY_DEBUG=1` adds the full cause.
 *
 * @since 0.1.0
 */
export const main = (args: ReadonlyArray<string>) =>
  Command.runWith(command, { version: VERSION })(args).pipe(
    Effect.provideService(CliOutput.Presenter, presenter),
    Effect.as(Errors.ExitCode.ok as number),
    Effect.catchCause((cause) =>
      Effect.gen(function*() {
        if (Cause.hasInterruptsOnly(cause)) return Errors.ExitCode.interrupted as number
        const failure = cause.reasons.find(Cause.isFailReason)
        if (failure !== undefined && CliError.isCliError(failure.error) && failure.error._tag === "ShowHelp") {
          // Parse errors were presented; a bare `parley` printed the help on stderr.
          if (failure.error.errors.length === 0) {
            yield* Console.error(
              `parley: missing command: one of export, convert, migrate, worker, sanitize, sandbox, inbox, openapi (see \`parley --help\`)`
            )
          }
          return Errors.ExitCode.usage as number
        }
        const { exitCode, line } = Errors.describeCause(cause)
        yield* Console.error(Errors.scrub(`parley: ${Text.oneLine(line)}`, secrets()))
        if (process.env["PARLEY_DEBUG"] === "1") yield* Console.error(Errors.scrub(Cause.pretty(cause), secrets()))
        return exitCode
      })
    )
  )
