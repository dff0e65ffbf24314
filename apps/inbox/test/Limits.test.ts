/**
 * One large body must not stall the Inbox: a message body over `Limits.MAX_BODY_CHARS` is cut before it is decoded
 * and sanitized, from an export file and from Drift (a sandbox), and says so; the others are untouched.
 */
import { assert, describe, it } from "@effect/vitest"
import { Drift } from "@parley/schema"
import { Effect } from "effect"
import { FetchHttpClient } from "effect/http"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { Inbox, Limits } from "../src/index.ts"
import { driftSource, plainThread, startSandbox } from "./support.ts"

// Half a million characters (the cut does not depend on what they are).
const huge = "<b>start</b>" + "word ".repeat(100_000)

const body = (thread: { messages: ReadonlyArray<{ body?: string | undefined }> }) => thread.messages[0]?.body ?? ""

describe("Inbox limits", () => {
  it.live("an export file: a body over the limit is cut (and says so) before it is sanitized; a small one is kept", () =>
    Effect.gen(function*() {
      const big = plainThread(1) as unknown as { conversation: { id: number }; messages: Array<{ body: string }> }
      big.messages[0]!.body = huge
      const small = plainThread(2)
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "parley-inbox-")), "big.ndjson")
      fs.writeFileSync(file, `${JSON.stringify(big)}\n${JSON.stringify(small)}\n`)
      const inbox = yield* Inbox.start({ port: 0, source: { _tag: "File", path: file } })
      const status = yield* inbox.source.ready
      assert.strictEqual(status.state, "ready")
      const cut = yield* inbox.source.get(Drift.ConversationId.make(big.conversation.id))
      assert.include(body(cut.thread), `this body has ${huge.length.toLocaleString("en-US")} characters`)
      assert.isAtMost(body(cut.thread).length, Limits.MAX_BODY_CHARS + 200)
      assert.include(body(cut.thread), "<b>start</b>")
      const kept = yield* inbox.source.get(Drift.ConversationId.make(small.conversation.id))
      assert.strictEqual(body(kept.thread), small.messages[0]!.body)
    }))

  it.live("Drift: a message page with a body over the limit is cut before the client decodes it", () =>
    Effect.gen(function*() {
      const sandbox = yield* Effect.promise(() => startSandbox({ conversations: 5, seed: 4 }))
      const created = yield* Effect.promise(async () => {
        const r = await fetch(`${sandbox.value.url}/conversations/new`, {
          method: "POST",
          headers: { authorization: `Bearer ${sandbox.value.token}`, "content-type": "application/json" },
          body: JSON.stringify({ email: "big@example.com", message: { body: huge.slice(0, 900_000) } })
        })
        return (await r.json()) as { id: number }
      })
      const inbox = yield* Inbox.start({ port: 0, source: driftSource(sandbox.value.url, sandbox.value.token) })
      yield* inbox.source.ready
      const got = yield* inbox.source.get(Drift.ConversationId.make(created.id))
      assert.include(body(got.thread), "only the first")
      assert.isAtMost(body(got.thread).length, Limits.MAX_BODY_CHARS + 200)
      yield* Effect.promise(sandbox.close)
    }).pipe(Effect.provide(FetchHttpClient.layer)))
})
