/**
 * Malformed payloads: what a Drift answer can look like when it is cut off, of the wrong shape, or hostile. Each row
 * names the endpoint that serves it, the raw bytes, and what must happen: a decode error at a JSON path, a syntax
 * error at a position (JSON that does not parse), or a successful decode (hostile but valid content, which must be
 * made safe, not rejected). Used by `bad-input.test.ts` against the schemas, the client and `parley convert`.
 */
import { TOKEN } from "./secrets.ts"

/** The endpoints a row can be served at, with the `DriftClient` method that reads it. */
export type Endpoint = "list" | "messages" | "conversation" | "contact" | "user" | "users" | "stats"

/** What must come of a row. */
export type Expect =
  | { readonly _tag: "Path"; readonly path: string }
  | { readonly _tag: "Syntax" }
  | { readonly _tag: "Accepted" }

/** One malformed payload. */
export interface BadInput {
  readonly kind: string
  readonly name: string
  readonly endpoint: Endpoint
  readonly body: Uint8Array
  readonly expect: Expect
}

// -----------------------------------------------------------------------------
// Valid bases
// -----------------------------------------------------------------------------

const conversation = {
  id: 101,
  participants: [401],
  status: "open",
  contactId: 201,
  inboxId: 301,
  createdAt: 1_700_000_000_000,
  updatedAt: 1_700_000_100_000,
  conversationTags: [{ color: "#33aaff", name: "vip" }]
}

const message = {
  id: 501,
  orgId: 601,
  body: "<b>hi</b> there",
  author: { type: "contact", id: 201 },
  type: "chat",
  conversationId: 101,
  createdAt: 1_700_000_000_000,
  attributes: { integrationSource: "api", unknownKey: { nested: true } }
}

/** The valid answer of each endpoint. */
export const bases: { readonly [E in Endpoint]: unknown } = {
  list: { data: [conversation], pagination: { more: true, next: "c1" } },
  messages: { data: { messages: [message] } },
  conversation: { data: conversation },
  contact: { data: { id: 201, createdAt: 1_700_000_000_000, attributes: { email: "ann@ok.test", plan: "pro" } } },
  user: { data: { id: 401, name: "Ann", availability: "AVAILABLE" } },
  users: { data: [{ id: 401, name: "Ann" }] },
  stats: { conversationCount: { OPEN: 1, CLOSED: 2, PENDING: 3 } }
}

/** A valid Drift thread line for `parley convert`. */
export const thread = { conversation, messages: [message] }

// -----------------------------------------------------------------------------
// Builders
// -----------------------------------------------------------------------------

type Key = string | number

const clone = <A>(a: A): A => structuredClone(a)

/** `base` with the value at `path` replaced (`undefined` deletes the key). */
export const withValue = (base: unknown, path: ReadonlyArray<Key>, value: unknown): unknown => {
  const root = clone(base) as Record<Key, unknown>
  let node = root
  for (const key of path.slice(0, -1)) node = node[key] as Record<Key, unknown>
  const last = path[path.length - 1]!
  if (value === undefined) delete node[last]
  else node[last] = value
  return root
}

const encoder = new TextEncoder()
const bytes = (text: string): Uint8Array => encoder.encode(text)
const json = (value: unknown): Uint8Array => bytes(JSON.stringify(value))

/** JSON of `base` with the value at `path` written as the literal `raw` (numbers JSON.stringify cannot write). */
const withRaw = (base: unknown, path: ReadonlyArray<Key>, raw: string): Uint8Array =>
  bytes(JSON.stringify(withValue(base, path, "\u0000RAW\u0000")).replace("\"\\u0000RAW\\u0000\"", raw))

/** A JSON path as the client and the CLI print it: `["data"][3]["createdAt"]`. */
export const formatPath = (path: ReadonlyArray<Key>): string =>
  path.length === 0
    ? "the root"
    : path.map((k) => (typeof k === "number" ? `[${k}]` : `[${JSON.stringify(k)}]`)).join("")

const at = (...path: ReadonlyArray<Key>): Expect => ({ _tag: "Path", path: formatPath(path) })
const syntax: Expect = { _tag: "Syntax" }
const accepted: Expect = { _tag: "Accepted" }

const concat = (...parts: ReadonlyArray<Uint8Array | string>): Uint8Array => {
  const chunks = parts.map((p) => (typeof p === "string" ? bytes(p) : p))
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0))
  let offset = 0
  for (const c of chunks) {
    out.set(c, offset)
    offset += c.length
  }
  return out
}

const listText = JSON.stringify(bases.list)
const messagesText = JSON.stringify(bases.messages)
const c0 = ["data", 0] as const
const m0 = ["data", "messages", 0] as const

const deepMarkup = `${"<b><i>".repeat(50_000)}deep<script>alert(1)</script>`

// -----------------------------------------------------------------------------
// The table
// -----------------------------------------------------------------------------

/** Every malformed payload, by kind. */
export const table: ReadonlyArray<BadInput> = [
  // truncated and non-JSON bodies
  {
    kind: "truncated",
    name: "list cut inside an object",
    endpoint: "list",
    body: bytes(listText.slice(0, 40)),
    expect: syntax
  },
  { kind: "truncated", name: "list cut after '['", endpoint: "list", body: bytes("{\"data\":["), expect: syntax },
  { kind: "truncated", name: "empty body", endpoint: "list", body: bytes(""), expect: syntax },
  {
    kind: "truncated",
    name: "messages cut inside a string",
    endpoint: "messages",
    body: bytes(messagesText.slice(0, messagesText.indexOf("hi") + 1)),
    expect: syntax
  },
  {
    kind: "truncated",
    name: "conversation cut inside a number",
    endpoint: "conversation",
    body: bytes("{\"data\":{\"id\":10"),
    expect: syntax
  },
  {
    kind: "truncated",
    name: "users cut mid-escape",
    endpoint: "users",
    body: bytes("{\"data\":[{\"id\":401,\"name\":\"A\\u00"),
    expect: syntax
  },
  {
    kind: "not JSON",
    name: "a proxy's HTML error page with status 200",
    endpoint: "list",
    body: bytes("<html><body><h1>502 Bad Gateway</h1></body></html>"),
    expect: syntax
  },
  { kind: "not JSON", name: "XSSI prefix", endpoint: "list", body: bytes(`)]}',\n${listText}`), expect: syntax },
  {
    kind: "not JSON",
    name: "trailing garbage",
    endpoint: "stats",
    body: bytes(`${JSON.stringify(bases.stats)}}x`),
    expect: syntax
  },
  {
    kind: "not JSON",
    name: "NaN literal",
    endpoint: "list",
    body: bytes(listText.replace("\"id\":101", "\"id\":NaN")),
    expect: syntax
  },
  {
    kind: "not JSON",
    name: "single-quoted keys",
    endpoint: "stats",
    body: bytes("{'conversationCount':{}}"),
    expect: syntax
  },
  {
    kind: "not JSON",
    name: "UTF-16 encoded JSON",
    endpoint: "stats",
    body: new Uint8Array(Buffer.from(`\ufeff${JSON.stringify(bases.stats)}`, "utf16le")),
    expect: syntax
  },
  // wrong types
  { kind: "wrong type", name: "null", endpoint: "list", body: bytes("null"), expect: at() },
  { kind: "wrong type", name: "an array instead of the envelope", endpoint: "list", body: bytes("[]"), expect: at() },
  { kind: "wrong type", name: "data is an object", endpoint: "list", body: json({ data: {} }), expect: at("data") },
  {
    kind: "wrong type",
    name: "id as a string (a malformed proxy)",
    endpoint: "list",
    body: json(withValue(bases.list, [...c0, "id"], "101")),
    expect: at(...c0, "id")
  },
  {
    kind: "wrong type",
    name: "createdAt as an ISO string",
    endpoint: "list",
    body: json(withValue(bases.list, [...c0, "createdAt"], "2024-01-01T00:00:00Z")),
    expect: at(...c0, "createdAt")
  },
  {
    kind: "wrong type",
    name: "createdAt null",
    endpoint: "conversation",
    body: json(withValue(bases.conversation, ["data", "createdAt"], null)),
    expect: at("data", "createdAt")
  },
  {
    kind: "wrong type",
    name: "participants as a string",
    endpoint: "conversation",
    body: json(withValue(bases.conversation, ["data", "participants"], "401")),
    expect: at("data", "participants")
  },
  {
    kind: "wrong type",
    name: "body as a number",
    endpoint: "messages",
    body: json(withValue(bases.messages, [...m0, "body"], 42)),
    expect: at(...m0, "body")
  },
  {
    kind: "wrong type",
    name: "pagination.more as a string",
    endpoint: "list",
    body: json(withValue(bases.list, ["pagination", "more"], "true")),
    expect: at("pagination", "more")
  },
  {
    kind: "wrong type",
    name: "tag color not a hex color",
    endpoint: "list",
    body: json(withValue(bases.list, [...c0, "conversationTags", 0, "color"], "javascript:alert(1)")),
    expect: at(...c0, "conversationTags", 0, "color")
  },
  {
    kind: "wrong type",
    name: "users data as an object",
    endpoint: "users",
    body: json({ data: { id: 401 } }),
    expect: at("data")
  },
  {
    kind: "wrong type",
    name: "stats count as a string",
    endpoint: "stats",
    body: json(withValue(bases.stats, ["conversationCount", "OPEN"], "1")),
    expect: at("conversationCount", "OPEN")
  },
  {
    kind: "wrong type",
    name: "contact attributes as a string",
    endpoint: "contact",
    body: json(withValue(bases.contact, ["data", "attributes"], "x")),
    expect: at("data", "attributes")
  },
  // unknown statuses and literals
  {
    kind: "unknown status",
    name: "status archived",
    endpoint: "list",
    body: json(withValue(bases.list, [...c0, "status"], "archived")),
    expect: at(...c0, "status")
  },
  {
    kind: "unknown status",
    name: "status in capitals",
    endpoint: "conversation",
    body: json(withValue(bases.conversation, ["data", "status"], "OPEN")),
    expect: at("data", "status")
  },
  {
    // Message types are an open set (an unknown string is kept verbatim); a type that is not a string is an error.
    kind: "wrong type",
    name: "message type a number",
    endpoint: "messages",
    body: json(withValue(bases.messages, [...m0, "type"], 7)),
    expect: at(...m0, "type")
  },
  {
    kind: "unknown status",
    name: "author type bot",
    endpoint: "messages",
    body: json(withValue(bases.messages, [...m0, "author", "type"], "bot")),
    expect: at(...m0, "author")
  },
  {
    kind: "unknown status",
    name: "availability BUSY",
    endpoint: "user",
    body: json(withValue(bases.user, ["data", "availability"], "BUSY")),
    expect: at("data", "availability")
  },
  // ids beyond 2^53, negative and fractional
  {
    kind: "id",
    name: "conversation id 2^53 + 1",
    endpoint: "conversation",
    body: withRaw(bases.conversation, ["data", "id"], "9007199254740993"),
    expect: at("data", "id")
  },
  {
    kind: "id",
    name: "conversation id 2^53",
    endpoint: "list",
    body: withRaw(bases.list, [...c0, "id"], "9007199254740992"),
    expect: at(...c0, "id")
  },
  {
    kind: "id",
    name: "contactId 2^64 - 1",
    endpoint: "list",
    body: withRaw(bases.list, [...c0, "contactId"], "18446744073709551615"),
    expect: at(...c0, "contactId")
  },
  {
    kind: "id",
    name: "message id 1e300",
    endpoint: "messages",
    body: withRaw(bases.messages, [...m0, "id"], "1e300"),
    expect: at(...m0, "id")
  },
  {
    kind: "id",
    name: "negative user id",
    endpoint: "user",
    body: json(withValue(bases.user, ["data", "id"], -1)),
    expect: at("data", "id")
  },
  {
    kind: "id",
    name: "fractional inbox id",
    endpoint: "list",
    body: json(withValue(bases.list, [...c0, "inboxId"], 1.5)),
    expect: at(...c0, "inboxId")
  },
  {
    kind: "id",
    name: "participant id beyond 2^53",
    endpoint: "conversation",
    body: withRaw(bases.conversation, ["data", "participants", 0], "12345678901234567890"),
    expect: at("data", "participants", 0)
  },
  // timestamps
  {
    kind: "timestamp",
    name: "negative createdAt",
    endpoint: "list",
    body: json(withValue(bases.list, [...c0, "createdAt"], -1)),
    expect: at(...c0, "createdAt")
  },
  {
    kind: "timestamp",
    name: "fractional updatedAt",
    endpoint: "list",
    body: json(withValue(bases.list, [...c0, "updatedAt"], 1_700_000_000_000.5)),
    expect: at(...c0, "updatedAt")
  },
  {
    kind: "timestamp",
    name: "createdAt after year 9999",
    endpoint: "messages",
    body: json(withValue(bases.messages, [...m0, "createdAt"], 253_402_300_800_000)),
    expect: at(...m0, "createdAt")
  },
  {
    kind: "timestamp",
    name: "contact createdAt as 1e400 (Infinity)",
    endpoint: "contact",
    body: withRaw(bases.contact, ["data", "createdAt"], "1e400"),
    expect: at("data", "createdAt")
  },
  // missing required fields
  { kind: "missing", name: "page without data", endpoint: "list", body: json({ pagination: {} }), expect: at("data") },
  {
    kind: "missing",
    name: "conversation without contactId",
    endpoint: "list",
    body: json(withValue(bases.list, [...c0, "contactId"], undefined)),
    expect: at(...c0, "contactId")
  },
  {
    kind: "missing",
    name: "message without author",
    endpoint: "messages",
    body: json(withValue(bases.messages, [...m0, "author"], undefined)),
    expect: at(...m0, "author")
  },
  {
    kind: "missing",
    name: "message without conversationId",
    endpoint: "messages",
    body: json(withValue(bases.messages, [...m0, "conversationId"], undefined)),
    expect: at(...m0, "conversationId")
  },
  {
    kind: "missing",
    name: "messages page without messages",
    endpoint: "messages",
    body: json({ data: {} }),
    expect: at("data", "messages")
  },
  {
    kind: "missing",
    name: "contact without attributes",
    endpoint: "contact",
    body: json(withValue(bases.contact, ["data", "attributes"], undefined)),
    expect: at("data", "attributes")
  },
  {
    kind: "missing",
    name: "the id key spelled with invalid UTF-8",
    endpoint: "list",
    body: concat(
      listText.slice(0, listText.indexOf("\"id\"") + 2),
      new Uint8Array([0xff]),
      listText.slice(listText.indexOf("\"id\"") + 2)
    ),
    expect: at(...c0, "id")
  },
  // huge bodies
  {
    kind: "huge",
    name: "a 5 MB message body",
    endpoint: "messages",
    body: json(withValue(bases.messages, [...m0, "body"], "Fish & chips <b>hot</b> ".repeat(210_000))),
    expect: accepted
  },
  {
    kind: "huge",
    name: "a page of 20,000 conversations",
    endpoint: "list",
    body: json({ data: Array.from({ length: 20_000 }, (_, i) => ({ ...conversation, id: i + 1 })) }),
    expect: accepted
  },
  {
    kind: "huge",
    name: "a 5 MB unknown attribute",
    endpoint: "messages",
    body: json(withValue(bases.messages, [...m0, "attributes", "blob"], "x".repeat(5_000_000))),
    expect: accepted
  },
  // deeply nested
  {
    kind: "deep",
    name: "markup nested 100,000 deep in a body",
    endpoint: "messages",
    body: json(withValue(bases.messages, [...m0, "body"], deepMarkup)),
    expect: accepted
  },
  {
    kind: "deep",
    name: "JSON arrays nested 100,000 deep as data[0]",
    endpoint: "list",
    body: bytes(`{"data":[${"[".repeat(100_000)}${"]".repeat(100_000)}]}`),
    expect: at(...c0)
  },
  {
    kind: "deep",
    name: "an unknown attribute nested 10,000 deep",
    endpoint: "messages",
    body: withRaw(bases.messages, [...m0, "attributes", "deep"], `${"{\"a\":".repeat(10_000)}1${"}".repeat(10_000)}`),
    expect: accepted
  },
  // invalid UTF-8 and odd characters inside strings (decoded with U+FFFD, the body sanitized)
  {
    kind: "encoding",
    name: "invalid UTF-8 bytes in a body",
    endpoint: "messages",
    body: concat(
      messagesText.slice(0, messagesText.indexOf("hi")),
      new Uint8Array([0xff, 0xfe, 0xc0, 0xaf, 0xed, 0xa0, 0x80]),
      messagesText.slice(messagesText.indexOf("hi"))
    ),
    expect: accepted
  },
  {
    kind: "encoding",
    name: "invalid UTF-8 after the JSON",
    endpoint: "stats",
    body: concat(JSON.stringify(bases.stats), new Uint8Array([0x80])),
    expect: syntax
  },
  {
    kind: "encoding",
    name: "escaped lone surrogates and NUL in a body",
    endpoint: "messages",
    body: bytes(messagesText.replace("hi", "\\ud800\\u0000\\udfff")),
    expect: accepted
  },
  {
    kind: "encoding",
    name: "a hostile body",
    endpoint: "messages",
    body: json(
      withValue(
        bases.messages,
        [...m0, "body"],
        "<svg><script>alert(1)</script></svg><a href=\"java&#x09;script:alert(1)\">x</a><img src=x onerror=alert(1)>"
      )
    ),
    expect: accepted
  },
  // the token echoed back by a server (it must be scrubbed from every error)
  {
    kind: "echo",
    name: "the token echoed in a wrong-typed field",
    endpoint: "user",
    body: json(withValue(bases.user, ["data", "name"], { token: TOKEN })),
    expect: at("data", "name")
  },
  {
    kind: "echo",
    name: "the token echoed in a cut-off body",
    endpoint: "list",
    body: bytes(`{"data":[{"id":"Bearer ${TOKEN}`),
    expect: syntax
  }
]
