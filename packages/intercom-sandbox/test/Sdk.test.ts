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

  it.live("searches, data attributes, tags, custom attributes and conversation parts through the SDK", () =>
    Effect.gen(function*() {
      const sandbox = yield* start()
      const sdk = new IntercomClient({ token: sandbox.token, baseUrl: sandbox.url })
      const result = yield* Effect.promise(async () => {
        const contact = await sdk.contacts.create({ email: "parts@example.com", external_id: "drift-9" })
        const byExternalId = []
        for await (
          const c of await sdk.contacts.search({ query: { field: "external_id", operator: "=", value: "drift-9" } })
        ) byExternalId.push(c.id)
        // The SDK's types (generated from the spec) list only contact and company models; the API takes conversation.
        const model = "conversation" as unknown as "contact"
        const attribute = await sdk.dataAttributes.create({ name: "drift_id", model, data_type: "string" })
        const message = await sdk.conversations.create({ from: { type: "user", id: contact.id }, body: "Hi" })
        const id = message.conversation_id!
        await sdk.conversations.update({ conversation_id: id, custom_attributes: { drift_id: "9" } })
        const tag = await sdk.tags.create({ name: "migrated" })
        const applied = await sdk.tags.tagConversation({ conversation_id: id, id: tag.id, admin_id: sandbox.adminId })
        await sdk.conversations.manage({
          conversation_id: id,
          body: { message_type: "assignment", type: "admin", admin_id: sandbox.adminId, assignee_id: sandbox.adminId }
        })
        await sdk.conversations.manage({
          conversation_id: id,
          body: { message_type: "snoozed", admin_id: sandbox.adminId, snoozed_until: 1_900_000_000 }
        })
        await sdk.conversations.manage({
          conversation_id: id,
          body: { message_type: "open", admin_id: sandbox.adminId }
        })
        const closed = await sdk.conversations.manage({
          conversation_id: id,
          body: { message_type: "close", type: "admin", admin_id: sandbox.adminId, body: "Done" }
        })
        const byAttribute = []
        for await (
          const c of await sdk.conversations.search({
            query: { operator: "AND", value: [{ field: "custom_attributes.drift_id", operator: "=", value: "9" }] },
            pagination: { per_page: 5 }
          })
        ) byAttribute.push(c.id)
        return { contact, byExternalId, attribute, id, applied, closed, byAttribute }
      })
      assert.deepStrictEqual(result.byExternalId, [result.contact.id])
      assert.strictEqual(result.attribute.full_name, "custom_attributes.drift_id")
      assert.strictEqual(result.applied.name, "migrated")
      assert.strictEqual(result.closed.state, "closed")
      assert.deepStrictEqual(
        result.closed.conversation_parts?.conversation_parts?.map((p) => p.part_type),
        ["assignment", "snoozed", "open", "close"]
      )
      assert.deepStrictEqual(result.closed.custom_attributes, { drift_id: "9" })
      assert.deepStrictEqual(result.byAttribute, [result.id])
    }))
})
