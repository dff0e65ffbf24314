#!/usr/bin/env node
/**
 * The `parley-drift-sandbox` command: starts the sandbox and serves until SIGINT/SIGTERM.
 *
 * ```sh
 * pnpm --filter @parley/drift-sandbox start -- --conversations 10000 --error-rate 0.05
 * node packages/drift-sandbox/src/bin.ts --port 0 --json   # prints {"url":"http://127.0.0.1:PORT","token":"...","conversations":N}
 * ```
 *
 * @since 0.1.0
 */
import { NodeRuntime, NodeServices } from "@effect/platform-node"
import { Effect } from "effect"
import { Command } from "effect/cli"
import * as SandboxCommand from "./SandboxCommand.ts"

// `pnpm start -- --flag` passes the `--` through: drop a leading one.
const argv = process.argv.slice(2)
const args = argv[0] === "--" ? argv.slice(1) : argv

Command.runWith(SandboxCommand.make("parley-drift-sandbox"), { version: "0.1.0" })(args).pipe(
  Effect.provide(NodeServices.layer),
  NodeRuntime.runMain
)
