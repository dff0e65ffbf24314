#!/usr/bin/env node
/**
 * The `parley-inbox` binary: starts the Inbox (the embedded sandbox by default) and serves until Ctrl-C. A
 * failure (a port in use, a missing file, a bad flag) is one line on stderr and exit code 1 (2 for a bad flag),
 * never a stack trace. Relative paths are read from where you ran the command, also under
 * `pnpm --filter @parley/inbox start` (which runs in `apps/inbox/` and passes the folder you were in as
 * `INIT_CWD`).
 *
 * ```sh
 * pnpm --filter @parley/inbox start
 * pnpm --filter @parley/inbox start -- --file export.ndjson --port 0
 * DRIFT_TOKEN=... node apps/inbox/src/bin.ts
 * ```
 *
 * @since 0.1.0
 */
import { NodeRuntime, NodeServices } from "@effect/platform-node"
import { Cause, Console, Effect } from "effect"
import { CliError, CliOutput, Command } from "effect/cli"
import { createRequire } from "node:module"
import { resolve } from "node:path"
import { packageRoot } from "./Bundle.ts"
import * as InboxCommand from "./InboxCommand.ts"

// `pnpm start -- --flag` passes the `--` through: drop a leading one.
const argv = process.argv.slice(2)
const args = argv[0] === "--" ? argv.slice(1) : argv
// From src/ and dist/ alike, package.json is one folder up.
const { version } = createRequire(import.meta.url)("../package.json") as { readonly version: string }

// pnpm runs a package's script in the package's folder and passes the folder the user was in as INIT_CWD:
// relative paths (`--file export.ndjson`) mean that folder.
const initCwd = process.env["INIT_CWD"]
if (initCwd !== undefined && initCwd !== "" && resolve(process.cwd()) === resolve(packageRoot)) process.chdir(initCwd)

const oneLine = (s: string): string => s.replace(/\s+/g, " ").trim()

// Help on stdout when asked for; a parse error is one line on stderr, not the whole help.
const presenter: CliOutput.Presenter = {
  present: Effect.fnUntraced(function*(event) {
    const formatter = CliOutput.defaultFormatter({ colors: false })
    switch (event._tag) {
      case "Help":
        return yield* Console.log(formatter.formatHelpDoc(event.helpDoc))
      case "Version":
        return yield* Console.log(formatter.formatVersion(event.name, event.version))
      case "InvalidInvocation":
        for (const error of event.errors) {
          yield* Console.error(`parley-inbox: ${oneLine(error.message)} (see \`parley-inbox --help\`)`)
        }
    }
  })
}

Command.runWith(InboxCommand.makeCommand("parley-inbox"), { version })(args).pipe(
  Effect.provideService(CliOutput.Presenter, presenter),
  Effect.catchCause((cause) =>
    Effect.gen(function*() {
      if (Cause.hasInterruptsOnly(cause)) return
      const failure = cause.reasons.find(Cause.isFailReason)
      // A bad flag was already reported by the presenter.
      if (failure !== undefined && CliError.isCliError(failure.error)) {
        process.exitCode = 2
        return
      }
      // Every failure is a typed error with its own message; a defect is shown whole.
      const message = failure !== undefined && failure.error.message.length > 0
        ? failure.error.message
        : Cause.pretty(cause)
      yield* Console.error(`parley-inbox: ${oneLine(message)}`)
      process.exitCode = 1
    })
  ),
  Effect.provide(NodeServices.layer),
  NodeRuntime.runMain({ disableErrorReporting: true })
)
