import { assert, describe, it } from "@effect/vitest"
import { Drift } from "@parley/schema"
import { Effect, Exit, Schema } from "effect"
import { HttpApiClient, OpenApi } from "effect/http-api"
import { DriftApi, DriftApiError } from "../src/index.ts"

const errors = [{ type: "validation_error", message: "bad", param: "limit" }] as const

describe("DriftApi", () => {
  it("declares every endpoint once, with bearer auth, in the OpenAPI document", () => {
    const spec = OpenApi.fromApi(DriftApi.DriftApi)
    assert.deepStrictEqual(Object.keys(spec.paths).toSorted(), [
      "/contacts",
      "/contacts/{id}",
      "/conversations/list",
      "/conversations/new",
      "/conversations/stats",
      "/conversations/{id}",
      "/conversations/{id}/messages",
      "/users/list",
      "/users/{id}"
    ])
    const list = spec.paths["/conversations/list"]!.get!
    assert.includeMembers(Object.keys(list.responses), ["200", "400", "401", "403", "404", "422", "429", "500"])
    assert.deepStrictEqual(
      list.parameters?.map((p) => "name" in p ? p.name : "").toSorted(),
      ["limit", "next", "page_token", "statusId"]
    )
    assert.includeMembers(Object.keys(spec.components.securitySchemes ?? {}), ["bearer"])
    assert.deepStrictEqual(Object.keys(spec.paths["/conversations/{id}/messages"]!).toSorted(), ["get", "post"])
  })

  it("encodes a repeated statusId and the limit into the query string", () => {
    const urls = HttpApiClient.urlBuilder(DriftApi.DriftApi, { baseUrl: "https://driftapi.com" })
    assert.strictEqual(
      urls.conversations.list({ query: { limit: 50, statusId: [1, 2] } }),
      "https://driftapi.com/conversations/list?limit=50&statusId=1&statusId=2"
    )
    assert.strictEqual(
      urls.conversations.get({ params: { id: Drift.ConversationId.make(16300218103) } }),
      "https://driftapi.com/conversations/16300218103"
    )
  })

  it("Limit accepts 1 to 100 (the legacy list API's servers refuse more than 50 themselves)", () => {
    const decode = Schema.decodeUnknownExit(DriftApi.Limit)
    assert.isTrue(Exit.isSuccess(decode(1)))
    assert.isTrue(Exit.isSuccess(decode(DriftApi.MAX_PAGE_SIZE)))
    assert.isTrue(Exit.isSuccess(decode(DriftApi.MAX_PAGE_SIZE_NEW)))
    assert.isTrue(Exit.isFailure(decode(101)))
    assert.isTrue(Exit.isFailure(decode(0)))
    assert.isTrue(Exit.isFailure(decode(2.5)))
    assert.strictEqual(DriftApi.DEFAULT_PAGE_SIZE, 25)
  })
})

describe("DriftApiError.Wire", () => {
  it("encodes each error as Drift's envelope and decodes it back", () =>
    Effect.gen(function*() {
      for (
        const [schema, error] of [
          [DriftApiError.Wire.NotFound, new DriftApiError.NotFound({ errors })],
          [DriftApiError.Wire.Unauthorized, new DriftApiError.Unauthorized({ errors })],
          [DriftApiError.Wire.Forbidden, new DriftApiError.Forbidden({ errors })],
          [DriftApiError.Wire.RateLimited, new DriftApiError.RateLimited({ errors })],
          [DriftApiError.Wire.BadRequest, new DriftApiError.ValidationError({ errors, status: 400 })],
          [DriftApiError.Wire.Unprocessable, new DriftApiError.ValidationError({ errors, status: 422 })],
          [DriftApiError.Wire.ServerError, new DriftApiError.ServerError({ errors, status: 500 })]
        ] as const
      ) {
        const codec = schema as unknown as Schema.Codec<unknown, unknown>
        const wire = yield* Schema.encodeUnknownEffect(codec)(error)
        assert.deepStrictEqual(wire, { errors })
        const back = yield* Schema.decodeUnknownEffect(codec)(wire)
        assert.strictEqual((back as object).constructor, error.constructor)
      }
    }).pipe(Effect.runSync))

  it("serves a ValidationError without status as 400 and one with status 422 as 422", () => {
    const error = new DriftApiError.ValidationError({ errors })
    assert.isTrue(Exit.isSuccess(Schema.encodeUnknownExit(DriftApiError.Wire.BadRequest)(error)))
    assert.isTrue(Exit.isFailure(Schema.encodeUnknownExit(DriftApiError.Wire.Unprocessable)(error)))
    const unprocessable = new DriftApiError.ValidationError({ errors, status: 422 })
    assert.isTrue(Exit.isFailure(Schema.encodeUnknownExit(DriftApiError.Wire.BadRequest)(unprocessable)))
  })

  it("decodes the older { error: { message } } envelope", () => {
    const decoded = Schema.decodeUnknownSync(DriftApiError.Wire.ServerError)({ error: { message: "unavailable" } })
    assert.deepStrictEqual(decoded.errors, [{ type: "error", message: "unavailable" }])
  })

  it("decodes every error body Drift sends: { errors: [...] }, { error: { message } }, { error: \"text\" }", () => {
    for (
      const [body, expected] of [
        [{ errors: [{ type: "not_found", message: "no such conversation" }] }, [{
          type: "not_found",
          message: "no such conversation"
        }]],
        [{ error: { type: "auth", message: "bad token" } }, [{ type: "auth", message: "bad token" }]],
        [{ error: "Unauthorized" }, [{ type: "error", message: "Unauthorized" }]]
      ] as const
    ) {
      const decoded = Schema.decodeUnknownSync(DriftApiError.Wire.Unauthorized)(body)
      assert.deepStrictEqual(decoded.errors, expected)
    }
  })

  it("writes one-line messages that say what to do", () => {
    const messages = [
      new DriftApiError.Unauthorized({ errors }).message,
      new DriftApiError.Forbidden({ errors }).message,
      new DriftApiError.NotFound({ errors }).message,
      new DriftApiError.ValidationError({ errors }).message,
      new DriftApiError.ValidationError({ errors, status: 422 }).message,
      new DriftApiError.RateLimited({ errors, retryAfterMillis: 1500, attempts: 6 }).message,
      new DriftApiError.ServerError({
        errors: [{ type: "x", message: "multi\nline" }],
        status: 503,
        attempts: 6
      }).message
    ]
    for (const message of messages) {
      assert.notInclude(message, "\n")
      assert.match(message, /; [a-z]/)
    }
    assert.strictEqual(
      messages[5],
      "Drift's rate limit was hit (429 validation_error: bad [param: limit], Retry-After 2 s) after 6 attempts; lower rateLimit.requestsPerMinute, raise retry.times, or retry later"
    )
    assert.strictEqual(new DriftApiError.ValidationError({ errors }).param, "limit")
  })
})
