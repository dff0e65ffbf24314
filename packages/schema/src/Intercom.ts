/**
 * Intercom's conversation models, in two shapes:
 *
 * - {@link Conversation}: the classic shape of Intercom's Conversation model (seed 003): `conversation_message`,
 *   `user`, `customers`, `assignee`, `conversation_parts`.
 * - {@link ConversationV2}: the API 2.11 shape (`components.schemas.conversation` of Intercom's OpenAPI
 *   description): `source`, `contacts`, `teammates`, `admin_assignee_id`, `statistics`, ... with the spec's
 *   required and nullable fields.
 *
 * The encoded side is the wire shape: timestamps are epoch **seconds** (non-negative integers), ids are strings
 * (except the 2.x `admin_assignee_id` / `team_assignee_id`, which are integers). The decoded side has
 * `DateTime.Utc` timestamps on whole seconds and a {@link WaitingSince} union for `waiting_since`. Encoding gives
 * back the wire shape exactly. Bodies are kept raw (`string`): they may contain HTML.
 *
 * @example
 * ```ts
 * import { Intercom } from "@parley/schema"
 * import { DateTime, Schema } from "effect"
 *
 * const part = Schema.decodeUnknownSync(Intercom.ConversationPart)({
 *   type: "conversation_part",
 *   id: "4412",
 *   part_type: "comment",
 *   body: "<p>Thanks!</p>",
 *   created_at: 1400857494,
 *   updated_at: 1400857494,
 *   notified_at: 1400857587,
 *   assigned_to: null,
 *   author: { type: "user", id: "536e564f316c83104c000020" },
 *   attachments: [],
 *   external_id: null
 * })
 * DateTime.formatIso(part.created_at) // "2014-05-23T15:04:54.000Z"
 * ```
 *
 * @since 0.1.0
 */
import { DateTime, Option, Schema, SchemaGetter } from "effect"

// -----------------------------------------------------------------------------
// Timestamps
// -----------------------------------------------------------------------------

/**
 * The last second of year 9999 (`9999-12-31T23:59:59Z`), the latest {@link Timestamp} Parley accepts.
 *
 * @since 0.1.0
 */
export const MAX_EPOCH_SECONDS = 253_402_300_799

/**
 * `3000-01-01T00:00:00Z` in epoch seconds. A `waiting_since` at or after this instant is Intercom's "not waiting"
 * sentinel (Intercom writes a date 2000 years in the future); see {@link WaitingSince}.
 *
 * @since 0.1.0
 */
export const WAITING_SENTINEL_THRESHOLD = 32_503_680_000

const isEpochSeconds = (n: number, max: number) => Number.isSafeInteger(n) && n >= 0 && n <= max

// `isInt` + `isBetween` (rather than one custom filter) give an exact arbitrary and `{ type: "integer" }` JSON Schema.
const epochSecondsNumber = (max: number) => {
  const annotations = {
    expected: "an epoch timestamp in seconds (a non-negative integer)",
    message: max === MAX_EPOCH_SECONDS
      ? "Expected an epoch timestamp in seconds: a non-negative integer no later than year 9999"
      : "Expected an epoch timestamp in seconds: a non-negative integer"
  }
  return Schema.Number.check(Schema.isInt(annotations), Schema.isBetween({ minimum: 0, maximum: max }, annotations))
}

const isUtcOnWholeSecond = (max: number) => (u: unknown): u is DateTime.Utc =>
  DateTime.isDateTime(u) && DateTime.isUtc(u) && u.epochMilliseconds % 1000 === 0 &&
  isEpochSeconds(u.epochMilliseconds / 1000, max)

const fromSeconds = (s: number): DateTime.Utc => DateTime.makeUnsafe(s * 1000)
const toSeconds = (dt: DateTime.Utc): number => dt.epochMilliseconds / 1000

/**
 * A `DateTime.Utc` on a whole second, from 1970 up to `max` seconds. Its arbitrary generates whole seconds, so
 * property tests only produce values a seconds timestamp can carry.
 */
const utcOnWholeSecond = (max: number, expected: string) =>
  Schema.declare(isUtcOnWholeSecond(max), {
    expected,
    toCodecArbitrary: () =>
      Schema.link<DateTime.Utc>()(
        Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: max })),
        { decode: SchemaGetter.transform(fromSeconds), encode: SchemaGetter.transform(toSeconds) }
      ),
    toEquivalence: () => (a, b) => a.epochMilliseconds === b.epochMilliseconds,
    toFormatter: () => (utc) => utc.toString()
  })

/**
 * The decoded side of a {@link Timestamp}: a `DateTime.Utc` on a whole second between 1970 and year 9999.
 * Encoding a `DateTime.Utc` with milliseconds is a `SchemaError` (nothing is rounded silently): truncate first
 * with {@link toWholeSeconds}.
 *
 * @since 0.1.0
 */
export const UtcSeconds = utcOnWholeSecond(MAX_EPOCH_SECONDS, "a DateTime.Utc on a whole second, 1970 to 9999")

/**
 * An Intercom timestamp: epoch seconds on the wire (a non-negative integer), `DateTime.Utc` decoded. Negative,
 * fractional or out-of-range values (after year 9999) are decode errors naming the field. Decoding is exact;
 * encoding gives back the same number of seconds.
 *
 * @example
 * ```ts
 * import { Intercom } from "@parley/schema"
 * import { DateTime, Schema } from "effect"
 *
 * DateTime.formatIso(Schema.decodeUnknownSync(Intercom.Timestamp)(1400850973)) // "2014-05-23T13:16:13.000Z"
 * ```
 *
 * @since 0.1.0
 */
export const Timestamp = epochSecondsNumber(MAX_EPOCH_SECONDS).pipe(
  Schema.decodeTo(UtcSeconds, {
    decode: SchemaGetter.transform(fromSeconds),
    encode: SchemaGetter.transform(toSeconds)
  })
)

/**
 * Drops the milliseconds of a `DateTime.Utc` (rounding toward the past), so it can be encoded as an Intercom
 * {@link Timestamp}. Use it where a millisecond source (Drift) is mapped to Intercom.
 *
 * @example
 * ```ts
 * import { Intercom } from "@parley/schema"
 * import { DateTime } from "effect"
 *
 * DateTime.formatIso(Intercom.toWholeSeconds(DateTime.makeUnsafe(1548700064840))) // "2019-01-28T18:27:44.000Z"
 * ```
 *
 * @since 0.1.0
 */
export const toWholeSeconds = (dt: DateTime.Utc): DateTime.Utc =>
  DateTime.makeUnsafe(Math.floor(dt.epochMilliseconds / 1000) * 1000)

// -----------------------------------------------------------------------------
// waiting_since
// -----------------------------------------------------------------------------

/**
 * A customer is waiting for a reply since `since` (before year 3000).
 *
 * @since 0.1.0
 */
export const Waiting = Schema.TaggedStruct("Waiting", {
  since: utcOnWholeSecond(
    WAITING_SENTINEL_THRESHOLD - 1,
    "a DateTime.Utc on a whole second, 1970 to 2999 (later dates are the not-waiting sentinel)"
  )
})
/** @since 0.1.0 */
export interface Waiting extends Schema.Schema.Type<typeof Waiting> {}

/**
 * Nobody is waiting (the last reply is from an admin, or the conversation was closed after a customer's reply).
 * `sentinel` keeps what the wire said, so encoding gives it back exactly: the epoch seconds Intercom wrote (at or
 * after {@link WAITING_SENTINEL_THRESHOLD}, "2000 years in the future"), or `null` (the 2.x API's form).
 *
 * @since 0.1.0
 */
export const NotWaiting = Schema.TaggedStruct("NotWaiting", {
  sentinel: Schema.NullOr(
    Schema.Int.check(Schema.isBetween({ minimum: WAITING_SENTINEL_THRESHOLD, maximum: Number.MAX_SAFE_INTEGER }))
  )
})
/** @since 0.1.0 */
export interface NotWaiting extends Schema.Schema.Type<typeof NotWaiting> {}

/**
 * The decoded `waiting_since`.
 *
 * @since 0.1.0
 */
export type WaitingSinceValue = Waiting | NotWaiting

/**
 * `waiting_since`: the time a customer started waiting for a reply, or "not waiting".
 *
 * Wire: epoch seconds or `null`. Intercom marks "not waiting" with a date 2000 years in the future (classic
 * model) or with `null` (API 2.x). The rule, context-free and deterministic: a wire value at or after
 * `3000-01-01T00:00:00Z` ({@link WAITING_SENTINEL_THRESHOLD}) or `null` decodes to
 * `{ _tag: "NotWaiting", sentinel }` holding the wire value; any earlier value decodes to
 * `{ _tag: "Waiting", since: DateTime.Utc }`. Encoding writes `sentinel` (or `since` in seconds) back, so
 * `encode(decode(x))` is `x` for every wire value and `decode(encode(a))` is `a` for every decoded value.
 * Negative or fractional values are decode errors. Read it with {@link waitingSinceOption}; build it with
 * {@link waiting} / {@link notWaiting}.
 *
 * @example
 * ```ts
 * import { Intercom } from "@parley/schema"
 * import { Schema } from "effect"
 *
 * const decode = Schema.decodeUnknownSync(Intercom.WaitingSince)
 * decode(1400857494)._tag // "Waiting"
 * decode(64512366694)     // { _tag: "NotWaiting", sentinel: 64512366694 } (year 4014)
 * decode(null)            // { _tag: "NotWaiting", sentinel: null }
 * ```
 *
 * @since 0.1.0
 */
export const WaitingSince = Schema.NullOr(epochSecondsNumber(Number.MAX_SAFE_INTEGER)).pipe(
  Schema.decodeTo(Schema.Union([Waiting, NotWaiting]), {
    decode: SchemaGetter.transform((wire: number | null): WaitingSinceValue =>
      wire === null || wire >= WAITING_SENTINEL_THRESHOLD
        ? NotWaiting.make({ sentinel: wire })
        : Waiting.make({ since: fromSeconds(wire) })
    ),
    encode: SchemaGetter.transform((value: WaitingSinceValue): number | null =>
      value._tag === "Waiting" ? toSeconds(value.since) : value.sentinel
    )
  })
)

/**
 * A `Waiting` value.
 *
 * @since 0.1.0
 */
export const waiting = (since: DateTime.Utc): WaitingSinceValue => Waiting.make({ since })

/**
 * A `NotWaiting` value. Without an argument the sentinel is `null` (the 2.x wire form); for the classic wire form
 * pass the sentinel seconds, e.g. `notWaiting(createdAtSeconds + 2000 * 31_556_952)`.
 *
 * @since 0.1.0
 */
export const notWaiting = (sentinel: number | null = null): WaitingSinceValue => NotWaiting.make({ sentinel })

/**
 * `Some(since)` when a customer is waiting, `None` otherwise.
 *
 * @since 0.1.0
 */
export const waitingSinceOption = (value: WaitingSinceValue): Option.Option<DateTime.Utc> =>
  value._tag === "Waiting" ? Option.some(value.since) : Option.none()

// -----------------------------------------------------------------------------
// Ids and shared pieces
// -----------------------------------------------------------------------------

/**
 * A non-empty string id (admins, contacts, users, tags, messages...).
 *
 * @since 0.1.0
 */
export const Id = Schema.String.check(Schema.isNonEmpty())

/**
 * An Intercom conversation id (a non-empty string such as `"147"`).
 *
 * @since 0.1.0
 */
export const ConversationId = Id.pipe(Schema.brand("@parley/Intercom/ConversationId"))
/** @since 0.1.0 */
export type ConversationId = typeof ConversationId.Type

/**
 * An Intercom conversation part id.
 *
 * @since 0.1.0
 */
export const ConversationPartId = Id.pipe(Schema.brand("@parley/Intercom/ConversationPartId"))
/** @since 0.1.0 */
export type ConversationPartId = typeof ConversationPartId.Type

/**
 * A numeric id of the 2.x API (`admin_assignee_id`, `team_assignee_id`): a non-negative safe integer.
 *
 * @since 0.1.0
 */
export const IntegerId = Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }))

/**
 * `team_assignee_id`: an integer in the spec, a string in Intercom's official SDK and in answers recorded from the
 * real API (`"0"`, `"5017691"`). Both decode and are kept as sent.
 *
 * @since 0.1.0
 */
export const TeamAssigneeId = Schema.Union([IntegerId, Schema.String])
/** @since 0.1.0 */
export type TeamAssigneeId = typeof TeamAssigneeId.Type

/**
 * A conversation's state.
 *
 * @since 0.1.0
 */
export const ConversationState = Schema.Literals(["open", "closed", "snoozed"])
/** @since 0.1.0 */
export type ConversationState = typeof ConversationState.Type

/**
 * An open JSON object (`custom_attributes`, `topics`, `ticket`): every key and value survives a round trip.
 *
 * @since 0.1.0
 */
export const OpenObject = Schema.JsonObject
/** @since 0.1.0 */
export type OpenObject = typeof OpenObject.Type

// -----------------------------------------------------------------------------
// Classic conversation (seed 003)
// -----------------------------------------------------------------------------

/**
 * Who wrote a classic message or part. Classic payloads carry `type` and `id`; `name` and `email` appear in
 * later versions.
 *
 * @since 0.1.0
 */
export const Author = Schema.Struct({
  type: Schema.Literals(["admin", "bot", "team", "user", "lead", "contact"]),
  id: Id,
  name: Schema.optionalKey(Schema.NullOr(Schema.String)),
  email: Schema.optionalKey(Schema.String)
})
/** @since 0.1.0 */
export interface Author extends Schema.Schema.Type<typeof Author> {}

/**
 * A file attached to a classic message or part: `name` and `url`, plus the details later versions add.
 *
 * @since 0.1.0
 */
export const Attachment = Schema.Struct({
  type: Schema.optionalKey(Schema.String),
  name: Schema.String,
  url: Schema.String,
  content_type: Schema.optionalKey(Schema.String),
  filesize: Schema.optionalKey(Schema.Int),
  width: Schema.optionalKey(Schema.NullOr(Schema.Int)),
  height: Schema.optionalKey(Schema.NullOr(Schema.Int))
})
/** @since 0.1.0 */
export interface Attachment extends Schema.Schema.Type<typeof Attachment> {}

/**
 * The message that started a classic conversation. `body` may contain HTML (kept raw).
 *
 * @since 0.1.0
 */
export const ConversationMessage = Schema.Struct({
  type: Schema.Literal("conversation_message"),
  id: Schema.optionalKey(Id),
  subject: Schema.String,
  body: Schema.String,
  author: Author,
  attachments: Schema.Array(Attachment),
  url: Schema.optionalKey(Schema.NullOr(Schema.String))
})
/** @since 0.1.0 */
export interface ConversationMessage extends Schema.Schema.Type<typeof ConversationMessage> {}

/**
 * A customer of a classic conversation (`user` and the `customers` list): a user or a lead.
 *
 * @since 0.1.0
 */
export const Customer = Schema.Struct({
  type: Schema.Literals(["user", "lead", "contact"]),
  id: Id
})
/** @since 0.1.0 */
export interface Customer extends Schema.Schema.Type<typeof Customer> {}

/**
 * The assignee of a classic conversation: an admin or a team, or `{ type: "nobody_admin" }` (assigned to
 * nobody; `id` is absent or `null`).
 *
 * @since 0.1.0
 */
export const Assignee = Schema.Union([
  Schema.Struct({ type: Schema.Literals(["admin", "team"]), id: Id }),
  Schema.Struct({ type: Schema.Literal("nobody_admin"), id: Schema.optionalKey(Schema.Null) })
])
/** @since 0.1.0 */
export type Assignee = typeof Assignee.Type

/**
 * Who a classic part assigned the conversation to.
 *
 * @since 0.1.0
 */
export const AssignedTo = Schema.Struct({
  type: Schema.Literals(["admin", "team", "nobody_admin"]),
  id: Schema.optionalKey(Schema.NullOr(Id))
})
/** @since 0.1.0 */
export interface AssignedTo extends Schema.Schema.Type<typeof AssignedTo> {}

/**
 * A classic conversation part: a reply, a note or an action. `part_type` is an open set (Intercom does not
 * enumerate it): `comment`, `note`, `assignment`, `open`, `close`, `snoozed`, `away_mode_assignment`,
 * `assign_and_reopen`, `default_assignment`, `conversation_attribute_updated_by_admin`, ...
 *
 * @since 0.1.0
 */
export const ConversationPart = Schema.Struct({
  type: Schema.Literal("conversation_part"),
  id: ConversationPartId,
  part_type: Schema.String,
  body: Schema.NullOr(Schema.String),
  created_at: Timestamp,
  updated_at: Timestamp,
  notified_at: Timestamp,
  assigned_to: Schema.NullOr(AssignedTo),
  author: Author,
  attachments: Schema.Array(Attachment),
  external_id: Schema.optionalKey(Schema.NullOr(Schema.String)),
  redacted: Schema.optionalKey(Schema.Boolean)
})
/** @since 0.1.0 */
export interface ConversationPart extends Schema.Schema.Type<typeof ConversationPart> {}
/** @since 0.1.0 */
export interface ConversationPartEncoded extends Schema.Codec.Encoded<typeof ConversationPart> {}

/**
 * The parts of a classic conversation (only returned when retrieving one conversation).
 *
 * @since 0.1.0
 */
export const ConversationParts = Schema.Struct({
  type: Schema.Literal("conversation_part.list"),
  conversation_parts: Schema.Array(ConversationPart),
  total_count: Schema.Int
})
/** @since 0.1.0 */
export interface ConversationParts extends Schema.Schema.Type<typeof ConversationParts> {}

const NullableReference = Schema.Struct({ type: Schema.NullOr(Schema.String), id: Schema.NullOr(Schema.String) })

/**
 * A classic conversation rating. Every field is `null` until a customer rates the conversation (as in seed 003);
 * webhook payloads send an unrated conversation's rating as `{}`, so every field may also be absent (and stays
 * absent on encode).
 *
 * @since 0.1.0
 */
export const ConversationRating = Schema.Struct({
  rating: Schema.optionalKey(Schema.NullOr(Schema.Int)),
  remark: Schema.optionalKey(Schema.NullOr(Schema.String)),
  created_at: Schema.optionalKey(Schema.NullOr(Timestamp)),
  customer: Schema.optionalKey(NullableReference),
  teammate: Schema.optionalKey(NullableReference)
})
/** @since 0.1.0 */
export interface ConversationRating extends Schema.Schema.Type<typeof ConversationRating> {}

/**
 * A classic tag.
 *
 * @since 0.1.0
 */
export const Tag = Schema.Struct({ type: Schema.Literal("tag"), id: Id, name: Schema.String })
/** @since 0.1.0 */
export interface Tag extends Schema.Schema.Type<typeof Tag> {}

/**
 * The tags of a classic conversation.
 *
 * @since 0.1.0
 */
export const Tags = Schema.Struct({ type: Schema.Literal("tag.list"), tags: Schema.Array(Tag) })
/** @since 0.1.0 */
export interface Tags extends Schema.Schema.Type<typeof Tags> {}

/**
 * A conversation in Intercom's classic shape (seed 003). `conversation_parts` is absent from list responses;
 * `waiting_since`, `snoozed_until` and `conversation_rating` may be absent in older payloads and stay absent on
 * encode. `waiting_since` decodes to {@link WaitingSince} (the sentinel 2000 years ahead is `NotWaiting`).
 * Webhook payloads leave `customers` out and send an unrated `conversation_rating` as `{}`: both decode.
 *
 * @since 0.1.0
 */
export const Conversation = Schema.Struct({
  type: Schema.Literal("conversation"),
  id: ConversationId,
  created_at: Timestamp,
  updated_at: Timestamp,
  waiting_since: Schema.optionalKey(WaitingSince),
  snoozed_until: Schema.optionalKey(Schema.NullOr(Timestamp)),
  conversation_message: ConversationMessage,
  user: Customer,
  // Webhook payloads (conversation.* topics) leave `customers` out; REST answers send it.
  customers: Schema.optionalKey(Schema.Array(Customer)),
  assignee: Assignee,
  open: Schema.Boolean,
  state: ConversationState,
  read: Schema.Boolean,
  conversation_parts: Schema.optionalKey(ConversationParts),
  conversation_rating: Schema.optionalKey(ConversationRating),
  tags: Tags
})
/** @since 0.1.0 */
export interface Conversation extends Schema.Schema.Type<typeof Conversation> {}
/** @since 0.1.0 */
export interface ConversationEncoded extends Schema.Codec.Encoded<typeof Conversation> {}

// -----------------------------------------------------------------------------
// API 2.11 conversation (components.schemas.conversation)
// -----------------------------------------------------------------------------

// ajv-formats' (full) `email` format, spelled without the `i` flag (which arbitrary derivation cannot use), so
// the values this model accepts and generates are what a JSON Schema validator accepts.
const emailPattern =
  /^[a-zA-Z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-zA-Z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?\.)+[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/

/**
 * An email address (the spec's `format: email`).
 *
 * @since 0.1.0
 */
export const Email = Schema.String.check(Schema.isPattern(emailPattern, { expected: "an email address" }))

/**
 * `reference`: a reference to another object (`id` is `null` for `nobody_admin`).
 *
 * @since 0.1.0
 */
export const ReferenceV2 = Schema.Struct({
  type: Schema.String,
  id: Schema.optionalKey(Schema.NullOr(Schema.String))
})
/** @since 0.1.0 */
export interface ReferenceV2 extends Schema.Schema.Type<typeof ReferenceV2> {}

/**
 * `contact_reference`: a contact taking part in a conversation.
 *
 * @since 0.1.0
 */
export const ContactReferenceV2 = Schema.Struct({
  type: Schema.Literal("contact"),
  id: Schema.String,
  external_id: Schema.optionalKey(Schema.NullOr(Schema.String))
})
/** @since 0.1.0 */
export interface ContactReferenceV2 extends Schema.Schema.Type<typeof ContactReferenceV2> {}

/**
 * The `email` of a {@link AuthorV2}: an email address, or `""` (what Intercom writes when it knows no email,
 * e.g. for a lead or visitor without one; the spec's own visitor examples send `email: ''`).
 *
 * @since 0.1.0
 */
export const AuthorEmail = Schema.Union([Email, Schema.Literal("")])
/** @since 0.1.0 */
export type AuthorEmail = typeof AuthorEmail.Type

/**
 * `conversation_part_author`: who wrote a part or the source message (an admin, contact, team or bot). `name` is
 * `null` and `email` is `""` when Intercom does not know them.
 *
 * @since 0.1.0
 */
export const AuthorV2 = Schema.Struct({
  type: Schema.String,
  id: Schema.String,
  name: Schema.NullOr(Schema.String),
  email: AuthorEmail
})
/** @since 0.1.0 */
export interface AuthorV2 extends Schema.Schema.Type<typeof AuthorV2> {}

/**
 * `part_attachment`: a file attached to a part.
 *
 * @since 0.1.0
 */
export const AttachmentV2 = Schema.Struct({
  type: Schema.String,
  name: Schema.String,
  url: Schema.String,
  content_type: Schema.String,
  filesize: Schema.Int,
  width: Schema.Int,
  height: Schema.Int
})
/** @since 0.1.0 */
export interface AttachmentV2 extends Schema.Schema.Type<typeof AttachmentV2> {}

/**
 * `conversation_source.type`: the channel a conversation came from.
 *
 * @since 0.1.0
 */
export const SourceType = Schema.Literals([
  "conversation",
  "email",
  "facebook",
  "instagram",
  "phone_call",
  "phone_switch",
  "push",
  "sms",
  "twitter",
  "whatsapp"
])
/** @since 0.1.0 */
export type SourceType = typeof SourceType.Type

/**
 * `conversation_source`: the part that started the conversation (the 2.x name of `conversation_message`).
 * `delivered_as` is an open set (`customer_initiated`, `campaigns_initiated`, `operator_initiated`, `automated`,
 * `admin_initiated`, ...).
 *
 * @since 0.1.0
 */
export const SourceV2 = Schema.Struct({
  type: SourceType,
  id: Schema.String,
  delivered_as: Schema.String,
  subject: Schema.String,
  body: Schema.optionalKey(Schema.String),
  author: AuthorV2,
  attachments: Schema.optionalKey(Schema.Array(AttachmentV2)),
  url: Schema.optionalKey(Schema.NullOr(Schema.String)),
  // Required by the spec, but absent from answers recorded from the real API; absent stays absent.
  redacted: Schema.optionalKey(Schema.Boolean)
})
/** @since 0.1.0 */
export interface SourceV2 extends Schema.Schema.Type<typeof SourceV2> {}

/**
 * `conversation_part` (API 2.11). `part_type` is an open set (the spec does not enumerate it; its examples use
 * `comment`, `note`, `open`, `close`, `snoozed`, `assign_and_reopen`, `default_assignment`,
 * `conversation_attribute_updated_by_admin`).
 *
 * @since 0.1.0
 */
export const ConversationPartV2 = Schema.Struct({
  type: Schema.Literal("conversation_part"),
  id: ConversationPartId,
  part_type: Schema.String,
  body: Schema.optionalKey(Schema.NullOr(Schema.String)),
  created_at: Timestamp,
  updated_at: Schema.optionalKey(Timestamp),
  notified_at: Timestamp,
  assigned_to: Schema.optionalKey(Schema.NullOr(ReferenceV2)),
  author: AuthorV2,
  attachments: Schema.optionalKey(Schema.Array(AttachmentV2)),
  external_id: Schema.optionalKey(Schema.NullOr(Schema.String)),
  redacted: Schema.Boolean
})
/** @since 0.1.0 */
export interface ConversationPartV2 extends Schema.Schema.Type<typeof ConversationPartV2> {}
/** @since 0.1.0 */
export interface ConversationPartV2Encoded extends Schema.Codec.Encoded<typeof ConversationPartV2> {}

/**
 * `conversation_parts` (API 2.11): at most 500 parts, only returned when retrieving one conversation.
 *
 * @since 0.1.0
 */
export const ConversationPartsV2 = Schema.Struct({
  type: Schema.Literal("conversation_part.list"),
  conversation_parts: Schema.Array(ConversationPartV2),
  total_count: Schema.Int
})
/** @since 0.1.0 */
export interface ConversationPartsV2 extends Schema.Schema.Type<typeof ConversationPartsV2> {}

/**
 * `conversation_contacts`: the contacts (users or leads) in the conversation.
 *
 * @since 0.1.0
 */
export const ContactsV2 = Schema.Struct({
  type: Schema.Literal("contact.list"),
  contacts: Schema.Array(ContactReferenceV2)
})
/** @since 0.1.0 */
export interface ContactsV2 extends Schema.Schema.Type<typeof ContactsV2> {}

/**
 * `conversation_teammates` as the API sends it: `{ type: "admin.list", admins: [...] }`.
 *
 * @since 0.1.0
 */
export const TeammatesAdminsV2 = Schema.Struct({
  type: Schema.String,
  admins: Schema.Array(ReferenceV2)
})

/**
 * `conversation_teammates` as the spec describes it: `{ type, teammates: [...] }`.
 *
 * @since 0.1.0
 */
export const TeammatesSpecV2 = Schema.Struct({
  type: Schema.String,
  teammates: Schema.Array(ReferenceV2)
})

/**
 * `conversation_teammates`: the teammates who wrote at least one part (`type` is `admin.list`).
 *
 * The spec (2.11) names the list `teammates`, but the API sends `admins`, and Intercom's official SDK
 * (`intercom-client` 6.x, generated from Intercom's own API definition) overrides the spec the same way
 * (`ConversationTeammates { type: "admin.list"; admins: Reference[] }`). Both decode to `{ type, admins }`;
 * encoding always writes `admins`.
 *
 * @example
 * ```ts
 * import { Intercom } from "@parley/schema"
 * import { Schema } from "effect"
 *
 * const decode = Schema.decodeUnknownSync(Intercom.TeammatesV2)
 * decode({ type: "admin.list", teammates: [{ type: "admin", id: "1" }] }) // { type: "admin.list", admins: [...] }
 * ```
 *
 * @since 0.1.0
 */
export const TeammatesV2 = Schema.Union([
  TeammatesAdminsV2,
  TeammatesSpecV2.pipe(
    Schema.decodeTo(Schema.toType(TeammatesAdminsV2), {
      decode: SchemaGetter.transform(({ teammates, type }) => ({ type, admins: teammates })),
      encode: SchemaGetter.transform(({ admins, type }) => ({ type, teammates: admins }))
    })
  )
])
/** @since 0.1.0 */
export interface TeammatesV2 extends Schema.Schema.Type<typeof TeammatesAdminsV2> {}

/**
 * `tag` (API 2.11). `applied_at` and `applied_by` are required and nullable in the spec.
 *
 * @since 0.1.0
 */
export const TagV2 = Schema.Struct({
  type: Schema.String,
  id: Schema.String,
  name: Schema.String,
  applied_at: Schema.NullOr(Timestamp),
  applied_by: Schema.NullOr(ReferenceV2)
})
/** @since 0.1.0 */
export interface TagV2 extends Schema.Schema.Type<typeof TagV2> {}

/**
 * `tags`: the tags of a conversation.
 *
 * @since 0.1.0
 */
export const TagsV2 = Schema.Struct({ type: Schema.Literal("tag.list"), tags: Schema.Array(TagV2) })
/** @since 0.1.0 */
export interface TagsV2 extends Schema.Schema.Type<typeof TagsV2> {}

/**
 * `conversation_rating` (API 2.11).
 *
 * @since 0.1.0
 */
export const ConversationRatingV2 = Schema.Struct({
  rating: Schema.Int,
  remark: Schema.String,
  created_at: Timestamp,
  contact: ContactReferenceV2,
  teammate: ReferenceV2
})
/** @since 0.1.0 */
export interface ConversationRatingV2 extends Schema.Schema.Type<typeof ConversationRatingV2> {}

/**
 * `conversation_first_contact_reply`: the contact's first message.
 *
 * @since 0.1.0
 */
export const FirstContactReplyV2 = Schema.Struct({
  created_at: Timestamp,
  type: Schema.String,
  url: Schema.optionalKey(Schema.NullOr(Schema.String))
})
/** @since 0.1.0 */
export interface FirstContactReplyV2 extends Schema.Schema.Type<typeof FirstContactReplyV2> {}

/**
 * `sla_applied`: the SLA applied to the conversation.
 *
 * @since 0.1.0
 */
export const SlaAppliedV2 = Schema.Struct({
  type: Schema.String,
  sla_name: Schema.String,
  sla_status: Schema.Literals(["hit", "missed", "cancelled", "active"])
})
/** @since 0.1.0 */
export interface SlaAppliedV2 extends Schema.Schema.Type<typeof SlaAppliedV2> {}

/**
 * `conversation_statistics`: reporting timestamps and durations (durations in seconds). Every member may be
 * absent or `null` (the API sends `null` for what has not happened yet, e.g. `first_close_at` of an open
 * conversation).
 *
 * @since 0.1.0
 */
export const StatisticsV2 = Schema.Struct({
  type: Schema.Literal("conversation_statistics"),
  time_to_assignment: Schema.optionalKey(Schema.NullOr(Schema.Int)),
  time_to_admin_reply: Schema.optionalKey(Schema.NullOr(Schema.Int)),
  time_to_first_close: Schema.optionalKey(Schema.NullOr(Schema.Int)),
  time_to_last_close: Schema.optionalKey(Schema.NullOr(Schema.Int)),
  median_time_to_reply: Schema.optionalKey(Schema.NullOr(Schema.Int)),
  first_contact_reply_at: Schema.optionalKey(Schema.NullOr(Timestamp)),
  first_assignment_at: Schema.optionalKey(Schema.NullOr(Timestamp)),
  first_admin_reply_at: Schema.optionalKey(Schema.NullOr(Timestamp)),
  first_close_at: Schema.optionalKey(Schema.NullOr(Timestamp)),
  last_assignment_at: Schema.optionalKey(Schema.NullOr(Timestamp)),
  last_assignment_admin_reply_at: Schema.optionalKey(Schema.NullOr(Timestamp)),
  last_contact_reply_at: Schema.optionalKey(Schema.NullOr(Timestamp)),
  last_admin_reply_at: Schema.optionalKey(Schema.NullOr(Timestamp)),
  last_close_at: Schema.optionalKey(Schema.NullOr(Timestamp)),
  last_closed_by_id: Schema.optionalKey(Schema.NullOr(Schema.String)),
  count_reopens: Schema.optionalKey(Schema.NullOr(Schema.Int)),
  count_assignments: Schema.optionalKey(Schema.NullOr(Schema.Int)),
  count_conversation_parts: Schema.optionalKey(Schema.NullOr(Schema.Int))
})
/** @since 0.1.0 */
export interface StatisticsV2 extends Schema.Schema.Type<typeof StatisticsV2> {}

/**
 * `linked_object`: a linked conversation or ticket.
 *
 * @since 0.1.0
 */
export const LinkedObjectV2 = Schema.Struct({
  type: Schema.Literals(["ticket", "conversation"]),
  id: Schema.String,
  category: Schema.NullOr(Schema.Literals(["Customer", "Back-office", "Tracker"]))
})
/** @since 0.1.0 */
export interface LinkedObjectV2 extends Schema.Schema.Type<typeof LinkedObjectV2> {}

/**
 * `linked_object_list`: up to 1000 linked conversations and tickets.
 *
 * @since 0.1.0
 */
export const LinkedObjectsV2 = Schema.Struct({
  type: Schema.Literal("list"),
  total_count: Schema.Int,
  has_more: Schema.Boolean,
  data: Schema.Array(LinkedObjectV2)
})
/** @since 0.1.0 */
export interface LinkedObjectsV2 extends Schema.Schema.Type<typeof LinkedObjectsV2> {}

/**
 * `content_source`: content the AI Agent used.
 *
 * @since 0.1.0
 */
export const ContentSourceV2 = Schema.Struct({
  content_type: Schema.Literals([
    "file",
    "article",
    "external_content",
    "content_snippet",
    "workflow_connector_action"
  ]),
  url: Schema.String,
  title: Schema.String,
  locale: Schema.String
})
/** @since 0.1.0 */
export interface ContentSourceV2 extends Schema.Schema.Type<typeof ContentSourceV2> {}

/**
 * `content_sources_list`.
 *
 * @since 0.1.0
 */
export const ContentSourcesV2 = Schema.Struct({
  type: Schema.Literal("content_source.list"),
  total_count: Schema.Int,
  content_sources: Schema.Array(ContentSourceV2)
})
/** @since 0.1.0 */
export interface ContentSourcesV2 extends Schema.Schema.Type<typeof ContentSourcesV2> {}

/**
 * `ai_agent`: the AI Agent's involvement in the conversation.
 *
 * @since 0.1.0
 */
export const AiAgentV2 = Schema.Struct({
  source_type: Schema.NullOr(
    Schema.Literals(["essentials_plan_setup", "profile", "workflow", "workflow_preview", "fin_preview"])
  ),
  source_title: Schema.optionalKey(Schema.NullOr(Schema.String)),
  last_answer_type: Schema.optionalKey(Schema.NullOr(Schema.Literals(["ai_answer", "custom_answer"]))),
  resolution_state: Schema.optionalKey(
    Schema.NullOr(Schema.Literals(["assumed_resolution", "confirmed_resolution", "routed_to_team", "abandoned"]))
  ),
  rating: Schema.optionalKey(Schema.NullOr(Schema.Int)),
  rating_remark: Schema.optionalKey(Schema.NullOr(Schema.String)),
  content_sources: Schema.optionalKey(ContentSourcesV2)
})
/** @since 0.1.0 */
export interface AiAgentV2 extends Schema.Schema.Type<typeof AiAgentV2> {}

/**
 * A conversation in the API 2.11 shape (`components.schemas.conversation`), with the spec's required and
 * nullable fields, and these documented departures, all taken from the spec's own response examples:
 *
 * - `teammates` (required), `statistics`, `conversation_rating` and `first_contact_reply` also accept `null`:
 *   every conversation example in the spec sends `null` there although the schema does not say `nullable`.
 * - `topics` is required by the spec but never described; it is an {@link OpenObject} (`{}` in the examples).
 * - `ticket` is not in the schema but is in every example (`null`); it is kept as an optional open object.
 * - `custom_attributes` refers to an undefined schema; it is an {@link OpenObject} whose keys all survive.
 * - `teammates` is `{ type, admins }` as the API and the official SDK send it ({@link TeammatesV2}); the spec's
 *   `{ type, teammates }` also decodes.
 * - as real answers send them: `title`, `topics`, `admin_assignee_id`, `team_assignee_id` and `source.redacted`
 *   may be absent (and stay absent); `team_assignee_id` may be a string; `statistics` members may be `null`;
 *   an author's `email` may be `""` and `name` `null`.
 *
 * `waiting_since` decodes to {@link WaitingSince} (`null` is `NotWaiting`); other timestamps are `DateTime.Utc`.
 * Other keys are dropped on decode.
 *
 * @since 0.1.0
 */
export const ConversationV2 = Schema.Struct({
  type: Schema.optionalKey(Schema.Literal("conversation")),
  id: ConversationId,
  title: Schema.optionalKey(Schema.NullOr(Schema.String)),
  created_at: Timestamp,
  updated_at: Timestamp,
  waiting_since: WaitingSince,
  snoozed_until: Schema.NullOr(Timestamp),
  open: Schema.Boolean,
  state: ConversationState,
  read: Schema.Boolean,
  priority: Schema.optionalKey(Schema.Literals(["priority", "not_priority"])),
  admin_assignee_id: Schema.optionalKey(Schema.NullOr(IntegerId)),
  team_assignee_id: Schema.optionalKey(Schema.NullOr(TeamAssigneeId)),
  tags: Schema.optionalKey(TagsV2),
  conversation_rating: Schema.optionalKey(Schema.NullOr(ConversationRatingV2)),
  source: SourceV2,
  contacts: ContactsV2,
  teammates: Schema.NullOr(TeammatesV2),
  custom_attributes: OpenObject,
  topics: Schema.optionalKey(OpenObject),
  first_contact_reply: Schema.optionalKey(Schema.NullOr(FirstContactReplyV2)),
  sla_applied: Schema.optionalKey(Schema.NullOr(SlaAppliedV2)),
  statistics: Schema.optionalKey(Schema.NullOr(StatisticsV2)),
  conversation_parts: Schema.optionalKey(ConversationPartsV2),
  linked_objects: Schema.optionalKey(LinkedObjectsV2),
  ai_agent_participated: Schema.optionalKey(Schema.Boolean),
  ai_agent: Schema.optionalKey(Schema.NullOr(AiAgentV2)),
  ticket: Schema.optionalKey(Schema.NullOr(OpenObject))
})
/** @since 0.1.0 */
export interface ConversationV2 extends Schema.Schema.Type<typeof ConversationV2> {}
/** @since 0.1.0 */
export interface ConversationV2Encoded extends Schema.Codec.Encoded<typeof ConversationV2> {}
