/**
 * `parley openapi`: the OpenAPI document of `DriftApi` (the Drift API as Parley declares it), as JSON.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { Command } from "effect/cli"

/**
 * `parley openapi`.
 *
 * @since 0.1.0
 */
export const command = Command.make(
  "openapi",
  {},
  Effect.fn("parley.openapi")(function*() {
    // The API declaration is loaded when the command runs: `parley --help` and the other commands never load it.
    const [{ DriftApi }, { OpenApi }] = yield* Effect.promise(() =>
      Promise.all([import("@parley/drift-client"), import("effect/http-api")])
    )
    const document = OpenApi.fromApi(DriftApi.DriftApi)
    yield* Effect.sync(() => process.stdout.write(`${JSON.stringify(document, null, 2)}\n`))
  })
).pipe(Command.withDescription("Print the OpenAPI document of the Drift API (DriftApi) as JSON"))
