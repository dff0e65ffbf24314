import { describe, expect, it } from "@effect/vitest"
import { Intercom } from "@parley/schema"
import addFormats from "ajv-formats"
import Ajv2020 from "ajv/dist/2020.js"
import { Arbitrary, DateTime, Effect, Option, Schema } from "effect"
import { readFileSync } from "node:fs"
import {
  asRealServersSend,
  findExamples,
  nullInExamples,
  type ValidationResult,
  validatorFor,
  withNullable
} from "./support/openapi.ts"

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8"))

const decodeError = (schema: Schema.Codec<unknown, unknown>, input: unknown): string => {
  const exit = Schema.decodeUnknownExit(schema)(input)
  if (exit._tag === "Success") throw new Error("expected a decode error, got a value")
  return String(exit.cause)
}

// Wire values are JSON: a JSON copy also drops what JSON cannot carry (`-0`, null prototypes) from generated values.
const json = <A>(value: A): A => JSON.parse(JSON.stringify(value))

// decode(encode(a)) equals a, by the schema's own equivalence (DateTime by instant; generated objects may have a
// null prototype, which `toStrictEqual` would tell apart from the plain objects decoding builds).
const roundTrips = <S extends Schema.Codec<unknown, unknown>>(schema: S) => {
  const equivalence = Schema.toEquivalence(schema)
  const decode = Schema.decodeUnknownSync(schema)
  const encode = Schema.encodeSync(schema)
  return (a: S["Type"]) => {
    const wire = encode(a)
    // the wire value is in the object so that a failure shows it
    expect({ equivalent: equivalence(decode(wire), a), wire }).toMatchObject({ equivalent: true })
  }
}

// encode(decode(x)) is x, exactly, for a JSON wire value.
const wireRoundTrips = <S extends Schema.Codec<unknown, unknown>>(schema: S) => (generated: S["Encoded"]) => {
  const wire = json(generated)
  expect(Schema.encodeSync(schema)(Schema.decodeUnknownSync(schema)(wire))).toStrictEqual(wire)
}

const iso = (dt: DateTime.Utc) => DateTime.formatIso(dt)

// Property runs. `size` must exceed the number of required keys of the largest struct (ConversationV2 has 14):
// the derived arbitrary adds optional keys only up to `size` keys per object, so with the default size every
// optional field of ConversationV2 would always be absent.
const propOptions = { arbitrary: { runs: 200, size: 30 } }

const sampleV2 = () =>
  Effect.runSync(Arbitrary.sampleEffect(Arbitrary.schema(Intercom.ConversationV2), { count: 300, size: 30 }))

type Path = ReadonlyArray<string | number>
const remove = Symbol("remove")

// A JSON copy of a fixture with the value at `path` replaced (or removed).
const patched = (name: string, path: Path, value: unknown): unknown => {
  const root = json(fixture(name))
  let node = root as Record<string | number, unknown>
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>
  const last = path[path.length - 1]!
  if (value === remove) delete node[last]
  else node[last] = value
  return root
}

// Asserts that `validate` accepts `value` (a failure lists ajv's errors and the value).
const isValid = (validate: (value: unknown) => ValidationResult, value: unknown): void => {
  expect({ errors: validate(value).errors, value }).toMatchObject({ errors: [] })
}

// A validator for the JSON Schema document Effect derives from `schema` (the wire side).
const ownValidator = (schema: Schema.Top): (value: unknown) => ValidationResult => {
  const { definitions, schema: root } = Schema.toJsonSchemaDocument(schema)
  const ajv = new Ajv2020.default({ allErrors: true, strict: false })
  addFormats.default(ajv)
  const validate = ajv.compile({ ...root, $defs: definitions })
  return (value) => ({
    valid: validate(value),
    errors: (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? e.keyword}`)
  })
}

// The path as Effect's formatter prints it: `["a"][0]["b"]`.
const pathString = (path: Path): string =>
  path.map((key) => typeof key === "number" ? `[${key}]` : `[${JSON.stringify(key)}]`).join("")

// The 13 conversation objects in the spec's response examples (retrieve, update, list, search, reply, manage,
// run assignment rules, redact).
const specConversations = findExamples((v) => v["type"] === "conversation" && "source" in v)

describe("Intercom classic conversation (seed 003): encode(decode(x)) === x", () => {
  it.each(["intercom-conversation-classic.json", "intercom-conversation-classic-not-waiting.json"])("%s", (name) => {
    const input = fixture(name)
    const decoded = Schema.decodeUnknownSync(Intercom.Conversation)(input)
    expect(Schema.encodeSync(Intercom.Conversation)(decoded)).toStrictEqual(input)
  })

  it("decodes epoch seconds to DateTime.Utc and keeps string ids", () => {
    const c = Schema.decodeUnknownSync(Intercom.Conversation)(fixture("intercom-conversation-classic.json"))
    expect(c.id).toBe("147")
    expect(iso(c.created_at)).toBe("2014-05-23T13:16:13.000Z")
    expect(c.waiting_since).toStrictEqual(Intercom.waiting(DateTime.makeUnsafe(1400857494000)))
    expect(Option.map(Intercom.waitingSinceOption(c.waiting_since!), iso)).toStrictEqual(
      Option.some("2014-05-23T15:04:54.000Z")
    )
    const parts = c.conversation_parts!.conversation_parts
    expect(parts.map((p) => p.part_type)).toStrictEqual(["comment", "assignment"])
    expect(iso(parts[0]!.notified_at)).toBe("2014-05-23T15:06:27.000Z")
    expect(c.conversation_rating?.rating).toBeNull()
    expect(c.assignee).toStrictEqual({ type: "admin", id: "25" })
  })

  it("decodes the 2000-years-ahead sentinel to NotWaiting and writes the same number back", () => {
    const input = fixture("intercom-conversation-classic-not-waiting.json") as Record<string, unknown>
    const c = Schema.decodeUnknownSync(Intercom.Conversation)(input)
    expect(c.waiting_since).toStrictEqual({ _tag: "NotWaiting", sentinel: 64514761494 })
    expect(Intercom.waitingSinceOption(c.waiting_since!)).toStrictEqual(Option.none())
    expect(c.assignee).toStrictEqual({ type: "nobody_admin", id: null })
    expect(Schema.encodeSync(Intercom.Conversation)(c).waiting_since).toBe(64514761494)
  })

  it("accepts waiting_since as null or absent, and keeps that form", () => {
    const base = fixture("intercom-conversation-classic.json") as Record<string, unknown>
    const withNull = { ...base, waiting_since: null }
    const decodedNull = Schema.decodeUnknownSync(Intercom.Conversation)(withNull)
    expect(decodedNull.waiting_since).toStrictEqual(Intercom.notWaiting())
    expect(Schema.encodeSync(Intercom.Conversation)(decodedNull)).toStrictEqual(withNull)
    const { waiting_since: _, ...absent } = base
    const decodedAbsent = Schema.decodeUnknownSync(Intercom.Conversation)(absent)
    expect("waiting_since" in decodedAbsent).toBe(false)
    expect(Schema.encodeSync(Intercom.Conversation)(decodedAbsent)).toStrictEqual(absent)
  })

  it("draws the sentinel line at 3000-01-01T00:00:00Z", () => {
    const decode = Schema.decodeUnknownSync(Intercom.WaitingSince)
    expect(decode(Intercom.WAITING_SENTINEL_THRESHOLD - 1)._tag).toBe("Waiting")
    expect(decode(Intercom.WAITING_SENTINEL_THRESHOLD)).toStrictEqual(
      Intercom.notWaiting(Intercom.WAITING_SENTINEL_THRESHOLD)
    )
    expect(iso(DateTime.makeUnsafe(Intercom.WAITING_SENTINEL_THRESHOLD * 1000))).toBe("3000-01-01T00:00:00.000Z")
  })
})

describe("Intercom API 2.11 conversation: the spec's own examples", () => {
  it("finds every conversation example", () => {
    expect(specConversations.length).toBe(13)
    expect(specConversations.some((e) => e.path.includes("/conversations/{conversation_id} > get"))).toBe(true)
    expect(specConversations.some((e) => e.path.includes("/conversations/search"))).toBe(true)
  })

  it.each(
    specConversations.map((e) => ({
      ...e,
      at: e.path.replace(/ > (responses|content|application\/json|examples)/g, "")
    }))
  )(
    "decodes and re-encodes exactly: $at",
    ({ value }) => {
      const decoded = Schema.decodeUnknownSync(Intercom.ConversationV2)(value)
      expect(Schema.encodeSync(Intercom.ConversationV2)(decoded)).toStrictEqual(value)
    }
  )

  it("decodes a fully populated conversation and re-encodes it exactly", () => {
    const input = fixture("intercom-conversation-v2-full.json")
    const c = Schema.decodeUnknownSync(Intercom.ConversationV2)(input)
    expect(Schema.encodeSync(Intercom.ConversationV2)(c)).toStrictEqual(input)
    expect(c.admin_assignee_id).toBe(991267715)
    expect(c.source.author.email).toBe("joe@bloggs.com")
    expect(c.statistics?.first_admin_reply_at && iso(c.statistics.first_admin_reply_at)).toBe(
      "2022-09-19T14:20:40.000Z"
    )
    expect(c.tags?.tags[0]?.applied_at && iso(c.tags.tags[0].applied_at)).toBe("2022-09-19T14:20:50.000Z")
  })

  it("keeps every key of custom_attributes", () => {
    const input = fixture("intercom-conversation-v2-full.json") as Record<string, unknown>
    const c = Schema.decodeUnknownSync(Intercom.ConversationV2)(input)
    expect(c.custom_attributes).toStrictEqual(input["custom_attributes"])
    expect(c.custom_attributes["shipping"]).toStrictEqual({ carrier: "DHL", tracking: null })
  })

  it("decodes waiting_since null to NotWaiting and writes null back", () => {
    const value = specConversations[1]!.value as Record<string, unknown>
    expect(value["waiting_since"]).toBeNull()
    const c = Schema.decodeUnknownSync(Intercom.ConversationV2)(value)
    expect(c.waiting_since).toStrictEqual(Intercom.notWaiting(null))
  })

  it("reads part types and nobody_admin assignments from the examples", () => {
    const parts = specConversations
      .map((e) => Schema.decodeUnknownSync(Intercom.ConversationV2)(e.value))
      .flatMap((c) => c.conversation_parts?.conversation_parts ?? [])
    expect(new Set(parts.map((p) => p.part_type))).toStrictEqual(
      new Set([
        "conversation_attribute_updated_by_admin",
        "open",
        "note",
        "close",
        "snoozed",
        "assign_and_reopen",
        "default_assignment"
      ])
    )
    expect(parts.some((p) => p.assigned_to?.type === "nobody_admin" && p.assigned_to.id === null)).toBe(true)
  })
})

describe("Intercom encoded values satisfy the spec's JSON Schema (ajv, draft 2020-12)", () => {
  const strict = validatorFor("conversation")
  const asInExamples = validatorFor("conversation", withNullable(nullInExamples))
  // what Parley decodes: the spec plus what real answers send beyond it (see asRealServersSend)
  const asServersSend = validatorFor("conversation", asRealServersSend())
  const encodeV2 = Schema.encodeSync(Intercom.ConversationV2)
  const validatePart = validatorFor("conversation_part")
  const validateSource = validatorFor("conversation_source", asRealServersSend())

  it("the fully populated fixture is valid against the spec as written", () => {
    const input = fixture("intercom-conversation-v2-full.json")
    expect(strict(input).errors).toStrictEqual([])
    expect(strict(encodeV2(Schema.decodeUnknownSync(Intercom.ConversationV2)(input))).valid).toBe(true)
  })

  it("the spec's examples break its schema in exactly four places (null where not nullable)", () => {
    for (const { value } of specConversations) {
      const { valid, errors } = strict(value)
      expect(valid).toBe(false)
      for (const error of errors) {
        expect(error).toMatch(/^\/(conversation_rating|teammates|first_contact_reply|statistics) must be object$/)
      }
    }
  })

  it("the spec's examples are valid once those four are nullable, before and after a round trip", () => {
    for (const { value } of specConversations) {
      expect(asInExamples(value).errors).toStrictEqual([])
      expect(asInExamples(encodeV2(Schema.decodeUnknownSync(Intercom.ConversationV2)(value))).errors).toStrictEqual([])
    }
  })

  it("rejects what is obviously not a conversation (the validator can fail)", () => {
    const valid = fixture("intercom-conversation-v2-full.json") as Record<string, unknown>
    expect(asInExamples({ id: 1 }).valid).toBe(false)
    expect(asInExamples({ ...valid, state: "archived" }).errors).toContainEqual(expect.stringMatching(/^\/state /))
    expect(asInExamples({ ...valid, created_at: "2022-09-19" }).errors).toContain("/created_at must be integer")
    const { source: _, ...noSource } = valid
    expect(asInExamples(noSource).errors).toStrictEqual(["/ must have required property 'source'"])
    expect(asInExamples({ ...valid, source: { ...(valid["source"] as object), author: { type: "admin" } } }).valid)
      .toBe(false)
  })

  it.prop(
    "generated ConversationV2 values encode to spec-valid JSON",
    { c: Intercom.ConversationV2 },
    ({ c }) => isValid(asServersSend, encodeV2(c)),
    propOptions
  )

  it.prop(
    "generated ConversationPartV2 values encode to a spec-valid conversation_part",
    { p: Intercom.ConversationPartV2 },
    ({ p }) => isValid(validatePart, Schema.encodeSync(Intercom.ConversationPartV2)(p)),
    propOptions
  )

  it.prop(
    "generated SourceV2 values encode to a spec-valid conversation_source",
    { s: Intercom.SourceV2 },
    ({ s }) => isValid(validateSource, Schema.encodeSync(Intercom.SourceV2)(s)),
    propOptions
  )

  it("the generator reaches the optional and nullable fields", () => {
    const samples = sampleV2()
    const some = (f: (c: Intercom.ConversationV2) => boolean) => samples.filter(f).length
    expect(some((c) => c.conversation_rating != null)).toBeGreaterThan(10)
    expect(some((c) => c.conversation_rating === null)).toBeGreaterThan(10)
    expect(some((c) => (c.conversation_parts?.conversation_parts.length ?? 0) > 0)).toBeGreaterThan(10)
    expect(some((c) => c.statistics != null && Object.keys(c.statistics).length > 3)).toBeGreaterThan(10)
    expect(some((c) => c.ai_agent?.content_sources !== undefined)).toBeGreaterThan(5)
    expect(some((c) => (c.tags?.tags.length ?? 0) > 0)).toBeGreaterThan(10)
    expect(some((c) => c.waiting_since._tag === "NotWaiting" && c.waiting_since.sentinel !== null)).toBeGreaterThan(10)
    expect(some((c) => c.waiting_since._tag === "Waiting")).toBeGreaterThan(10)
  })

  it("generated values, with the real-server departures undone, are valid against the spec as written", () => {
    const samples = sampleV2()
    type Wire = Intercom.ConversationV2Encoded
    const email = <A extends { readonly email: string }>(a: A): A =>
      a.email === "" ? { ...a, email: "someone@example.com" } : a
    // Undo exactly what asRealServersSend allows beyond the spec; everything else is checked as generated.
    const undo = (wire: Wire): Wire => ({
      ...wire,
      title: wire.title ?? null,
      topics: wire.topics ?? {},
      admin_assignee_id: wire.admin_assignee_id ?? null,
      team_assignee_id: typeof wire.team_assignee_id === "number" ? wire.team_assignee_id : null,
      source: { ...wire.source, redacted: wire.source.redacted ?? false, author: email(wire.source.author) },
      ...(wire.statistics == null ? {} : {
        statistics: Object.fromEntries(
          Object.entries(wire.statistics).filter(([, v]) => v !== null)
        ) as unknown as NonNullable<Wire["statistics"]>
      }),
      ...(wire.conversation_parts === undefined ? {} : {
        conversation_parts: {
          ...wire.conversation_parts,
          conversation_parts: wire.conversation_parts.conversation_parts.map((p) => ({ ...p, author: email(p.author) }))
        }
      })
    })
    const wires = samples.map((c) => json(encodeV2(c))).filter((wire) =>
      wire.teammates !== null && wire.conversation_rating !== null && wire.first_contact_reply !== null &&
      wire.statistics !== null
    ).map(undo)
    expect(wires.length).toBeGreaterThan(10)
    for (const wire of wires) isValid(strict, wire)
  })
})

describe("Intercom codec law: decode(encode(a)) equals a", () => {
  it.prop("Conversation", { c: Intercom.Conversation }, ({ c }) => roundTrips(Intercom.Conversation)(c), propOptions)
  it.prop(
    "ConversationPart",
    { p: Intercom.ConversationPart },
    ({ p }) => roundTrips(Intercom.ConversationPart)(p),
    propOptions
  )
  it.prop(
    "ConversationV2",
    { c: Intercom.ConversationV2 },
    ({ c }) => roundTrips(Intercom.ConversationV2)(c),
    propOptions
  )
  it.prop(
    "ConversationPartV2",
    { p: Intercom.ConversationPartV2 },
    ({ p }) => roundTrips(Intercom.ConversationPartV2)(p),
    propOptions
  )
  it.prop("WaitingSince", { w: Intercom.WaitingSince }, ({ w }) => roundTrips(Intercom.WaitingSince)(w), propOptions)
})

describe("Intercom codec law: encode(decode(x)) equals x for generated wire values", () => {
  it.prop(
    "WaitingSince (integer seconds or null, either side of the sentinel line)",
    { w: Schema.toEncoded(Intercom.WaitingSince) },
    ({ w }) => wireRoundTrips(Intercom.WaitingSince)(w),
    propOptions
  )
  it.prop(
    "Conversation",
    { c: Schema.toEncoded(Intercom.Conversation) },
    ({ c }) => wireRoundTrips(Intercom.Conversation)(c),
    propOptions
  )
  it.prop(
    "ConversationV2 (the spec's `teammates.teammates` is written back as `teammates.admins`)",
    { c: Schema.toEncoded(Intercom.ConversationV2) },
    ({ c }) => {
      const wire = json(c)
      const t = wire.teammates
      const expected = t === null || !("teammates" in t) || "admins" in t
        ? wire
        : { ...wire, teammates: { type: t.type, admins: t.teammates } }
      expect(Schema.encodeSync(Intercom.ConversationV2)(Schema.decodeUnknownSync(Intercom.ConversationV2)(wire)))
        .toStrictEqual(expected)
    },
    propOptions
  )
})

describe("Intercom 2.11 as real servers send it", () => {
  const decode = Schema.decodeUnknownSync(Intercom.ConversationV2)
  const encode = Schema.encodeSync(Intercom.ConversationV2)
  type Wire = { -readonly [K in keyof Intercom.ConversationV2Encoded]: Intercom.ConversationV2Encoded[K] }
  const full = () => json(fixture("intercom-conversation-v2-full.json")) as Wire
  const admins = [{ type: "admin", id: "991267715" }]

  it("teammates: `admins` (the API, the official SDK) and `teammates` (the spec) both decode; `admins` is written", () => {
    const input = full()
    expect(input.teammates).toStrictEqual({ type: "admin.list", admins })
    const c = decode(input)
    expect(c.teammates?.admins).toStrictEqual(admins)
    expect(encode(c)).toStrictEqual(input)
    const specShape = { ...input, teammates: { type: "admin.list", teammates: admins } }
    expect(encode(decode(specShape))).toStrictEqual(input)
  })

  it("title, topics, admin_assignee_id, team_assignee_id and source.redacted may be absent, and stay absent", () => {
    const { admin_assignee_id: _a, team_assignee_id: _t, title: _ti, topics: _to, ...rest } = full()
    const { redacted: _r, ...source } = rest.source
    const input = { ...rest, source }
    expect(encode(decode(input))).toStrictEqual(input)
  })

  it("team_assignee_id may be a string (kept a string) or an integer", () => {
    for (const id of ["5017691", "0", 5017691, null]) {
      const input = { ...full(), team_assignee_id: id }
      expect(decode(input).team_assignee_id).toBe(id)
      expect(encode(decode(input))).toStrictEqual(input)
    }
  })

  it("author email may be \"\" and name null; statistics members may be null", () => {
    const base = full()
    const author = { type: "lead", id: "1", name: null, email: "" }
    const input = {
      ...base,
      source: { ...base.source, author },
      statistics: { ...base.statistics!, first_close_at: null, time_to_admin_reply: null }
    }
    const c = decode(input)
    expect(c.source.author.email).toBe("")
    expect(c.statistics?.first_close_at).toBeNull()
    expect(encode(c)).toStrictEqual(input)
    expect(() => decode({ ...input, source: { ...input.source, author: { ...author, email: " " } } }))
      .toThrow(/email address/)
  })
})

describe("Intercom classic as webhooks send it", () => {
  it("conversation_rating: {} and no customers decode and stay so", () => {
    const input = json(fixture("intercom-conversation-classic.json")) as Record<string, unknown>
    delete input["customers"]
    input["conversation_rating"] = {}
    const decoded = Schema.decodeUnknownSync(Intercom.Conversation)(input)
    expect(decoded.customers).toBeUndefined()
    expect(Schema.encodeSync(Intercom.Conversation)(decoded)).toStrictEqual(input)
  })
})

describe("Intercom bad input: a SchemaError naming the path", () => {
  type Case = readonly [name: string, path: Path, value: unknown, expected: string]
  const parts = ["conversation_parts", "conversation_parts"] as const

  it.each<Case>([
    ["negative part timestamp", [...parts, 0, "created_at"], -1, "epoch timestamp in seconds"],
    ["fractional part timestamp", [...parts, 1, "notified_at"], 1400857500.5, "epoch timestamp in seconds"],
    ["millisecond timestamp (beyond year 9999)", ["created_at"], 1400850973000, "no later than year 9999"],
    ["timestamp as a string", ["updated_at"], "2014-05-23", "number"],
    ["negative waiting_since", ["waiting_since"], -5, "epoch timestamp in seconds"],
    ["unknown state", ["state"], "archived", "\"open\" | \"closed\" | \"snoozed\""],
    ["missing conversation_message", ["conversation_message"], remove, "Missing key"],
    ["missing part author", [...parts, 0, "author"], remove, "Missing key"],
    ["unknown author type", [...parts, 0, "author", "type"], "robot", "\"admin\""],
    ["empty id", ["id"], "", "length"]
  ])("classic: %s", (_, path, value, expected) => {
    const message = decodeError(Intercom.Conversation, patched("intercom-conversation-classic.json", path, value))
    expect(message).toContain(`at ${pathString(path)}`)
    expect(message).toContain(expected)
  })

  it.each<Case>([
    ["negative part timestamp", [...parts, 0, "created_at"], -1663597233, "epoch timestamp in seconds"],
    ["fractional statistics timestamp", ["statistics", "first_close_at"], 0.25, "epoch timestamp in seconds"],
    ["unknown state", ["state"], "pending", "\"open\" | \"closed\" | \"snoozed\""],
    ["missing teammates", ["teammates"], remove, "Missing key"],
    ["missing source", ["source"], remove, "Missing key"],
    ["teammates without a list", ["teammates"], { type: "admin.list" }, "admins"],
    ["team_assignee_id a boolean", ["team_assignee_id"], true, "team_assignee_id"],
    ["missing part redacted", [...parts, 1, "redacted"], remove, "Missing key"],
    ["bad author email", ["source", "author", "email"], "not an email", "email address"],
    ["unknown source type", ["source", "type"], "carrier_pigeon", "\"conversation\""],
    ["fractional admin_assignee_id", ["admin_assignee_id"], 1.5, "integer"]
  ])("2.11: %s", (_, path, value, expected) => {
    const message = decodeError(Intercom.ConversationV2, patched("intercom-conversation-v2-full.json", path, value))
    expect(message).toContain(`at ${pathString(path)}`)
    expect(message).toContain(expected)
  })

  it("refuses to encode a DateTime with milliseconds instead of rounding it", () => {
    const conversation = Schema.decodeUnknownSync(Intercom.Conversation)(fixture("intercom-conversation-classic.json"))
    const part = conversation.conversation_parts!.conversation_parts[0]!
    const precise = { ...part, updated_at: DateTime.makeUnsafe(1400857494123) }
    expect(() => Schema.encodeSync(Intercom.ConversationPart)(precise)).toThrow(/\["updated_at"\]/)
    const truncated = { ...part, updated_at: Intercom.toWholeSeconds(precise.updated_at) }
    expect(Schema.encodeSync(Intercom.ConversationPart)(truncated).updated_at).toBe(1400857494)
  })
})

describe("Intercom JSON Schema documents (Schema.toJsonSchemaDocument)", () => {
  it.each(
    [
      ["Conversation", Intercom.Conversation],
      ["ConversationPart", Intercom.ConversationPart],
      ["ConversationV2", Intercom.ConversationV2]
    ] as const
  )("%s: builds, and describes timestamps as integers", (_, schema) => {
    const document = Schema.toJsonSchemaDocument(schema)
    expect(document.schema).toBeTypeOf("object")
    expect(JSON.stringify(document)).toContain("\"maximum\":253402300799")
  })

  it("the ConversationV2 document accepts the fixtures and the spec's examples, and rejects bad input", () => {
    const validate = ownValidator(Intercom.ConversationV2)
    for (const value of [fixture("intercom-conversation-v2-full.json"), ...specConversations.map((e) => e.value)]) {
      expect(validate(value).errors).toStrictEqual([])
    }
    const bad = patched("intercom-conversation-v2-full.json", [
      "conversation_parts",
      "conversation_parts",
      0,
      "created_at"
    ], 1.5)
    expect(validate(bad).errors).toContain("/conversation_parts/conversation_parts/0/created_at must be integer")
  })

  it("the Conversation document accepts the seed fixtures", () => {
    const validate = ownValidator(Intercom.Conversation)
    for (const name of ["intercom-conversation-classic.json", "intercom-conversation-classic-not-waiting.json"]) {
      expect(validate(fixture(name)).errors).toStrictEqual([])
    }
    expect(validate(patched("intercom-conversation-classic.json", ["waiting_since"], -1)).valid).toBe(false)
  })
})
