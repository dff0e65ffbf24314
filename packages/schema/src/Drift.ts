/**
 * Drift's conversation API models.
 *
 * The encoded side of every schema is Drift's wire shape (JSON as the API sends it): epoch-millisecond
 * timestamps and numeric ids. The decoded side is the rich type: `DateTime.Utc` timestamps, ids branded per
 * entity, message bodies sanitized by {@link Html.sanitize}. Encoding gives back the wire shape.
 *
 * @example
 * ```ts
 * import { Drift } from "@parley/schema"
 * import { Schema } from "effect"
 *
 * const page = Schema.decodeUnknownSync(Drift.ConversationsPage)({
 *   data: [{ id: 1, status: "open", contactId: 2, inboxId: 3, createdAt: 1700000000000, updatedAt: 1700000000000 }]
 * })
 * page.data[0].createdAt // DateTime.Utc
 * ```
 *
 * @since 0.1.0
 */
import { Option, Schema, SchemaGetter } from "effect"
import * as Html from "./Html.ts"
import * as Compiled from "./internal/compiled.ts"
import { EpochMillis, SafeId } from "./internal/wire.ts"

// -----------------------------------------------------------------------------
// Ids and timestamps
// -----------------------------------------------------------------------------

/**
 * A Drift conversation id: a non-negative safe integer. Drift documents ids as 64-bit; an id beyond 2^53 is a
 * decode error naming the field, never a rounded id.
 *
 * @since 0.1.0
 */
export const ConversationId = SafeId.pipe(Schema.brand("@parley/Drift/ConversationId"))
/** @since 0.1.0 */
export type ConversationId = typeof ConversationId.Type

/**
 * A Drift message id.
 *
 * @since 0.1.0
 */
export const MessageId = SafeId.pipe(Schema.brand("@parley/Drift/MessageId"))
/** @since 0.1.0 */
export type MessageId = typeof MessageId.Type

/**
 * A Drift contact id (the site visitor or customer side of a conversation).
 *
 * @since 0.1.0
 */
export const ContactId = SafeId.pipe(Schema.brand("@parley/Drift/ContactId"))
/** @since 0.1.0 */
export type ContactId = typeof ContactId.Type

/**
 * A Drift user id (an employee of the organization, or a bot).
 *
 * @since 0.1.0
 */
export const UserId = SafeId.pipe(Schema.brand("@parley/Drift/UserId"))
/** @since 0.1.0 */
export type UserId = typeof UserId.Type

/**
 * A Drift organization id.
 *
 * @since 0.1.0
 */
export const OrgId = SafeId.pipe(Schema.brand("@parley/Drift/OrgId"))
/** @since 0.1.0 */
export type OrgId = typeof OrgId.Type

/**
 * A Drift inbox id.
 *
 * @since 0.1.0
 */
export const InboxId = SafeId.pipe(Schema.brand("@parley/Drift/InboxId"))
/** @since 0.1.0 */
export type InboxId = typeof InboxId.Type

/**
 * The id of the playbook that started a conversation.
 *
 * @since 0.1.0
 */
export const PlaybookId = SafeId.pipe(Schema.brand("@parley/Drift/PlaybookId"))
/** @since 0.1.0 */
export type PlaybookId = typeof PlaybookId.Type

/**
 * A Drift timestamp: epoch milliseconds on the wire (a non-negative integer), `DateTime.Utc` decoded.
 * Negative, fractional or out-of-range values are decode errors.
 *
 * @example
 * ```ts
 * import { Drift } from "@parley/schema"
 * import { DateTime, Schema } from "effect"
 *
 * DateTime.formatIso(Schema.decodeUnknownSync(Drift.Timestamp)(1548700064840)) // "2019-01-28T18:27:44.840Z"
 * ```
 *
 * @since 0.1.0
 */
export const Timestamp = EpochMillis

// -----------------------------------------------------------------------------
// Conversation
// -----------------------------------------------------------------------------

/**
 * A conversation's status.
 *
 * @since 0.1.0
 */
export const ConversationStatus = Schema.Literals(["open", "closed", "pending", "bulk_sent"])
/** @since 0.1.0 */
export type ConversationStatus = typeof ConversationStatus.Type

/**
 * The numeric status codes `GET /conversations/list?statusId=` filters by: 1 open, 2 closed, 3 pending.
 *
 * @since 0.1.0
 */
export const StatusId = Schema.Literals([1, 2, 3])
/** @since 0.1.0 */
export type StatusId = typeof StatusId.Type

/**
 * The filterable statuses (Drift has no status id for `bulk_sent`).
 *
 * @since 0.1.0
 */
export type FilterableStatus = "open" | "closed" | "pending"

const statusIds: Record<FilterableStatus, StatusId> = { open: 1, closed: 2, pending: 3 }
const statusesById: Record<StatusId, FilterableStatus> = { 1: "open", 2: "closed", 3: "pending" }

/**
 * The `statusId` code of a filterable status.
 *
 * @example
 * ```ts
 * import { Drift } from "@parley/schema"
 * Drift.statusIdOf("closed") // 2
 * ```
 *
 * @since 0.1.0
 */
export const statusIdOf = (status: FilterableStatus): StatusId => statusIds[status]

/**
 * The status named by a `statusId` code.
 *
 * @since 0.1.0
 */
export const statusOfId = (id: StatusId): FilterableStatus => statusesById[id]

/**
 * A tag on a conversation, with the color it shows in Drift: a hex value, with or without the leading `#`
 * (Drift sends both; kept as sent).
 *
 * @since 0.1.0
 */
export const ConversationTag = Schema.Struct({
  color: Schema.String.check(
    Schema.isPattern(/^#?(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$/, {
      expected: "a hex color such as \"#33aaff\""
    })
  ),
  name: Schema.String
})
/** @since 0.1.0 */
export interface ConversationTag extends Schema.Schema.Type<typeof ConversationTag> {}

/**
 * A Drift conversation (seed: the Conversation model). Fields absent from some responses (`participants`,
 * `conversationTags`, `orgId`, `relatedPlaybookId`) are optional and stay absent on encode.
 *
 * @since 0.1.0
 */
export const Conversation = Schema.Struct({
  id: ConversationId,
  participants: Schema.optionalKey(Schema.Array(UserId)),
  status: ConversationStatus,
  contactId: ContactId,
  inboxId: InboxId,
  orgId: Schema.optionalKey(OrgId),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  relatedPlaybookId: Schema.optionalKey(PlaybookId),
  conversationTags: Schema.optionalKey(Schema.Array(ConversationTag))
})
/** @since 0.1.0 */
export interface Conversation extends Schema.Schema.Type<typeof Conversation> {}
/** @since 0.1.0 */
export interface ConversationEncoded extends Schema.Codec.Encoded<typeof Conversation> {}

// -----------------------------------------------------------------------------
// Message
// -----------------------------------------------------------------------------

/**
 * A message body: decoded through {@link Html.sanitize} with Drift's policy (b, em, a[href]), so the decoded
 * value is safe to render. Encoding writes the sanitized body.
 *
 * @since 0.1.0
 */
export const Body = Html.SanitizedBody

/**
 * Who wrote a message: a contact, or a user (an employee; `bot` tells whether the user is a bot).
 *
 * @since 0.1.0
 */
export const MessageAuthor = Schema.Union([
  Schema.Struct({
    type: Schema.Literal("contact"),
    id: ContactId,
    bot: Schema.optionalKey(Schema.Boolean)
  }),
  Schema.Struct({
    type: Schema.Literal("user"),
    id: UserId,
    bot: Schema.optionalKey(Schema.Boolean)
  })
])
/** @since 0.1.0 */
export type MessageAuthor = typeof MessageAuthor.Type

/**
 * What a message button does when pressed: replace the message with `message`, or delete it.
 *
 * @since 0.1.0
 */
export const ButtonReaction = Schema.Struct({
  type: Schema.Literals(["replace", "delete"]),
  message: Schema.optionalKey(Schema.String)
})
/** @since 0.1.0 */
export interface ButtonReaction extends Schema.Schema.Type<typeof ButtonReaction> {}

/**
 * A button shown to the contact under a chat message. `type` defaults to `reply` in Drift and is kept absent
 * when absent on the wire.
 *
 * @since 0.1.0
 */
export const MessageButton = Schema.Struct({
  label: Schema.String,
  value: Schema.optionalKey(Schema.String),
  type: Schema.optionalKey(Schema.Literal("reply")),
  style: Schema.optionalKey(Schema.Literals(["primary", "danger"])),
  reaction: Schema.optionalKey(ButtonReaction)
})
/** @since 0.1.0 */
export interface MessageButton extends Schema.Schema.Type<typeof MessageButton> {}

/**
 * Where a message was published from.
 *
 * @since 0.1.0
 */
export const MessageContext = Schema.Struct({
  ip: Schema.optionalKey(Schema.String),
  userAgent: Schema.optionalKey(Schema.String)
})
/** @since 0.1.0 */
export interface MessageContext extends Schema.Schema.Type<typeof MessageContext> {}

/**
 * A message's open `attributes` object. The documented keys are typed; every other key is kept as it came, so
 * nothing is lost in a decode/encode round trip.
 *
 * @since 0.1.0
 */
export const MessageAttributes = Schema.StructWithRest(
  Schema.Struct({
    preMessages: Schema.optionalKey(Schema.Unknown),
    developer_app_id: Schema.optionalKey(Schema.String),
    integrationSource: Schema.optionalKey(Schema.String),
    autoAssigneeId: Schema.optionalKey(UserId)
  }),
  [Schema.Record(Schema.String, Schema.Unknown)]
)
/** @since 0.1.0 */
export type MessageAttributes = typeof MessageAttributes.Type

/**
 * A file attached to a message.
 *
 * @since 0.1.0
 */
export const Attachment = Schema.Struct({
  id: SafeId,
  fileName: Schema.String,
  mimeType: Schema.String,
  url: Schema.String
})
/** @since 0.1.0 */
export interface Attachment extends Schema.Schema.Type<typeof Attachment> {}

/**
 * The message types Parley knows: `chat` (seen by the contact), `private_note` (seen by users only),
 * `private_prompt` (a prompt shown to users only, e.g. by a bot), `suggestion` (a reply suggested to a user, not
 * sent) and `edit` (an edit of an earlier message: see {@link Message}'s `editedMessageId` and `editType`).
 *
 * @since 0.1.0
 */
export const knownMessageTypes = ["chat", "private_note", "private_prompt", "suggestion", "edit"] as const

/**
 * A message type Parley knows (see {@link knownMessageTypes}).
 *
 * @since 0.1.0
 */
export const KnownMessageType = Schema.Literals(knownMessageTypes)
/** @since 0.1.0 */
export type KnownMessageType = typeof KnownMessageType.Type

const isKnownMessageType = (s: string): s is KnownMessageType =>
  (knownMessageTypes as ReadonlyArray<string>).includes(s)

/**
 * A message type Parley does not know (yet): any other string, kept verbatim. Branded, so that code matching on
 * {@link MessageType} can tell it from the known literals.
 *
 * @since 0.1.0
 */
export const UnknownMessageType = Schema.String.check(
  Schema.makeFilter((s: string) => !isKnownMessageType(s), { expected: "a message type other than the known ones" })
).pipe(Schema.brand("@parley/Drift/UnknownMessageType"))
/** @since 0.1.0 */
export type UnknownMessageType = typeof UnknownMessageType.Type

/**
 * The kind of a message, an open set: the {@link KnownMessageType}s typed, any other string decoded as an
 * {@link UnknownMessageType} and encoded back exactly as it came. Real Drift answers carry types beyond the
 * documented `chat` / `private_note`; an unknown one is never a decode error.
 *
 * @example
 * ```ts
 * import { Drift } from "@parley/schema"
 * import { Schema } from "effect"
 *
 * Schema.decodeUnknownSync(Drift.MessageType)("private_prompt") // "private_prompt"
 * const poll = Schema.decodeUnknownSync(Drift.MessageType)("poll") // "poll" (an UnknownMessageType)
 * Drift.isKnownType(poll) // false
 * ```
 *
 * @since 0.1.0
 */
export const MessageType = Schema.Union([KnownMessageType, UnknownMessageType])
/** @since 0.1.0 */
export type MessageType = typeof MessageType.Type

/**
 * Whether a message type is one Parley knows.
 *
 * @since 0.1.0
 */
export const isKnownType = (type: MessageType): type is KnownMessageType => isKnownMessageType(type)

/**
 * The types `POST /conversations/{id}/messages` creates: `chat` and `private_note`.
 *
 * @since 0.1.0
 */
export const CreatableMessageType = Schema.Literals(["chat", "private_note"])
/** @since 0.1.0 */
export type CreatableMessageType = typeof CreatableMessageType.Type

/**
 * How an `edit` message changed the message it edits (`editType`): an open string (Drift does not document the
 * values; `replace` is the one seen).
 *
 * @since 0.1.0
 */
export const EditType = Schema.String
/** @since 0.1.0 */
export type EditType = typeof EditType.Type

/**
 * A Drift message (seed: the Message model). `body` is sanitized on decode. `type` is an open set
 * ({@link MessageType}). An `edit` message names the message it edits in `editedMessageId` and how in `editType`
 * (both optional: seen on `edit` messages only, kept wherever they appear).
 *
 * @since 0.1.0
 */
export const Message = Schema.Struct({
  id: MessageId,
  orgId: OrgId,
  body: Schema.optionalKey(Body),
  author: MessageAuthor,
  type: MessageType,
  conversationId: ConversationId,
  createdAt: Timestamp,
  buttons: Schema.optionalKey(Schema.Array(MessageButton)),
  context: Schema.optionalKey(MessageContext),
  attributes: Schema.optionalKey(MessageAttributes),
  attachments: Schema.optionalKey(Schema.Array(Attachment)),
  editedMessageId: Schema.optionalKey(MessageId),
  editType: Schema.optionalKey(EditType)
})
/** @since 0.1.0 */
export interface Message extends Schema.Schema.Type<typeof Message> {}
/** @since 0.1.0 */
export interface MessageEncoded extends Schema.Codec.Encoded<typeof Message> {}

// -----------------------------------------------------------------------------
// Contacts and users
// -----------------------------------------------------------------------------

/**
 * A contact's open `attributes`: the common keys typed, every other key kept.
 *
 * @since 0.1.0
 */
export const ContactAttributes = Schema.StructWithRest(
  Schema.Struct({
    email: Schema.optionalKey(Schema.NullOr(Schema.String)),
    name: Schema.optionalKey(Schema.NullOr(Schema.String)),
    phone: Schema.optionalKey(Schema.NullOr(Schema.String)),
    // Drift documents `externalId` as a string in one place and a number in another; both are seen. Kept as sent.
    externalId: Schema.optionalKey(Schema.NullOr(Schema.Union([Schema.String, Schema.Number])))
  }),
  [Schema.Record(Schema.String, Schema.Unknown)]
)
/** @since 0.1.0 */
export type ContactAttributes = typeof ContactAttributes.Type

/**
 * A Drift contact (`GET /contacts/{id}`).
 *
 * @since 0.1.0
 */
export const Contact = Schema.Struct({
  id: ContactId,
  createdAt: Timestamp,
  attributes: ContactAttributes
})
/** @since 0.1.0 */
export interface Contact extends Schema.Schema.Type<typeof Contact> {}

/**
 * A user's availability.
 *
 * @since 0.1.0
 */
export const Availability = Schema.Literals(["AVAILABLE", "OFFLINE", "ON_CALL"])
/** @since 0.1.0 */
export type Availability = typeof Availability.Type

/**
 * A Drift user: an employee of the organization, or a bot (`bot: true`).
 *
 * @since 0.1.0
 */
export const User = Schema.Struct({
  id: UserId,
  orgId: Schema.optionalKey(OrgId),
  name: Schema.optionalKey(Schema.String),
  alias: Schema.optionalKey(Schema.NullOr(Schema.String)),
  email: Schema.optionalKey(Schema.NullOr(Schema.String)),
  phone: Schema.optionalKey(Schema.NullOr(Schema.String)),
  locale: Schema.optionalKey(Schema.String),
  availability: Schema.optionalKey(Availability),
  role: Schema.optionalKey(Schema.String),
  timeZone: Schema.optionalKey(Schema.String),
  avatarUrl: Schema.optionalKey(Schema.NullOr(Schema.String)),
  verified: Schema.optionalKey(Schema.Boolean),
  bot: Schema.optionalKey(Schema.Boolean),
  createdAt: Schema.optionalKey(Timestamp),
  updatedAt: Schema.optionalKey(Timestamp)
})
/** @since 0.1.0 */
export interface User extends Schema.Schema.Type<typeof User> {}

// -----------------------------------------------------------------------------
// Envelopes
// -----------------------------------------------------------------------------

/**
 * A pagination cursor. Drift sends it as a string (`"next": "123494893"`) and takes it back as the `next` query
 * parameter; a numeric cursor on the wire is accepted and decodes to its decimal string.
 *
 * @since 0.1.0
 */
export const Cursor = Schema.Union([
  Schema.String,
  Schema.Number.check(Schema.isInt()).pipe(
    Schema.decodeTo(Schema.String, {
      decode: SchemaGetter.transform((n: number) => String(n)),
      encode: SchemaGetter.transform((s: string) => Number(s))
    })
  )
])
/** @since 0.1.0 */
export type Cursor = typeof Cursor.Type

/**
 * The `pagination` object of a page: present when more items follow, with the cursor of the next page. Drift's
 * last page has no `pagination`, or `{ "more": false }` (messages pages); `next: null` is read as no cursor.
 *
 * @since 0.1.0
 */
export const Pagination = Schema.Struct({
  more: Schema.optionalKey(Schema.Boolean),
  next: Schema.optionalKey(Schema.NullOr(Cursor))
})
/** @since 0.1.0 */
export interface Pagination extends Schema.Schema.Type<typeof Pagination> {}

/**
 * The cursor of the next page, or `None` on the last page (no `pagination`, `more: false`, or no `next`).
 *
 * @since 0.1.0
 */
export const nextCursor = (pagination: Pagination | undefined): Option.Option<string> =>
  pagination === undefined || pagination.more === false || pagination.next === undefined ||
    pagination.next === null || pagination.next === ""
    ? Option.none()
    : Option.some(pagination.next)

/**
 * The `links` object of Drift's newer list API: `self` (this page) and `next` (the next page, absent or `null`
 * on the last one). `next` is a URL (absolute or relative) whose `page_token` query parameter is the cursor;
 * a bare token is accepted too.
 *
 * @since 0.1.0
 */
export const Links = Schema.Struct({
  self: Schema.optionalKey(Schema.NullOr(Schema.String)),
  next: Schema.optionalKey(Schema.NullOr(Schema.String))
})
/** @since 0.1.0 */
export interface Links extends Schema.Schema.Type<typeof Links> {}

/**
 * Where the next page of `GET /conversations/list` is, in the API the server answered with: the legacy API's
 * `next` cursor (`pagination.next`, sent back as `?next=`), or the newer API's page token (`links.next`, sent
 * back as `?page_token=`).
 *
 * @since 0.1.0
 */
export type ListCursor =
  | { readonly _tag: "next"; readonly value: string }
  | { readonly _tag: "page_token"; readonly value: string }

/**
 * The page token in a `links.next` value: the `page_token` (or `pageToken`) query parameter of a URL, or the
 * value itself when it is a bare token. A URL that carries a legacy `next` parameter instead gives that cursor.
 * `undefined` when the link carries no cursor Parley can read (the caller must fail, never stop early).
 *
 * @since 0.1.0
 */
export const cursorOfLink = (link: string): ListCursor | undefined => {
  const trimmed = link.trim()
  if (trimmed === "") return undefined
  if (!/[/?=&]/.test(trimmed)) return { _tag: "page_token", value: trimmed }
  let url: URL
  try {
    url = new URL(trimmed, "http://link.invalid/")
  } catch {
    return undefined
  }
  const token = url.searchParams.get("page_token") ?? url.searchParams.get("pageToken")
  if (token !== null && token !== "") return { _tag: "page_token", value: token }
  const next = url.searchParams.get("next")
  if (next !== null && next !== "") return { _tag: "next", value: next }
  return undefined
}

/**
 * What a list page says about the next one: `Some(cursor)` when there is one, `None` on the last page, or
 * `Unrecognized` with the raw value when the page announces a next page in a form Parley cannot follow.
 *
 * @since 0.1.0
 */
export type ListNext =
  | { readonly _tag: "More"; readonly cursor: ListCursor }
  | { readonly _tag: "Last" }
  | { readonly _tag: "Unrecognized"; readonly where: string; readonly value: string }

/**
 * The next page of a conversations page, whichever list API answered: the legacy `pagination` first, then the
 * newer `links.next`.
 *
 * @since 0.1.0
 */
export const listNext = (page: ConversationsPage): ListNext => {
  const legacy = nextCursor(page.pagination)
  if (Option.isSome(legacy)) return { _tag: "More", cursor: { _tag: "next", value: legacy.value } }
  const link = page.links?.next
  if (link === undefined || link === null || link === "") {
    // `more: true` without a cursor is a page that claims a successor and does not say where it is.
    return page.pagination?.more === true
      ? { _tag: "Unrecognized", where: "pagination", value: JSON.stringify(page.pagination) }
      : { _tag: "Last" }
  }
  const cursor = cursorOfLink(link)
  return cursor === undefined
    ? { _tag: "Unrecognized", where: "links.next", value: link }
    : { _tag: "More", cursor }
}

/**
 * One page of `GET /conversations/list`. The legacy API puts `pagination` on every page but the last; the newer
 * API answers `links: { self, next }` instead. Read the next page with {@link listNext}.
 *
 * @since 0.1.0
 */
export const ConversationsPage = Schema.Struct({
  data: Schema.Array(Conversation),
  pagination: Schema.optionalKey(Pagination),
  links: Schema.optionalKey(Links)
})
/** @since 0.1.0 */
export interface ConversationsPage extends Schema.Schema.Type<typeof ConversationsPage> {}

/**
 * One page of `GET /conversations/{id}/messages`. Public clients read `pagination` at the top level; Drift has
 * also been seen to nest it under `data`: both are accepted and kept where they were. Use
 * {@link messagesPagination} to read it.
 *
 * @since 0.1.0
 */
export const MessagesPage = Schema.Struct({
  data: Schema.Struct({
    messages: Schema.Array(Message),
    pagination: Schema.optionalKey(Pagination)
  }),
  pagination: Schema.optionalKey(Pagination)
})
/** @since 0.1.0 */
export interface MessagesPage extends Schema.Schema.Type<typeof MessagesPage> {}

// The hot wire pages (and their items, which other codecs such as HttpApi's reach) decode through a fast path
// generated from their ASTs (see internal/compiled.ts).
Compiled.register(ConversationsPage, MessagesPage, Conversation, Message)

/**
 * The pagination of a messages page, wherever Drift put it (top level first, then under `data`).
 *
 * @since 0.1.0
 */
export const messagesPagination = (page: MessagesPage): Pagination | undefined =>
  page.pagination ?? page.data.pagination

/**
 * `GET /conversations/{id}`.
 *
 * @since 0.1.0
 */
export const ConversationResponse = Schema.Struct({ data: Conversation })
/** @since 0.1.0 */
export interface ConversationResponse extends Schema.Schema.Type<typeof ConversationResponse> {}

/**
 * `GET /contacts/{id}`.
 *
 * @since 0.1.0
 */
export const ContactResponse = Schema.Struct({ data: Contact })
/** @since 0.1.0 */
export interface ContactResponse extends Schema.Schema.Type<typeof ContactResponse> {}

/**
 * `GET /contacts?email=` (Drift's "Retrieving Contacts"): the contacts with that email, possibly none.
 *
 * @since 0.2.0
 */
export const ContactsResponse = Schema.Struct({ data: Schema.Array(Contact) })
/** @since 0.2.0 */
export interface ContactsResponse extends Schema.Schema.Type<typeof ContactsResponse> {}

/**
 * `GET /users/{id}`.
 *
 * @since 0.1.0
 */
export const UserResponse = Schema.Struct({ data: User })
/** @since 0.1.0 */
export interface UserResponse extends Schema.Schema.Type<typeof UserResponse> {}

/**
 * `GET /users/list`.
 *
 * @since 0.1.0
 */
export const UsersResponse = Schema.Struct({ data: Schema.Array(User) })
/** @since 0.1.0 */
export interface UsersResponse extends Schema.Schema.Type<typeof UsersResponse> {}

/**
 * `GET /conversations/stats`: conversation counts by status. The three documented keys are typed; any other
 * status key Drift adds is kept.
 *
 * @since 0.1.0
 */
export const ConversationStats = Schema.Struct({
  conversationCount: Schema.StructWithRest(
    Schema.Struct({
      OPEN: Schema.optionalKey(SafeId),
      CLOSED: Schema.optionalKey(SafeId),
      PENDING: Schema.optionalKey(SafeId)
    }),
    [Schema.Record(Schema.String, SafeId)]
  )
})
/** @since 0.1.0 */
export interface ConversationStats extends Schema.Schema.Type<typeof ConversationStats> {}

/**
 * One error in Drift's error envelope (`type` is e.g. `validation_error`, `not_found`).
 *
 * @since 0.1.0
 */
export const ApiError = Schema.Struct({
  type: Schema.String,
  message: Schema.String,
  param: Schema.optionalKey(Schema.String)
})
/** @since 0.1.0 */
export interface ApiError extends Schema.Schema.Type<typeof ApiError> {}

/**
 * Drift's error envelopes: `{ errors: [{ type, message, param? }, ...] }` (at least one), the older
 * `{ error: { message } }`, and `{ error: "text" }` (seen from Drift's gateway and auth layer).
 *
 * @since 0.1.0
 */
export const ApiErrors = Schema.Union([
  Schema.Struct({ errors: Schema.NonEmptyArray(ApiError) }),
  Schema.Struct({
    error: Schema.Struct({
      type: Schema.optionalKey(Schema.String),
      message: Schema.String
    })
  }),
  Schema.Struct({ error: Schema.String })
])
/** @since 0.1.0 */
export type ApiErrors = typeof ApiErrors.Type

/**
 * The errors of an envelope as a list, whichever form it came in.
 *
 * @since 0.1.0
 */
export const apiErrorList = (errors: ApiErrors): ReadonlyArray<ApiError> =>
  "errors" in errors
    ? errors.errors
    : typeof errors.error === "string"
    ? [{ type: "error", message: errors.error }]
    : [{ type: errors.error.type ?? "error", message: errors.error.message }]

/**
 * `POST /conversations/new` (seed: creating a conversation): a conversation by email. The body is sent as
 * written; Drift sanitizes it. `attributes.integrationSource` shows in the conversation header and
 * `attributes.autoAssigneeId` routes a user into it.
 *
 * @since 0.1.0
 */
export const CreateConversationRequest = Schema.Struct({
  email: Schema.String.check(Schema.isPattern(/^[^\s@]+@[^\s@]+$/, { expected: "an email address" })),
  message: Schema.Struct({
    body: Schema.String,
    attributes: Schema.optionalKey(MessageAttributes)
  })
})
/** @since 0.1.0 */
export interface CreateConversationRequest extends Schema.Schema.Type<typeof CreateConversationRequest> {}

/**
 * The answer to `POST /conversations/new`: the new conversation (without `updatedAt` or tags).
 *
 * @since 0.1.0
 */
export const CreateConversationResponse = Schema.Struct({
  id: ConversationId,
  status: ConversationStatus,
  participants: Schema.optionalKey(Schema.Array(UserId)),
  contactId: ContactId,
  inboxId: InboxId,
  createdAt: Timestamp,
  updatedAt: Schema.optionalKey(Timestamp)
})
/** @since 0.1.0 */
export interface CreateConversationResponse extends Schema.Schema.Type<typeof CreateConversationResponse> {}

/**
 * `POST /conversations/{id}/messages`: post a chat message or a private note, optionally as a given user.
 *
 * @since 0.1.0
 */
export const CreateMessageRequest = Schema.Struct({
  type: CreatableMessageType,
  body: Schema.optionalKey(Schema.String),
  buttons: Schema.optionalKey(Schema.Array(MessageButton)),
  userId: Schema.optionalKey(UserId)
})
/** @since 0.1.0 */
export interface CreateMessageRequest extends Schema.Schema.Type<typeof CreateMessageRequest> {}

/**
 * The answer to `POST /conversations/{id}/messages`: the created message, as `{ data: Message }` or (as Drift
 * also answers) `{ data: { messages: [Message] } }`. Read it with {@link createdMessage}.
 *
 * @since 0.1.0
 */
export const CreateMessageResponse = Schema.Union([
  Schema.Struct({ data: Message }),
  Schema.Struct({ data: Schema.Struct({ messages: Schema.NonEmptyArray(Message) }) })
])
/** @since 0.1.0 */
export type CreateMessageResponse = typeof CreateMessageResponse.Type

/**
 * The message a {@link CreateMessageResponse} carries (the last one when Drift answers a list).
 *
 * @since 0.1.0
 */
export const createdMessage = (response: CreateMessageResponse): Message =>
  "messages" in response.data ? response.data.messages[response.data.messages.length - 1]! : response.data

// -----------------------------------------------------------------------------
// Thread
// -----------------------------------------------------------------------------

/**
 * A conversation with all its messages (in order) and, when fetched, its contact: the unit the stream
 * produces and the Intercom mapper consumes.
 *
 * @since 0.1.0
 */
export const Thread = Schema.Struct({
  conversation: Conversation,
  messages: Schema.Array(Message),
  contact: Schema.optionalKey(Contact)
})
/** @since 0.1.0 */
export interface Thread extends Schema.Schema.Type<typeof Thread> {}
/** @since 0.1.0 */
export interface ThreadEncoded extends Schema.Codec.Encoded<typeof Thread> {}

// `parley export --to drift` encodes every thread: the encoding runs through a fast path generated from the flipped
// AST (see internal/compiled.ts).
Compiled.register(Schema.flip(Thread))
