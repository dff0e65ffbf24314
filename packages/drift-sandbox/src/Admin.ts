/**
 * The admin surface under `/_sandbox/`: not part of Drift's API, no authentication, never faulted.
 *
 * | route | what it does |
 * | --- | --- |
 * | `GET /_sandbox/faults` | the fault settings in force |
 * | `PUT /_sandbox/faults` | replaces them (JSON body, see {@link Faults.FaultSettings}, its `schedule` for deterministic faults; `{}` switches all off) |
 * | `GET /_sandbox/ids` | `{ ids, count }`: every conversation id, most recently updated first |
 * | `GET /_sandbox/stats` | `{ requests, faults, serverErrorsByStatus, scheduled, conversations, memory }` |
 * | `POST /_sandbox/touch` | `{ id }`: bumps the conversation's `updatedAt` as a new message would |
 *
 * @example
 * ```ts
 * import { Sandbox } from "@parley/drift-sandbox"
 * import { Effect } from "effect"
 *
 * const program = Effect.scoped(Effect.gen(function*() {
 *   const { url } = yield* Sandbox.start({ port: 0 })
 *   // For a test: the 2nd conversation list request answers 429.
 *   const schedule = [{ fault: "rateLimit", path: "/conversations/list", nth: [2] }]
 *   yield* Effect.promise(() => fetch(`${url}/_sandbox/faults`, { method: "PUT", body: JSON.stringify({ schedule }) }))
 *   const stats = yield* Effect.promise(() => fetch(`${url}/_sandbox/stats`).then((r) => r.json()))
 * }))
 * ```
 *
 * @since 0.1.0
 */
import { Effect, Schema } from "effect"
import { HttpRouter, HttpServerRequest, HttpServerResponse } from "effect/http"
import { Faults, FaultSettings } from "./Faults.ts"
import { SandboxStore } from "./Store.ts"

const TouchRequest = Schema.Struct({ id: Schema.Number })

const json = (body: unknown, status = 200) => HttpServerResponse.jsonUnsafe(body, { status })

const badRequest = (message: string) => json({ errors: [{ type: "validation_error", message }] }, 400)

const readJson = <A>(
  request: HttpServerRequest.HttpServerRequest,
  schema: Schema.Decoder<A>
): Effect.Effect<A, HttpServerResponse.HttpServerResponse> =>
  request.text.pipe(
    Effect.mapError(() => badRequest("Could not read the request body")),
    Effect.flatMap((text) =>
      Effect.try({
        try: () => JSON.parse(text === "" ? "{}" : text) as unknown,
        catch: () => badRequest("The body is not valid JSON")
      })
    ),
    Effect.flatMap((body) =>
      Schema.decodeUnknownEffect(schema)(body).pipe(Effect.mapError((error) => badRequest(error.message)))
    )
  )

/**
 * The admin routes; requires the {@link SandboxStore} and {@link Faults}.
 *
 * @since 0.1.0
 */
export const layer = HttpRouter.use(Effect.fnUntraced(function*(router) {
  const store = yield* SandboxStore
  const faults = yield* Faults
  yield* router.add("GET", "/_sandbox/faults", Effect.map(faults.get, (settings) => json(settings)))
  yield* router.add("PUT", "/_sandbox/faults", (request) =>
    readJson(request, FaultSettings).pipe(
      Effect.tap(faults.set),
      Effect.map((settings) => json(settings)),
      Effect.catch(Effect.succeed)
    ))
  yield* router.add("GET", "/_sandbox/ids", Effect.map(store.ids, (ids) => json({ ids, count: ids.length })))
  yield* router.add(
    "GET",
    "/_sandbox/stats",
    Effect.map(Effect.all([faults.stats, store.count]), ([stats, conversations]) => {
      const memory = process.memoryUsage()
      return json({
        ...stats,
        conversations,
        memory: { rssBytes: memory.rss, heapUsedBytes: memory.heapUsed }
      })
    })
  )
  yield* router.add("POST", "/_sandbox/touch", (request) =>
    readJson(request, TouchRequest).pipe(
      Effect.flatMap(({ id }) =>
        store.touch(id).pipe(
          Effect.mapError(() => json({ errors: [{ type: "not_found", message: `Conversation ${id} not found` }] }, 404))
        )
      ),
      Effect.map((data) => json({ data })),
      Effect.catch(Effect.succeed)
    ))
}))
