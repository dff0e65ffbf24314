import { describe, expect, it } from "@effect/vitest"
import { Drift, Html } from "@parley/schema"
import { Arbitrary, DateTime, Effect, Option, Schema } from "effect"
import { readFileSync } from "node:fs"

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8"))

const decodeError = (schema: Schema.Codec<unknown, unknown>, input: unknown): string => {
  const exit = Schema.decodeUnknownExit(schema)(input)
  if (exit._tag === "Success") throw new Error("expected a decode error, got a value")
  return String(exit.cause)
}

const roundTrips = <S extends Schema.Codec<unknown, unknown>>(schema: S) => {
  const equivalence = Schema.toEquivalence(schema)
  const decode = Schema.decodeUnknownSync(schema)
  const encode = Schema.encodeSync(schema)
  return (a: S["Type"]) => equivalence(decode(encode(a)), a)
}

describe("Drift fixtures: encode(decode(x)) === x", () => {
  const cases: ReadonlyArray<readonly [string, Schema.Codec<unknown, unknown>]> = [
    ["drift-conversations-page.json", Drift.ConversationsPage],
    ["drift-conversations-last-page.json", Drift.ConversationsPage],
    ["drift-conversation.json", Drift.ConversationResponse],
    ["drift-messages-page.json", Drift.MessagesPage],
    ["drift-messages-page-nested-pagination.json", Drift.MessagesPage],
    ["drift-create-conversation-request.json", Drift.CreateConversationRequest],
    ["drift-create-conversation-request-routed.json", Drift.CreateConversationRequest],
    ["drift-create-conversation-response.json", Drift.CreateConversationResponse],
    ["drift-errors.json", Drift.ApiErrors],
    ["drift-error-legacy.json", Drift.ApiErrors],
    ["drift-stats.json", Drift.ConversationStats],
    ["drift-contact.json", Drift.ContactResponse],
    ["drift-user.json", Drift.UserResponse],
    ["drift-users.json", Drift.UsersResponse]
  ]
  for (const [name, schema] of cases) {
    it(name, () => {
      const input = fixture(name)
      const decoded = Schema.decodeUnknownSync(schema)(input)
      expect(Schema.encodeSync(schema)(decoded)).toStrictEqual(input)
    })
  }

  it("decodes timestamps to DateTime.Utc and ids to numbers", () => {
    const page = Schema.decodeUnknownSync(Drift.ConversationsPage)(fixture("drift-conversations-page.json"))
    const first = page.data[0]!
    expect(DateTime.formatIso(first.createdAt)).toBe("2009-03-24T19:25:59.384Z")
    expect(first.id).toBe(1230200520)
    expect(Drift.nextCursor(page.pagination)).toStrictEqual(Option.some("123494893"))
  })

  it("reads messages pagination at the top level or nested under data", () => {
    const top = Schema.decodeUnknownSync(Drift.MessagesPage)(fixture("drift-messages-page.json"))
    expect(Drift.nextCursor(Drift.messagesPagination(top))).toStrictEqual(Option.some("2230000003"))
    const nested = Schema.decodeUnknownSync(Drift.MessagesPage)(fixture("drift-messages-page-nested-pagination.json"))
    expect(Drift.messagesPagination(nested)).toStrictEqual({ more: false, next: "1" })
    expect(Drift.nextCursor(Drift.messagesPagination(nested))).toStrictEqual(Option.none())
  })

  it("accepts a numeric cursor and decodes it to its string", () => {
    const page = Schema.decodeUnknownSync(Drift.ConversationsPage)({ data: [], pagination: { more: true, next: 50 } })
    expect(Drift.nextCursor(page.pagination)).toStrictEqual(Option.some("50"))
  })

  it("lists both error envelope forms", () => {
    const a = Schema.decodeUnknownSync(Drift.ApiErrors)(fixture("drift-errors.json"))
    const b = Schema.decodeUnknownSync(Drift.ApiErrors)(fixture("drift-error-legacy.json"))
    expect(Drift.apiErrorList(a)).toStrictEqual([
      { type: "validation_error", message: "limit must be at most 50", param: "limit" }
    ])
    expect(Drift.apiErrorList(b)).toStrictEqual([{ type: "error", message: "Unauthorized" }])
    expect(() => Schema.decodeUnknownSync(Drift.ApiErrors)({ errors: [] })).toThrow()
  })

  it("maps status ids both ways", () => {
    expect(Drift.statusIdOf("open")).toBe(1)
    expect(Drift.statusIdOf("closed")).toBe(2)
    expect(Drift.statusIdOf("pending")).toBe(3)
    expect(Drift.statusOfId(2)).toBe("closed")
  })
})

describe("Drift open objects", () => {
  it("keeps unknown keys of message attributes and contact attributes", () => {
    const page = fixture("drift-messages-page.json") as { data: { messages: Array<Record<string, unknown>> } }
    const decoded = Schema.decodeUnknownSync(Drift.MessagesPage)(page)
    expect(decoded.data.messages[0]!.attributes).toStrictEqual({
      preMessages: [{ body: "Welcome!" }],
      customFlag: { nested: [1, 2, 3] }
    })
    const contact = Schema.decodeUnknownSync(Drift.ContactResponse)(fixture("drift-contact.json"))
    expect(contact.data.attributes["lead_score"]).toBe(42)
    expect(contact.data.attributes.email).toBe("alice@example.com")
  })

  it("ignores extra keys on closed models", () => {
    const decoded = Schema.decodeUnknownSync(Drift.Conversation)({
      id: 1,
      status: "open",
      contactId: 2,
      inboxId: 3,
      createdAt: 0,
      updatedAt: 0,
      somethingNew: true
    })
    expect(Schema.encodeSync(Drift.Conversation)(decoded)).toStrictEqual({
      id: 1,
      status: "open",
      contactId: 2,
      inboxId: 3,
      createdAt: 0,
      updatedAt: 0
    })
  })
})

describe("Drift message types: an open set", () => {
  const message = (patch: Record<string, unknown>) => ({
    id: 1,
    orgId: 2,
    body: "hi",
    author: { type: "user", id: 3 },
    type: "chat",
    conversationId: 4,
    createdAt: 5,
    ...patch
  })
  const decode = Schema.decodeUnknownSync(Drift.Message)
  const encode = Schema.encodeSync(Drift.Message)

  it.each(["chat", "private_note", "private_prompt", "suggestion"])("%s decodes as a known type", (type) => {
    const m = decode(message({ type }))
    expect(m.type).toBe(type)
    expect(Drift.isKnownType(m.type)).toBe(true)
    expect(encode(m)).toStrictEqual(message({ type }))
  })

  it("an edit keeps editedMessageId and editType", () => {
    const input = message({ type: "edit", editedMessageId: 77, editType: "replace" })
    const m = decode(input)
    expect(m.type).toBe("edit")
    expect(m.editedMessageId).toBe(77)
    expect(m.editType).toBe("replace")
    expect(encode(m)).toStrictEqual(input)
  })

  it.each(["poll", "CHAT", "", "private note", "\u0000x"])(
    "an unknown type %j is kept verbatim, never an error",
    (type) => {
      const input = message({ type })
      const m = decode(input)
      expect(m.type).toBe(type)
      expect(Drift.isKnownType(m.type)).toBe(false)
      expect(JSON.stringify(encode(m))).toBe(JSON.stringify(input))
    }
  )

  it("a type that is not a string is still an error naming the path", () => {
    expect(decodeError(Drift.Message, message({ type: 7 }))).toContain("at [\"type\"]")
  })

  it("an editedMessageId beyond 2^53 is an error, not a rounded id", () => {
    const json = JSON.stringify(message({ type: "edit", editedMessageId: 0 })).replace(
      "\"editedMessageId\":0",
      "\"editedMessageId\":18446744073709551615"
    )
    expect(decodeError(Drift.Message, JSON.parse(json))).toContain("[\"editedMessageId\"]")
  })

  it("creating a message takes chat or private_note only", () => {
    expect(() => Schema.decodeUnknownSync(Drift.CreateMessageRequest)({ type: "edit" })).toThrow()
  })

  it.prop(
    "MessageType: decode(encode(t)) === t and encode(decode(s)) === s for every string",
    [Schema.String],
    ([s]) => {
      const t = Schema.decodeUnknownSync(Drift.MessageType)(s)
      expect(Schema.encodeSync(Drift.MessageType)(t)).toBe(s)
      expect(Drift.isKnownType(t)).toBe((Drift.knownMessageTypes as ReadonlyArray<string>).includes(s))
    }
  )

  it.effect("the arbitrary generates known and unknown types, and edits", () =>
    Effect.gen(function*() {
      const messages = yield* Arbitrary.sampleEffect(Arbitrary.schema(Drift.Message), { count: 300, size: 30 })
      expect(messages.some((m) => Drift.isKnownType(m.type))).toBe(true)
      expect(messages.some((m) => !Drift.isKnownType(m.type))).toBe(true)
      expect(messages.some((m) => m.editedMessageId !== undefined)).toBe(true)
    }))
})

describe("Drift contacts and tags as real servers send them", () => {
  it("externalId may be a string or a number, kept as sent", () => {
    for (const externalId of ["abc-1", 12345, null]) {
      const input = { data: { id: 1, createdAt: 0, attributes: { externalId } } }
      const decoded = Schema.decodeUnknownSync(Drift.ContactResponse)(input)
      expect(decoded.data.attributes.externalId).toBe(externalId)
      expect(Schema.encodeSync(Drift.ContactResponse)(decoded)).toStrictEqual(input)
    }
  })

  it("tag colors with or without #", () => {
    for (const color of ["#33aaff", "33aaff", "fff", "#FFF"]) {
      expect(Schema.decodeUnknownSync(Drift.ConversationTag)({ color, name: "x" }).color).toBe(color)
    }
  })
})

describe("Drift message bodies", () => {
  it("sanitizes the body on decode with Drift's policy", () => {
    const message = Schema.decodeUnknownSync(Drift.Message)({
      id: 1,
      orgId: 2,
      body: "<p onclick=\"x()\">Hi <b>there</b><script>alert(1)</script> <a href=\"javascript:alert(1)\">x</a></p>",
      author: { type: "contact", id: 3 },
      type: "chat",
      conversationId: 4,
      createdAt: 5
    })
    expect(message.body).toBe(
      Html.sanitize(
        "<p onclick=\"x()\">Hi <b>there</b><script>alert(1)</script> <a href=\"javascript:alert(1)\">x</a></p>"
      )
    )
    expect(message.body).not.toContain("script")
    expect(message.body).not.toContain("javascript")
    expect(message.body).toContain("<b>there</b>")
  })
})

describe("Drift bad input: a SchemaError naming the path", () => {
  const page = (conversation: Record<string, unknown>) => ({
    data: [
      { id: 1, status: "open", contactId: 2, inboxId: 3, createdAt: 0, updatedAt: 0 },
      { id: 1, status: "open", contactId: 2, inboxId: 3, createdAt: 0, updatedAt: 0, ...conversation }
    ]
  })

  it("rejects an id beyond 2^53 instead of rounding it", () => {
    const input = JSON.parse(
      "{\"data\":[{\"id\":18446744073709551615,\"status\":\"open\",\"contactId\":2,\"inboxId\":3,\"createdAt\":0,\"updatedAt\":0}]}"
    )
    const message = decodeError(Drift.ConversationsPage, input)
    expect(message).toContain("at [\"data\"][0][\"id\"]")
    expect(message).toContain("2^53")
  })

  it.each([
    ["negative timestamp", { createdAt: -1 }, "[\"data\"][1][\"createdAt\"]", "epoch timestamp in milliseconds"],
    ["fractional timestamp", { updatedAt: 1.5 }, "[\"data\"][1][\"updatedAt\"]", "epoch timestamp in milliseconds"],
    ["timestamp as a string", { createdAt: "2020-01-01" }, "[\"data\"][1][\"createdAt\"]", "number"],
    [
      "unknown status",
      { status: "archived" },
      "[\"data\"][1][\"status\"]",
      "\"open\" | \"closed\" | \"pending\" | \"bulk_sent\""
    ],
    ["negative id", { contactId: -4 }, "[\"data\"][1][\"contactId\"]", "non-negative integer id"],
    ["missing inbox", { inboxId: undefined }, "[\"data\"][1][\"inboxId\"]", ""],
    [
      "tag with a bad color",
      { conversationTags: [{ color: "blue", name: "x" }] },
      "[\"data\"][1][\"conversationTags\"][0][\"color\"]",
      "hex color"
    ]
  ])("%s", (_, patch, path, expected) => {
    const input = page(patch)
    if ("inboxId" in patch) delete (input.data[1] as Record<string, unknown>)["inboxId"]
    const message = decodeError(Drift.ConversationsPage, input)
    expect(message).toContain(`at ${path}`)
    expect(message).toContain(expected)
  })

  it("names the path inside a message", () => {
    const message = decodeError(Drift.MessagesPage, {
      data: {
        messages: [{
          id: 1,
          orgId: 2,
          author: { type: "robot", id: 3 },
          type: "chat",
          conversationId: 4,
          createdAt: 0
        }]
      }
    })
    expect(message).toContain("at [\"data\"][\"messages\"][0][\"author\"]")
    expect(message).toContain("\"contact\"")
  })
})

describe("Drift codec law: decode(encode(a)) equals a", () => {
  const options = { arbitrary: { runs: 150, size: 30 } }
  it.prop("Conversation", [Drift.Conversation], ([a]) => roundTrips(Drift.Conversation)(a), options)
  it.prop("Message", [Drift.Message], ([a]) => roundTrips(Drift.Message)(a), options)
  it.prop("Thread", [Drift.Thread], ([a]) => roundTrips(Drift.Thread)(a), { arbitrary: { runs: 50, size: 30 } })
  it.prop("ConversationsPage", [Drift.ConversationsPage], ([a]) => roundTrips(Drift.ConversationsPage)(a), options)
  it.prop("MessagesPage", [Drift.MessagesPage], ([a]) => roundTrips(Drift.MessagesPage)(a), {
    arbitrary: { runs: 50, size: 30 }
  })
  it.prop("Contact", [Drift.Contact], ([a]) => roundTrips(Drift.Contact)(a), options)
  it.prop("User", [Drift.User], ([a]) => roundTrips(Drift.User)(a), options)
  it.prop("ApiErrors", [Drift.ApiErrors], ([a]) => roundTrips(Drift.ApiErrors)(a), options)
  it.prop("ConversationStats", [Drift.ConversationStats], ([a]) => roundTrips(Drift.ConversationStats)(a), options)
  it.prop(
    "CreateConversationRequest",
    [Drift.CreateConversationRequest],
    ([a]) => roundTrips(Drift.CreateConversationRequest)(a),
    options
  )
  it.prop(
    "CreateConversationResponse",
    [Drift.CreateConversationResponse],
    ([a]) => roundTrips(Drift.CreateConversationResponse)(a),
    options
  )
  it.effect("the arbitraries exercise the optional fields the laws are about", () =>
    Effect.gen(function*() {
      const messages = yield* Arbitrary.sampleEffect(Arbitrary.schema(Drift.Message), { count: 200, size: 30 })
      for (const key of ["body", "buttons", "context", "attributes", "attachments"] as const) {
        expect(messages.some((m) => m[key] !== undefined), key).toBe(true)
      }
      expect(messages.some((m) => m.body !== undefined && m.body.includes("<"))).toBe(true)
      const conversations = yield* Arbitrary.sampleEffect(Arbitrary.schema(Drift.Conversation), {
        count: 100,
        size: 30
      })
      expect(conversations.some((c) => c.conversationTags !== undefined && c.conversationTags.length > 0)).toBe(true)
    }))
  it.prop(
    "CreateMessageRequest",
    [Drift.CreateMessageRequest],
    ([a]) => roundTrips(Drift.CreateMessageRequest)(a),
    options
  )
})
