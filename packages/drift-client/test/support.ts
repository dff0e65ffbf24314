/**
 * Test support: a sandbox shared by a test file, and a `DriftClient` pointed at it with fast retries.
 */
import { Context, Effect, Layer, Redacted } from "effect"
import { FetchHttpClient } from "effect/http"
import { createServer } from "node:net"
import { type RunningSandbox, startSandbox, type StartSandboxOptions } from "../../../test-support/sandbox.ts"
import { DriftClient } from "../src/index.ts"

/** A distinctive token, so a leak is easy to find in logs, spans and errors. */
export const SECRET = "tok-9f3a7c1e-secret-5b2d"
export const READONLY_SECRET = "ro-4c8e2a6f-secret-1d7b"

export class Sandbox extends Context.Service<Sandbox, RunningSandbox>()("test/Sandbox") {
  static readonly layer = (options: StartSandboxOptions = {}) =>
    Layer.effect(
      Sandbox,
      startSandbox({
        conversations: 120,
        seed: 7,
        ...options,
        extraArgs: ["--token", SECRET, "--readonly-token", READONLY_SECRET, ...(options.extraArgs ?? [])]
      })
    )
}

/** A client against the shared sandbox: fast retries (5 ms base), no client-side rate limit, unless overridden. */
export const makeClient = (options: Partial<DriftClient.Options> = {}) =>
  Effect.gen(function*() {
    const sandbox = yield* Sandbox
    return yield* DriftClient.make({
      token: Redacted.make(sandbox.token),
      baseUrl: sandbox.url,
      timeout: "5 seconds",
      rateLimit: false,
      ...options,
      retry: { baseDelay: "5 millis", maxDelay: "50 millis", ...options.retry }
    })
  }).pipe(Effect.provide(FetchHttpClient.layer))

/** Runs `effect` with the sandbox's faults set, switching them off afterwards; returns the stats delta too. */
export const withFaults = <A, E, R>(
  faults: Parameters<RunningSandbox["admin"]["setFaults"]>[0],
  effect: Effect.Effect<A, E, R>
) =>
  Effect.gen(function*() {
    const sandbox = yield* Sandbox
    const before = yield* sandbox.admin.stats()
    yield* sandbox.admin.setFaults(faults)
    const result = yield* effect.pipe(Effect.ensuring(sandbox.admin.setFaults({})))
    const after = yield* sandbox.admin.stats()
    const delta = {
      requests: after.requests - before.requests,
      rateLimited: after.faults.rateLimited - before.faults.rateLimited,
      serverError: after.faults.serverError - before.faults.serverError,
      truncated: after.faults.truncated - before.faults.truncated,
      malformed: after.faults.malformed - before.faults.malformed,
      pageTimeout: after.faults.pageTimeout - before.faults.pageTimeout
    }
    return { result, delta }
  })

/** A loopback URL nothing listens on (a port that was free a moment ago): connections are refused. */
export const refusedUrl = Effect.callback<string>((resume) => {
  const server = createServer()
  server.listen(0, "127.0.0.1", () => {
    const address = server.address()
    const port = typeof address === "object" && address !== null ? address.port : 0
    server.close(() => resume(Effect.succeed(`http://127.0.0.1:${port}`)))
  })
})
