import { assert, layer } from "@effect/vitest"
import { Drift } from "@parley/schema"
import { Cause, Effect, Exit, Option } from "effect"
import { capture, renderings } from "../../../test-support/capture.ts"
import { DriftApiError, DriftError } from "../src/index.ts"
import { makeClient, refusedUrl, Sandbox, SECRET, withFaults } from "./support.ts"

layer(Sandbox.layer(), { excludeTestServices: true, timeout: "60 seconds" })("the token never leaks", (it) => {
  it.effect("from logs, span attributes, span events and error messages, across every outcome", () =>
    Effect.gen(function*() {
      const sandbox = yield* Sandbox
      assert.strictEqual(sandbox.token, SECRET)
      const recorder = capture({ allHeaders: true, successValues: true })
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
