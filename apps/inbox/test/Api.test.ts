/**
 * The Inbox API over loopback HTTP, called with `HttpApiClient.make(InboxApi)`: every answer is decoded with the
 * API's schemas (the `@parley/schema` models), exactly as the page decodes it.
 */
import { assert, describe, it } from "@effect/vitest"
import { Drift, Html } from "@parley/schema"
import { Effect, Schema } from "effect"
import { FetchHttpClient, HttpClient, HttpClientRequest } from "effect/http"
import { HttpApiClient } from "effect/http-api"
import * as fs from "node:fs"
import * as path from "node:path"
import { Bundle, Guard, Inbox, InboxApi, Model, Server } from "../src/index.ts"
import {
  closedPort,
  driftSource,
  findHostile,
  HOSTILE_ID,
  PLAIN_THREADS,
  startSandbox,
  writeExport
} from "./support.ts"

const client = (url: string, csrfToken: string) =>
  HttpApiClient.make(InboxApi.InboxApi, {
    baseUrl: url,
    transformClient: HttpClient.mapRequest(HttpClientRequest.setHeader(Guard.CSRF_HEADER, csrfToken))
  })

const started = (source: Inbox.Source) =>
  Effect.gen(function*() {
    const inbox = yield* Inbox.start({ port: 0, source })
    yield* inbox.source.ready
    return { inbox, api: yield* client(inbox.url, inbox.csrfToken) }
  })

const text = (url: string) =>
  Effect.promise(async () => {
    const response = await fetch(url)
    return { status: response.status, headers: response.headers, body: await response.text() }
  })

const DISALLOWED = /<script|onerror|onload|ontoggle|onclick|javascript:|<img|<svg|<iframe|<math|<form|<details|style=/i

describe("InboxApi over loopback", () => {
  it.live("file source: pages, filters, text search, counts and unreadable lines", () =>
    Effect.gen(function*() {
      const { inbox, api } = yield* started({ _tag: "File", path: writeExport() })
      const total = PLAIN_THREADS + 1

      const workspace = yield* api.workspace.get()
      assert.strictEqual(workspace.source.kind, "file")
      assert.strictEqual(workspace.index.state, "ready")
      assert.strictEqual(workspace.counts.conversations, total)
      assert.strictEqual(workspace.unreadable.count, 3)
      assert.deepStrictEqual(workspace.unreadable.lines.map((l) => l.line), [3, 7, 12])
      assert.strictEqual(workspace.unreadable.lines[0]!.message, `Expected number at ["conversation"]["id"]`)
      assert.match(workspace.unreadable.lines[1]!.message, /^not JSON/)
      assert.match(
        workspace.unreadable.lines[2]!.message,
        /Intercom conversation; export with `parley export --to drift`/
      )
      assert.strictEqual(workspace.counts.byStatus.open, 21)
      assert.deepStrictEqual(workspace.users, [])

      // Pages: most recently updated first, every thread once.
      const seen: Array<number> = []
      let last = Number.POSITIVE_INFINITY
      for (let page = 1; page <= 3; page++) {
        const p = yield* api.threads.list({ query: { page } })
        assert.strictEqual(p.total, total)
        assert.strictEqual(p.pages, 3)
        for (const item of p.items) {
          assert.isAtMost(item.conversation.updatedAt.epochMilliseconds, last)
          last = item.conversation.updatedAt.epochMilliseconds
          seen.push(item.conversation.id)
        }
      }
      assert.strictEqual(new Set(seen).size, total)
      assert.strictEqual(seen[0], HOSTILE_ID)
      const beyond = yield* api.threads.list({ query: { page: 4 } })
      assert.strictEqual(beyond.items.length, 0)

      // Filters combine.
      const open = yield* api.threads.list({ query: { status: "open", pageSize: 100 } })
      assert.strictEqual(open.total, 21)
      assert.isTrue(open.items.every((i) => i.conversation.status === "open"))
      const billing = yield* api.threads.list({ query: { tag: "billing", pageSize: 100 } })
      assert.isAbove(billing.total, 1)
      assert.isTrue(billing.items.every((i) => i.conversation.conversationTags?.some((t) => t.name === "billing")))
      const invoices = yield* api.threads.list({ query: { q: "INVOICES", pageSize: 100 } })
      assert.strictEqual(invoices.total, 12)
      assert.isTrue(invoices.items.every((i) => /invoices/i.test(i.snippet ?? "")))
      const both = yield* api.threads.list({ query: { q: "invoices", status: "closed", pageSize: 100 } })
      assert.isTrue(both.total > 0 && both.total < 12)

      // Search looks at sanitized plain text: script content and attributes are not text.
      const charged = yield* api.threads.list({ query: { q: "charged twice" } })
      assert.deepStrictEqual(charged.items.map((i) => i.conversation.id), [HOSTILE_ID])
      for (const q of ["ontoggle", "srcdoc", "parent.__xss"]) {
        assert.strictEqual((yield* api.threads.list({ query: { q } })).total, 0, q)
      }

      // One thread in Drift shape: decoded by the client with Drift.Thread, bodies sanitized.
      const { thread } = yield* api.threads.get({ params: { id: Drift.ConversationId.make(HOSTILE_ID) } })
      assert.strictEqual(thread.messages.length, 13)
      for (const m of thread.messages) {
        assert.notMatch(m.body ?? "", DISALLOWED)
        assert.strictEqual(Html.sanitize(m.body ?? ""), m.body ?? "")
      }
      assert.strictEqual(thread.messages[2]!.body, `click me and <a href="https://example.com/help">the help page</a>`)
      assert.strictEqual(thread.messages.filter((m) => m.type === "private_note").length, 1)
      assert.strictEqual(thread.messages[11]!.buttons?.length, 2)

      // And in Intercom's shapes: 2.11 loses nothing, classic loses what the mapping table says.
      const view = yield* api.threads.intercom({ params: { id: Drift.ConversationId.make(HOSTILE_ID) } })
      assert.deepStrictEqual(view.lossesV2, [])
      assert.strictEqual(view.v2.id, String(HOSTILE_ID))
      assert.strictEqual(view.classic.conversation_parts?.conversation_parts.length, 12)
      const lost = new Map(view.lossesClassic.map((l) => [JSON.stringify(l.drift), l]))
      assert.deepStrictEqual(lost.get(`["conversation","createdAt"]`)?.intercom, ["created_at"])
      assert.strictEqual(lost.get(`["conversation","createdAt"]`)?.rule, "milliseconds are floored to whole seconds")
      assert.deepStrictEqual(lost.get(`["conversation","participants"]`)?.intercom, ["assignee"])
      assert.strictEqual(lost.get(`["conversation","inboxId"]`)?.intercom, null)
      assert.strictEqual(lost.get(`["messages",11,"buttons"]`)?.rule, "no place in Intercom: buttons comes back absent")
      assert.deepStrictEqual(lost.get(`["contact"]`)?.intercom, ["user"])
      assert.strictEqual(lost.get(`["messages",12,"attachments",0,"id"]`)?.rule, "attachment ids: positions come back")

      // Bad input: an unknown id, an id that is not a number, a bad page.
      const missing = yield* Effect.flip(api.threads.get({ params: { id: Drift.ConversationId.make(12345) } }))
      assert.strictEqual(missing._tag, "ThreadNotFound")
      assert.include((missing as Model.ThreadNotFound).message, "There is no conversation 12345 in")
      for (const [path, param] of [["/api/threads/abc", "Invalid id"], ["/api/threads?page=0", "Invalid page"]]) {
        const answer = yield* text(`${inbox.url}${path}`)
        assert.strictEqual(answer.status, 400)
        const body = Schema.decodeUnknownSync(Model.ErrorBody)(JSON.parse(answer.body))
        assert.strictEqual(body._tag, "BadRequest")
        assert.include(body.message, param)
      }
    }).pipe(Effect.provide(FetchHttpClient.layer)))

  it.live("serves its OpenAPI document and the page with a strict Content-Security-Policy", () =>
    Effect.gen(function*() {
      const { inbox } = yield* started({ _tag: "File", path: writeExport() })
      const openapi = yield* text(`${inbox.url}/openapi.json`)
      assert.strictEqual(openapi.status, 200)
      const spec = JSON.parse(openapi.body) as { info: { title: string }; paths: Record<string, unknown> }
      assert.strictEqual(spec.info.title, "Parley Inbox API")
      assert.deepStrictEqual(Object.keys(spec.paths).toSorted(), [
        "/api/reload",
        "/api/threads",
        "/api/threads/{id}",
        "/api/threads/{id}/intercom",
        "/api/workspace"
      ])
      const page = yield* text(`${inbox.url}/`)
      assert.strictEqual(page.status, 200)
      assert.strictEqual(page.headers.get("content-security-policy"), Server.CONTENT_SECURITY_POLICY)
      const script = /src="(\/assets\/[^"]+\.js)"/.exec(page.body)?.[1]
      assert.isDefined(script)
      const bundle = yield* text(`${inbox.url}${script}`)
      assert.strictEqual(bundle.status, 200)
      assert.match(bundle.headers.get("content-type") ?? "", /javascript/)
      // Served by HttpStaticServer: the page's headers, an ETag a revalidation answers 304 to, and never the source map.
      assert.strictEqual(bundle.headers.get("x-content-type-options"), "nosniff")
      assert.strictEqual(bundle.headers.get("content-security-policy"), Server.CONTENT_SECURITY_POLICY)
      const etag = bundle.headers.get("etag")
      assert.isString(etag)
      const revalidated = yield* Effect.promise(() =>
        fetch(`${inbox.url}${script}`, { headers: { "if-none-match": etag! } }).then((r) => r.status)
      )
      assert.strictEqual(revalidated, 304)
      // The map is on disk beside the bundle (built for debugging), and still not served.
      assert.isTrue(fs.existsSync(path.join(Bundle.directory, `${script}.map`)))
      assert.strictEqual((yield* text(`${inbox.url}${script}.map`)).status, 404)
      assert.strictEqual((yield* text(`${inbox.url}/assets/`)).status, 404)
      assert.strictEqual((yield* text(`${inbox.url}/assets/../package.json`)).status, 404)
      assert.strictEqual((yield* text(`${inbox.url}/assets/..%2f..%2f..%2fpackage.json`)).status, 404)
      assert.strictEqual((yield* text(`${inbox.url}/nope`)).status, 404)
    }).pipe(Effect.provide(FetchHttpClient.layer)))

  it.live("Drift source (a sandbox): counts match the workspace, hostile raw bodies arrive sanitized", () =>
    Effect.gen(function*() {
      const sandbox = yield* Effect.acquireRelease(
        Effect.promise(() => startSandbox({ conversations: 240, seed: 5 })),
        (s) => Effect.promise(s.close)
      )
      const { url, token } = sandbox.value
      const { api } = yield* started(driftSource(url, token))
      const workspace = yield* api.workspace.get()
      assert.strictEqual(workspace.index.state, "ready")
      assert.strictEqual(workspace.counts.conversations, 240)
      assert.strictEqual(workspace.index.threads, 240)
      assert.isAbove(workspace.users.length, 0)
      const stats = (yield* Effect.promise(async () =>
        (await fetch(`${url}/conversations/stats`, { headers: { authorization: `Bearer ${token}` } })).json()
      )) as { conversationCount: { OPEN: number; CLOSED: number; PENDING: number } }
      assert.strictEqual(workspace.counts.byStatus.open, stats.conversationCount.OPEN)
      assert.strictEqual(workspace.counts.byStatus.closed, stats.conversationCount.CLOSED)
      assert.strictEqual(workspace.counts.byStatus.pending, stats.conversationCount.PENDING)
      const closed = yield* api.threads.list({ query: { status: "closed" } })
      assert.strictEqual(closed.total, stats.conversationCount.CLOSED)

      const hostile = yield* Effect.promise(() =>
        findHostile(url, token)
      )
      assert.match(hostile.raw.join("\n"), /<script|onerror/i)
      const { thread, warning } = yield* api.threads.get({ params: { id: Drift.ConversationId.make(hostile.id) } })
      assert.isUndefined(warning)
      for (const m of thread.messages) assert.notMatch(m.body ?? "", /<script|onerror|javascript:|<svg|<iframe|<img/i)
    }).pipe(Effect.provide(FetchHttpClient.layer)))

  it.live("Drift down: a wrong URL is a 503 with Drift's message; a stopped sandbox serves the indexed copy", () =>
    Effect.gen(function*() {
      const port = yield* Effect.promise(closedPort)
      const { api } = yield* started(driftSource(`http://127.0.0.1:${port}`, "t"))
      const status = yield* api.workspace.get()
      assert.strictEqual(status.index.state, "failed")
      assert.include(status.index.error, `Could not reach Drift at 127.0.0.1:${port}`)
      const list = yield* Effect.flip(api.threads.list({ query: {} }))
      assert.strictEqual(list._tag, "SourceUnavailable")
      assert.include((list as Model.SourceUnavailable).message, "Could not reach Drift")
      const one = yield* Effect.flip(api.threads.get({ params: { id: Drift.ConversationId.make(1) } }))
      assert.strictEqual(one._tag, "SourceUnavailable")

      const sandbox = yield* Effect.promise(() => startSandbox({ conversations: 60, seed: 9 }))
      const running = yield* started(driftSource(sandbox.value.url, sandbox.value.token))
      const first = (yield* running.api.threads.list({ query: {} })).items[0]!.conversation.id
      yield* Effect.promise(sandbox.close)
      const stale = yield* running.api.threads.get({ params: { id: first } })
      assert.include(stale.warning, "Drift did not answer")
      assert.strictEqual(stale.thread.conversation.id, first)
      const unknown = yield* Effect.flip(running.api.threads.get({ params: { id: Drift.ConversationId.make(42) } }))
      assert.strictEqual(unknown._tag, "SourceUnavailable")
      yield* running.api.workspace.reload()
      const after = yield* running.inbox.source.ready
      assert.strictEqual(after.state, "failed")
      assert.include(after.error, "Could not reach Drift")
    }).pipe(Effect.provide(FetchHttpClient.layer)))

  it.live("the embedded sandbox (the default source) is indexed with contacts and users", () =>
    Effect.gen(function*() {
      const { api } = yield* started({ _tag: "Sandbox", conversations: 120, seed: 2 })
      const workspace = yield* api.workspace.get()
      assert.strictEqual(workspace.source.kind, "sandbox")
      assert.include(workspace.source.label, "Embedded Drift sandbox at http://127.0.0.1:")
      assert.strictEqual(workspace.counts.conversations, 120)
      assert.strictEqual(workspace.index.expected, 120)
      const page = yield* api.threads.list({ query: { pageSize: 10 } })
      assert.strictEqual(page.items.length, 10)
      assert.isTrue(page.items.every((i) => i.messageCount !== null && !i.contact.startsWith("Contact ")))
    }).pipe(Effect.provide(FetchHttpClient.layer)))
})
