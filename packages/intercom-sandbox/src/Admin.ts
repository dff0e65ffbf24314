/**
 * The admin view under `/_sandbox/`: not part of Intercom's API, no authentication, never faulted or limited.
 *
 * | route | what it does |
 * | --- | --- |
 * | `GET /_sandbox/conversations` | `{ conversations, count }`: every stored conversation with all its parts |
 * | `GET /_sandbox/contacts` | `{ contacts, count }` |
 * | `GET /_sandbox/stats` | `{ store: counts, traffic: Faults.Stats }` (requests, 429s per 10-second window, faults) |
 * | `POST /_sandbox/reset` | empties the workspace (admins stay) and zeroes the traffic counters |
 * | `GET` / `PUT /_sandbox/faults` | the fault settings ({@link Faults.FaultSettings}; `{}` switches all off) |
 * | `GET` / `PUT /_sandbox/limits` | the rate limit (`{ perMinute }`, `null` for none) |
 *
 * @example
 * ```ts
 * import { Sandbox } from "@parley/intercom-sandbox"
 * import { Effect } from "effect"
 *
 * const program = Effect.scoped(Effect.gen(function*() {
 *   const { url } = yield* Sandbox.start({ port: 0 })
 *   // For a test: every 3rd write is made, then its answer is lost.
 *   const faults = { lostAnswer: { every: 3, writesOnly: true } }
 *   yield* Effect.promise(() => fetch(`${url}/_sandbox/faults`, { method: "PUT", body: JSON.stringify(faults) }))
 *   const stored = yield* Effect.promise(() => fetch(`${url}/_sandbox/conversations`).then((r) => r.json()))
 * }))
 * ```
 *
 * @since 0.1.0
 */
import { Effect, Schema } from "effect"
import { HttpRouter, HttpServerRequest, HttpServerResponse } from "effect/http"
import { Faults, FaultSettings, LimitSettings } from "./Faults.ts"
import { SandboxStore } from "./Store.ts"

const json = (body: unknown, status = 200) => HttpServerResponse.jsonUnsafe(body, { status })

const badRequest = (message: string) =>
  json({ type: "error.list", errors: [{ code: "parameter_invalid", message }] }, 400)

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
  yield* router.add(
    "GET",
    "/_sandbox/conversations",
    Effect.map(store.dumpConversations, (conversations) => json({ conversations, count: conversations.length }))
  )
  yield* router.add(
    "GET",
    "/_sandbox/contacts",
    Effect.map(store.dumpContacts, (contacts) => json({ contacts, count: contacts.length }))
  )
  yield* router.add(
    "GET",
    "/_sandbox/stats",
    Effect.gen(function*() {
      return json({ store: yield* store.counts, traffic: yield* faults.stats })
    })
  )
  yield* router.add(
    "POST",
    "/_sandbox/reset",
    Effect.gen(function*() {
      yield* store.reset
      yield* faults.resetStats
      return json({ reset: true })
    })
  )
  yield* router.add("GET", "/_sandbox/faults", Effect.map(faults.get, (settings) => json(settings)))
  yield* router.add("PUT", "/_sandbox/faults", (request) =>
    readJson(request, FaultSettings).pipe(
      Effect.tap(faults.set),
      Effect.map((settings) => json(settings)),
      Effect.catch(Effect.succeed)
    ))
  yield* router.add("GET", "/_sandbox/limits", Effect.map(faults.limits, (settings) => json(settings)))
  yield* router.add("PUT", "/_sandbox/limits", (request) =>
    readJson(request, LimitSettings).pipe(
      Effect.tap(faults.setLimits),
      Effect.map((settings) => json(settings)),
      Effect.catch(Effect.succeed)
    ))
}))
