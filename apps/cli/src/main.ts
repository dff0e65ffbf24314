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
import { Effect, Exit, identity, References, Runtime } from "effect"
import { resolve } from "node:path"
import { fileURLToPath } from "node:url"
import * as Cli from "./Cli.ts"

/** Runs the command line in `process.argv` and exits the process with its code. */
export const run = (): void => {
  // `pnpm start -- --flag` passes the `--` through: drop a leading one.
  const argv = process.argv.slice(2)
  const args = argv[0] === "--" ? argv.slice(1) : argv

  // `pnpm --filter @parley/cli parley -- export --out x.ndjson` runs this in apps/cli/ and passes the folder the
  // user was in as INIT_CWD: relative paths mean that folder, as they would for any other command.
  const initCwd = process.env["INIT_CWD"]
  const packageRoot = fileURLToPath(new URL("..", import.meta.url))
  if (initCwd !== undefined && initCwd !== "" && resolve(process.cwd()) === resolve(packageRoot)) process.chdir(initCwd)

  // A closed stdout (`parley export | head`) fails the write that met it, which ends the run with a plain line
  // and a non-zero code (the output is cut short); the stream's own error event is not a crash.
  process.stdout.on("error", () => {})

  Cli.main(args).pipe(
    Effect.provide(NodeServices.layer),
    // The command line exports no traces, so spans only cost time (a fifth of an export's CPU);
    // `PARLEY_DEBUG=1` keeps them, for the span frames of the causes it prints.
    // With the tracer off, the HTTP client's own span work (URL and header attributes, trace headers on every
    // request) is off too: `DisablePropagation` sends every request down the client's untraced path (a core
    // reference, so `parley --help` does not load the HTTP modules to set it).
    process.env["PARLEY_DEBUG"] === "1" ? identity : (effect) =>
      effect.pipe(
        Effect.withTracerEnabled(false),
        Effect.provideService(References.DisablePropagation, true)
      ),
    NodeRuntime.runMain({
      disableErrorReporting: true,
      teardown: (exit, onExit) =>
        Exit.isSuccess(exit) ? onExit(exit.value as number) : Runtime.defaultTeardown(exit, onExit)
    })
  )
}
