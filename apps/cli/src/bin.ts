#!/usr/bin/env node
/**
 * The `parley` binary: runs {@link Cli.main} on the command line and exits with its code.
 *
 * ```sh
 * parley export --sandbox --to intercom --out parley-export.ndjson
 * node apps/cli/src/bin.ts --help
 * ```
 *
 * @since 0.1.0
 */
import { NodeRuntime, NodeServices } from "@effect/platform-node"
import { Effect, Exit, Runtime } from "effect"
import * as Cli from "./Cli.ts"

// `pnpm start -- --flag` passes the `--` through: drop a leading one.
const argv = process.argv.slice(2)
const args = argv[0] === "--" ? argv.slice(1) : argv

// A closed stdout (`parley export | head`) fails the write that met it, which ends the run with a plain line
// and a non-zero code (the output is cut short); the stream's own error event is not a crash.
process.stdout.on("error", () => {})

Cli.main(args).pipe(
  Effect.provide(NodeServices.layer),
  NodeRuntime.runMain({
    disableErrorReporting: true,
    teardown: (exit, onExit) =>
      Exit.isSuccess(exit) ? onExit(exit.value as number) : Runtime.defaultTeardown(exit, onExit)
  })
)
