#!/usr/bin/env node
/**
 * The `parley-inbox` binary: starts the Inbox (the embedded sandbox by default) and serves until Ctrl-C.
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
import { Command } from "effect/cli"
import * as Inbox from "./Inbox.ts"

// `pnpm start -- --flag` passes the `--` through: drop a leading one.
const argv = process.argv.slice(2)
const args = argv[0] === "--" ? argv.slice(1) : argv

Command.runWith(Inbox.makeCommand("parley-inbox"), { version: "0.1.0" })(args).pipe(
  Effect.catchCause((cause) =>
    Effect.gen(function*() {
      if (Cause.hasInterruptsOnly(cause)) return
      const failure = cause.reasons.find(Cause.isFailReason)
      // Parse errors were already printed by the command's presenter.
      if (failure !== undefined && typeof failure.error === "object" && failure.error !== null) {
        const error = failure.error as { readonly _tag?: string; readonly message?: string }
        if (error._tag !== "ShowHelp") yield* Console.error(`parley-inbox: ${error.message ?? String(error)}`)
      } else {
        yield* Console.error(`parley-inbox: ${Cause.pretty(cause)}`)
      }
      process.exitCode = 1
    })
  ),
  Effect.provide(NodeServices.layer),
  NodeRuntime.runMain({ disableErrorReporting: true })
)
