/**
 * `parley worker --database postgres://... [--listen HOST:PORT]`: one worker of a fleet, a cluster runner that
 * executes the migration workflows of every workspace submitted with `parley migrate submit`. Any number of
 * workers on any number of machines share the work through the same PostgreSQL database; a worker that dies has
 * its shards taken over by the others, and its conversations finish there, exactly once.
 *
 * Needs `PARLEY_FLEET_KEY` (the key the workspaces' tokens are sealed with; the same on every worker and submit).
 * Runs until interrupted (SIGINT, SIGTERM): it then hands its shards back before exiting.
 *
 * @since 0.2.0
 */
import { Command, Flag } from "effect/cli"
import * as Errors from "../Errors.ts"
import * as Shared from "./shared.ts"

/**
 * Parses `HOST:PORT` (`[::1]:PORT` for IPv6; port 0 for any free port).
 *
 * @since 0.2.0
 */
export const parseListen = (value: string): { readonly host: string; readonly port: number } | undefined => {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(value.trim())
  if (match === null) return undefined
  const port = Number(match[3])
  if (port > 65_535) return undefined
  return { host: match[1] ?? match[2] ?? "", port }
}

/**
 * The flags of `parley worker`.
 *
 * @since 0.2.0
 */
export const flags = {
  database: Flag.String("database").pipe(
    Flag.withDescription("The fleet's PostgreSQL database (14 or later): postgres://user:password@host:5432/db")
  ),
  listen: Flag.String("listen").pipe(
    Flag.withDescription(
      "HOST:PORT to listen on for the other workers (default 127.0.0.1:34431; port 0 picks a free port)"
    ),
    Flag.optional
  ),
  advertise: Flag.String("advertise").pipe(
    Flag.withDescription("The host the other workers reach this one at (default: the --listen host)"),
    Flag.optional
  ),
  concurrency: Flag.Int("concurrency").pipe(
    Flag.withDescription("Conversations this worker migrates at once (default 8)"),
    Flag.withDefault(8)
  )
}

/**
 * The parsed flags.
 *
 * @since 0.2.0
 */
export type Args = Command.Command.Config.Infer<typeof flags>

/**
 * `parley worker`.
 *
 * @since 0.2.0
 */
export const command = Command.make(
  "worker",
  flags,
  // The fleet (PostgreSQL, the cluster) is loaded when the command runs.
  (args) => Shared.runHandler(() => import("../handlers/worker.ts"), args).pipe(Errors.typed)
).pipe(
  Command.withDescription(
    "Run one worker of a fleet: migrates the workspaces submitted with parley migrate submit (PostgreSQL)"
  )
)
