/**
 * The client side of the export benchmark, run as its own process so that its peak RSS is the export's alone:
 * every thread from a sandbox (`DriftStream.threads`, no rate limit), mapped to Intercom 2.11, encoded to its wire
 * shape and serialized as an NDJSON line (counted, then dropped: no disk in the measurement).
 *
 * `node bench/src/export-child.ts <url> <token> <concurrency> [--idle]` prints one JSON line:
 * `{ threads, messages, bytes, ms, maxRssBytes, heapUsedAfterGcBytes }` (run it with `--expose-gc` for the last). `--idle` loads and builds everything but exports
 * nothing (the baseline).
 */
import { DriftClient } from "@parley/drift-client"
import { DriftStream } from "@parley/drift-stream"
import { Mapping } from "@parley/intercom"
import { Intercom } from "@parley/schema"
import { Effect, Layer, Redacted, Schema, Stream } from "effect"
import { FetchHttpClient } from "effect/http"

const [url, token, concurrencyArg, idleFlag] = process.argv.slice(2)
if (url === undefined || token === undefined || concurrencyArg === undefined) {
  console.error("usage: node export-child.ts <url> <token> <concurrency> [--idle]")
  process.exit(2)
}
const concurrency = Number(concurrencyArg)
const idle = idleFlag === "--idle"

const layer = DriftStream.DriftStream.layer.pipe(
  Layer.provide(DriftClient.DriftClient.layer({ token: Redacted.make(token), baseUrl: url, rateLimit: false })),
  Layer.provide(FetchHttpClient.layer)
)

const encode = Schema.encodeSync(Intercom.ConversationV2)

const program = Effect.gen(function*() {
  const drift = yield* DriftStream.DriftStream
  let threads = 0
  let messages = 0
  let bytes = 0
  const started = performance.now()
  if (!idle) {
    yield* drift.threads({ concurrency }).pipe(
      Stream.runForEach((thread) =>
        Effect.sync(() => {
          threads++
          messages += thread.messages.length
          bytes += JSON.stringify(encode(Mapping.toIntercomV2Sync(thread))).length + 1
        })
      )
    )
  }
  const ms = performance.now() - started
  const maxRssBytes = process.resourceUsage().maxRSS * 1024
  // What the process still holds once the garbage is collected (`--expose-gc`).
  const gc = (globalThis as { gc?: () => void }).gc
  if (gc !== undefined) gc()
  const memory = process.memoryUsage()
  return {
    threads,
    messages,
    bytes,
    ms,
    // resourceUsage().maxRSS is in kilobytes (getrusage's ru_maxrss).
    maxRssBytes,
    heapUsedAfterGcBytes: memory.heapUsed
  }
})

Effect.runPromise(program.pipe(Effect.provide(layer))).then(
  (result) => {
    process.stdout.write(`${JSON.stringify(result)}\n`)
    process.exit(0)
  },
  (error: unknown) => {
    console.error(error)
    process.exit(1)
  }
)
