/**
 * The sandbox's command line, as an `effect/cli` command other CLIs can mount.
 *
 * @since 0.1.0
 */
import * as Text from "@parley/schema/Text"
import { Console, Effect, Option, Schema } from "effect"
import { Command, Flag } from "effect/cli"
import type { FaultSettings } from "./Faults.ts"
import * as Defaults from "./internal/defaults.ts"
import { ScheduledFault } from "./internal/faultRules.ts"
import { ListenFailed } from "./SandboxError.ts"

/**
 * The sandbox's defaults, as the flags show them: the same object as `Sandbox.defaults`, from a module that does
 * not load the server (a command line mounting this command prints its help without it).
 *
 * @since 0.2.0
 */
export const defaults: typeof Defaults.defaults = Defaults.defaults

/**
 * The most conversations a sandbox seeds (it holds them all in memory).
 *
 * @since 0.1.0
 */
export const MAX_CONVERSATIONS = 1_000_000

/**
 * `--port`: 0 to 65535, 0 picks a free one. Shared with the Inbox's command so both say the same.
 *
 * @since 0.1.0
 */
export const portFlag = (defaultPort: number) =>
  Flag.Int("port").pipe(
    Flag.withDescription(`Port to listen on, 0 to 65535; 0 picks a free one (default ${defaultPort})`),
    Flag.withDefault(defaultPort),
    Flag.filter(
      (n) => n >= 0 && n <= 65535,
      (n) => `a port is 0 to 65535 (0 picks a free one), got ${n}; pass e.g. --port 0`
    )
  )

/**
 * A count of seeded conversations, 0 to {@link MAX_CONVERSATIONS}.
 *
 * @since 0.1.0
 */
export const conversationsFlag = (name: string, description: string, defaultCount: number) =>
  Flag.Int(name).pipe(
    Flag.withDescription(
      `${description}, 0 to ${Text.count(MAX_CONVERSATIONS)} (default ${Text.count(defaultCount)})`
    ),
    Flag.withDefault(defaultCount),
    Flag.filter(
      (n) => n >= 0 && n <= MAX_CONVERSATIONS,
      (n) =>
        `the sandbox seeds 0 to ${
          Text.count(MAX_CONVERSATIONS)
        } conversations (it holds them in memory), got ${n}; pass a smaller --${name}`
    )
  )

const optionalInt = (name: string, description: string) =>
  Flag.Int(name).pipe(Flag.withDescription(description), Flag.optional)

const optionalRate = (name: string, description: string) =>
  Flag.Finite(name).pipe(
    Flag.withDescription(description),
    Flag.filter((n) => n >= 0 && n <= 1, (n) => `--${name} must be between 0 and 1, got ${n}`),
    Flag.optional
  )

/**
 * The flags of the sandbox command.
 *
 * @since 0.1.0
 */
export const flags = {
  port: portFlag(Defaults.defaults.port),
  host: Flag.String("host").pipe(
    Flag.withDescription(`Interface to listen on (default ${Defaults.defaults.host})`),
    Flag.withDefault(Defaults.defaults.host)
  ),
  seed: Flag.Int("seed").pipe(
    Flag.withDescription(`Seed of the generated data (default ${Defaults.defaults.seed})`),
    Flag.withDefault(Defaults.defaults.seed)
  ),
  conversations: conversationsFlag("conversations", "Number of seeded conversations", Defaults.defaults.conversations),
  cursor: Flag.Literals("cursor", ["snapshot", "offset"]).pipe(
    Flag.withDescription(
      "List cursors: snapshot (every conversation once) or offset (pages shift on updates, like Drift) (default snapshot)"
    ),
    Flag.withDefault("snapshot")
  ),
  listApi: Flag.Literals("list-api", ["legacy", "new"]).pipe(
    Flag.withDescription(
      "GET /conversations/list: legacy (next cursor, pagination, limit <= 50; Drift's documented API) or new (page_token, links.next, limit <= 100)"
    ),
    Flag.withDefault("legacy")
  ),
  oddities: Flag.Boolean("oddities").pipe(
    Flag.withDescription(
      "Seed what Drift sends beyond its documents: edits, prompts, suggestions, an undocumented message type, numeric external ids"
    ),
    Flag.withDefault(Defaults.DEFAULT_ODDITIES)
  ),
  token: Flag.String("token").pipe(
    Flag.withDescription(`Bearer token with every scope (default ${Defaults.defaults.token})`),
    Flag.withDefault(Defaults.defaults.token)
  ),
  readonlyToken: Flag.String("readonly-token").pipe(
    Flag.withDescription(
      `Bearer token with every scope but conversation_write (default ${Defaults.defaults.readonlyToken})`
    ),
    Flag.withDefault(Defaults.defaults.readonlyToken)
  ),
  rateLimit: Flag.Finite("rate-limit").pipe(
    Flag.withDescription("Leaky-bucket rate limit in requests per second (429 beyond it; default: no limit)"),
    Flag.optional
  ),
  burst: optionalInt("burst", "Bucket size of the rate limit (default: the rate, at least 1)"),
  retryAfter: Flag.Boolean("retry-after").pipe(
    Flag.withDescription("Send Retry-After (seconds) with 429 answers (default: off)"),
    Flag.withDefault(false)
  ),
  errorRate: optionalRate("error-rate", "Fraction of requests answered 5xx (default 0)"),
  errorStatuses: Flag.String("error-statuses").pipe(
    Flag.withDescription("Comma-separated 5xx statuses to pick from (default 500,502,503)"),
    Flag.optional
  ),
  latency: optionalInt("latency", "Added latency in milliseconds (default 0)"),
  jitter: optionalInt("jitter", "Added random latency in milliseconds, on top of --latency (default 0)"),
  truncateRate: optionalRate("truncate-rate", "Fraction of 200 answers whose JSON body is cut mid-way (default 0)"),
  malformedRate: optionalRate("malformed-rate", "Fraction of 200 answers whose body is malformed (default 0)"),
  pageTimeout: optionalInt(
    "page-timeout",
    "List pages from this page number on time out (first page is 1; default: none)"
  ),
  pageTimeoutRate: optionalRate("page-timeout-rate", "Fraction of list pages that time out (default 0)"),
  pageTimeoutMs: optionalInt("page-timeout-ms", "How long a timing-out page hangs before its 504 (default 3000)"),
  pageTimeoutMode: Flag.Literals("page-timeout-mode", ["504", "hang"]).pipe(
    Flag.withDescription("504: answer 504 after the delay; hang: never answer (default 504)"),
    Flag.optional
  ),
  faultSeed: optionalInt("fault-seed", "Seed of the fault decisions (default: --seed)"),
  faultSchedule: Flag.String("fault-schedule").pipe(
    Flag.withDescription(
      "Deterministic faults as a JSON array of rules, e.g. '[{\"fault\":\"serverError\",\"nth\":[3,7]}]'"
    ),
    Flag.withSchema(Schema.fromJsonString(Schema.Array(ScheduledFault))),
    Flag.optional
  ),
  json: Flag.Boolean("json").pipe(
    Flag.withDescription("Print one JSON line {url, token, conversations} on start (default: off)"),
    Flag.withDefault(false)
  ),
  log: Flag.Boolean("log").pipe(Flag.withDescription("Log every request (default: off)"), Flag.withDefault(false)),
  exitWithStdin: Flag.Boolean("exit-with-stdin").pipe(
    Flag.withDescription("Stop when stdin closes (when the parent process that spawned it dies; default: off)"),
    Flag.withDefault(false)
  )
}

/**
 * The parsed flags.
 *
 * @since 0.1.0
 */
export type Parsed = Command.Command.Config.Infer<typeof flags>

/**
 * The fault settings the flags ask for.
 *
 * @since 0.1.0
 */
export const faultSettings = (args: Parsed): FaultSettings => {
  const statuses = Option.map(
    args.errorStatuses,
    (s) =>
      s.split(",").map((x) => Number(x.trim())).filter((n): n is 500 | 502 | 503 | 504 =>
        n === 500 || n === 502 || n === 503 || n === 504
      )
  )
  const pageTimeout = Option.isSome(args.pageTimeout) || Option.isSome(args.pageTimeoutRate)
    ? {
      ...Option.match(args.pageTimeout, { onNone: () => ({}), onSome: (fromPage) => ({ fromPage }) }),
      ...Option.match(args.pageTimeoutRate, { onNone: () => ({}), onSome: (rate) => ({ rate }) }),
      ...Option.match(args.pageTimeoutMs, { onNone: () => ({}), onSome: (delayMs) => ({ delayMs }) }),
      ...Option.match(args.pageTimeoutMode, { onNone: () => ({}), onSome: (mode) => ({ mode }) })
    }
    : undefined
  return {
    ...(Option.isSome(args.faultSeed) ? { seed: args.faultSeed.value } : {}),
    ...(Option.isSome(args.rateLimit)
      ? {
        rateLimit: {
          perSecond: args.rateLimit.value,
          ...(Option.isSome(args.burst) ? { burst: args.burst.value } : {}),
          retryAfter: args.retryAfter
        }
      }
      : {}),
    ...(Option.isSome(args.errorRate) ? { errorRate: args.errorRate.value } : {}),
    ...(Option.isSome(statuses) && statuses.value.length > 0 ? { errorStatuses: statuses.value } : {}),
    ...(Option.isSome(args.latency) || Option.isSome(args.jitter)
      ? {
        latency: {
          ms: Option.getOrElse(args.latency, () => 0),
          ...(Option.isSome(args.jitter) ? { jitterMs: args.jitter.value } : {})
        }
      }
      : {}),
    ...(Option.isSome(args.truncateRate) ? { truncateRate: args.truncateRate.value } : {}),
    ...(Option.isSome(args.malformedRate) ? { malformedRate: args.malformedRate.value } : {}),
    ...(pageTimeout !== undefined ? { pageTimeout } : {}),
    ...(Option.isSome(args.faultSchedule) ? { schedule: args.faultSchedule.value } : {})
  }
}

/**
 * The sandbox as an `effect/cli` command named `name`: starts the sandbox with the flags and serves until
 * interrupted. The `parley-drift-sandbox` binary and `parley sandbox` are both this command.
 *
 * @example
 * ```ts
 * import { SandboxCommand } from "@parley/drift-sandbox"
 * import { Command } from "effect/cli"
 *
 * const parley = Command.make("parley").pipe(Command.withSubcommands([SandboxCommand.make("sandbox")]))
 * ```
 *
 * @since 0.1.0
 */
export const make = (name: string) =>
  Command.make(
    name,
    flags,
    Effect.fnUntraced(function*(args) {
      const where = { host: args.host, port: args.port }
      // The server is loaded when the command runs, not when the command tree is built.
      const Sandbox = yield* Effect.promise(() => import("./Sandbox.ts"))
      const sandbox = yield* Sandbox.start({
        port: args.port,
        host: args.host,
        seed: args.seed,
        conversations: args.conversations,
        cursorMode: args.cursor,
        listApi: args.listApi,
        oddities: args.oddities,
        token: args.token,
        readonlyToken: args.readonlyToken,
        faults: faultSettings(args),
        logRequests: args.log
      }).pipe(Effect.catchTag("ServeError", (error) => Effect.fail(ListenFailed.fromCause(error.cause, where))))
      const conversations = yield* sandbox.store.count
      if (args.json) {
        yield* Console.log(JSON.stringify({ url: sandbox.url, token: sandbox.token, conversations }))
      } else {
        yield* Console.log(
          `Drift sandbox on ${sandbox.url} (${conversations} conversations, seed ${args.seed}); ` +
            `token: ${sandbox.token} (read-only: ${sandbox.readonlyToken}); docs: ${sandbox.url}/docs`
        )
      }
      if (args.exitWithStdin) {
        // Resolves when the parent closes our stdin (or dies): then stop like on SIGTERM.
        yield* Effect.callback<void>((resume) => {
          process.stdin.once("close", () => resume(Effect.void))
          process.stdin.resume()
        })
        return
      }
      return yield* Effect.never
    }, Effect.scoped)
  ).pipe(Command.withDescription("A Drift-compatible conversation API on seeded data, with switchable faults"))
