/**
 * What landing one Drift conversation in Intercom means, decided before any call is made: who opens it, which
 * message is its source, every later message in order with its own time and author (an Intercom admin id already
 * resolved), the tags, the carried Drift ids, and the final state. A plan is data (a Schema): it is the payload of
 * the conversation's workflow, so a resumed run replays exactly the decisions the first attempt made.
 *
 * Plans are derived from the mapper's API 2.11 output (`@parley/intercom`'s
 * `Mapping.toIntercomV2Sync`), so an export and a migration agree on bodies, authors, times, tags and state.
 *
 * @example
 * ```ts
 * import { Mapping } from "@parley/intercom"
 * import { Plan } from "@parley/migrate"
 * import type { Drift } from "@parley/schema"
 * import { Result } from "effect"
 *
 * declare const thread: Drift.Thread
 *
 * const admins: Plan.AdminDirectory = {
 *   matched: new Map([["21849", "5017691"]]), // Drift user 21849 writes as Intercom admin 5017691
 *   bots: new Set(),
 *   defaultAdminId: "5017691"
 * }
 * const plan = Plan.make(thread, Mapping.toIntercomV2Sync(thread), admins)
 * if (Result.isSuccess(plan)) Plan.calls(plan.success) // the Intercom calls landing it takes
 * ```
 *
 * @since 0.1.0
 */
import type { Drift, Intercom } from "@parley/schema"
import { DateTime, Result, Schema } from "effect"

/**
 * Who writes a message in Intercom: the conversation's contact, or an admin (a Drift user or bot resolved to an
 * Intercom admin id).
 *
 * @since 0.1.0
 */
export const Author = Schema.Union([
  Schema.TaggedStruct("Contact", {}),
  Schema.TaggedStruct("Admin", {
    adminId: Schema.String,
    driftUserId: Schema.String,
    /** How the admin was chosen: the user's own (matched by email or the mapping file), the default, the bot admin. */
    via: Schema.Literals(["matched", "default", "bot"])
  })
])
/** @since 0.1.0 */
export type Author = typeof Author.Type

/**
 * One Drift message as Intercom will hold it.
 *
 * @since 0.1.0
 */
export const Message = Schema.Struct({
  driftMessageId: Schema.String,
  kind: Schema.Literals(["comment", "note"]),
  author: Author,
  /** Intercom HTML, as the mapper writes it. */
  body: Schema.String,
  /** Epoch seconds (Intercom's precision; the exact milliseconds are carried on the conversation). */
  createdAt: Schema.Int,
  attachmentUrls: Schema.Array(Schema.String)
})
/** @since 0.1.0 */
export interface Message extends Schema.Schema.Type<typeof Message> {}

/**
 * The contact a conversation belongs to, with what identifies it in Intercom.
 *
 * @since 0.1.0
 */
export const Contact = Schema.Struct({
  driftContactId: Schema.String,
  /** The Intercom `external_id`: Drift's own `externalId` when the contact has one, else `drift-<contact id>`. */
  externalId: Schema.String,
  email: Schema.NullOr(Schema.String),
  name: Schema.NullOr(Schema.String),
  role: Schema.Literals(["user", "lead"])
})
/** @since 0.1.0 */
export interface Contact extends Schema.Schema.Type<typeof Contact> {}

/**
 * The whole plan of one conversation.
 *
 * @since 0.1.0
 */
export const ConversationPlan = Schema.Struct({
  driftConversationId: Schema.String,
  contact: Contact,
  /**
   * The message the conversation is created with (`POST /conversations` is the contact's: Intercom opens
   * historical conversations from a contact only). The first contact message when there is one; the messages
   * teammates or bots wrote before it follow as replies with their own earlier `created_at`. When the contact never
   * wrote, the first message opens it and its real author is carried in `drift_source_author`.
   */
  opening: Message,
  /** Every other message, oldest first. */
  replies: Schema.Array(Message),
  /** Drift messages with neither text nor attachment (buttons-only prompts, empty edits): Intercom refuses them. */
  skippedMessageIds: Schema.Array(Schema.String),
  /** Tag names. */
  tags: Schema.Array(Schema.String),
  state: Schema.Literals(["open", "closed", "snoozed"]),
  snoozedUntil: Schema.NullOr(Schema.Int),
  /** The admin the conversation ends assigned to, or null. */
  assigneeAdminId: Schema.NullOr(Schema.String),
  /** The admin who performs state changes (close, snooze, assign, tag): the assignee, else the default admin. */
  actorAdminId: Schema.String,
  /** Conversation custom attributes set after creation (the carried Drift ids, prefixed `drift_`). */
  customAttributes: Schema.Record(Schema.String, Schema.Union([Schema.String, Schema.Number, Schema.Boolean]))
})
/** @since 0.1.0 */
export interface ConversationPlan extends Schema.Schema.Type<typeof ConversationPlan> {}

/**
 * How Drift users become Intercom admins.
 *
 * @since 0.1.0
 */
export interface AdminDirectory {
  /** Drift user id -> Intercom admin id, for users matched by email or listed in the mapping file. */
  readonly matched: ReadonlyMap<string, string>
  /** Drift user ids that are bots. */
  readonly bots: ReadonlySet<string>
  /** The admin for Drift users with no match; absent: such a conversation is rejected. */
  readonly defaultAdminId?: string | undefined
  /** The admin bots write as; absent: the default admin. */
  readonly botAdminId?: string | undefined
}

/**
 * Why a conversation cannot be planned; the run quarantines it and goes on.
 *
 * @since 0.1.0
 */
export class PlanError extends Schema.TaggedError<PlanError>()("PlanError", {
  driftConversationId: Schema.String,
  reason: Schema.Literals(["UnknownAuthor", "NoMessages", "NoContact", "Unsupported"]),
  detail: Schema.String,
  /** The JSON path in the thread that the reason is about. */
  path: Schema.String
}) {
  override get message(): string {
    return `conversation ${this.driftConversationId}: ${this.detail} (at ${this.path})`
  }
}

/**
 * The custom attributes a migration writes on every conversation, with their Intercom data types. The run creates
 * any that are missing (`POST /data_attributes`) before the first conversation.
 *
 * @since 0.1.0
 */
export const carriedAttributes: ReadonlyArray<{
  readonly name: string
  readonly type: "string" | "integer"
  readonly description: string
}> = [
  { name: "drift_conversation_id", type: "string", description: "The Drift conversation this was migrated from" },
  { name: "drift_contact_id", type: "string", description: "The Drift contact id" },
  { name: "drift_status", type: "string", description: "The Drift status (open, closed, pending, bulk_sent)" },
  { name: "drift_inbox_id", type: "integer", description: "The Drift inbox id" },
  { name: "drift_created_at_ms", type: "integer", description: "The Drift creation time, epoch milliseconds" },
  { name: "drift_source_author", type: "string", description: "Who wrote the first message when not the contact" }
]

const escapeHtml = (s: string): string =>
  s.replace(
    /[&<>"']/g,
    (c) => c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === "\"" ? "&quot;" : "&#39;"
  )

/** Intercom refuses a blank body: a message that has only attachments is written as links to them. */
const bodyWithAttachments = (
  body: string | null | undefined,
  attachments: ReadonlyArray<Intercom.AttachmentV2> | undefined
): string | undefined => {
  const html = body ?? ""
  if (html.replace(/<[^>]*>/g, "").trim() !== "" || /<img\b/i.test(html)) return html
  if (attachments === undefined || attachments.length === 0) return undefined
  return attachments.map((a) => `<p><a href="${escapeHtml(a.url)}">${escapeHtml(a.name)}</a></p>`).join("")
}

const attachmentsOf = (list: ReadonlyArray<Intercom.AttachmentV2> | undefined): Array<string> =>
  (list ?? []).map((a) => a.url)

const seconds = (dt: DateTime.Utc): number => Math.floor(DateTime.toEpochMillis(dt) / 1000)

const authorOf = (
  author: Intercom.AuthorV2,
  directory: AdminDirectory,
  conversationId: string,
  path: string
): Result.Result<Author, PlanError> => {
  if (author.type === "user" || author.type === "lead" || author.type === "contact") {
    return Result.succeed({ _tag: "Contact" })
  }
  const driftUserId = author.id
  const matched = directory.matched.get(driftUserId)
  if (matched !== undefined) return Result.succeed({ _tag: "Admin", adminId: matched, driftUserId, via: "matched" })
  const isBot = author.type === "bot" || directory.bots.has(driftUserId)
  const botAdmin = directory.botAdminId ?? directory.defaultAdminId
  if (isBot && botAdmin !== undefined) {
    return Result.succeed({ _tag: "Admin", adminId: botAdmin, driftUserId, via: "bot" })
  }
  if (directory.defaultAdminId !== undefined) {
    return Result.succeed({ _tag: "Admin", adminId: directory.defaultAdminId, driftUserId, via: "default" })
  }
  return Result.fail(
    new PlanError({
      driftConversationId: conversationId,
      reason: "UnknownAuthor",
      detail: `Drift ${isBot ? "bot" : "user"} ${driftUserId} has no Intercom admin (match it by email, list it in the `
        + `mapping file, or pass a default admin)`,
      path
    })
  )
}

/**
 * Plans one conversation from the Drift thread and the mapper's API 2.11 output for it.
 *
 * @since 0.1.0
 */
export const make = (
  thread: Drift.Thread,
  mapped: Intercom.ConversationV2,
  directory: AdminDirectory
): Result.Result<ConversationPlan, PlanError> => {
  const driftConversationId = String(thread.conversation.id)
  const fail = (reason: PlanError["reason"], detail: string, path: string) =>
    Result.fail(new PlanError({ driftConversationId, reason, detail, path }))
  if (thread.messages.length === 0) return fail("NoMessages", "the conversation has no messages", `["messages"]`)

  // The mapper's source is the first message; its parts are the others, in order, with the same indexes.
  const all: Array<{ readonly message: Message; readonly byContact: boolean }> = []
  const skipped: Array<string> = []
  const sourceAuthor = authorOf(mapped.source.author, directory, driftConversationId, `["messages"][0]["author"]`)
  if (Result.isFailure(sourceAuthor)) return Result.fail(sourceAuthor.failure)
  const sourceBody = bodyWithAttachments(mapped.source.body, mapped.source.attachments)
  if (sourceBody === undefined) skipped.push(String(thread.messages[0]!.id))
  else {all.push({
      message: {
        driftMessageId: String(thread.messages[0]!.id),
        kind: "comment",
        author: sourceAuthor.success,
        body: sourceBody,
        createdAt: seconds(mapped.created_at),
        attachmentUrls: attachmentsOf(mapped.source.attachments)
      },
      byContact: sourceAuthor.success._tag === "Contact"
    })}
  const parts = mapped.conversation_parts?.conversation_parts ?? []
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!
    const path = `["messages"][${i + 1}]`
    if (part.part_type !== "comment" && part.part_type !== "note") {
      return fail("Unsupported", `the mapper wrote a "${part.part_type}" part, which a migration cannot post`, path)
    }
    const author = authorOf(part.author, directory, driftConversationId, `${path}["author"]`)
    if (Result.isFailure(author)) return Result.fail(author.failure)
    // A contact cannot write a note in Intercom; a Drift note is always a teammate's.
    const kind = author.success._tag === "Contact" ? "comment" : part.part_type
    const body = bodyWithAttachments(part.body, part.attachments)
    if (body === undefined) {
      skipped.push(String(thread.messages[i + 1]?.id ?? part.id))
      continue
    }
    all.push({
      message: {
        driftMessageId: String(thread.messages[i + 1]?.id ?? part.id),
        kind,
        author: author.success,
        body,
        createdAt: seconds(part.created_at),
        attachmentUrls: attachmentsOf(part.attachments)
      },
      byContact: author.success._tag === "Contact"
    })
  }

  if (all.length === 0) {
    return fail("NoMessages", "every message of the conversation is empty (no text, no attachment)", `["messages"]`)
  }
  const firstContact = all.findIndex((m) => m.byContact && m.message.kind === "comment")
  const openingIndex = firstContact === -1 ? 0 : firstContact
  const opening = all[openingIndex]!.message
  const replies = all.filter((_, i) => i !== openingIndex).map((m) => m.message)

  const contactRef = mapped.contacts.contacts[0]
  const driftContactId = String(thread.conversation.contactId)
  if (contactRef === undefined) return fail("NoContact", "the conversation has no contact", `["conversation"]`)
  const attributes = thread.contact?.attributes
  const rawExternal = attributes?.externalId as unknown
  const externalId = typeof rawExternal === "string" && rawExternal !== ""
    ? rawExternal
    : typeof rawExternal === "number"
    ? String(rawExternal)
    : `drift-${driftContactId}`
  const email = typeof attributes?.email === "string" && attributes.email.includes("@") ? attributes.email : null
  const name = typeof attributes?.name === "string" && attributes.name !== "" ? attributes.name : null

  const assignee = mapped.admin_assignee_id === null
    ? null
    : authorOf(
      { type: "admin", id: String(mapped.admin_assignee_id), name: null, email: "" } as Intercom.AuthorV2,
      directory,
      driftConversationId,
      `["conversation"]["participants"]`
    )
  if (assignee !== null && Result.isFailure(assignee)) return Result.fail(assignee.failure)
  const assigneeAdminId = assignee !== null && assignee.success._tag === "Admin" ? assignee.success.adminId : null
  const actorAdminId = assigneeAdminId ?? directory.defaultAdminId ?? firstAdmin(all.map((m) => m.message))
  if (actorAdminId === undefined) {
    return fail(
      "UnknownAuthor",
      "no admin can perform the conversation's state changes (pass a default admin)",
      `["conversation"]`
    )
  }

  const carried = mapped.custom_attributes as Record<string, unknown>
  const customAttributes: Record<string, string | number | boolean> = {
    drift_conversation_id: driftConversationId,
    drift_contact_id: driftContactId
  }
  for (const key of ["drift_status", "drift_inbox_id", "drift_created_at_ms"]) {
    const value = carried[key]
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
      customAttributes[key] = value
    }
  }
  if (openingIndex === 0 && !all[0]!.byContact && opening.author._tag === "Admin") {
    customAttributes.drift_source_author = `${
      opening.author.via === "bot" ? "bot" : "user"
    }:${opening.author.driftUserId}`
  }

  return Result.succeed({
    driftConversationId,
    contact: {
      driftContactId,
      externalId,
      email,
      name,
      role: email === null ? "lead" : "user"
    },
    opening,
    replies,
    skippedMessageIds: skipped,
    tags: (mapped.tags?.tags ?? []).map((t) => t.name),
    state: mapped.state === "closed" ? "closed" : mapped.state === "snoozed" ? "snoozed" : "open",
    snoozedUntil: mapped.snoozed_until === null ? null : seconds(mapped.snoozed_until),
    assigneeAdminId,
    actorAdminId,
    customAttributes
  })
}

const firstAdmin = (messages: ReadonlyArray<Message>): string | undefined => {
  for (const m of messages) if (m.author._tag === "Admin") return m.author.adminId
  return undefined
}

/**
 * The Intercom calls a plan costs when nothing was migrated before: contact lookup (search by external id, then
 * email; create), creation, one reply per later message, the custom attributes, one call per tag, the assignment
 * and the final state.
 *
 * @since 0.1.0
 */
export const calls = (plan: ConversationPlan): number =>
  (plan.contact.email === null ? 2 : 3)
  + 1
  + plan.replies.length
  + 1
  + plan.tags.length
  + (plan.assigneeAdminId === null ? 0 : 1)
  + (plan.state === "open" ? 0 : 1)
