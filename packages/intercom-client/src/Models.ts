/**
 * The request and response shapes of the Intercom API subset `IntercomApi` declares, as the real API (2.11) and
 * its official SDK use them.
 *
 * Timestamps, ids and states come from `@parley/schema`'s `Intercom` module (`Intercom.Timestamp`: epoch seconds
 * on the wire, `DateTime.Utc` decoded). The shapes are lenient where real answers are: fields the spec calls
 * required but real servers leave out are optional, unknown keys are dropped on decode. Deviations from the
 * spec, each from the real servers or the official `intercom-client` SDK:
 *
 * - `teammates` of a conversation is `{ type: "admin.list", admins: [...] }` (the spec says `teammates: [...]`).
 * - an author's `email` may be `""` or absent (leads, bots); the spec's `format: email` is not enforced.
 * - `admin_id` in requests is a string in the SDK and a number in the spec's examples: both are accepted, and
 *   the client sends strings.
 * - `POST /data_attributes` takes `model: "conversation"` (the list endpoint documents it; the create schema
 *   lists only `contact` and `company`), so a migration can create the conversation attributes it carries.
 *
 * @since 0.1.0
 */
import { Intercom } from "@parley/schema"
import { Schema, SchemaGetter } from "effect"

const optional = Schema.optionalKey
const nullable = <S extends Schema.Top>(s: S) => Schema.optionalKey(Schema.NullOr(s))

/**
 * An id the spec writes as a number in some examples and the SDK as a string: decodes both to a string,
 * encodes a string.
 *
 * @since 0.1.0
 */
export const LooseId = Schema.Union([
  Schema.String,
  Schema.Finite.pipe(
    Schema.decodeTo(Schema.String, {
      decode: SchemaGetter.transform((n: number) => String(n)),
      encode: SchemaGetter.transform((s: string) => Number(s))
    })
  )
])

// -----------------------------------------------------------------------------
// Admins
// -----------------------------------------------------------------------------

/**
 * `admin`: a teammate.
 *
 * @since 0.1.0
 */
export const Admin = Schema.Struct({
  type: Schema.Literal("admin"),
  id: Schema.String,
  name: Schema.String,
  email: Schema.String,
  job_title: nullable(Schema.String),
  away_mode_enabled: optional(Schema.Boolean),
  away_mode_reassign: optional(Schema.Boolean),
  has_inbox_seat: optional(Schema.Boolean),
  team_ids: optional(Schema.Array(Schema.Number)),
  avatar: nullable(Schema.Struct({ type: optional(Schema.String), image_url: nullable(Schema.String) }))
})
/** @since 0.1.0 */
export interface Admin extends Schema.Schema.Type<typeof Admin> {}

/**
 * `admin.list`.
 *
 * @since 0.1.0
 */
export const AdminList = Schema.Struct({ type: Schema.Literal("admin.list"), admins: Schema.Array(Admin) })
/** @since 0.1.0 */
export interface AdminList extends Schema.Schema.Type<typeof AdminList> {}

/**
 * The workspace (`app`) of `GET /me`.
 *
 * @since 0.1.0
 */
export const App = Schema.Struct({
  type: optional(Schema.String),
  id_code: Schema.String,
  name: Schema.String,
  region: optional(Schema.String),
  timezone: optional(Schema.String),
  created_at: optional(Intercom.Timestamp),
  secure: optional(Schema.Boolean),
  identity_verification: optional(Schema.Boolean)
})
/** @since 0.1.0 */
export interface App extends Schema.Schema.Type<typeof App> {}

/**
 * `admin_with_app`: the admin a token belongs to, with its workspace.
 *
 * @since 0.1.0
 */
export const AdminWithApp = Schema.Struct({
  ...Admin.fields,
  email_verified: nullable(Schema.Boolean),
  app: nullable(App)
})
/** @since 0.1.0 */
export interface AdminWithApp extends Schema.Schema.Type<typeof AdminWithApp> {}

// -----------------------------------------------------------------------------
// Pagination and search
// -----------------------------------------------------------------------------

/**
 * `starting_after_paging`: the page to read of a list or search.
 *
 * @since 0.1.0
 */
export const Paging = Schema.Struct({
  per_page: optional(Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 150 }))),
  starting_after: nullable(Schema.String)
})
/** @since 0.1.0 */
export interface Paging extends Schema.Schema.Type<typeof Paging> {}

/**
 * `cursor_pages`: where a page is; `next.starting_after` is the cursor of the next page (absent on the last).
 *
 * @since 0.1.0
 */
export const Pages = Schema.Struct({
  type: Schema.Literal("pages"),
  page: optional(Schema.Int),
  per_page: optional(Schema.Int),
  total_pages: optional(Schema.Int),
  next: nullable(Schema.Struct({ per_page: optional(Schema.Int), starting_after: nullable(Schema.String) }))
})
/** @since 0.1.0 */
export interface Pages extends Schema.Schema.Type<typeof Pages> {}

/**
 * The cursor of the next page, if there is one.
 *
 * @example
 * ```ts
 * import { Models } from "@parley/intercom-client"
 *
 * Models.nextCursor({ type: "pages", next: { starting_after: "WzE3MTk0OTI4NDMsMzc4XQ==" } }) // "WzE3..."
 * ```
 *
 * @since 0.1.0
 */
export const nextCursor = (pages: Pages | undefined): string | undefined => pages?.next?.starting_after ?? undefined

/**
 * The value of a search filter.
 *
 * @since 0.1.0
 */
export const FilterValue = Schema.Union([
  Schema.String,
  Schema.Finite,
  Schema.Boolean,
  Schema.Null,
  Schema.Array(Schema.String),
  Schema.Array(Schema.Finite)
])
/** @since 0.1.0 */
export type FilterValue = typeof FilterValue.Type

/**
 * The comparison operators of a search filter.
 *
 * @since 0.1.0
 */
export const FilterOperator = Schema.Literals(["=", "!=", "IN", "NIN", "<", "<=", ">", ">=", "~", "!~", "^", "$"])
/** @since 0.1.0 */
export type FilterOperator = typeof FilterOperator.Type

/**
 * `single_filter_search_request`: `{ field, operator, value }`.
 *
 * @since 0.1.0
 */
export const SingleFilter = Schema.Struct({ field: Schema.String, operator: FilterOperator, value: FilterValue })
/** @since 0.1.0 */
export interface SingleFilter extends Schema.Schema.Type<typeof SingleFilter> {}

/**
 * A search query: one filter, or `AND` / `OR` over nested queries.
 *
 * @since 0.1.0
 */
export type SearchQuery = SingleFilter | { readonly operator: "AND" | "OR"; readonly value: ReadonlyArray<SearchQuery> }

/**
 * The schema of {@link SearchQuery} (recursive).
 *
 * @since 0.1.0
 */
export const SearchQuery: Schema.Codec<SearchQuery> = Schema.Union([
  SingleFilter,
  Schema.Struct({
    operator: Schema.Literals(["AND", "OR"]),
    value: Schema.Array(Schema.suspend((): Schema.Codec<SearchQuery> => SearchQuery))
  })
])

/**
 * `search_request`: the body of `POST /contacts/search` and `POST /conversations/search`.
 *
 * @since 0.1.0
 */
export const SearchRequest = Schema.Struct({ query: SearchQuery, pagination: nullable(Paging) })
/** @since 0.1.0 */
export interface SearchRequest extends Schema.Schema.Type<typeof SearchRequest> {}

/**
 * The query of `GET /contacts` and `GET /conversations`.
 *
 * @since 0.1.0
 */
export const ListQuery = Schema.Struct({
  per_page: optional(Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 150 }))),
  starting_after: optional(Schema.String)
})
/** @since 0.1.0 */
export interface ListQuery extends Schema.Schema.Type<typeof ListQuery> {}

// -----------------------------------------------------------------------------
// Contacts
// -----------------------------------------------------------------------------

/**
 * `contact`: a user or a lead. Only the fields a migration reads are declared; others are dropped on decode.
 *
 * @since 0.1.0
 */
export const Contact = Schema.Struct({
  type: Schema.Literal("contact"),
  id: Schema.String,
  workspace_id: optional(Schema.String),
  external_id: nullable(Schema.String),
  role: Schema.String,
  email: nullable(Schema.String),
  phone: nullable(Schema.String),
  name: nullable(Schema.String),
  owner_id: nullable(Schema.Number),
  created_at: Intercom.Timestamp,
  updated_at: Intercom.Timestamp,
  signed_up_at: nullable(Intercom.Timestamp),
  last_seen_at: nullable(Intercom.Timestamp),
  custom_attributes: optional(Intercom.OpenObject)
})
/** @since 0.1.0 */
export interface Contact extends Schema.Schema.Type<typeof Contact> {}

/**
 * `contact_list`: a page of `GET /contacts` or `POST /contacts/search`.
 *
 * @since 0.1.0
 */
export const ContactList = Schema.Struct({
  type: Schema.Literal("list"),
  data: Schema.Array(Contact),
  total_count: optional(Schema.Int),
  pages: optional(Pages)
})
/** @since 0.1.0 */
export interface ContactList extends Schema.Schema.Type<typeof ContactList> {}

/**
 * `create_contact_request`: at least one of `email`, `external_id` or `role` (Intercom answers 400 otherwise).
 *
 * @since 0.1.0
 */
export const CreateContactRequest = Schema.Struct({
  role: optional(Schema.Literals(["user", "lead"])),
  external_id: optional(Schema.String),
  email: optional(Schema.String),
  phone: nullable(Schema.String),
  name: nullable(Schema.String),
  avatar: nullable(Schema.String),
  signed_up_at: nullable(Intercom.Timestamp),
  last_seen_at: nullable(Intercom.Timestamp),
  owner_id: nullable(Schema.Int),
  unsubscribed_from_emails: nullable(Schema.Boolean),
  custom_attributes: nullable(Intercom.OpenObject)
})
/** @since 0.1.0 */
export interface CreateContactRequest extends Schema.Schema.Type<typeof CreateContactRequest> {}

// -----------------------------------------------------------------------------
// Data attributes
// -----------------------------------------------------------------------------

/**
 * The models data attributes describe.
 *
 * @since 0.1.0
 */
export const DataAttributeModel = Schema.Literals(["contact", "company", "conversation"])
/** @since 0.1.0 */
export type DataAttributeModel = typeof DataAttributeModel.Type

/**
 * `data_attribute`.
 *
 * @since 0.1.0
 */
export const DataAttribute = Schema.Struct({
  type: Schema.Literal("data_attribute"),
  id: optional(Schema.Int),
  model: optional(Schema.String),
  name: Schema.String,
  full_name: Schema.String,
  label: Schema.String,
  description: optional(Schema.String),
  data_type: Schema.String,
  options: optional(Schema.Array(Schema.String)),
  api_writable: optional(Schema.Boolean),
  ui_writable: optional(Schema.Boolean),
  messenger_writable: optional(Schema.Boolean),
  custom: optional(Schema.Boolean),
  archived: optional(Schema.Boolean),
  created_at: optional(Intercom.Timestamp),
  updated_at: optional(Intercom.Timestamp),
  admin_id: optional(Schema.String)
})
/** @since 0.1.0 */
export interface DataAttribute extends Schema.Schema.Type<typeof DataAttribute> {}

/**
 * `data_attribute_list`.
 *
 * @since 0.1.0
 */
export const DataAttributeList = Schema.Struct({ type: Schema.Literal("list"), data: Schema.Array(DataAttribute) })
/** @since 0.1.0 */
export interface DataAttributeList extends Schema.Schema.Type<typeof DataAttributeList> {}

/**
 * The query of `GET /data_attributes`.
 *
 * @since 0.1.0
 */
export const DataAttributesQuery = Schema.Struct({
  model: optional(DataAttributeModel),
  include_archived: optional(Schema.Boolean)
})
/** @since 0.1.0 */
export interface DataAttributesQuery extends Schema.Schema.Type<typeof DataAttributesQuery> {}

/**
 * `create_data_attribute_request`.
 *
 * @since 0.1.0
 */
export const CreateDataAttributeRequest = Schema.Struct({
  name: Schema.String,
  model: DataAttributeModel,
  data_type: Schema.Literals(["string", "integer", "float", "boolean", "datetime", "date"]),
  description: optional(Schema.String),
  options: optional(Schema.Array(Schema.Union([Schema.String, Schema.Struct({ value: Schema.String })]))),
  messenger_writable: optional(Schema.Boolean)
})
/** @since 0.1.0 */
export interface CreateDataAttributeRequest extends Schema.Schema.Type<typeof CreateDataAttributeRequest> {}

// -----------------------------------------------------------------------------
// Tags
// -----------------------------------------------------------------------------

/**
 * `tag_basic`: what `POST /tags` answers.
 *
 * @since 0.1.0
 */
export const Tag = Schema.Struct({ type: Schema.Literal("tag"), id: Schema.String, name: Schema.String })
/** @since 0.1.0 */
export interface Tag extends Schema.Schema.Type<typeof Tag> {}

/**
 * `tag` as applied to a conversation: with `applied_at` and `applied_by`.
 *
 * @since 0.1.0
 */
export const AppliedTag = Schema.Struct({
  ...Tag.fields,
  applied_at: nullable(Intercom.Timestamp),
  applied_by: nullable(Intercom.ReferenceV2)
})
/** @since 0.1.0 */
export interface AppliedTag extends Schema.Schema.Type<typeof AppliedTag> {}

/**
 * `create_or_update_tag_request`: creates the tag, or answers the existing one of that name (names are case
 * insensitive), so it is safe to repeat.
 *
 * @since 0.1.0
 */
export const CreateTagRequest = Schema.Struct({
  name: Schema.String.check(Schema.isNonEmpty()),
  id: optional(Schema.String)
})
/** @since 0.1.0 */
export interface CreateTagRequest extends Schema.Schema.Type<typeof CreateTagRequest> {}

/**
 * The body of `POST /conversations/{id}/tags`.
 *
 * @since 0.1.0
 */
export const AttachTagRequest = Schema.Struct({ id: LooseId, admin_id: LooseId })
/** @since 0.1.0 */
export interface AttachTagRequest extends Schema.Schema.Type<typeof AttachTagRequest> {}

// -----------------------------------------------------------------------------
// Conversations
// -----------------------------------------------------------------------------

/**
 * Who wrote a part or the source message: `admin`, `user`, `lead`, `bot`, `team`. `email` may be `""` or absent
 * (leads, bots) on real servers.
 *
 * @since 0.1.0
 */
export const Author = Schema.Struct({
  type: Schema.String,
  id: Schema.String,
  name: nullable(Schema.String),
  email: nullable(Schema.String)
})
/** @since 0.1.0 */
export interface Author extends Schema.Schema.Type<typeof Author> {}

/**
 * A file attached to a part.
 *
 * @since 0.1.0
 */
export const Attachment = Schema.Struct({
  type: optional(Schema.String),
  name: Schema.String,
  url: Schema.String,
  content_type: optional(Schema.String),
  filesize: optional(Schema.Int),
  width: nullable(Schema.Int),
  height: nullable(Schema.Int)
})
/** @since 0.1.0 */
export interface Attachment extends Schema.Schema.Type<typeof Attachment> {}

/**
 * `conversation_source`: the message that started the conversation.
 *
 * @since 0.1.0
 */
export const Source = Schema.Struct({
  type: Schema.String,
  id: Schema.String,
  delivered_as: optional(Schema.String),
  subject: optional(Schema.String),
  body: nullable(Schema.String),
  author: Author,
  attachments: optional(Schema.Array(Attachment)),
  url: nullable(Schema.String),
  redacted: optional(Schema.Boolean)
})
/** @since 0.1.0 */
export interface Source extends Schema.Schema.Type<typeof Source> {}

/**
 * `conversation_part`. `part_type` is an open set (`comment`, `note`, `open`, `close`, `snoozed`,
 * `assignment`, ...).
 *
 * @since 0.1.0
 */
export const Part = Schema.Struct({
  type: Schema.Literal("conversation_part"),
  id: Intercom.ConversationPartId,
  part_type: Schema.String,
  body: nullable(Schema.String),
  created_at: Intercom.Timestamp,
  updated_at: optional(Intercom.Timestamp),
  notified_at: optional(Intercom.Timestamp),
  assigned_to: nullable(Intercom.ReferenceV2),
  author: Author,
  attachments: optional(Schema.Array(Attachment)),
  external_id: nullable(Schema.String),
  redacted: optional(Schema.Boolean)
})
/** @since 0.1.0 */
export interface Part extends Schema.Schema.Type<typeof Part> {}

/**
 * `conversation_parts`: up to 500 parts, only in `GET /conversations/{id}` and the answers of writes.
 *
 * @since 0.1.0
 */
export const Parts = Schema.Struct({
  type: Schema.Literal("conversation_part.list"),
  conversation_parts: Schema.Array(Part),
  total_count: Schema.Int
})
/** @since 0.1.0 */
export interface Parts extends Schema.Schema.Type<typeof Parts> {}

/**
 * A conversation (API 2.11), with the fields a migration reads and writes back. `teammates` is
 * `{ type: "admin.list", admins }` as real servers send it.
 *
 * @since 0.1.0
 */
export const Conversation = Schema.Struct({
  type: optional(Schema.Literal("conversation")),
  id: Intercom.ConversationId,
  title: nullable(Schema.String),
  created_at: Intercom.Timestamp,
  updated_at: Intercom.Timestamp,
  waiting_since: optional(Intercom.WaitingSince),
  snoozed_until: nullable(Intercom.Timestamp),
  open: Schema.Boolean,
  state: Intercom.ConversationState,
  read: optional(Schema.Boolean),
  priority: optional(Schema.String),
  admin_assignee_id: nullable(Schema.Number),
  team_assignee_id: nullable(Schema.Number),
  tags: optional(Schema.Struct({ type: Schema.Literal("tag.list"), tags: Schema.Array(AppliedTag) })),
  source: Source,
  contacts: Schema.Struct({
    type: Schema.Literal("contact.list"),
    contacts: Schema.Array(Intercom.ContactReferenceV2)
  }),
  teammates: nullable(
    Schema.Struct({ type: Schema.Literal("admin.list"), admins: Schema.Array(Intercom.ReferenceV2) })
  ),
  custom_attributes: optional(Intercom.OpenObject),
  conversation_parts: optional(Parts)
})
/** @since 0.1.0 */
export interface Conversation extends Schema.Schema.Type<typeof Conversation> {}
/** @since 0.1.0 */
export interface ConversationEncoded extends Schema.Codec.Encoded<typeof Conversation> {}

/**
 * `paginated_conversation_response`: a page of `GET /conversations` or `POST /conversations/search`.
 *
 * @since 0.1.0
 */
export const ConversationList = Schema.Struct({
  type: Schema.Literal("conversation.list"),
  conversations: Schema.Array(Conversation),
  total_count: optional(Schema.Int),
  pages: optional(Pages)
})
/** @since 0.1.0 */
export interface ConversationList extends Schema.Schema.Type<typeof ConversationList> {}

/**
 * `create_conversation_request`: a conversation started by a contact, with an optional `created_at` (for
 * migrations) that becomes the conversation's and the source message's time.
 *
 * @since 0.1.0
 */
export const CreateConversationRequest = Schema.Struct({
  from: Schema.Struct({ type: Schema.Literals(["lead", "user", "contact"]), id: Schema.String }),
  body: Schema.String,
  subject: optional(Schema.String),
  attachment_urls: optional(Schema.Array(Schema.String).check(Schema.isMaxLength(10))),
  created_at: optional(Intercom.Timestamp)
})
/** @since 0.1.0 */
export interface CreateConversationRequest extends Schema.Schema.Type<typeof CreateConversationRequest> {}

/**
 * `message`: what `POST /conversations` answers (the conversation's id is `conversation_id`).
 *
 * @since 0.1.0
 */
export const Message = Schema.Struct({
  type: Schema.String,
  id: Schema.String,
  created_at: Intercom.Timestamp,
  body: Schema.String,
  message_type: Schema.String,
  conversation_id: Intercom.ConversationId
})
/** @since 0.1.0 */
export interface Message extends Schema.Schema.Type<typeof Message> {}

/**
 * `admin_reply_conversation_request`: a comment or an internal note by an admin, with an optional `created_at`.
 *
 * @since 0.1.0
 */
export const AdminReply = Schema.Struct({
  message_type: Schema.Literals(["comment", "note"]),
  type: Schema.Literal("admin"),
  admin_id: LooseId,
  body: optional(Schema.String),
  created_at: optional(Intercom.Timestamp),
  attachment_urls: optional(Schema.Array(Schema.String).check(Schema.isMaxLength(10)))
})
/** @since 0.1.0 */
export interface AdminReply extends Schema.Schema.Type<typeof AdminReply> {}

/**
 * `contact_reply_conversation_request`: a comment by the contact, named by `intercom_user_id`, `email` or
 * `user_id` (the contact's `external_id`).
 *
 * @since 0.1.0
 */
export const ContactReply = Schema.Struct({
  message_type: Schema.Literal("comment"),
  type: Schema.Literal("user"),
  body: Schema.String,
  created_at: optional(Intercom.Timestamp),
  intercom_user_id: optional(Schema.String),
  email: optional(Schema.String),
  user_id: optional(Schema.String),
  attachment_urls: optional(Schema.Array(Schema.String).check(Schema.isMaxLength(10)))
})
/** @since 0.1.0 */
export interface ContactReply extends Schema.Schema.Type<typeof ContactReply> {}

/**
 * `reply_conversation_request`.
 *
 * @since 0.1.0
 */
export const ReplyRequest = Schema.Union([AdminReply, ContactReply])
/** @since 0.1.0 */
export type ReplyRequest = typeof ReplyRequest.Type

/**
 * `close_conversation_request`.
 *
 * @since 0.1.0
 */
export const CloseRequest = Schema.Struct({
  message_type: Schema.Literal("close"),
  type: Schema.Literal("admin"),
  admin_id: LooseId,
  body: optional(Schema.String)
})

/**
 * `snooze_conversation_request`.
 *
 * @since 0.1.0
 */
export const SnoozeRequest = Schema.Struct({
  message_type: Schema.Literal("snoozed"),
  admin_id: LooseId,
  snoozed_until: Intercom.Timestamp
})

/**
 * `open_conversation_request`.
 *
 * @since 0.1.0
 */
export const OpenRequest = Schema.Struct({ message_type: Schema.Literal("open"), admin_id: LooseId })

/**
 * `assign_conversation_request`: to an admin or a team (`assignee_id` `"0"` unassigns).
 *
 * @since 0.1.0
 */
export const AssignRequest = Schema.Struct({
  message_type: Schema.Literal("assignment"),
  type: Schema.Literals(["admin", "team"]),
  admin_id: LooseId,
  assignee_id: LooseId,
  body: optional(Schema.String)
})

/**
 * The body of `POST /conversations/{id}/parts`: close, snooze, open or assign.
 *
 * @since 0.1.0
 */
export const ManageRequest = Schema.Union([CloseRequest, SnoozeRequest, OpenRequest, AssignRequest])
/** @since 0.1.0 */
export type ManageRequest = typeof ManageRequest.Type

/**
 * The body of `PUT /conversations/{id}`: `read`, `title` and `custom_attributes` (which must be defined as
 * conversation data attributes first).
 *
 * @since 0.1.0
 */
export const UpdateConversationRequest = Schema.Struct({
  read: optional(Schema.Boolean),
  title: optional(Schema.String),
  custom_attributes: optional(Intercom.OpenObject)
})
/** @since 0.1.0 */
export interface UpdateConversationRequest extends Schema.Schema.Type<typeof UpdateConversationRequest> {}

/**
 * The query of `GET /conversations/{id}`: `display_as=plaintext` strips HTML from bodies.
 *
 * @since 0.1.0
 */
export const GetConversationQuery = Schema.Struct({ display_as: optional(Schema.Literals(["plaintext", "html"])) })
