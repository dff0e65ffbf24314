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
import { resolve } from "node:path"
import { fileURLToPath } from "node:url"
import * as Cli from "./Cli.ts"

// `pnpm start -- --flag` passes the `--` through: drop a leading one.
const argv = process.argv.slice(2)
const args = argv[0] === "--" ? argv.slice(1) : argv

// `pnpm --filter @parley/cli parley -- export --out x.ndjson` runs this in apps/cli/ and passes the folder the
// user was in as INIT_CWD: relative paths mean that folder, as they would for any other command.
const initCwd = process.env["INIT_CWD"]
const packageRoot = fileURLToPath(new URL("..", import.meta.url))
if (initCwd !== undefined && initCwd !== "" && resolve(process.cwd()) === resolve(packageRoot)) process.chdir(initCwd)

// A closed stdout (`parley convert x | head`) ends the run quietly.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0)
})

Cli.main(args).pipe(
  Effect.provide(NodeServices.layer),
  NodeRuntime.runMain({
    disableErrorReporting: true,
    teardown: (exit, onExit) =>
      Exit.isSuccess(exit) ? onExit(exit.value as number) : Runtime.defaultTeardown(exit, onExit)
  })
)
