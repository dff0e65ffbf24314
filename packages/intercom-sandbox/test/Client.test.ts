import { assert, describe, it } from "@effect/vitest"
import { IntercomApiError, IntercomClient, IntercomError } from "@parley/intercom-client"
import { Intercom } from "@parley/schema"
import { ConfigProvider, DateTime, Effect, Layer, Option, Redacted } from "effect"
import { FetchHttpClient } from "effect/http"
import { client, start } from "./support.ts"

const at = (seconds: number) => DateTime.makeUnsafe(seconds * 1000)
const seconds = (dt: DateTime.Utc) => dt.epochMilliseconds / 1000

describe("IntercomClient against the sandbox (loopback HTTP)", () => {
  it.live("every endpoint: admins, contacts, data attributes, tags, conversations and their parts", () =>
    Effect.gen(function*() {
      const sandbox = yield* start()
      const intercom = yield* client(sandbox)

      const me = yield* intercom.me()
      assert.strictEqual(me.id, sandbox.adminId)
      assert.strictEqual(me.app?.name, "Parley Sandbox")
      const admins = yield* intercom.listAdmins()
      assert.strictEqual(admins.length, 3)
      const agent = admins[1]!

      const contact = yield* intercom.createContact({ email: "ada@example.com", external_id: "drift-17", name: "Ada" })
      assert.strictEqual((yield* intercom.getContact(contact.id)).email, "ada@example.com")
      assert.deepStrictEqual(
        Option.map(yield* intercom.findContactByEmail("ADA@example.com"), (c) => c.id),
        Option.some(contact.id)
      )
      assert.deepStrictEqual(
        Option.map(yield* intercom.findContactByExternalId("drift-17"), (c) => c.id),
        Option.some(contact.id)
      )
      assert.isTrue(Option.isNone(yield* intercom.findContactByExternalId("drift-18")))
      yield* intercom.createContact({ role: "lead", name: "Lead" })
      const firstPage = yield* intercom.listContacts({ perPage: 1 })
      assert.strictEqual(firstPage.data.length, 1)
      const cursor = firstPage.pages?.next?.starting_after ?? undefined
      assert.isDefined(cursor)
      const secondPage = yield* intercom.listContacts({ perPage: 1, startingAfter: cursor! })
      assert.strictEqual(secondPage.data[0]!.role, "lead")
      assert.isUndefined(secondPage.pages?.next ?? undefined)

      const attribute = yield* intercom.createDataAttribute({
        name: "drift_id",
        model: "conversation",
        data_type: "string"
      })
      assert.strictEqual(attribute.full_name, "custom_attributes.drift_id")
      const attributes = yield* intercom.listDataAttributes({ model: "conversation" })
      assert.deepStrictEqual(attributes.map((a) => a.name), ["drift_id"])

      const tag = yield* intercom.createTag("migrated")
      assert.strictEqual((yield* intercom.createTag("MIGRATED")).id, tag.id, "a tag name is created once")

      const message = yield* intercom.createConversation({
        from: { type: "user", id: contact.id },
        body: "Hello from 2020",
        created_at: at(1_600_000_000)
      })
      const id = message.conversation_id
      yield* intercom.updateConversation(id, { custom_attributes: { drift_id: "4711" } })
      yield* intercom.reply(id, {
        message_type: "comment",
        type: "admin",
        admin_id: agent.id,
        body: "Hi Ada",
        created_at: at(1_600_000_060)
      })
      yield* intercom.reply(id, {
        message_type: "note",
        type: "admin",
        admin_id: agent.id,
        body: "<p>VIP</p>",
        created_at: at(1_600_000_090)
      })
      yield* intercom.reply(id, {
        message_type: "comment",
        type: "user",
        intercom_user_id: contact.id,
        body: "Thanks",
        created_at: at(1_600_000_120)
      })
      const applied = yield* intercom.tagConversation(id, { tagId: tag.id, adminId: agent.id })
      assert.strictEqual(applied.name, "migrated")
      yield* intercom.assign(id, { adminId: agent.id, assigneeId: agent.id })
      yield* intercom.snooze(id, { adminId: agent.id, until: at(1_900_000_000) })
      yield* intercom.open(id, { adminId: agent.id })
      const closed = yield* intercom.close(id, { adminId: agent.id })
      assert.strictEqual(closed.state, "closed")

      const read = yield* intercom.getConversation(id)
      assert.strictEqual(seconds(read.created_at), 1_600_000_000)
      assert.strictEqual(read.source.body, "<p>Hello from 2020</p>")
      assert.strictEqual(read.source.author.id, contact.id)
      const parts = read.conversation_parts!.conversation_parts
      assert.deepStrictEqual(parts.map((p) => p.part_type), [
        "comment",
        "note",
        "comment",
        "assignment",
        "snoozed",
        "open",
        "close"
      ])
      assert.deepStrictEqual(parts.slice(0, 3).map((p) => seconds(p.created_at)), [
        1_600_000_060,
        1_600_000_090,
        1_600_000_120
      ])
      assert.deepStrictEqual(parts.slice(0, 3).map((p) => p.author.type), ["admin", "admin", "user"])
      assert.strictEqual(read.admin_assignee_id, Number(agent.id))
      assert.deepStrictEqual(read.teammates?.admins.map((a) => a.id), [agent.id])
      assert.deepStrictEqual(read.tags?.tags.map((t) => t.id), [tag.id])
      assert.deepStrictEqual(read.custom_attributes, { drift_id: "4711" })

      const found = yield* intercom.findConversationsByCustomAttribute("drift_id", "4711")
      assert.deepStrictEqual(found.map((c) => c.id), [id])
      assert.strictEqual((yield* intercom.findConversationsByCustomAttribute("drift_id", "4712")).length, 0)
      const listed = yield* intercom.listConversations()
      assert.deepStrictEqual(listed.conversations.map((c) => c.id), [id])
      const searched = yield* intercom.searchConversations({
        query: { field: "state", operator: "=", value: "closed" }
      })
      assert.strictEqual(searched.total_count, 1)
      const plain = yield* intercom.getConversation(id, { plaintext: true })
      assert.strictEqual(plain.source.body, "Hello from 2020")
      assert.strictEqual(Intercom.ConversationState.literals.includes(plain.state), true)
    }))

  it.live("typed errors: 401, 404, 409 with the existing id, 400 naming the field, and requests refused before sending", () =>
    Effect.gen(function*() {
      const sandbox = yield* start()
      const intercom = yield* client(sandbox)
      const wrong = yield* client(sandbox, { token: Redacted.make("not-the-token") })

      const unauthorized = yield* Effect.flip(wrong.listAdmins())
      assert.strictEqual(unauthorized._tag, "Unauthorized")
      assert.strictEqual((unauthorized as IntercomApiError.Unauthorized).errors[0].code, "unauthorized")
      assert.notInclude(unauthorized.message, "not-the-token")

      const missing = yield* Effect.flip(intercom.getConversation(Intercom.ConversationId.make("999")))
      assert.strictEqual(missing._tag, "NotFound")

      const first = yield* intercom.createContact({ email: "dup@example.com" })
      const duplicate = yield* Effect.flip(intercom.createContact({ email: "dup@example.com" }))
      assert.strictEqual(duplicate._tag, "Conflict")
      assert.strictEqual((duplicate as IntercomApiError.Conflict).existingId, first.id)

      const message = yield* intercom.createConversation({ from: { type: "user", id: first.id }, body: "x" })
      const undefinedAttribute = yield* Effect.flip(
        intercom.updateConversation(message.conversation_id, { custom_attributes: { nope: 1 } })
      )
      assert.strictEqual(undefinedAttribute._tag, "ValidationError")
      assert.strictEqual((undefinedAttribute as IntercomApiError.ValidationError).field, "custom_attributes.nope")
      assert.strictEqual((undefinedAttribute as IntercomApiError.ValidationError).status, 400)

      const blank = yield* Effect.flip(intercom.createConversation({ from: { type: "user", id: first.id }, body: " " }))
      assert.strictEqual(blank._tag, "ValidationError")
      const noSuchContact = yield* Effect.flip(
        intercom.createConversation({ from: { type: "user", id: "667d0000000000000000ffff" }, body: "x" })
      )
      assert.strictEqual(noSuchContact._tag, "NotFound")

      const refused = yield* Effect.flip(intercom.listContacts({ perPage: 151 }))
      assert.strictEqual(refused._tag, "ValidationError")
      assert.isUndefined((refused as IntercomApiError.ValidationError).status, "refused before sending")
      const traffic = yield* sandbox.faults.stats
      assert.strictEqual(traffic.versions["2.11"], traffic.requests, "every request carries Intercom-Version: 2.11")
    }))

  it.live("reads are retried through 5xx; a write whose answer was lost is not repeated", () =>
    Effect.gen(function*() {
      const sandbox = yield* start()
      const intercom = yield* client(sandbox)
      const contact = yield* intercom.createContact({ email: "retry@example.com" })

      yield* sandbox.faults.set({ serverError: { every: 2, statuses: [502] } })
      for (let k = 0; k < 4; k++) yield* intercom.listAdmins()
      const afterReads = yield* intercom.stats
      assert.isAtLeast(afterReads.retries, 2, "the 502s were retried")

      yield* sandbox.faults.set({ lostAnswer: { every: 1 } })
      const lost = yield* Effect.flip(
        intercom.createConversation({
          from: { type: "user", id: contact.id },
          body: "once",
          created_at: at(1_500_000_000)
        })
      )
      assert.strictEqual(lost._tag, "ServerError")
      assert.isTrue(IntercomError.outcomeUnknown(lost))
      const traffic = yield* sandbox.faults.stats
      assert.strictEqual(traffic.faults.lostAnswer, 1, "one attempt only")
      assert.strictEqual((yield* sandbox.store.counts).conversations, 1, "the write happened exactly once")
      // Reconciling: the conversation is found by its contact and its (backdated) created_at before writing again.
      yield* sandbox.faults.set({})
      const landed = yield* intercom.searchConversations({
        query: {
          operator: "AND",
          value: [
            { field: "contact_ids", operator: "=", value: contact.id },
            { field: "created_at", operator: "=", value: 1_500_000_000 }
          ]
        }
      })
      assert.deepStrictEqual(landed.conversations.map((c) => c.source.body), ["<p>once</p>"])

      yield* sandbox.faults.set({ serverError: { every: 1, writesOnly: true, statuses: [500] } })
      const failed = yield* Effect.flip(intercom.reply(Intercom.ConversationId.make("1"), {
        message_type: "note",
        type: "admin",
        admin_id: sandbox.adminId,
        body: "n"
      }))
      assert.strictEqual(failed._tag, "ServerError")
      assert.strictEqual(
        (yield* sandbox.faults.stats).faults.serverError,
        afterReads.retries + 1,
        "each read fault was retried once; the write was attempted once"
      )

      yield* sandbox.faults.set({ lostAnswer: { every: 1, mode: "reset" } })
      const cut = yield* Effect.flip(
        intercom.createConversation({ from: { type: "user", id: contact.id }, body: "cut" })
      )
      assert.strictEqual(cut._tag, "TransportError")
      assert.isTrue(IntercomError.outcomeUnknown(cut))
      assert.strictEqual((yield* sandbox.store.counts).conversations, 2)
    }))

  it.live("a write refused with 429 is retried (429 comes before processing) and lands once", () =>
    Effect.gen(function*() {
      const sandbox = yield* start({ faults: { rateLimited: { every: 2, writesOnly: true } } })
      const intercom = yield* client(sandbox)
      const contact = yield* intercom.createContact({ email: "limited@example.com" })
      const message = yield* intercom.createConversation({ from: { type: "user", id: contact.id }, body: "hi" })
      assert.strictEqual(message.conversation_id, "1")
      const stats = yield* intercom.stats
      assert.strictEqual(stats.rateLimited, 1)
      assert.strictEqual(stats.retries, 1)
      assert.strictEqual((yield* sandbox.store.counts).conversations, 1)
    }))
})

describe("IntercomClient configuration and timeouts", () => {
  it.live("layerConfig reads INTERCOM_TOKEN and INTERCOM_BASE_URL; a region outside us/eu/au is a ConfigError", () =>
    Effect.gen(function*() {
      const sandbox = yield* start()
      const admins = yield* IntercomClient.IntercomClient.use((intercom) => intercom.listAdmins()).pipe(
        Effect.provide(IntercomClient.IntercomClient.layerConfig.pipe(Layer.provide(FetchHttpClient.layer))),
        Effect.provide(ConfigProvider.layer(ConfigProvider.fromUnknown({
          INTERCOM_TOKEN: sandbox.token,
          INTERCOM_BASE_URL: sandbox.url,
          INTERCOM_REGION: "eu"
        })))
      )
      assert.strictEqual(admins.length, 3)
      const bad = yield* Effect.flip(
        IntercomClient.config.parse(ConfigProvider.fromUnknown({ INTERCOM_TOKEN: "t", INTERCOM_REGION: "mars" }))
      )
      assert.include(bad.message, "INTERCOM_REGION")
      assert.strictEqual(IntercomClient.REGIONS.eu, "https://api.eu.intercom.io")
      assert.strictEqual(IntercomClient.REGIONS.au, "https://api.au.intercom.io")
    }))

  it.live("a read that times out is retried; a write that times out is not", () =>
    Effect.gen(function*() {
      const sandbox = yield* start()
      const contact = yield* (yield* client(sandbox)).createContact({ email: "slow@example.com" })
      const intercom = yield* client(sandbox, { timeout: "150 millis", retry: { times: 1, baseDelay: "1 millis" } })
      yield* sandbox.faults.set({ latency: { ms: 2000 } })
      const read = yield* Effect.flip(intercom.listAdmins())
      assert.strictEqual(read._tag, "Timeout")
      assert.strictEqual((read as IntercomError.Timeout).attempts, 2)
      const write = yield* Effect.flip(
        intercom.createConversation({ from: { type: "user", id: contact.id }, body: "x" })
      )
      assert.strictEqual(write._tag, "Timeout")
      assert.strictEqual((write as IntercomError.Timeout).attempts, 1)
      assert.isTrue(IntercomError.outcomeUnknown(write))
    }))
})
