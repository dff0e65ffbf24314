import { assert, layer } from "@effect/vitest"
import { Drift } from "@parley/schema"
import { Cause, Effect, Exit, Logger, Option, References, Tracer } from "effect"
import { HttpClient } from "effect/http"
import { inspect } from "node:util"
import { DriftApiError, DriftError } from "../src/index.ts"
import { makeClient, refusedUrl, Sandbox, SECRET, withFaults } from "./support.ts"

/** Records every span (name, attributes, events, exit) and every log line a program produces. */
const capture = () => {
  const spans: Array<Tracer.NativeSpan> = []
  const lines: Array<string> = []
  const tracer = Tracer.make({
    span(options) {
      const span = new Tracer.NativeSpan(options)
      spans.push(span)
      return span
    }
  })
  const logger = Logger.make((options) => {
    lines.push(
      `${options.logLevel} ${inspect(options.message, { depth: 10 })} ${Cause.pretty(options.cause)} ${
        inspect(options.cause, { depth: 10 })
      }`
    )
  })
  const provide = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
    effect.pipe(
      Effect.withTracer(tracer),
      // record every request and response header on the HTTP spans: the worst case for a leak
      Effect.provideService(HttpClient.TracerHeaderFilter, () => true),
      Effect.provideService(References.MinimumLogLevel, "All"),
      Effect.provide(Logger.layer([logger]))
    )
  const dump = () =>
    [
      ...lines,
      ...spans.flatMap((span) => [
        span.name,
        inspect([...span.attributes], { depth: 10 }),
        JSON.stringify([...span.attributes].map(([k, v]) => [k, String(v)])),
        inspect(span.events, { depth: 10 }),
        "exit" in span.status ? `${inspect(span.status.exit, { depth: 10 })} ${String(span.status.exit)}` : ""
      ])
    ].join("\n")
  return { spans, lines, provide, dump }
}

const renderings = (error: unknown): Array<string> => [
  String(error),
  (error as Error).message,
  JSON.stringify(error),
  inspect(error, { depth: 10 }),
  Cause.pretty(Cause.fail(error))
]

layer(Sandbox.layer(), { excludeTestServices: true, timeout: "60 seconds" })("the token never leaks", (it) => {
  it.effect("from logs, span attributes, span events and error messages, across every outcome", () =>
    Effect.gen(function*() {
      const sandbox = yield* Sandbox
      assert.strictEqual(sandbox.token, SECRET)
      const recorder = capture()
      const errors: Array<unknown> = []
      const run = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
        Effect.gen(function*() {
          const exit = yield* Effect.exit(effect)
          if (Exit.isFailure(exit)) {
            const error = Cause.findErrorOption(exit.cause)
            if (Option.isSome(error)) errors.push(error.value)
            yield* Effect.logError("call failed", exit.cause)
          }
        })

      const program = Effect.gen(function*() {
        const drift = yield* makeClient({ retry: { times: 2 } })
        const slow = yield* makeClient({ timeout: "100 millis", retry: { times: 1 } })
        const nowhere = yield* makeClient({ baseUrl: yield* refusedUrl, retry: { times: 1 } })
        yield* run(drift.listConversations({ limit: 3 }))
        yield* run(drift.getConversation(Drift.ConversationId.make(1)))
        yield* run(drift.listConversations({ limit: 99 }))
        yield* withFaults(
          { rateLimit: { perSecond: 0.01, burst: 1 } },
          run(Effect.all([drift.listUsers(), drift.listUsers()]))
        )
        yield* withFaults({ errorRate: 1, errorStatuses: [502] }, run(drift.conversationStats()))
        yield* withFaults({ errorRate: 1, errorStatuses: [503] }, run(drift.listUsers()))
        yield* withFaults({ truncateRate: 1 }, run(drift.listConversations()))
        yield* withFaults({ malformedRate: 1 }, run(drift.listConversations()))
        yield* withFaults({ pageTimeout: { rate: 1, mode: "hang" } }, run(slow.listConversations()))
        yield* run(nowhere.listUsers())
      }).pipe(Effect.withSpan("test"))
      yield* recorder.provide(program)

      // every kind of outcome happened, and was recorded
      for (
        const kind of [
          DriftApiError.NotFound,
          DriftApiError.ValidationError,
          DriftApiError.RateLimited,
          DriftApiError.ServerError,
          DriftError.DecodeError,
          DriftError.Timeout,
          DriftError.TransportError
        ]
      ) {
        assert.isTrue(errors.some((e) => e instanceof kind), kind.name)
      }
      const names = recorder.spans.map((span) => span.name)
      assert.include(names, "DriftClient.listConversations")
      assert.include(names, "GET")
      assert.isTrue(recorder.lines.some((line) => line.includes("retrying")), "the retries are logged")
      // the HTTP spans did record the request headers, with Authorization redacted
      const authorization = recorder.spans
        .flatMap((span) => [...span.attributes])
        .filter(([key]) => key.toLowerCase().includes("authorization"))
      assert.isAbove(authorization.length, 0)
      for (const [, value] of authorization) assert.notInclude(String(value), SECRET)

      const everything = [recorder.dump(), ...errors.flatMap(renderings)].join("\n")
      assert.isAbove(everything.length, 10_000)
      assert.notInclude(everything, SECRET)
    }))
})
