import { assert, describe, it } from "@effect/vitest"
import { IntercomApiError, IntercomError } from "@parley/intercom-client"
import { Intercom } from "@parley/schema"
import { Cause, Effect, Exit, Option } from "effect"
import { createServer } from "node:net"
import { capture, renderings } from "../../../test-support/capture.ts"
import { client, start } from "./support.ts"

const SECRET = "dG9rOmludGVyY29tLXNlY3JldC10b2tlbi0xMjM0NQ=="

/** A loopback port nobody listens on. */
const refusedUrl = Effect.callback<string>((resume) => {
  const server = createServer()
  server.listen(0, "127.0.0.1", () => {
    const address = server.address()
    const port = typeof address === "object" && address !== null ? address.port : 1
    server.close(() => resume(Effect.succeed(`http://127.0.0.1:${port}`)))
  })
})

describe("the token never leaks", () => {
  it.live("from logs, span attributes, span events and error messages, across every outcome", () =>
    Effect.gen(function*() {
      const sandbox = yield* start({ token: SECRET, limits: { perMinute: 60 } })
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
      const withFaults = <A, E, R>(faults: Parameters<typeof sandbox.faults.set>[0], effect: Effect.Effect<A, E, R>) =>
        Effect.gen(function*() {
          yield* sandbox.faults.set(faults)
          yield* effect
          yield* sandbox.faults.set({})
        })

      const program = Effect.gen(function*() {
        const intercom = yield* client(sandbox, { retry: { times: 1, baseDelay: "1 millis", jitter: false } })
        const blind = yield* client(sandbox, { rateLimit: false, retry: { times: 0 } })
        const slow = yield* client(sandbox, { timeout: "100 millis", retry: { times: 0 } })
        const nowhere = yield* client(sandbox, {
          baseUrl: yield* refusedUrl,
          retry: { times: 1, baseDelay: "1 millis" }
        })
        const contact = yield* intercom.createContact({ email: "leak@example.com" })
        yield* run(intercom.createContact({ email: "leak@example.com" }))
        yield* run(intercom.getConversation(Intercom.ConversationId.make("404")))
        yield* run(intercom.listContacts({ perPage: 1000 }))
        yield* run(Effect.all(Array.from({ length: 12 }, () => blind.listAdmins())))
        yield* withFaults({ serverError: { every: 1, statuses: [502] } }, run(intercom.listAdmins()))
        yield* withFaults({ serverError: { every: 1, statuses: [503] } }, run(intercom.listAdmins()))
        yield* withFaults(
          { lostAnswer: { every: 1 } },
          run(intercom.createConversation({ from: { type: "user", id: contact.id }, body: "lost" }))
        )
        yield* withFaults(
          { lostAnswer: { every: 1, mode: "reset" } },
          run(intercom.createConversation({ from: { type: "user", id: contact.id }, body: "cut" }))
        )
        yield* withFaults({ latency: { ms: 1000 } }, run(slow.me()))
        yield* run(nowhere.listAdmins())
      }).pipe(Effect.withSpan("test"))
      yield* recorder.provide(program)

      for (
        const kind of [
          IntercomApiError.Conflict,
          IntercomApiError.NotFound,
          IntercomApiError.ValidationError,
          IntercomApiError.RateLimited,
          IntercomApiError.ServerError,
          IntercomError.Timeout,
          IntercomError.TransportError
        ]
      ) {
        assert.isTrue(errors.some((e) => e instanceof kind), kind.name)
      }
      const names = recorder.spans.map((span) => span.name)
      assert.include(names, "IntercomClient.createConversation")
      const authorization = recorder.spans
        .flatMap((span) => [...span.attributes])
        .filter(([key]) => key.toLowerCase().includes("authorization"))
      assert.isAbove(authorization.length, 0, "request headers were recorded (worst case)")
      for (const [, value] of authorization) assert.notInclude(String(value), SECRET)
      const everything = [recorder.dump(), ...errors.flatMap(renderings)].join("\n")
      assert.isAbove(everything.length, 10_000)
      assert.notInclude(everything, SECRET)
    }))
})
