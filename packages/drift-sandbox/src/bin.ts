#!/usr/bin/env node
/**
 * The `parley-drift-sandbox` command: starts the sandbox and serves until SIGINT/SIGTERM. A failure (a port in
 * use, a bad flag) is one line on stderr and exit code 1 (2 for a bad flag), never a stack trace.
 *
 * ```sh
 * pnpm --filter @parley/drift-sandbox start -- --conversations 10000 --error-rate 0.05
 * node packages/drift-sandbox/src/bin.ts --port 0 --json   # prints {"url":"http://127.0.0.1:PORT","token":"...","conversations":N}
 * ```
 *
 * @since 0.1.0
 */
import { NodeRuntime, NodeServices } from "@effect/platform-node"
import { Text } from "@parley/schema"
import { Cause, Console, Effect } from "effect"
import { CliError, CliOutput, Command } from "effect/cli"
import { createRequire } from "node:module"
import * as SandboxCommand from "./SandboxCommand.ts"

// `pnpm start -- --flag` passes the `--` through: drop a leading one.
const argv = process.argv.slice(2)
const args = argv[0] === "--" ? argv.slice(1) : argv
// From src/ and dist/ alike, package.json is one folder up.
const { version } = createRequire(import.meta.url)("../package.json") as { readonly version: string }

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
          yield* Console.error(
            `parley-drift-sandbox: ${Text.oneLine(error.message)} (see \`parley-drift-sandbox --help\`)`
          )
        }
    }
  })
}

Command.runWith(SandboxCommand.make("parley-drift-sandbox"), { version })(args).pipe(
  Effect.provideService(CliOutput.Presenter, presenter),
  Effect.catchCause((cause) =>
    Effect.gen(function*() {
      if (Cause.hasInterruptsOnly(cause)) return
      const failure = cause.reasons.find(Cause.isFailReason)
      if (failure !== undefined && CliError.isCliError(failure.error)) {
        // Parse errors were printed by the command's presenter.
        process.exitCode = 2
        return
      }
      const error: unknown = failure !== undefined ? failure.error : cause.reasons.find(Cause.isDieReason)?.defect
      const message = error instanceof Error && error.message.length > 0 ? error.message : Cause.pretty(cause)
      yield* Console.error(`parley-drift-sandbox: ${Text.oneLine(message)}`)
      process.exitCode = 1
    })
  ),
  Effect.provide(NodeServices.layer),
  NodeRuntime.runMain({ disableErrorReporting: true })
)
