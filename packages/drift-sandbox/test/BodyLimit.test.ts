import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Http from "node:http"
import { Sandbox } from "../src/index.ts"

/** POSTs `size` bytes of a JSON body to `/conversations/new`, announced by Content-Length or chunked. */
const post = (url: string, token: string, size: number, chunked: boolean) =>
  Effect.callback<{ status: number; body: string }>((resume) => {
    const body = Buffer.from(JSON.stringify({ email: "a@example.com", message: { body: "x".repeat(size) } }))
    const req = Http.request(`${url}/conversations/new`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": "application/json",
        ...(chunked ? { "transfer-encoding": "chunked" } : { "content-length": String(body.length) })
      }
    }, (res) => {
      let text = ""
      res.setEncoding("utf8").on("data", (c: string) => (text += c))
      res.on("end", () => resume(Effect.succeed({ status: res.statusCode ?? 0, body: text })))
    })
    // The server may answer and close before the whole body is sent.
    req.on("error", () => resume(Effect.succeed({ status: -1, body: "" })))
    if (chunked) { for (let i = 0; i < body.length; i += 65536) req.write(body.subarray(i, i + 65536)) }
    else req.write(body)
    req.end()
  })

describe("request body limit", () => {
  it.live("a body over maxBodyBytes is refused (413 when announced, a 4xx when streamed) and nothing is stored", () =>
    Effect.gen(function*() {
      const sandbox = yield* Sandbox.start({ port: 0, conversations: 10, maxBodyBytes: 64 * 1024 })
      const count = Effect.map(
        sandbox.store.stats,
        (s) => s.conversationCount.OPEN + s.conversationCount.CLOSED + s.conversationCount.PENDING
      )
      const before = yield* count
      const announced = yield* post(sandbox.url, sandbox.token, 256 * 1024, false)
      assert.include([413, -1], announced.status)
      if (announced.status === 413) assert.include(announced.body, "payload_too_large")
      const streamed = yield* post(sandbox.url, sandbox.token, 256 * 1024, true)
      assert.isTrue(
        streamed.status === -1 || (streamed.status >= 400 && streamed.status < 500),
        String(streamed.status)
      )
      const small = yield* post(sandbox.url, sandbox.token, 1000, false)
      assert.strictEqual(small.status, 200, small.body)
      assert.strictEqual(yield* count, before + 1)
    }))
})
