/**
 * The Drift data an API 2.11 conversation cannot hold natively, carried as one JSON string in
 * `custom_attributes["<prefix>thread"]`. It is sparse: a key is written only when the default rule of the
 * reverse mapping would not give the Drift value back.
 *
 * @internal
 */
import { Drift } from "@parley/schema"
import { Schema } from "effect"

/** What one message needs beyond what its Intercom part holds. `id` checks the entry still matches. */
export const MessageExtra = Schema.Struct({
  id: Drift.MessageId,
  /** The exact time (only when the part's seconds, or for the first message the conversation's time, differ). */
  createdAt: Schema.optionalKey(Drift.Timestamp),
  orgId: Schema.optionalKey(Drift.OrgId),
  conversationId: Schema.optionalKey(Drift.ConversationId),
  /**
   * The Drift type, when the part type does not give it back: the first message's when not `chat` (the source has
   * no part type), a note's when not `private_note` (`private_prompt`, `suggestion`, `edit`, unknown types).
   */
  type: Schema.optionalKey(Drift.MessageType),
  /** An `edit` message's `editedMessageId` and `editType`. */
  editedMessageId: Schema.optionalKey(Drift.MessageId),
  editType: Schema.optionalKey(Drift.EditType),
  /** `author.bot` when the default (true for Intercom `bot` authors, false otherwise) is wrong; `null`: absent. */
  bot: Schema.optionalKey(Schema.NullOr(Schema.Boolean)),
  buttons: Schema.optionalKey(Schema.Array(Drift.MessageButton)),
  context: Schema.optionalKey(Drift.MessageContext),
  attributes: Schema.optionalKey(Drift.MessageAttributes),
  /** Attachment ids, when any differs from its position. */
  attachmentIds: Schema.optionalKey(Schema.Array(Drift.Attachment.fields.id))
})
export type MessageExtra = typeof MessageExtra.Type
export type MessageExtraEncoded = typeof MessageExtra.Encoded

/** The carried Drift contact. `id` only when it differs from the conversation's `contactId`. */
export const CarriedContact = Schema.Struct({
  id: Schema.optionalKey(Drift.ContactId),
  createdAt: Drift.Timestamp,
  attributes: Drift.ContactAttributes
})

/** The whole residue. */
export const Residue = Schema.Struct({
  /** `"empty"`: the Drift conversation had `participants: []` (the default reading of none is "absent"). */
  participants: Schema.optionalKey(Schema.Literal("empty")),
  /** `"empty"`: `conversationTags: []`; a list: the Drift tags with their colors. */
  tags: Schema.optionalKey(Schema.Union([Schema.Literal("empty"), Schema.Array(Drift.ConversationTag)])),
  /** The messages' `orgId` when it differs from the conversation's (or the configured default). */
  messageOrgId: Schema.optionalKey(Drift.OrgId),
  /** Per message, in Drift order (source first, then comment and note parts); `null`: nothing to carry. */
  messages: Schema.optionalKey(Schema.Array(Schema.NullOr(MessageExtra))),
  contact: Schema.optionalKey(CarriedContact)
})
export type Residue = typeof Residue.Type
export type ResidueEncoded = typeof Residue.Encoded

/** Decodes the JSON string stored in `custom_attributes`. */
export const decodeResidue = Schema.decodeUnknownResult(Schema.fromJsonString(Residue))
