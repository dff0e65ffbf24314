/**
 * What `parley worker` runs (see the command, `commands/worker.ts`): the flags checked, then a runner that joins
 * the fleet and serves until interrupted. Loaded when the command runs.
 *
 * @internal
 */
import { Fleet, Secrets } from "@parley/migrate"
import { Effect, Option } from "effect"
import * as Shared from "../commands/shared.ts"
import { type Args, parseListen } from "../commands/worker.ts"

/** The database's host and name, without its credentials, for the log line. */
const where = (url: string): string => {
  try {
    const parsed = new URL(url)
    return `${parsed.hostname}${parsed.port === "" ? "" : `:${parsed.port}`}${parsed.pathname}`
  } catch {
    return "the database"
  }
}

/** Checks the flags, joins the fleet and serves until interrupted. */
export const run = Effect.fn("parley.worker")(function*(args: Args) {
  if (!/^postgres(ql)?:\/\//i.test(args.database)) {
    return yield* Shared.usage("--database must be a postgres:// URL (a fleet shares one PostgreSQL database)")
  }
  const listen = Option.isNone(args.listen) ? { host: "127.0.0.1", port: 34431 } : parseListen(args.listen.value)
  if (listen === undefined) {
    return yield* Shared.usage(`--listen must be HOST:PORT, e.g. 0.0.0.0:34431, got ${JSON.stringify(args.listen)}`)
  }
  if (args.concurrency < 1 || args.concurrency > 256) {
    return yield* Shared.usage(`--concurrency must be 1 to 256, got ${args.concurrency}`)
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
