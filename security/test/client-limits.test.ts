/**
 * One input must not stall or bloat a run: `DriftClient` refuses answers larger than its limit with a typed
 * `ResponseTooLarge` (announced by `Content-Length` or streamed without one), and `DriftStream` ends a walk whose
 * cursors cycle (`a -> b -> a`, on the conversation list or on a conversation's messages) with a typed
 * `CursorLoop` naming the cursor, instead of paging forever. Served by a loopback `node:http` server.
 */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { DriftClient, DriftError } from "@parley/drift-client"
import { DriftStream, DriftStreamError } from "@parley/drift-stream"
import { Drift } from "@parley/schema"
import { Effect, Exit, Layer, Redacted, Stream } from "effect"
import { FetchHttpClient } from "effect/http"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"

const conversation = (id: number) => ({
  id,
  status: "open",
  contactId: 8,
  inboxId: 9,
  createdAt: 1_700_000_000_000,
  updatedAt: 1_700_000_000_000 - id
})
const message = (id: number, conversationId: number) => ({
  id,
  orgId: 1,
  body: "hi",
  author: { type: "contact", id: 8 },
  type: "chat",
  conversationId,
  createdAt: 1_700_000_000_000 + id
})

let mode: "big-length" | "big-chunked" | "list-cycle" | "messages-cycle" = "big-length"
let requests = 0
let server: Http.Server
let url = ""

/** The cursor cycle a -> b -> a: the page after each cursor. */
const nextOf: Record<string, string> = { "": "a", a: "b", b: "a" }

describe("client limits", () => {
  beforeAll(async () => {
    server = Http.createServer((req, res) => {
      requests++
      const u = new URL(req.url ?? "/", "http://x")
      const cursor = u.searchParams.get("next") ?? ""
      res.setHeader("content-type", "application/json")
      if (mode === "big-length") {
        // Announces 10 MB and sends a little: the client refuses on the header, without waiting for the body.
        res.setHeader("content-length", String(10 * 1024 * 1024))
        res.on("error", () => undefined)
        return res.write(`{"data":[`)
      }
      if (mode === "big-chunked") {
        // 8 MB without Content-Length: refused as it streams in.
        res.write(`{"data":[{"id":1,"note":"`)
        const chunk = "x".repeat(64 * 1024)
        let sent = 0
        const pump = () => {
          while (sent < 128) {
            sent++
            if (!res.write(chunk)) return res.once("drain", pump)
          }
          res.end(`"}]}`)
        }
        res.on("error", () => undefined)
        return pump()
      }
      if (u.pathname === "/conversations/list") {
        const page = cursor === "" ? 0 : cursor === "a" ? 1 : 2
        const cycle = mode === "list-cycle"
        return res.end(JSON.stringify({
          data: [conversation(100 + page)],
          ...(cycle ? { pagination: { more: true, next: nextOf[cursor] } } : {})
        }))
      }
      if (u.pathname === "/conversations/stats") return res.end(JSON.stringify({ conversationCount: { OPEN: 1 } }))
      const id = Number(u.pathname.split("/")[2])
      return res.end(JSON.stringify({
        data: {
          messages: [message(requests, id)],
          pagination: { more: true, next: nextOf[cursor] }
        }
      }))
    })
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() =>
    new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    })
  )

  const layer = () =>
    DriftStream.DriftStream.layer.pipe(
      Layer.provideMerge(
        DriftClient.DriftClient.layer({
          token: Redacted.make("limits-test-token"),
          baseUrl: url,
          retry: { times: 2, baseDelay: "1 millis" },
          rateLimit: false,
          maxResponseBytes: 1024 * 1024
        })
      ),
      Layer.provide(FetchHttpClient.layer)
    )

  for (const big of ["big-length", "big-chunked"] as const) {
    it.live(`an answer over maxResponseBytes (${big === "big-length" ? "Content-Length" : "streamed"}) is a typed ResponseTooLarge, not retried`, () =>
      Effect.gen(function*() {
        mode = big
        requests = 0
        const exit = yield* DriftClient.DriftClient.use((c) => c.listConversations()).pipe(
          Effect.provide(layer()),
          Effect.exit
        )
        expect(Exit.isFailure(exit)).toBe(true)
        if (Exit.isFailure(exit)) {
          const error = exit.cause.reasons.find((r) => r._tag === "Fail")
          expect(error?._tag === "Fail" && error.error instanceof DriftError.ResponseTooLarge, String(exit.cause)).toBe(
            true
          )
          if (error?._tag === "Fail" && error.error instanceof DriftError.ResponseTooLarge) {
            expect(error.error.limit).toBe(1024 * 1024)
            expect(error.error.received).toBeGreaterThan(1024 * 1024)
            expect(error.error.message).toContain("larger than 1048576 bytes")
          }
        }
        expect(requests).toBe(1)
      }))
  }

  it.live("a cursor cycle a -> b -> a on the conversation list is a CursorLoop naming the cursor", () =>
    Effect.gen(function*() {
      mode = "list-cycle"
      requests = 0
      const exit = yield* DriftStream.DriftStream.use((s) => Stream.runDrain(s.conversations())).pipe(
        Effect.provide(layer()),
        Effect.exit
      )
      expect(Exit.isFailure(exit)).toBe(true)
      if (Exit.isFailure(exit)) {
        const error = exit.cause.reasons.find((r) => r._tag === "Fail")
        expect(error?._tag === "Fail" && error.error instanceof DriftStreamError.CursorLoop, String(exit.cause)).toBe(
          true
        )
        if (error?._tag === "Fail") expect((error.error as DriftStreamError.CursorLoop).cursor).toBe("a")
      }
      expect(requests).toBeLessThan(10)
    }))

  it.live("a cursor cycle a -> b -> a on a conversation's messages is a CursorLoop naming the cursor", () =>
    Effect.gen(function*() {
      mode = "messages-cycle"
      requests = 0
      const exit = yield* DriftStream.DriftStream.use((s) => Stream.runDrain(s.messages(Drift.ConversationId.make(7))))
        .pipe(Effect.provide(layer()), Effect.exit)
      expect(Exit.isFailure(exit)).toBe(true)
      if (Exit.isFailure(exit)) {
        const error = exit.cause.reasons.find((r) => r._tag === "Fail")
        expect(error?._tag === "Fail" && error.error instanceof DriftStreamError.CursorLoop, String(exit.cause)).toBe(
          true
        )
        if (error?._tag === "Fail") expect((error.error as DriftStreamError.CursorLoop).cursor).toBe("a")
      }
      expect(requests).toBe(3)
    }))
})
