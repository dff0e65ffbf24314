/**
 * What the `parley` binary runs (loaded by `bin.ts`): {@link Cli.main} on the command line, exiting with its code.
 *
 * Only the modules used are imported (`@effect/platform-node/NodeRuntime`, not the package index, which loads every
 * Node adapter including a redis client).
 *
 * @internal
 */
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as NodeServices from "@effect/platform-node/NodeServices"
import { Effect, Exit, identity, Runtime } from "effect"
import * as Cli from "./Cli.ts"

/** Runs the command line in `process.argv` and exits the process with its code. */
export const run = (): void => {
  // `pnpm start -- --flag` passes the `--` through: drop a leading one.
  const argv = process.argv.slice(2)
  const args = argv[0] === "--" ? argv.slice(1) : argv

  // A closed stdout (`parley convert x | head`) ends the run quietly.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(0)
  })

  Cli.main(args).pipe(
    Effect.provide(NodeServices.layer),
    // The command line exports no traces, so spans only cost time (a fifth of an export's CPU);
    // `PARLEY_DEBUG=1` keeps them, for the span frames of the causes it prints.
    process.env["PARLEY_DEBUG"] === "1" ? identity : Effect.withTracerEnabled(false),
    NodeRuntime.runMain({
      disableErrorReporting: true,
      teardown: (exit, onExit) =>
        Exit.isSuccess(exit) ? onExit(exit.value as number) : Runtime.defaultTeardown(exit, onExit)
    })
  )
}
