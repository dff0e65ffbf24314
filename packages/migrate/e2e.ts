import { NodeHttpClient } from "@effect/platform-node"
import { DriftClient } from "@parley/drift-client"
import { Sandbox as DriftSandbox } from "@parley/drift-sandbox"
import { DriftStream } from "@parley/drift-stream"
import { IntercomClient } from "@parley/intercom-client"
import { Sandbox as IntercomSandbox } from "@parley/intercom-sandbox"
import { Effect, Layer, Redacted, Stream } from "effect"
import { Engine, Migration } from "./src/index.ts"

const n = Number(process.argv[2] ?? 50)
const db = process.argv[3] ?? ":memory:"
const main = Effect.gen(function*() {
  const drift = yield* DriftSandbox.start({ port: 0, conversations: n, seed: 1 })
  const intercom = yield* IntercomSandbox.start({ port: 0, faults: process.env.LOST ? { lostAnswer: { rate: Number(process.env.LOST) }, serverError: { rate: 0.02 } } : undefined })
  const clients = Layer.mergeAll(
    DriftStream.DriftStream.layer.pipe(Layer.provideMerge(DriftClient.DriftClient.layer({ token: Redacted.make(drift.token), baseUrl: drift.url, rateLimit: false }))),
    IntercomClient.IntercomClient.layer({ token: Redacted.make(intercom.token), baseUrl: intercom.url })
  ).pipe(Layer.provide(NodeHttpClient.layerUndici))
  const layer = Engine.layer({ database: db }).pipe(Layer.provideMerge(clients))
  const t0 = Date.now()
  yield* Effect.gen(function*() {
    const events = yield* Migration.run({ concurrency: 8 }).pipe(Stream.runCollect)
    const rejected = events.filter((e) => e._tag === "Rejected")
    console.log("events", events.length, "rejected", rejected.length, rejected.slice(0, 3), (Date.now() - t0) + "ms")
    const stats = yield* (yield* IntercomClient.IntercomClient).stats
    console.log("intercom stats", JSON.stringify(stats))
    const report = yield* Migration.verify()
    console.log("verify", report.checked, report.matching, report.mismatches.slice(0, 5))
  }).pipe(Effect.provide(layer))
})
Effect.runPromise(Effect.scoped(main)).then(() => process.exit(0), (e) => { console.error("FAILED", e); process.exit(1) })
