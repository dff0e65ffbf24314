/**
 * Where an export's time goes, one layer at a time: each rung reads the same workspace from a sandbox as the rung
 * below it plus one more layer, in a process of its own, `rounds` times in a row. The first round is the process
 * cold (code not yet optimized by V8, as in every `parley export`), the last one warm.
 *
 * - `minimal`: `export-minimal.ts` (`node:http`, `JSON.parse`), the serving limit.
 * - `undici`: the same requests on undici's own `Agent.dispatch` (the HTTP client under Effect's Node one), each body
 *   gathered whole and `JSON.parse`d; no Effect: what an Effect `HttpClient` over undici could come down to.
 * - `effect-http`: the same requests through `@effect/platform-node`'s undici `HttpClient`, each body read whole and
 *   `JSON.parse`d; no schema.
 * - `http`: the same through `@parley/drift-client/UndiciHttpClient` (an Effect `HttpClient` on undici's `dispatch`,
 *   the one the CLI uses; every rung above runs on it).
 * - `client`: the same requests through `DriftClient` (`listConversations`, `listMessages`: retries, timeouts, the
 *   compiled page decoders, sanitized bodies).
 * - `threads`: `DriftStream.threads({ concurrency })` drained.
 * - `encode`: the same, each thread encoded to Drift's wire shape and `JSON.stringify`d (what `parley export --to
 *   drift` writes, without the file).
 *
 * `node bench/src/export-ladder.ts <rung> <url> <token> <concurrency> <rounds>` prints one JSON line a round:
 * `{ rung, round, ms, cpuMs, requests }`.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { DriftClient } from "@parley/drift-client"
import * as UndiciHttpClient from "@parley/drift-client/UndiciHttpClient"
import { DriftStream } from "@parley/drift-stream"
import { Drift } from "@parley/schema"
import { Context, Effect, Layer, Redacted, References, Schema, Stream } from "effect"
import { HttpClient, HttpClientRequest } from "effect/http"
import { Agent } from "undici"
import * as Minimal from "./export-minimal.ts"

/** The rungs, bottom first. */
export const rungs = ["minimal", "undici", "effect-http", "http", "client", "threads", "encode"] as const

/** One rung of the ladder. */
export type Rung = (typeof rungs)[number]

/** What one round printed. */
export interface Round {
  readonly rung: Rung
  readonly round: number
  readonly ms: number
  readonly cpuMs: number
  readonly requests: number
}

/** `GET url + path` on undici's `dispatch`, the body gathered whole and parsed. */
const dispatchJson = (agent: Agent, url: string, token: string) => {
  const origin = new URL(url).origin
  const headers = { authorization: `Bearer ${token}`, accept: "application/json" }
  return (path: string): Promise<Minimal.Page> =>
    new Promise((resolve, reject) => {
      const chunks: Array<Buffer> = []
      let status = 0
      agent.dispatch({ origin, path, method: "GET", headers }, {
        onRequestStart: () => {},
        onResponseStart: (_controller, statusCode) => {
          status = statusCode
        },
        onResponseData: (_controller, chunk) => {
          chunks.push(chunk)
        },
        onResponseEnd: () => {
          if (status !== 200) return reject(new Error(`GET ${path}: ${status}`))
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")) as Minimal.Page)
          } catch (error) {
            reject(error)
          }
        },
        onResponseError: (_controller, error) => reject(error)
      })
    })
}

const main = (rung: Rung, url: string, token: string, concurrency: number, rounds: number) => {
  // The CLI's client (`UndiciHttpClient`) for every rung but `effect-http`.
  const httpLayer = UndiciHttpClient.layer
  const clientLayer = DriftClient.DriftClient.layer({ token: Redacted.make(token), baseUrl: url, rateLimit: false })
    .pipe(Layer.provide(httpLayer))
  const layer = Layer.mergeAll(
    DriftStream.DriftStream.layer.pipe(Layer.provide(clientLayer)),
    clientLayer,
    httpLayer
  )
  const encode = Schema.encodeSync(Drift.Thread)
  const utf8 = new TextDecoder()

  const program = Effect.gen(function*() {
    const http = yield* HttpClient.HttpClient
    const effectHttp = yield* Layer.build(NodeHttpClient.layerUndici).pipe(
      Effect.map((context) => Context.get(context, HttpClient.HttpClient))
    )
    const client = yield* DriftClient.DriftClient
    const stream = yield* DriftStream.DriftStream
    const template = HttpClientRequest.get(url).pipe(
      HttpClientRequest.acceptJson,
      HttpClientRequest.bearerToken(token)
    )
    let requests = 0
    const getJson = (client: HttpClient.HttpClient) => (path: string) =>
      Effect.suspend(() => {
        requests++
        return client.execute(HttpClientRequest.setUrl(template, url + path)).pipe(
          Effect.flatMap((response) => response.arrayBuffer),
          Effect.map((bytes) => JSON.parse(utf8.decode(bytes)) as Minimal.Page)
        )
      })
    /** Every list page, then every conversation's message pages, `concurrency` conversations at a time. */
    const pages = <E>(
      list: (next: string | undefined) => Effect.Effect<Minimal.Page, E>,
      messages: (id: number, next: string | undefined) => Effect.Effect<Minimal.Page, E>
    ) =>
      Effect.gen(function*() {
        const ids: Array<number> = []
        let next: string | undefined
        do {
          const page = yield* list(next)
          for (const c of page.data as ReadonlyArray<{ readonly id: number }>) ids.push(c.id)
          next = Minimal.nextOf(page.pagination)
        } while (next !== undefined)
        yield* Effect.forEach(ids, (id) =>
          Effect.gen(function*() {
            let cursor: string | undefined
            do {
              const page = yield* messages(id, cursor)
              const data = page.data as { readonly pagination?: Minimal.Page["pagination"] }
              cursor = Minimal.nextOf(page.pagination ?? data.pagination)
            } while (cursor !== undefined)
          }), { concurrency, discard: true })
      })
    const agent = yield* Effect.acquireRelease(
      Effect.sync(() => new Agent({ connections: concurrency + 1 })),
      (agent) => Effect.promise(() => agent.close())
    )
    const dispatch = dispatchJson(agent, url, token)
    const undiciGet = (path: string) =>
      Effect.suspend(() => {
        requests++
        return Effect.promise(() => dispatch(path))
      })
    /** {@link pages} with one `GET` of a path for both kinds of page. */
    const byPath = <E>(get: (path: string) => Effect.Effect<Minimal.Page, E>) =>
      pages((next) => get(Minimal.listPath(next)), (id, next) => get(Minimal.messagesPath(id, next)))
    const work: Record<Rung, Effect.Effect<unknown, unknown>> = {
      minimal: Effect.promise(() => Minimal.exportThreads(url, token, concurrency)).pipe(
        Effect.tap((run) => Effect.sync(() => (requests += run.requests)))
      ),
      undici: byPath(undiciGet),
      "effect-http": byPath(getJson(effectHttp)),
      http: byPath(getJson(http)),
      client: pages(
        (next): Effect.Effect<Minimal.Page, unknown> =>
          client.listConversations({ limit: 50, ...(next === undefined ? {} : { next }) }),
        (id, next): Effect.Effect<Minimal.Page, unknown> =>
          client.listMessages(id as Drift.ConversationId, next === undefined ? {} : { next })
      ),
      threads: stream.threads({ concurrency }).pipe(Stream.runDrain),
      encode: stream.threads({ concurrency }).pipe(
        Stream.runForEach((thread) => Effect.sync(() => JSON.stringify(encode(thread))))
      )
    }
    for (let round = 0; round < rounds; round++) {
      requests = 0
      const before = (yield* client.stats).requests
      const started = performance.now()
      const cpu = process.cpuUsage()
      yield* work[rung]
      const used = process.cpuUsage(cpu)
      // The rungs on DriftClient count its requests.
      requests += (yield* client.stats).requests - before
      const line: Round = {
        rung,
        round,
        ms: performance.now() - started,
        cpuMs: (used.user + used.system) / 1000,
        requests
      }
      process.stdout.write(`${JSON.stringify(line)}\n`)
    }
  })
  // No spans and no trace-context headers: the CLI runs so too without `PARLEY_DEBUG=1`.
  return Effect.runPromise(
    program.pipe(
      Effect.scoped,
      Effect.provide(layer),
      Effect.withTracerEnabled(false),
      Effect.provideService(References.DisablePropagation, true)
    )
  )
}

if (import.meta.main) {
  const [rung, url, token, concurrency, rounds] = process.argv.slice(2)
  if (!(rungs as ReadonlyArray<string | undefined>).includes(rung) || url === undefined || token === undefined) {
    console.error(`usage: node export-ladder.ts <${rungs.join("|")}> <url> <token> <concurrency> <rounds>`)
    process.exit(2)
  }
  main(rung as Rung, url, token, Number(concurrency ?? 16), Number(rounds ?? 3)).then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error)
      process.exit(1)
    }
  )
}
