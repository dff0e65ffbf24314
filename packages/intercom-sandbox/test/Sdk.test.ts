/**
 * The official `intercom-client` SDK (pinned in devDependencies), unchanged, pointed at the sandbox with its
 * `baseUrl` option.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { IntercomClient } from "intercom-client"
import { start } from "./support.ts"

describe("the official intercom-client SDK against the sandbox", () => {
  it.live("creates a contact, a conversation and a reply, then lists and gets them back", () =>
    Effect.gen(function*() {
      const sandbox = yield* start()
      const sdk = new IntercomClient({ token: sandbox.token, baseUrl: sandbox.url })
      const result = yield* Effect.promise(async () => {
        const admins = await sdk.admins.list()
        const contact = await sdk.contacts.create({ email: "sdk@example.com", name: "Sdk User" })
        const message = await sdk.conversations.create({ from: { type: "user", id: contact.id }, body: "Hello there" })
        const replied = await sdk.conversations.reply({
          conversation_id: message.conversation_id!,
          body: { message_type: "comment", type: "user", intercom_user_id: contact.id, body: "Thanks again :)" }
        })
        await sdk.conversations.reply({
          conversation_id: message.conversation_id!,
          body: { message_type: "comment", type: "admin", admin_id: admins.admins![0]!.id!, body: "You're welcome" }
        })
        const conversations = []
        for await (const c of await sdk.conversations.list()) conversations.push(c)
        const contacts = []
        for await (const c of await sdk.contacts.list()) contacts.push(c)
        const found = await sdk.conversations.find({ conversation_id: message.conversation_id! })
        const again = await sdk.contacts.find({ contact_id: contact.id })
        return { admins, contact, message, replied, conversations, contacts, found, again }
      })
      assert.strictEqual(result.admins.type, "admin.list")
      assert.strictEqual(result.contact.email, "sdk@example.com")
      assert.strictEqual(result.message.body, "<p>Hello there</p>")
      assert.strictEqual(result.replied.conversation_parts?.conversation_parts?.length, 1)
      assert.deepStrictEqual(result.conversations.map((c) => c.id), [result.message.conversation_id])
      assert.deepStrictEqual(result.contacts.map((c) => c.id), [result.contact.id])
      assert.strictEqual(result.again.name, "Sdk User")
      const parts = result.found.conversation_parts?.conversation_parts ?? []
      assert.deepStrictEqual(parts.map((p) => [p.part_type, p.author?.type, p.body]), [
        ["comment", "user", "<p>Thanks again :)</p>"],
        ["comment", "admin", "<p>You're welcome</p>"]
      ])
      const traffic = yield* sandbox.faults.stats
      assert.strictEqual(traffic.versions["2.11"], traffic.requests, "the SDK sends Intercom-Version 2.11")
      const stored = yield* sandbox.store.dumpConversations
      assert.strictEqual(stored.length, 1)
    }))
})
