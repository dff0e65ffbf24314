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
import { Fleet, Secrets } from "@parley/migrate"
import { Effect, Option } from "effect"
import { Command, Flag } from "effect/cli"
import * as Errors from "../Errors.ts"

const usage = (reason: string) => new Errors.UsageError({ reason })

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

/** The database's host and name, without its credentials, for the log line. */
const where = (url: string): string => {
  try {
    const parsed = new URL(url)
    return `${parsed.hostname}${parsed.port === "" ? "" : `:${parsed.port}`}${parsed.pathname}`
  } catch {
    return "the database"
  }
}

/**
 * `parley worker`.
 *
 * @since 0.2.0
 */
export const command = Command.make(
  "worker",
  {
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
  },
  Effect.fn("parley.worker")(function*(args) {
    if (!/^postgres(ql)?:\/\//i.test(args.database)) {
      return yield* usage("--database must be a postgres:// URL (a fleet shares one PostgreSQL database)")
    }
    const listen = Option.isNone(args.listen) ? { host: "127.0.0.1", port: 34431 } : parseListen(args.listen.value)
    if (listen === undefined) {
      return yield* usage(`--listen must be HOST:PORT, e.g. 0.0.0.0:34431, got ${JSON.stringify(args.listen)}`)
    }
    if (args.concurrency < 1 || args.concurrency > 256) {
      return yield* usage(`--concurrency must be 1 to 256, got ${args.concurrency}`)
    }
    // The key is checked before joining: a worker that cannot open the tokens would fail every conversation.
    yield* Secrets.key
    const layer = Fleet.layerWorker({
      database: args.database,
      host: listen.host,
      port: listen.port,
      ...(Option.isSome(args.advertise) ? { advertise: args.advertise.value } : {}),
      concurrency: args.concurrency
    })
    yield* Effect.gen(function*() {
      const address = yield* Fleet.WorkerAddress
      yield* Effect.sync(() =>
        process.stderr.write(
          `parley worker: runner ${address.host}:${address.port} joined the fleet on ${
            where(args.database)
          } (pid ${process.pid})\n`
        )
      )
      return yield* Effect.never
    }).pipe(Effect.provide(layer))
  }, Effect.scoped)
).pipe(
  Command.withDescription(
    "Run one worker of a fleet: migrates the workspaces submitted with parley migrate submit (PostgreSQL)"
  )
)
