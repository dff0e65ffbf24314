/**
 * The shapes real Drift servers answer with, over loopback: both list APIs (against the sandbox in each mode),
 * messages pages with and without `pagination`, the three error bodies, both answers of `POST .../messages`,
 * `GET /contacts?email=`, and options that are invalid.
 */
import { assert, describe, it, layer } from "@effect/vitest"
import { Drift } from "@parley/schema"
import { Cause, Effect, Exit, Layer, Option, Redacted } from "effect"
import { FetchHttpClient, HttpClient, HttpClientResponse } from "effect/http"
import { DriftApiError, DriftClient, DriftError } from "../src/index.ts"
import { makeClient, Sandbox } from "./support.ts"

const failure = <A, E>(exit: Exit.Exit<A, E>): E => {
  if (Exit.isSuccess(exit)) throw new Error(`expected a failure, got ${JSON.stringify(exit.value)}`)
  return Option.getOrThrowWith(Cause.findErrorOption(exit.cause), () => new Error("expected a typed failure"))
}

/** Walks the whole list with `limit`, following whichever cursor each page gives; the ids in order. */
const walk = (drift: DriftClient.Service, limit: number) =>
  Effect.gen(function*() {
    const ids: Array<number> = []
    let cursor: Drift.ListCursor | undefined
    const kinds = new Set<string>()
    for (let pages = 0; pages < 1000; pages++) {
      const page = yield* drift.listConversations({ limit, ...(cursor === undefined ? {} : { cursor }) })
      ids.push(...page.data.map((c) => c.id))
      const next = Drift.listNext(page)
      assert.notStrictEqual(next._tag, "Unrecognized")
      if (next._tag !== "More") return { ids, kinds }
      kinds.add(next.cursor._tag)
      cursor = next.cursor
    }
    return assert.fail("the list did not end")
  })

/** A client whose transport rewrites the answers for which `rewrite` returns a body (and optional status). */
const rewritingClient = (
  rewrite: (url: string, method: string) => { readonly status?: number; readonly body: unknown } | undefined
) =>
  Effect.gen(function*() {
    const sandbox = yield* Sandbox
    const base = yield* HttpClient.HttpClient
    const http = base.pipe(HttpClient.transformResponse(Effect.map((response) => {
      const replaced = rewrite(response.request.url, response.request.method)
      if (replaced === undefined) return response
      return HttpClientResponse.fromWeb(
        response.request,
        new Response(JSON.stringify(replaced.body), {
          status: replaced.status ?? response.status,
          headers: { "content-type": "application/json" }
        })
      )
    })))
    return yield* DriftClient.make({ token: Redacted.make(sandbox.token), baseUrl: sandbox.url, rateLimit: false })
      .pipe(Effect.provideService(HttpClient.HttpClient, http))
  }).pipe(Effect.provide(FetchHttpClient.layer))

layer(Sandbox.layer({ conversations: 230 }), { excludeTestServices: true, timeout: "60 seconds" })(
  "DriftClient: the legacy list API",
  (it) => {
    it.effect("walks every conversation with `next` cursors; a limit above 50 is Drift's 400 naming `limit`", () =>
      Effect.gen(function*() {
        const sandbox = yield* Sandbox
        const drift = yield* makeClient()
        const { ids, kinds } = yield* walk(drift, 50)
        assert.deepStrictEqual(ids, [...(yield* sandbox.admin.ids())])
        assert.deepStrictEqual([...kinds], ["next"])
        const error = failure(yield* Effect.exit(drift.listConversations({ limit: 100 })))
        assert.instanceOf(error, DriftApiError.ValidationError)
        assert.strictEqual(error.status, 400)
        assert.strictEqual(error.param, "limit")
      }))

    it.effect("messages pages always carry pagination; { more: false } on the last one", () =>
      Effect.gen(function*() {
        const sandbox = yield* Sandbox
        const drift = yield* makeClient()
        for (const id of (yield* sandbox.admin.ids()).slice(0, 20)) {
          let page = yield* drift.listMessages(Drift.ConversationId.make(id))
          while (page.pagination?.more === true) {
            page = yield* drift.listMessages(Drift.ConversationId.make(id), { next: String(page.pagination.next) })
          }
          assert.deepStrictEqual(page.pagination, { more: false })
        }
      }))

    it.effect("accepts messages pages without pagination, with { more: false } and with next: null", () =>
      Effect.gen(function*() {
        const sandbox = yield* Sandbox
        const [id] = yield* sandbox.admin.ids()
        for (const pagination of [undefined, { more: false }, { more: false, next: null }]) {
          const drift = yield* rewritingClient((url) =>
            url.endsWith("/messages")
              ? { body: { data: { messages: [] }, ...(pagination === undefined ? {} : { pagination }) } }
              : undefined
          )
          const page = yield* drift.listMessages(Drift.ConversationId.make(id!))
          assert.isTrue(Option.isNone(Drift.nextCursor(Drift.messagesPagination(page))))
        }
      }))

    it.effect("decodes all three error bodies into typed errors", () =>
      Effect.gen(function*() {
        for (
          const [body, message] of [
            [{ errors: [{ type: "authentication_error", message: "bad token" }] }, "bad token"],
            [{ error: { message: "token expired" } }, "token expired"],
            [{ error: "Unauthorized" }, "Unauthorized"]
          ] as const
        ) {
          const drift = yield* rewritingClient(() => ({ status: 401, body }))
          const error = failure(yield* Effect.exit(drift.listUsers()))
          assert.instanceOf(error, DriftApiError.Unauthorized)
          assert.strictEqual(error.errors[0].message, message)
        }
      }))

    it.effect("POST /conversations/{id}/messages: both { data: Message } and { data: { messages: [...] } }", () =>
      Effect.gen(function*() {
        const sandbox = yield* Sandbox
        const [id] = yield* sandbox.admin.ids()
        const conversationId = Drift.ConversationId.make(id!)
        const direct = yield* (yield* makeClient()).createMessage(conversationId, { type: "private_note", body: "a" })
        assert.strictEqual(direct.conversationId, conversationId)
        const wire = {
          id: 77,
          orgId: 1,
          body: "b",
          author: { type: "user", id: 5, bot: false },
          type: "chat",
          conversationId: id,
          createdAt: 1700000000000
        }
        const drift = yield* rewritingClient((url, method) =>
          method === "POST" && url.endsWith("/messages") ? { body: { data: { messages: [wire] } } } : undefined
        )
        const listed = yield* drift.createMessage(conversationId, { type: "chat", body: "b" })
        assert.strictEqual(listed.id, 77)
      }))

    it.effect("GET /contacts?email= finds a contact by email; none is an empty list", () =>
      Effect.gen(function*() {
        const sandbox = yield* Sandbox
        const drift = yield* makeClient()
        const [id] = yield* sandbox.admin.ids()
        const conversation = yield* drift.getConversation(Drift.ConversationId.make(id!))
        const contact = yield* drift.getContact(conversation.contactId)
        const email = contact.attributes.email
        if (typeof email === "string") {
          const found = yield* drift.findContacts(email.toUpperCase())
          assert.deepStrictEqual(found.map((c) => c.id), [contact.id])
        }
        assert.deepStrictEqual(yield* drift.findContacts("nobody@nowhere.example"), [])
      }))
  }
)

layer(Sandbox.layer({ conversations: 230, extraArgs: ["--list-api", "new"] }), {
  excludeTestServices: true,
  timeout: "60 seconds"
})("DriftClient: the newer list API", (it) => {
  it.effect("walks every conversation with page_token from links.next, 100 at a time", () =>
    Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const drift = yield* makeClient()
      const first = yield* drift.listConversations({ limit: 100 })
      assert.strictEqual(first.data.length, 100)
      assert.isUndefined(first.pagination)
      assert.match(first.links?.next ?? "", /[?&]page_token=/)
      const { ids, kinds } = yield* walk(drift, 100)
      assert.deepStrictEqual(ids, [...(yield* sandbox.admin.ids())])
      assert.deepStrictEqual([...kinds], ["page_token"])
    }))
})

describe("DriftClient options", () => {
  it.effect("invalid options fail with a typed InvalidOptions naming the option, not a defect", () =>
    Effect.gen(function*() {
      const cases = [
        [{ baseUrl: "ftp://example.com" }, "baseUrl"],
        [{ retry: { times: -1 } }, "retry.times"],
        [{ timeout: "soon" as never }, "timeout"],
        [{ rateLimit: { requestsPerMinute: 0 } }, "rateLimit.requestsPerMinute"],
        [{ rateLimit: { requestsPerMinute: 60, burst: 0.5 } }, "rateLimit.burst"]
      ] as const
      for (const [options, option] of cases) {
        const exit = yield* Effect.exit(
          Layer.build(DriftClient.DriftClient.layer({ token: Redacted.make("t0k3n"), ...options })).pipe(
            Effect.provide(FetchHttpClient.layer),
            Effect.scoped
          )
        )
        const error = failure(exit)
        assert.instanceOf(error, DriftError.InvalidOptions)
        assert.strictEqual(error.option, option)
        assert.include(error.message, option)
      }
    }))
})
