/**
 * The sandbox's command line, as an `effect/cli` command other CLIs can mount.
 *
 * @since 0.1.0
 */
import { Console, Effect, Option } from "effect"
import { Command, Flag } from "effect/cli"
import type { FaultSettings } from "./Faults.ts"
import * as Sandbox from "./Sandbox.ts"

const optionalRate = (name: string, description: string) =>
  Flag.Finite(name).pipe(
    Flag.withDescription(description),
    Flag.filter((n) => n >= 0 && n <= 1, (n) => `--${name} must be between 0 and 1, got ${n}`),
    Flag.optional
  )

const optionalEvery = (name: string, description: string) =>
  Flag.Int(name).pipe(
    Flag.withDescription(description),
    Flag.filter((n) => n >= 1, (n) => `--${name} must be at least 1, got ${n}`),
    Flag.optional
  )

/**
 * The flags of the sandbox command.
 *
 * @since 0.1.0
 */
export const flags = {
  port: Flag.Int("port").pipe(
    Flag.withDescription("Port to listen on (0 picks a free one)"),
    Flag.withDefault(Sandbox.defaults.port)
  ),
  host: Flag.String("host").pipe(Flag.withDescription("Interface to listen on"), Flag.withDefault("127.0.0.1")),
  token: Flag.String("token").pipe(
    Flag.withDescription("Access token (acts as the first admin)"),
    Flag.withDefault(Sandbox.defaults.token)
  ),
  perMinute: Flag.Int("per-minute").pipe(
    Flag.withDescription("Rate limit per minute, counted in 10-second windows (default 10000)"),
    Flag.filter((n) => n >= 1, (n) => `--per-minute must be at least 1, got ${n}`),
    Flag.optional
  ),
  noLimit: Flag.Boolean("no-limit").pipe(Flag.withDescription("No rate limit"), Flag.withDefault(false)),
  seed: Flag.Int("seed").pipe(Flag.withDescription("Seed of the fault decisions"), Flag.withDefault(1)),
  latency: Flag.Int("latency").pipe(Flag.withDescription("Added latency in milliseconds"), Flag.optional),
  jitter: Flag.Int("jitter").pipe(Flag.withDescription("Added random latency in milliseconds"), Flag.optional),
  errorRate: optionalRate("error-rate", "Fraction of requests answered 5xx before anything happens"),
  errorEvery: optionalEvery("error-every", "Every Nth request is answered 5xx before anything happens"),
  rateLimitedRate: optionalRate("rate-limited-rate", "Fraction of requests answered 429 (injected)"),
  lostAnswerRate: optionalRate("lost-answer-rate", "Fraction of writes that happen, then lose their answer"),
  lostAnswerEvery: optionalEvery("lost-answer-every", "Every Nth write happens, then loses its answer"),
  lostAnswerMode: Flag.Literals("lost-answer-mode", ["504", "reset"]).pipe(
    Flag.withDescription("504: a gateway's HTML page; reset: the connection is cut"),
    Flag.optional
  ),
  searchLag: Flag.Int("search-lag").pipe(
    Flag.withDescription(
      "Milliseconds a created contact or conversation stays invisible to search, as Intercom's index trails writes (default 0)"
    ),
    Flag.filter((n) => n >= 0, (n) => `--search-lag must be at least 0, got ${n}`),
    Flag.optional
  ),
  json: Flag.Boolean("json").pipe(
    Flag.withDescription("Print one JSON line {url, token, adminId} on start"),
    Flag.withDefault(false)
  ),
  log: Flag.Boolean("log").pipe(Flag.withDescription("Log every request"), Flag.withDefault(false)),
  exitWithStdin: Flag.Boolean("exit-with-stdin").pipe(
    Flag.withDescription("Stop when stdin closes (when the parent process that spawned it dies)"),
    Flag.withDefault(false)
  )
}

/**
 * The parsed flags.
 *
 * @since 0.1.0
 */
export type Parsed = Command.Command.Config.Infer<typeof flags>

const trigger = (rate: Option.Option<number>, every: Option.Option<number>) =>
  Option.isNone(rate) && Option.isNone(every) ? undefined : {
    ...(Option.isSome(rate) ? { rate: rate.value } : {}),
    ...(Option.isSome(every) ? { every: every.value } : {})
  }

/**
 * The fault settings the flags ask for.
 *
 * @since 0.1.0
 */
export const faultSettings = (args: Parsed): FaultSettings => {
  const serverError = trigger(args.errorRate, args.errorEvery)
  const rateLimited = trigger(args.rateLimitedRate, Option.none())
  const lostAnswer = trigger(args.lostAnswerRate, args.lostAnswerEvery)
  return {
    seed: args.seed,
    ...(Option.isSome(args.latency) || Option.isSome(args.jitter)
      ? {
        latency: {
          ms: Option.getOrElse(args.latency, () => 0),
          ...(Option.isSome(args.jitter) ? { jitterMs: args.jitter.value } : {})
        }
      }
      : {}),
    ...(serverError === undefined ? {} : { serverError }),
    ...(rateLimited === undefined ? {} : { rateLimited }),
    ...(lostAnswer === undefined
      ? {}
      : {
        lostAnswer: {
          ...lostAnswer,
          ...(Option.isSome(args.lostAnswerMode) ? { mode: args.lostAnswerMode.value } : {})
        }
      })
  }
}

/**
 * The sandbox as an `effect/cli` command named `name`: starts it and serves until interrupted.
 *
 * @example
 * ```ts
 * import { SandboxCommand } from "@parley/intercom-sandbox"
 * import { Command } from "effect/cli"
 *
 * const parley = Command.make("parley").pipe(Command.withSubcommands([SandboxCommand.make("intercom-sandbox")]))
 * ```
 *
 * @since 0.1.0
 */
export const make = (name: string) =>
  Command.make(
    name,
    flags,
    Effect.fnUntraced(function*(args) {
      const sandbox = yield* Sandbox.start({
        port: args.port,
        host: args.host,
        token: args.token,
        seed: args.seed,
        faults: faultSettings(args),
        limits: { perMinute: args.noLimit ? null : Option.getOrElse(args.perMinute, () => 10_000) },
        searchLagMillis: Option.getOrUndefined(args.searchLag),
        logRequests: args.log
      })
      if (args.json) {
        yield* Console.log(JSON.stringify({ url: sandbox.url, token: sandbox.token, adminId: sandbox.adminId }))
      } else {
        yield* Console.log(
          `Intercom sandbox on ${sandbox.url}; token: ${sandbox.token} (admin ${sandbox.adminId}); ` +
            `docs: ${sandbox.url}/docs; admin view: ${sandbox.url}/_sandbox/conversations`
        )
      }
      if (args.exitWithStdin) {
        yield* Effect.callback<void>((resume) => {
          process.stdin.once("close", () => resume(Effect.void))
          process.stdin.resume()
        })
        return
      }
      return yield* Effect.never
    }, Effect.scoped)
  ).pipe(
    Command.withDescription("An Intercom-compatible API (the subset Parley uses) with rate-limit headers and faults")
  )
