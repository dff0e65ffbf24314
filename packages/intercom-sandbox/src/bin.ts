#!/usr/bin/env node
/**
 * The `parley-intercom-sandbox` command: starts the sandbox and serves until SIGINT/SIGTERM.
 *
 * ```sh
 * node packages/intercom-sandbox/src/bin.ts --port 0 --json   # prints {"url":"http://127.0.0.1:PORT","token":"...","adminId":"..."}
 * ```
 *
 * @since 0.1.0
 */
import { NodeRuntime, NodeServices } from "@effect/platform-node"
import { Effect } from "effect"
import { Command } from "effect/cli"
import * as SandboxCommand from "./SandboxCommand.ts"

const argv = process.argv.slice(2)
const args = argv[0] === "--" ? argv.slice(1) : argv

Command.runWith(SandboxCommand.make("parley-intercom-sandbox"), { version: "0.1.0" })(args).pipe(
  Effect.provide(NodeServices.layer),
  NodeRuntime.runMain
)
