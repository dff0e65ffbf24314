import { describe, expect, it } from "@effect/vitest"
import { Drift, Html, Intercom } from "@parley/schema"
import { DateTime, Exit, Result, Schema } from "effect"
import { readFileSync } from "node:fs"
import { MapperConfig, Mapping as Real, MappingError } from "../src/index.ts"
import { expectedWithoutCarry } from "./support/laws.ts"
import { validatorFor } from "./support/openapi.ts"

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8"))

const decodeThread = Schema.decodeUnknownSync(Drift.Thread)
const encodeThread = Schema.encodeSync(Drift.Thread)
const encodeV2 = Schema.encodeSync(Intercom.ConversationV2)
const encodeClassic = Schema.encodeSync(Intercom.Conversation)
const decodeV2 = Schema.decodeUnknownSync(Intercom.ConversationV2)
const decodeClassic = Schema.decodeUnknownSync(Intercom.Conversation)

/** A config resolved (a bad one fails the test). */
const resolved = (config?: MapperConfig.MapperConfig): MapperConfig.Resolved =>
  Result.getOrThrow(MapperConfig.resolveCached(config))

/**
 * The mapper's functions taking a plain config, and unwrapping the backward `Result` (a failure throws, failing
 * the test): most tests are about the mapping, not the `Result`. The "Intercom -> Drift" and "config" suites
 * test the `Result`s and `SchemaError`s themselves through `Real`.
 */
const Mapping = {
  ...Real,
  toIntercomSync: (t: Drift.Thread, config?: MapperConfig.MapperConfig) => Real.toIntercomSync(t, resolved(config)),
  toIntercomV2Sync: (t: Drift.Thread, config?: MapperConfig.MapperConfig) => Real.toIntercomV2Sync(t, resolved(config)),
  fromIntercomSync: (c: Intercom.Conversation, config?: MapperConfig.MapperConfig) =>
    Result.getOrThrow(Real.fromIntercomSync(c, resolved(config))),
  fromIntercomV2Sync: (c: Intercom.ConversationV2, config?: MapperConfig.MapperConfig) =>
    Result.getOrThrow(Real.fromIntercomV2Sync(c, resolved(config))),
  driftToIntercom: (config?: MapperConfig.MapperConfig) => Real.driftToIntercom(resolved(config)),
  driftJsonToIntercomJson: (config?: MapperConfig.MapperConfig) => Real.driftJsonToIntercomJson(resolved(config)),
  driftJsonToIntercomV2Json: (config?: MapperConfig.MapperConfig) => Real.driftJsonToIntercomV2Json(resolved(config)),
  waitingSinceSeconds: (t: Drift.Thread, config?: MapperConfig.MapperConfig) =>
    Real.waitingSinceSeconds(t, resolved(config))
}

const users = Schema.decodeUnknownSync(Drift.UsersResponse)(fixture("drift-users.json")).data
const seedThread = decodeThread(fixture("drift-thread.json"))

/** A minimal thread to vary in unit tests. */
const thread = (overrides: {
  readonly conversation?: Partial<Drift.ConversationEncoded>
  readonly messages?: ReadonlyArray<Partial<Drift.MessageEncoded>>
  readonly contact?: Record<string, unknown>
} = {}): Drift.Thread =>
  decodeThread({
    conversation: {
      id: 10,
      status: "open",
      contactId: 20,
      inboxId: 30,
      createdAt: 1_700_000_000_123,
      updatedAt: 1_700_000_900_456,
      ...overrides.conversation
    },
    messages: (overrides.messages ?? []).map((m, i) => ({
      id: 100 + i,
      orgId: 1,
      body: `message ${i}`,
      author: { type: "contact", id: 20, bot: false },
      type: "chat",
      conversationId: 10,
      createdAt: 1_700_000_000_123 + i * 60_000,
      ...m
    })),
    ...(overrides.contact === undefined ? {} : { contact: overrides.contact })
  })

/** The Intercom author types of a thread's messages, source first. */
const authorTypes = (t: Drift.Thread, config?: MapperConfig.MapperConfig): Array<string> => {
  const v2 = Mapping.toIntercomV2Sync(t, config)
  return [v2.source.author.type, ...v2.conversation_parts!.conversation_parts.map((p) => p.author.type)]
}

const contactSays = (at: number) => ({ author: { type: "contact" as const, id: 20, bot: false }, createdAt: at })
const userSays = (at: number, bot = false) => ({ author: { type: "user" as const, id: 7, bot }, createdAt: at })

// -----------------------------------------------------------------------------
// Worked example (seed-like data) checked exactly
// -----------------------------------------------------------------------------

describe("worked example: a Drift thread from seeds 000/002/004 and its Intercom outputs", () => {
  const config = { users }

  it("maps to the classic conversation exactly", () => {
    const json = Schema.decodeUnknownSync(Mapping.driftJsonToIntercomJson(config))(fixture("drift-thread.json"))
    expect(json).toStrictEqual(fixture("intercom-classic.json"))
  })

  it("maps to the API 2.11 conversation exactly", () => {
    const json = Schema.decodeUnknownSync(Mapping.driftJsonToIntercomV2Json(config))(fixture("drift-thread.json"))
    expect(json).toStrictEqual(fixture("intercom-v2.json"))
  })

  it("the API 2.11 output validates against the spec", () => {
    const result = validatorFor("conversation")(fixture("intercom-v2.json"))
    expect(result.errors).toStrictEqual([])
  })

  it("maps the API 2.11 output back to the (sanitized) Drift thread exactly, wire to wire", () => {
    const back = Schema.encodeUnknownSync(Mapping.driftJsonToIntercomV2Json(config))(fixture("intercom-v2.json"))
    expect(back).toStrictEqual(encodeThread(seedThread))
    // the relative link of seed 002's body was unwrapped by Drift's sanitizer on the way in
    expect(back.messages[0]!.body).toBe("A conversation was started here, let's resume from drift!")
  })

  it("maps the classic output back to the lossless fields", () => {
    const back = Mapping.fromIntercomSync(decodeClassic(fixture("intercom-classic.json")), config)
    expect(encodeThread(back)).toStrictEqual(
      expectedWithoutCarry(encodeThread(seedThread), {
        allParticipants: false,
        optionalSourceBody: false,
        emptyAttachments: false,
        bots: new Set([9000])
      })
    )
  })

  it("uses the directory for names, emails and bots; an unknown email is \"\" as Intercom writes it", () => {
    const v2 = Mapping.toIntercomV2Sync(seedThread, config)
    const parts = v2.conversation_parts!.conversation_parts
    expect(parts[0]!.author).toStrictEqual({ type: "bot", id: "9000", name: "Drift Bot", email: "" })
    expect(parts[2]!.author).toStrictEqual({ type: "admin", id: "21849", name: "Chris", email: "chris@example.com" })
    const without = Mapping.toIntercomV2Sync(seedThread)
    expect(without.conversation_parts!.conversation_parts[2]!.author).toStrictEqual({
      type: "admin",
      id: "21849",
      name: null,
      email: ""
    })
    const lead = Mapping.toIntercomV2Sync(thread({ messages: [{}] }))
    expect(lead.source.author).toStrictEqual({ type: "lead", id: "20", name: null, email: "" })
    expect(JSON.stringify(encodeV2(without))).not.toContain("drift.invalid")
  })
})

// -----------------------------------------------------------------------------
// Laws
// -----------------------------------------------------------------------------

/**
 * The thread as it arrives from Drift: through JSON. (Generated open `attributes` may hold objects without a
 * prototype, which no JSON source produces and which a JSON string cannot carry.)
 */
const viaJson = (t: Drift.Thread): Drift.Thread => decodeThread(JSON.parse(JSON.stringify(encodeThread(t))))

/** A directory for the users of `t`, every other one a bot, so the bot rules are exercised. */
const directoryOf = (t: Drift.Thread): Array<Drift.User> =>
  [...new Set(t.messages.flatMap((m) => (m.author.type === "user" ? [m.author.id] : [])))].map((id, i) => ({
    id,
    name: `User ${id}`,
    email: `user${id}@example.com`,
    bot: i % 2 === 1
  }))

describe("law: API 2.11 with carried fields (the default) gives every Drift thread back exactly", () => {
  const runs = { arbitrary: { runs: 200 } }

  it.prop("fromIntercomV2Sync(toIntercomV2Sync(t)) equals t", [Drift.Thread], ([generated]) => {
    const t = viaJson(generated)
    expect(encodeThread(Mapping.fromIntercomV2Sync(Mapping.toIntercomV2Sync(t)))).toStrictEqual(encodeThread(t))
  }, runs)

  it.prop("encode(decode(t)) equals t through the DriftToIntercomV2 schema", [Drift.Thread], ([generated]) => {
    const t = viaJson(generated)
    const schema = Mapping.DriftToIntercomV2
    expect(encodeThread(Schema.encodeSync(schema)(Schema.decodeSync(schema)(t)))).toStrictEqual(encodeThread(t))
  }, { arbitrary: { runs: 100 } })

  it.prop(
    "also through Intercom's wire JSON, with a directory, a default admin and leads",
    [Drift.Thread],
    ([generated]) => {
      const t = viaJson(generated)
      const config = { users: directoryOf(t), defaultAdminId: 3, contactRole: "lead" as const }
      const wire = JSON.parse(JSON.stringify(encodeV2(Mapping.toIntercomV2Sync(t, config))))
      const back = Mapping.fromIntercomV2Sync(decodeV2(wire), config)
      expect(encodeThread(back)).toStrictEqual(encodeThread(t))
    },
    runs
  )
})

describe("law: shapes without carried fields give back every field the table marks lossless", () => {
  const runs = { arbitrary: { runs: 200 } }

  it.prop("classic", [Drift.Thread], ([t]) => {
    const back = Schema.encodeSync(Mapping.DriftToIntercom)(Schema.decodeSync(Mapping.DriftToIntercom)(t))
    expect(encodeThread(back)).toStrictEqual(
      expectedWithoutCarry(encodeThread(t), {
        allParticipants: false,
        optionalSourceBody: false,
        emptyAttachments: false
      })
    )
  }, runs)

  it.prop("classic, with a directory of bots", [Drift.Thread], ([t]) => {
    const directory = directoryOf(t)
    const config = { users: directory }
    const back = Mapping.fromIntercomSync(Mapping.toIntercomSync(t, config), config)
    expect(encodeThread(back)).toStrictEqual(
      expectedWithoutCarry(encodeThread(t), {
        allParticipants: false,
        optionalSourceBody: false,
        emptyAttachments: false,
        bots: new Set(directory.filter((u) => u.bot === true).map((u) => u.id))
      })
    )
  }, runs)

  it.prop("API 2.11 with carry: \"none\"", [Drift.Thread], ([t]) => {
    const config = { carry: "none" } as const
    const back = Mapping.fromIntercomV2Sync(Mapping.toIntercomV2Sync(t, config), config)
    expect(encodeThread(back)).toStrictEqual(
      expectedWithoutCarry(encodeThread(t), { allParticipants: true, optionalSourceBody: true, emptyAttachments: true })
    )
  }, runs)

  it.prop("API 2.11 carrying only the status", [Drift.Thread], ([t]) => {
    const config = { carryFields: ["status"] } as const
    const back = Mapping.fromIntercomV2Sync(Mapping.toIntercomV2Sync(t, config), config)
    expect(encodeThread(back)).toStrictEqual(
      expectedWithoutCarry(encodeThread(t), {
        allParticipants: true,
        optionalSourceBody: true,
        emptyAttachments: true,
        status: true
      })
    )
  }, runs)
})

describe("law: every API 2.11 output validates against components.schemas.conversation (ajv)", () => {
  const validate = validatorFor("conversation")
  const configs: ReadonlyArray<MapperConfig.MapperConfig> = [{}, { carry: "none" }, {
    bodies: "raw",
    defaultAdminId: 1
  }]

  it.prop("for every thread and config", [Drift.Thread], ([t]) => {
    for (const config of configs) {
      const json = encodeV2(Mapping.toIntercomV2Sync(t, { ...config, users: directoryOf(t) }))
      const result = validate(JSON.parse(JSON.stringify(json)))
      expect(result.errors).toStrictEqual([])
    }
  }, { arbitrary: { runs: 150 } })

  it("the validator is strict: a missing required field or a wrong type fails", () => {
    const good = fixture("intercom-v2.json") as Record<string, unknown>
    const { teammates: _, ...noTeammates } = good
    expect(validate(noTeammates).valid).toBe(false)
    expect(validate({ ...good, admin_assignee_id: "21849" }).valid).toBe(false)
    expect(validate({ ...good, waiting_since: 1.5 }).valid).toBe(false)
  })

  it.prop("classic outputs are valid Intercom.Conversation values (encode/decode through the schema)", [
    Drift.Thread
  ], ([t]) => {
    const json = encodeClassic(Mapping.toIntercomSync(t))
    expect(encodeClassic(decodeClassic(JSON.parse(JSON.stringify(json))))).toStrictEqual(json)
  }, { arbitrary: { runs: 100 } })
})

describe("law: bodies", () => {
  it.prop("bodyToDrift(bodyToIntercom(b)) === b for every sanitized Drift body", [Html.SanitizedBody], ([b]) => {
    expect(Mapping.bodyToDrift(Mapping.bodyToIntercom(b))).toBe(b)
    expect(Mapping.bodyToDrift(Mapping.bodyToIntercom(b, "raw"))).toBe(b)
  }, { arbitrary: { runs: 500 } })

  it("writes lines as paragraphs when that maps back, the body as it is otherwise", () => {
    expect(Mapping.bodyToIntercom("Hi\nthere &amp; <b>you</b>")).toBe("<p>Hi</p><p>there &amp; <b>you</b></p>")
    expect(Mapping.bodyToIntercom("plain")).toBe("<p>plain</p>")
    expect(Mapping.bodyToIntercom("")).toBe("")
    // blank lines would collapse under Drift's sanitizer: kept as they are
    expect(Mapping.bodyToIntercom("one\n\ntwo")).toBe("one\n\ntwo")
    expect(Mapping.bodyToIntercom("x\ny", "raw")).toBe("x\ny")
  })

  it("re-sanitizes Intercom bodies to Drift's rules", () => {
    expect(Mapping.bodyToDrift("<p>Hi <strong>Alice</strong>,</p><ul><li>one</li><li>two</li></ul><img src=x>"))
      .toBe("Hi Alice,\none\ntwo")
  })
})

// -----------------------------------------------------------------------------
// Rules
// -----------------------------------------------------------------------------

describe("rules", () => {
  it("ids become decimal strings and come back as numbers", () => {
    const v2 = Mapping.toIntercomV2Sync(thread({ messages: [{}, {}] }))
    expect(v2.id).toBe("10")
    expect(v2.source.id).toBe("100")
    expect(v2.conversation_parts!.conversation_parts[0]!.id).toBe("101")
    expect(v2.contacts.contacts).toStrictEqual([{ type: "contact", id: "20" }])
  })

  it("timestamps: milliseconds floor to seconds; 2.11 carries the exact milliseconds", () => {
    const t = thread({ messages: [{}, { createdAt: 1_700_000_060_999 }] })
    const v2 = encodeV2(Mapping.toIntercomV2Sync(t))
    expect(v2.created_at).toBe(1_700_000_000)
    expect(v2.updated_at).toBe(1_700_000_900)
    expect(v2.conversation_parts!.conversation_parts[0]!.created_at).toBe(1_700_000_060)
    expect(v2.custom_attributes["drift_created_at_ms"]).toBe(1_700_000_000_123)
    const classic = Mapping.fromIntercomSync(Mapping.toIntercomSync(t))
    expect(classic.conversation.createdAt.epochMilliseconds).toBe(1_700_000_000_000)
    expect(classic.messages[1]!.createdAt.epochMilliseconds).toBe(1_700_000_060_000)
  })

  it("a carried millisecond time is used only while it agrees with Intercom's seconds", () => {
    const v2 = Mapping.toIntercomV2Sync(thread())
    const edited = { ...v2, created_at: DateTime.makeUnsafe(1_600_000_000_000) }
    expect(Mapping.fromIntercomV2Sync(edited).conversation.createdAt.epochMilliseconds).toBe(1_600_000_000_000)
  })

  it("statuses: open/closed directly, pending <-> snoozed, bulk_sent -> closed (+ drift_status)", () => {
    const cases = [
      ["open", "open", true, "open", "open"],
      ["closed", "closed", false, "closed", "closed"],
      ["pending", "snoozed", true, "pending", "pending"],
      ["bulk_sent", "closed", false, "bulk_sent", "closed"]
    ] as const
    for (const [status, state, open, backV2, backClassic] of cases) {
      const t = thread({ conversation: { status } })
      const v2 = Mapping.toIntercomV2Sync(t)
      expect([v2.state, v2.open, v2.custom_attributes["drift_status"]]).toStrictEqual([state, open, status])
      expect(Mapping.fromIntercomV2Sync(v2).conversation.status).toBe(backV2)
      const classic = Mapping.toIntercomSync(t)
      expect([classic.state, classic.open]).toStrictEqual([state, open])
      expect(Mapping.fromIntercomSync(classic).conversation.status).toBe(backClassic)
    }
  })

  it("a conversation reopened in Intercom comes back open, whatever drift_status says", () => {
    const v2 = Mapping.toIntercomV2Sync(thread({ conversation: { status: "bulk_sent" } }))
    expect(Mapping.fromIntercomV2Sync({ ...v2, state: "open", open: true }).conversation.status).toBe("open")
  })

  it("first message -> source / conversation_message, the rest -> parts (chat: comment, private_note: note)", () => {
    const t = thread({ messages: [{}, { type: "private_note", author: { type: "user", id: 7 } }, {}] })
    const classic = Mapping.toIntercomSync(t)
    expect(classic.conversation_message.body).toBe("<p>message 0</p>")
    expect(classic.conversation_parts!.conversation_parts.map((p) => p.part_type)).toStrictEqual(["note", "comment"])
    expect(classic.conversation_parts!.total_count).toBe(2)
    const v2 = Mapping.toIntercomV2Sync(t)
    expect(v2.source.delivered_as).toBe("customer_initiated")
    expect(v2.conversation_parts!.conversation_parts.map((p) => p.part_type)).toStrictEqual(["note", "comment"])
  })

  it("message types: chat -> comment; private_note, private_prompt, suggestion, edit and unknown types -> note", () => {
    const user = { type: "user" as const, id: 7 }
    const t = thread({
      messages: [
        { type: "private_prompt", author: user },
        { type: "private_note", author: user },
        { type: "private_prompt", author: user },
        { type: "suggestion", author: user },
        { type: "chat", author: user, body: "Hello" },
        { type: "edit", author: user, body: "Hello!", editedMessageId: 104, editType: "replace" },
        { type: "poll", author: user }
      ]
    })
    const notes = ["note", "note", "note", "comment", "note", "note"]
    expect(Mapping.toIntercomSync(t).conversation_parts!.conversation_parts.map((p) => p.part_type)).toStrictEqual(
      notes
    )
    const v2 = Mapping.toIntercomV2Sync(t)
    const parts = v2.conversation_parts!.conversation_parts
    expect(parts.map((p) => p.part_type)).toStrictEqual(notes)
    // an edit is carried as its own note: the edited part keeps the body the contact saw first
    expect(parts[3]!.body).toBe("<p>Hello</p>")
    expect(parts[4]!.body).toBe("<p>Hello!</p>")
    // carried: every type, the edit's target and kind come back exactly
    expect(encodeThread(Mapping.fromIntercomV2Sync(v2))).toStrictEqual(encodeThread(t))
    // without carried fields: every type but chat comes back as private_note (and the first message as chat)
    const bare = Mapping.fromIntercomV2Sync(Mapping.toIntercomV2Sync(t, { carry: "none" }), { carry: "none" })
    expect(bare.messages.map((m) => m.type)).toStrictEqual([
      "chat",
      "private_note",
      "private_note",
      "private_note",
      "chat",
      "private_note",
      "private_note"
    ])
    expect(bare.messages[5]!.editedMessageId).toBeUndefined()
  })

  it("private prompts, suggestions, edits and unknown types never answer a waiting contact", () => {
    const t = thread({
      messages: [
        contactSays(1_700_000_000_000),
        { ...userSays(1_700_000_060_000), type: "suggestion" },
        { ...userSays(1_700_000_120_000), type: "edit", editedMessageId: 100 },
        { ...userSays(1_700_000_180_000), type: "private_prompt" },
        { ...userSays(1_700_000_240_000), type: "poll" }
      ]
    })
    expect(Mapping.waitingSinceSeconds(t)).toBe(1_700_000_000)
  })

  it("authors: contact -> user or lead (byEmail by default), user -> admin, bot -> bot", () => {
    const messages = [{}, { author: { type: "user" as const, id: 7, bot: false } }, {
      author: { type: "user" as const, id: 8, bot: true }
    }]
    const withEmail = thread({
      messages,
      contact: { id: 20, createdAt: 0, attributes: { email: "a@example.com" } }
    })
    const withoutEmail = thread({ messages, contact: { id: 20, createdAt: 0, attributes: { email: null } } })
    expect(authorTypes(withEmail)).toStrictEqual(["user", "admin", "bot"])
    expect(authorTypes(withoutEmail)).toStrictEqual(["lead", "admin", "bot"])
    expect(authorTypes(thread({ messages }))).toStrictEqual(["lead", "admin", "bot"])
    expect(authorTypes(withoutEmail, { contactRole: "user" })).toStrictEqual(["user", "admin", "bot"])
    expect(authorTypes(withEmail, { contactRole: (t) => (t.conversation.inboxId === 30 ? "lead" : "user") }))
      .toStrictEqual(["lead", "admin", "bot"])
    expect(Mapping.toIntercomSync(withEmail).user).toStrictEqual({ type: "user", id: "20" })
    expect(Mapping.toIntercomSync(withoutEmail).customers).toStrictEqual([{ type: "lead", id: "20" }])
  })

  it("a user the directory marks as a bot is a bot unless the message says otherwise", () => {
    const t = thread({
      messages: [{}, { author: { type: "user", id: 7 } }, { author: { type: "user", id: 7, bot: false } }]
    })
    const parts = Mapping.toIntercomSync(t, { users: [{ id: 7 as Drift.UserId, bot: true }] }).conversation_parts!
    expect(parts.conversation_parts.map((p) => p.author.type)).toStrictEqual(["bot", "admin"])
  })

  it("assignee: first participant, else the default admin, else nobody", () => {
    const t = thread({ conversation: { participants: [7, 8] } })
    expect(Mapping.toIntercomSync(t).assignee).toStrictEqual({ type: "admin", id: "7" })
    expect(Mapping.toIntercomV2Sync(t).admin_assignee_id).toBe(7)
    expect(Mapping.toIntercomV2Sync(t).teammates!.admins).toStrictEqual([
      { type: "admin", id: "7" },
      { type: "admin", id: "8" }
    ])
    const none = thread()
    expect(Mapping.toIntercomSync(none).assignee).toStrictEqual({ type: "nobody_admin", id: null })
    expect(Mapping.toIntercomV2Sync(none).admin_assignee_id).toBe(null)
    expect(Mapping.toIntercomSync(none, { defaultAdminId: 25 }).assignee).toStrictEqual({ type: "admin", id: "25" })
    expect(Mapping.toIntercomV2Sync(none, { defaultAdminId: 25 }).admin_assignee_id).toBe(25)
    // mapping back, the default admin alone means "no participants"
    expect(
      Mapping.fromIntercomSync(Mapping.toIntercomSync(none, { defaultAdminId: 25 }), { defaultAdminId: 25 })
        .conversation.participants
    ).toBe(undefined)
  })

  it("an Intercom assignee who is not among the teammates becomes the first participant", () => {
    const v2 = Mapping.toIntercomV2Sync(thread({ conversation: { participants: [7, 8] } }), { carry: "none" })
    const back = Mapping.fromIntercomV2Sync({ ...v2, admin_assignee_id: 9 })
    expect(back.conversation.participants).toStrictEqual([9, 7, 8])
    const back2 = Mapping.fromIntercomV2Sync({ ...v2, admin_assignee_id: 8 })
    expect(back2.conversation.participants).toStrictEqual([8, 7])
  })

  it("tags: by name, with a stable id from the name (FNV-1a 64)", () => {
    expect(Mapping.tagId("")).toBe("cbf29ce484222325")
    expect(Mapping.tagId("a")).toBe("af63dc4c8601ec8c")
    expect(Mapping.tagId("foobar")).toBe("85944171f73967e8")
    const a = thread({ conversation: { conversationTags: [{ color: "#fff", name: "VIP" }] } })
    const b = thread({ conversation: { id: 11, conversationTags: [{ color: "#000", name: "VIP" }] } })
    const idA = Mapping.toIntercomSync(a).tags.tags[0]!.id
    expect(idA).toBe(Mapping.toIntercomV2Sync(b).tags!.tags[0]!.id)
    expect(idA).toBe(Mapping.tagId("VIP"))
    expect(Mapping.tagId("vip")).not.toBe(idA)
    const back = Mapping.fromIntercomSync(Mapping.toIntercomSync(a), { tagColor: "#123456" })
    expect(back.conversation.conversationTags).toStrictEqual([{ name: "VIP", color: "#123456" }])
  })

  it("tags renamed or added in Intercom keep the carried colors they can", () => {
    const v2 = Mapping.toIntercomV2Sync(thread({
      conversation: { conversationTags: [{ color: "#111111", name: "a" }, { color: "#222222", name: "b" }] }
    }))
    const tags = v2.tags!
    const edited = { ...v2, tags: { ...tags, tags: [tags.tags[1]!, { ...tags.tags[0]!, name: "new" }] } }
    expect(Mapping.fromIntercomV2Sync(edited).conversation.conversationTags).toStrictEqual([
      { name: "b", color: "#222222" },
      { name: "new", color: "#cccccc" }
    ])
  })

  describe("waiting_since", () => {
    const base = 1_700_000_000_000
    it("is the last contact message after the last reply of a (non-bot) user", () => {
      const t = thread({
        messages: [contactSays(base), userSays(base + 60_000), contactSays(base + 120_500), contactSays(base + 180_900)]
      })
      expect(Mapping.waitingSinceSeconds(t)).toBe(1_700_000_180)
      expect(encodeV2(Mapping.toIntercomV2Sync(t)).waiting_since).toBe(1_700_000_180)
      expect(encodeClassic(Mapping.toIntercomSync(t)).waiting_since).toBe(1_700_000_180)
    })
    it("bots and private notes do not answer the contact", () => {
      const t = thread({
        messages: [contactSays(base), userSays(base + 60_000, true), {
          ...userSays(base + 70_000),
          type: "private_note"
        }]
      })
      expect(Mapping.waitingSinceSeconds(t)).toBe(1_700_000_000)
    })
    it("is the sentinel (classic: updated_at + 2000 years) or null (2.11) when a user spoke last", () => {
      const t = thread({ messages: [contactSays(base), userSays(base + 60_000)] })
      expect(Mapping.waitingSinceSeconds(t)).toBe(null)
      expect(encodeV2(Mapping.toIntercomV2Sync(t)).waiting_since).toBe(null)
      const classic = Mapping.toIntercomSync(t)
      expect(classic.waiting_since).toStrictEqual({ _tag: "NotWaiting", sentinel: 1_700_000_900 + 63_113_904_000 })
    })
    it("is not waiting when the conversation is closed or bulk sent", () => {
      for (const status of ["closed", "bulk_sent"] as const) {
        expect(Mapping.waitingSinceSeconds(thread({ conversation: { status }, messages: [contactSays(base)] })))
          .toBe(null)
      }
    })
  })

  it("attachments: name, url and content type in both shapes; 2.11 fills the sizes it requires with 0", () => {
    const t = thread({
      messages: [{ attachments: [{ id: 5, fileName: "a.png", mimeType: "image/png", url: "https://x.test/a.png" }] }]
    })
    expect(Mapping.toIntercomSync(t).conversation_message.attachments).toStrictEqual([
      { type: "upload", name: "a.png", url: "https://x.test/a.png", content_type: "image/png" }
    ])
    expect(Mapping.toIntercomV2Sync(t).source.attachments).toStrictEqual([
      {
        type: "upload",
        name: "a.png",
        url: "https://x.test/a.png",
        content_type: "image/png",
        filesize: 0,
        width: 0,
        height: 0
      }
    ])
  })

  it("a thread without messages maps to an empty source and back to no messages", () => {
    const t = thread()
    expect(Mapping.toIntercomSync(t).conversation_message).toStrictEqual({
      type: "conversation_message",
      subject: "",
      body: "",
      author: { type: "lead", id: "20" },
      attachments: []
    })
    expect(Mapping.fromIntercomSync(Mapping.toIntercomSync(t)).messages).toStrictEqual([])
    expect(Mapping.fromIntercomV2Sync(Mapping.toIntercomV2Sync(t)).messages).toStrictEqual([])
  })

  it("carry config: prefix and groups", () => {
    const t = thread({ messages: [{}], conversation: { orgId: 3 } })
    expect(Object.keys(Mapping.toIntercomV2Sync(t, { carryPrefix: "d_" }).custom_attributes)).toStrictEqual([
      "d_status",
      "d_inbox_id",
      "d_org_id",
      "d_created_at_ms",
      "d_updated_at_ms",
      "d_thread"
    ])
    expect(Mapping.toIntercomV2Sync(t, { carry: "none" }).custom_attributes).toStrictEqual({})
    expect(Mapping.toIntercomV2Sync(t, { carryFields: ["status"] }).custom_attributes).toStrictEqual({
      drift_status: "open"
    })
  })
})

// -----------------------------------------------------------------------------
// Intercom -> Drift on Intercom's own data, and failures
// -----------------------------------------------------------------------------

describe("Intercom -> Drift", () => {
  const seed003 = decodeClassic(fixture("intercom-seed-003.json"))
  const specExample = decodeV2(fixture("intercom-v2-spec-example.json"))

  it("a non-decimal id is a MappingError naming its path (foreignIds: \"fail\", the default), as a value", () => {
    const result = Real.fromIntercomSync(seed003)
    if (!Result.isFailure(result)) throw new Error("expected a failure")
    const e = result.failure
    expect(e).toBeInstanceOf(MappingError.MappingError)
    expect(e.path).toStrictEqual(["user", "id"])
    expect(e.actual).toBe("536e564f316c83104c000020")
    expect(e.message).toContain(`at ["user"]["id"]`)
  })

  it("through the schema, the same failure is a SchemaError with the path", () => {
    const exit = Schema.decodeExit(Mapping.IntercomToDrift)(seed003)
    expect(Exit.isFailure(exit)).toBe(true)
    expect(String(exit)).toContain(`["user"]["id"]`)
    expect(String(exit)).toContain("Expected a decimal Drift id")
    const v2 = Mapping.toIntercomV2Sync(thread({ messages: [{}, {}] }))
    const bad = {
      ...v2,
      conversation_parts: {
        ...v2.conversation_parts!,
        conversation_parts: [{
          ...v2.conversation_parts!.conversation_parts[0]!,
          id: "x1" as Intercom.ConversationPartId
        }]
      }
    }
    const message = String(Schema.encodeExit(Mapping.DriftToIntercomV2)(bad))
    expect(message).toContain(`["conversation_parts"]["conversation_parts"][0]["id"]`)
  })

  it("maps seed 003 with foreignIds: \"hash\"; actions without content are skipped, bodies re-sanitized", () => {
    const t = Mapping.fromIntercomSync(seed003, { foreignIds: "hash" })
    expect(t.conversation.id).toBe(147)
    expect(t.conversation.status).toBe("open")
    expect(t.conversation.participants).toStrictEqual([25])
    expect(t.conversation.createdAt.epochMilliseconds).toBe(1_400_850_973_000)
    expect(t.messages.map((m) => [m.id, m.type, m.author.type, m.body])).toStrictEqual([
      [147, "chat", "user", "Hi Alice,\n We noticed you using our Product,  do you have any questions?\n- Jane"],
      [4412, "chat", "contact", "Hi Jane, it's all great thanks!"]
    ])
    expect(t.conversation.contactId).toBe(t.messages[1]!.author.id)
    expect(t.messages[0]!.attachments).toStrictEqual([
      { id: 0, fileName: "signature", mimeType: "application/octet-stream", url: "http://example.org/signature.jpg" }
    ])
    // hashed ids are stable
    expect(Mapping.fromIntercomSync(seed003, { foreignIds: "hash" })).toStrictEqual(t)
    expect(Number.isSafeInteger(t.conversation.contactId)).toBe(true)
  })

  it("maps the spec's 2.11 example with foreignIds: \"hash\"", () => {
    const t = Mapping.fromIntercomV2Sync(specExample, { foreignIds: "hash" })
    expect(t.conversation.id).toBe(1295)
    expect(t.conversation.participants).toStrictEqual([991267715])
    expect(t.conversation.conversationTags).toStrictEqual([{ name: "Orders", color: "#cccccc" }])
    expect(t.messages.map((m) => [m.id, m.author.type, m.author.bot, m.body])).toStrictEqual([
      [403918320, "contact", false, "Hey there! Where is my order?"],
      [4, "user", false, "Okay!"]
    ])
    expect(t.messages[0]!.attachments).toStrictEqual([
      { id: 0, fileName: "receipt.png", mimeType: "image/png", url: "https://picsum.photos/200/300" }
    ])
    // the unknown custom attributes of a real conversation are not Drift data and are ignored
    expect(t.contact).toBe(undefined)
  })

  it("maps 2.11 conversations as real servers send them (spec-shape teammates, absent fields, \"\" emails)", () => {
    const t = thread({ conversation: { participants: [7, 8] }, messages: [{}, { author: { type: "user", id: 7 } }] })
    const wire = JSON.parse(JSON.stringify(encodeV2(Mapping.toIntercomV2Sync(t)))) as Record<string, unknown>
    const { admin_assignee_id: _a, title: _t, topics: _to, ...rest } = wire
    const teammates = wire["teammates"] as { type: string; admins: unknown }
    const real = {
      ...rest,
      teammates: { type: teammates.type, teammates: teammates.admins },
      team_assignee_id: "5017691"
    }
    const back = Mapping.fromIntercomV2Sync(decodeV2(real))
    expect(back.conversation.participants).toStrictEqual([7, 8])
    expect(encodeThread(back)).toStrictEqual(encodeThread(t))
  })

  it("maps classic webhook payloads (no customers, conversation_rating: {})", () => {
    const t = thread({ messages: [{}, {}] })
    const wire = JSON.parse(JSON.stringify(encodeClassic(Mapping.toIntercomSync(t)))) as Record<string, unknown>
    const { customers: _, ...rest } = wire
    const webhook = { ...rest, conversation_rating: {} }
    const back = Mapping.fromIntercomSync(decodeClassic(webhook))
    expect(back.conversation.contactId).toBe(20)
    expect(back.messages.length).toBe(2)
  })

  it("a numeric Drift externalId is a string external_id, and comes back a number", () => {
    const t = thread({ messages: [{}], contact: { id: 20, createdAt: 0, attributes: { externalId: 4242 } } })
    const v2 = Mapping.toIntercomV2Sync(t)
    expect(v2.contacts.contacts[0]!.external_id).toBe("4242")
    expect(Mapping.fromIntercomV2Sync(v2).contact?.attributes.externalId).toBe(4242)
  })

  it("malformed carried data is a failure naming the attribute", () => {
    const v2 = Mapping.toIntercomV2Sync(thread({ messages: [{}] }))
    for (
      const [key, value] of [
        ["drift_thread", "{not json"],
        ["drift_thread", "{\"messages\":[{\"id\":\"x\"}]}"],
        ["drift_inbox_id", -1],
        ["drift_status", "archived"]
      ] as const
    ) {
      expect(() => Mapping.fromIntercomV2Sync({ ...v2, custom_attributes: { ...v2.custom_attributes, [key]: value } }))
        .toThrow(`at ["custom_attributes"]["${key}"]`)
    }
  })

  it("carried message data that no longer matches its part (by id) is ignored", () => {
    const t = thread({ messages: [{}, { buttons: [{ label: "Yes" }] }] })
    const v2 = Mapping.toIntercomV2Sync(t)
    const part = v2.conversation_parts!.conversation_parts[0]!
    const edited = {
      ...v2,
      conversation_parts: {
        ...v2.conversation_parts!,
        conversation_parts: [{ ...part, id: "999" as Intercom.ConversationPartId }]
      }
    }
    expect(Mapping.fromIntercomV2Sync(v2).messages[1]!.buttons).toStrictEqual([{ label: "Yes" }])
    expect(Mapping.fromIntercomV2Sync(edited).messages[1]!.buttons).toBe(undefined)
  })

  it("an author type Drift cannot hold is a failure", () => {
    const v2 = Mapping.toIntercomV2Sync(thread({ messages: [{}] }))
    expect(() =>
      Mapping.fromIntercomV2Sync({ ...v2, source: { ...v2.source, author: { ...v2.source.author, type: "x" } } })
    )
      .toThrow(`at ["source"]["author"]["type"]`)
  })
})

describe("config", () => {
  it("rejects unusable options with a SchemaError naming the option's path", () => {
    const cases: ReadonlyArray<readonly [MapperConfig.MapperConfig, string]> = [
      [{ tagColor: "red" }, `["tagColor"]`],
      [{ defaultAdminId: -1 }, `["defaultAdminId"]`],
      [{ defaultAdminId: 1.5 }, `["defaultAdminId"]`],
      [{ carryFields: ["everything" as MapperConfig.CarryField] }, `["carryFields"][0]`],
      [{ contactRole: "admin" as "user" }, `["contactRole"]`],
      [{ inboxId: Number.MAX_SAFE_INTEGER + 2 }, `["inboxId"]`]
    ]
    for (const [config, path] of cases) {
      const result = MapperConfig.resolve(config)
      const error = Result.isFailure(result) ? result.failure : undefined
      expect(Schema.isSchemaError(error), path).toBe(true)
      expect(error?.message).toContain(`at ${path}`)
      expect(Result.isFailure(Real.make(config))).toBe(true)
    }
  })

  it("accepts a function contact role and an iterable directory", () => {
    const directory = new Set([{ id: 7 as Drift.UserId, name: "Chris" }])
    const r = resolved({ contactRole: () => "user", users: directory })
    expect(r.directory.get(7)?.name).toBe("Chris")
  })

  it("resolves a config object once", () => {
    const config = { contactRole: "lead" } as const
    expect(MapperConfig.resolveCached(config)).toBe(MapperConfig.resolveCached(config))
  })

  it("Mapping.make compiles a mapper whose schemas use its config", () => {
    const mapper = Result.getOrThrow(Real.make({ contactRole: "user", carry: "none" }))
    const t = thread({ messages: [{}] })
    expect(Schema.decodeSync(mapper.DriftToIntercomV2)(t)).toStrictEqual(mapper.toIntercomV2(t))
    expect(mapper.toIntercom(t).user.type).toBe("user")
  })
})
