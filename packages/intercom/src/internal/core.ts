/**
 * The mapping itself: plain synchronous functions over the decoded (type-side) models. The schemas, the sync
 * API and the service all wrap these.
 *
 * Forward (Drift -> Intercom) never fails. Backward (Intercom -> Drift) returns a `Result` whose failure is a
 * {@link Failure} (a plain value, no stack) that the callers turn into a `SchemaIssue` or a `MappingError`.
 * Nothing here throws.
 *
 * @internal
 */
import { Drift, Intercom } from "@parley/schema"
import { DateTime, Result } from "effect"
import { isValidEmail, type Resolved } from "../MapperConfig.ts"
import * as Body from "./body.ts"
import { fnv1a53, fnv1a64Hex } from "./hash.ts"
import { decodeResidue, type MessageExtra, type MessageExtraEncoded, type Residue } from "./residue.ts"

type Mutable<T> = { -readonly [K in keyof T]: T[K] }
type Json = Intercom.OpenObject[string]

// -----------------------------------------------------------------------------
// Shared pieces
// -----------------------------------------------------------------------------

/** A mapping failure: where (in the Intercom value), why, and the offending value. */
export interface Failure {
  readonly path: ReadonlyArray<string | number>
  readonly reason: string
  readonly actual: unknown
}

const failure = (
  path: ReadonlyArray<string | number>,
  reason: string,
  actual: unknown
): Result.Result<never, Failure> => Result.fail({ path, reason, actual })

/** 2000 years of 365.2425 days, in seconds: the classic "not waiting" sentinel is `updated_at` plus this. */
export const SENTINEL_OFFSET_SECONDS = 2000 * 31_556_952

const tagIds = new Map<string, string>()

/** The stable Intercom id of a tag name: FNV-1a 64 of its UTF-8 bytes, 16 hex digits. */
export const tagId = (name: string): string => {
  let id = tagIds.get(name)
  if (id === undefined) {
    id = fnv1a64Hex(name)
    if (tagIds.size >= 10_000) tagIds.clear()
    tagIds.set(name, id)
  }
  return id
}

const seconds = (dt: DateTime.Utc): number => Math.floor(dt.epochMilliseconds / 1000)
const utc = (ms: number): DateTime.Utc => DateTime.makeUnsafe(ms)
const utcSeconds = (s: number): DateTime.Utc => DateTime.makeUnsafe(s * 1000)

type Role = "user" | "lead"

/** What the forward mapping computes once per thread. */
interface Context {
  readonly thread: Drift.Thread
  readonly config: Resolved
  readonly role: Role
  readonly contactName: string | null
  readonly contactEmail: string | null
}

const contextOf = (thread: Drift.Thread, config: Resolved): Context => {
  const contact = thread.contact
  const rule = config.contactRole
  const email = contact?.attributes.email
  const role: Role = typeof rule === "function"
    ? rule(thread)
    : rule === "byEmail"
    ? (typeof email === "string" && email.length > 0 ? "user" : "lead")
    : rule
  const name = contact?.attributes.name
  return {
    thread,
    config,
    role,
    contactName: typeof name === "string" && name.length > 0 ? name : null,
    contactEmail: isValidEmail(email) ? email : null
  }
}

/** Whether a user author is a bot: the message says so, else the directory does. */
const isBotUser = (author: Drift.MessageAuthor, config: Resolved): boolean =>
  author.bot ?? config.directory.get(author.id)?.bot ?? false

/** The Intercom author type of a Drift author. */
const authorType = (author: Drift.MessageAuthor, c: Context): "user" | "lead" | "admin" | "bot" =>
  author.type === "contact" ? c.role : isBotUser(author, c.config) ? "bot" : "admin"

/** The Drift status as Intercom `state` and `open`. */
const stateOf = (status: Drift.ConversationStatus): { state: Intercom.ConversationState; open: boolean } => {
  switch (status) {
    case "open":
      return { state: "open", open: true }
    case "pending":
      return { state: "snoozed", open: true }
    case "closed":
    case "bulk_sent":
      return { state: "closed", open: false }
  }
}

/**
 * The epoch second Intercom shows as waiting since: the last contact chat message after the last chat message of a
 * (non-bot) user; `null` when nobody waits (no such message, or the conversation is closed or bulk sent, or the
 * time is at or after year 3000, where Intercom's "not waiting" sentinel starts).
 */
export const waitingSinceSeconds = (thread: Drift.Thread, config: Resolved): number | null => {
  const status = thread.conversation.status
  if (status === "closed" || status === "bulk_sent") return null
  let since: number | null = null
  for (const m of thread.messages) {
    if (m.type !== "chat") continue
    if (m.author.type === "contact") {
      // The last time the customer spoke since the last reply (Intercom: "the last time a customer responded").
      since = m.createdAt.epochMilliseconds
    } else if (!isBotUser(m.author, config)) {
      since = null
    }
  }
  if (since === null) return null
  const s = Math.floor(since / 1000)
  return s >= Intercom.WAITING_SENTINEL_THRESHOLD ? null : s
}

const assigneeOf = (conversation: Drift.Conversation, config: Resolved): number | null =>
  conversation.participants?.[0] ?? config.defaultAdminId

// -----------------------------------------------------------------------------
// Drift -> Intercom classic
// -----------------------------------------------------------------------------

const classicAuthor = (author: Drift.MessageAuthor, c: Context): Intercom.Author => {
  const type = authorType(author, c)
  const out: Mutable<Intercom.Author> = { type, id: String(author.id) }
  if (author.type === "contact") {
    if (author.id === c.thread.contact?.id) {
      if (c.contactName !== null) out.name = c.contactName
      if (c.contactEmail !== null) out.email = c.contactEmail
    }
  } else {
    const entry = c.config.directory.get(author.id)
    if (entry !== undefined) {
      if (entry.name !== null) out.name = entry.name
      if (entry.email !== null) out.email = entry.email
    }
  }
  return out
}

const classicAttachments = (m: Drift.Message): Array<Intercom.Attachment> =>
  m.attachments === undefined
    ? []
    : m.attachments.map((a) => ({ type: "upload", name: a.fileName, url: a.url, content_type: a.mimeType }))

/**
 * The Intercom part type of a Drift message: `chat` is a `comment` (the contact saw it); every other type, known
 * or not (`private_note`, `private_prompt`, `suggestion`, `edit`, ...), is a `note`, so nothing the contact did
 * not see is ever shown to them. The Drift type is carried when the note's default reading (`private_note`)
 * would not give it back.
 */
const partType = (m: Drift.Message): "comment" | "note" => (m.type === "chat" ? "comment" : "note")

/** The Drift type the reverse mapping reads from a part type, before the carried type. */
const defaultTypeOf = (m: Drift.Message, isFirst: boolean): Drift.MessageType =>
  isFirst || m.type === "chat" ? "chat" : "private_note"

const body = (m: Drift.Message, c: Context): string | undefined =>
  m.body === undefined ? undefined : Body.toIntercom(m.body, c.config.bodies)

/** Drift thread -> Intercom classic conversation. */
export const toClassic = (thread: Drift.Thread, config: Resolved): Intercom.Conversation => {
  const c = contextOf(thread, config)
  const conv = thread.conversation
  const messages = thread.messages
  const first = messages[0]
  const updated = seconds(conv.updatedAt)
  const customer: Intercom.Customer = { type: c.role, id: String(conv.contactId) }
  const conversationMessage: Mutable<Intercom.ConversationMessage> = first === undefined
    ? { type: "conversation_message", subject: "", body: "", author: customer, attachments: [] }
    : {
      type: "conversation_message",
      id: String(first.id),
      subject: "",
      body: body(first, c) ?? "",
      author: classicAuthor(first.author, c),
      attachments: classicAttachments(first)
    }
  const parts: Array<Intercom.ConversationPart> = []
  for (let i = 1; i < messages.length; i++) {
    const m = messages[i]!
    const at = utcSeconds(seconds(m.createdAt))
    parts.push({
      type: "conversation_part",
      id: String(m.id) as Intercom.ConversationPartId,
      part_type: partType(m),
      body: body(m, c) ?? null,
      created_at: at,
      updated_at: at,
      notified_at: at,
      assigned_to: null,
      author: classicAuthor(m.author, c),
      attachments: classicAttachments(m),
      external_id: null
    })
  }
  const assignee = assigneeOf(conv, config)
  const waiting = waitingSinceSeconds(thread, config)
  const { open, state } = stateOf(conv.status)
  return {
    type: "conversation",
    id: String(conv.id) as Intercom.ConversationId,
    created_at: utcSeconds(seconds(conv.createdAt)),
    updated_at: utcSeconds(updated),
    waiting_since: waiting === null
      ? { _tag: "NotWaiting", sentinel: updated + SENTINEL_OFFSET_SECONDS }
      : { _tag: "Waiting", since: utcSeconds(waiting) },
    snoozed_until: null,
    conversation_message: conversationMessage,
    user: customer,
    customers: [customer],
    assignee: assignee === null ? { type: "nobody_admin", id: null } : { type: "admin", id: String(assignee) },
    open,
    state,
    read: true,
    conversation_parts: { type: "conversation_part.list", conversation_parts: parts, total_count: parts.length },
    conversation_rating: {
      rating: null,
      remark: null,
      created_at: null,
      customer: { type: null, id: null },
      teammate: { type: null, id: null }
    },
    tags: {
      type: "tag.list",
      tags: (conv.conversationTags ?? []).map((t) => ({ type: "tag", id: tagId(t.name), name: t.name }))
    }
  }
}

// -----------------------------------------------------------------------------
// Drift -> Intercom API 2.11
// -----------------------------------------------------------------------------

/**
 * A 2.11 author. An unknown name is `null` and an unknown email is `""`: what Intercom itself writes for an
 * author it knows no email of (nothing is invented).
 */
const v2Author = (author: Drift.MessageAuthor, c: Context): Intercom.AuthorV2 => {
  const type = authorType(author, c)
  const id = String(author.id)
  if (author.type === "contact") {
    const own = author.id === c.thread.contact?.id
    return { type, id, name: own ? c.contactName : null, email: (own ? c.contactEmail : null) ?? "" }
  }
  const entry = c.config.directory.get(author.id)
  return { type, id, name: entry?.name ?? null, email: entry?.email ?? "" }
}

const v2Attachments = (m: Drift.Message): Array<Intercom.AttachmentV2> | undefined =>
  m.attachments?.map((a) => ({
    type: "upload",
    name: a.fileName,
    url: a.url,
    content_type: a.mimeType,
    filesize: 0,
    width: 0,
    height: 0
  }))

const deliveredAs = (status: Drift.ConversationStatus, first: Drift.Message | undefined, c: Context): string => {
  if (status === "bulk_sent") return "campaigns_initiated"
  if (first === undefined) return "customer_initiated"
  switch (authorType(first.author, c)) {
    case "bot":
      return "automated"
    case "admin":
      return "admin_initiated"
    default:
      return "customer_initiated"
  }
}

/** Drift thread -> Intercom API 2.11 conversation. */
export const toV2 = (thread: Drift.Thread, config: Resolved): Intercom.ConversationV2 => {
  const c = contextOf(thread, config)
  const conv = thread.conversation
  const messages = thread.messages
  const first = messages[0]
  let source: Mutable<Intercom.SourceV2>
  if (first === undefined) {
    const id = String(conv.contactId)
    source = {
      type: "conversation",
      id: "",
      delivered_as: deliveredAs(conv.status, first, c),
      subject: "",
      body: "",
      author: {
        type: c.role,
        id,
        name: thread.contact?.id === conv.contactId ? c.contactName : null,
        email: (thread.contact?.id === conv.contactId ? c.contactEmail : null) ?? ""
      },
      redacted: false
    }
  } else {
    source = {
      type: "conversation",
      id: String(first.id),
      delivered_as: deliveredAs(conv.status, first, c),
      subject: "",
      author: v2Author(first.author, c),
      redacted: false
    }
    const b = body(first, c)
    if (b !== undefined) source.body = b
    const attachments = v2Attachments(first)
    if (attachments !== undefined) source.attachments = attachments
  }
  const parts: Array<Intercom.ConversationPartV2> = []
  let firstContactReply: number | null = first !== undefined && first.author.type === "contact" && first.type === "chat"
    ? seconds(first.createdAt)
    : null
  for (let i = 1; i < messages.length; i++) {
    const m = messages[i]!
    const s = seconds(m.createdAt)
    if (firstContactReply === null && m.author.type === "contact" && m.type === "chat") firstContactReply = s
    const at = utcSeconds(s)
    // Optional members are left out rather than written as `null`: the official SDK types them as absent-or-value.
    const part: Mutable<Intercom.ConversationPartV2> = {
      type: "conversation_part",
      id: String(m.id) as Intercom.ConversationPartId,
      part_type: partType(m),
      created_at: at,
      updated_at: at,
      notified_at: at,
      author: v2Author(m.author, c),
      redacted: false
    }
    const b = body(m, c)
    if (b !== undefined) part.body = b
    const attachments = v2Attachments(m)
    if (attachments !== undefined) part.attachments = attachments
    parts.push(part)
  }
  const waiting = waitingSinceSeconds(thread, config)
  const { open, state } = stateOf(conv.status)
  const contact: Mutable<Intercom.ContactReferenceV2> = { type: "contact", id: String(conv.contactId) }
  const externalId = thread.contact?.id === conv.contactId ? thread.contact.attributes.externalId : undefined
  // Drift's externalId may be a number; Intercom's external_id is a string (kept exactly through the residue).
  if (typeof externalId === "number") contact.external_id = String(externalId)
  else if (typeof externalId === "string" && externalId.length > 0) contact.external_id = externalId
  const out: Mutable<Intercom.ConversationV2> = {
    type: "conversation",
    id: String(conv.id) as Intercom.ConversationId,
    title: null,
    created_at: utcSeconds(seconds(conv.createdAt)),
    updated_at: utcSeconds(seconds(conv.updatedAt)),
    waiting_since: waiting === null
      ? { _tag: "NotWaiting", sentinel: null }
      : { _tag: "Waiting", since: utcSeconds(waiting) },
    snoozed_until: null,
    open,
    state,
    read: true,
    admin_assignee_id: assigneeOf(conv, config),
    team_assignee_id: null,
    tags: {
      type: "tag.list",
      tags: (conv.conversationTags ?? []).map((t) => ({
        type: "tag",
        id: tagId(t.name),
        name: t.name,
        applied_at: null,
        applied_by: null
      }))
    },
    source,
    contacts: { type: "contact.list", contacts: [contact] },
    // `admins`, as the API and the official SDK write it (the spec's `teammates` key is not what Intercom sends).
    teammates: {
      type: "admin.list",
      admins: (conv.participants ?? []).map((id) => ({ type: "admin", id: String(id) }))
    },
    custom_attributes: customAttributes(c),
    topics: {},
    conversation_parts: { type: "conversation_part.list", conversation_parts: parts, total_count: parts.length }
  }
  if (firstContactReply !== null) {
    out.first_contact_reply = { created_at: utcSeconds(firstContactReply), type: "conversation" }
  }
  return out
}

// -----------------------------------------------------------------------------
// Carried Drift fields (API 2.11 custom_attributes)
// -----------------------------------------------------------------------------

const customAttributes = (c: Context): Intercom.OpenObject => {
  const { config, thread } = c
  const carry = config.carry
  const keys = config.keys
  const conv = thread.conversation
  const out: Record<string, Json> = {}
  if (carry.status) out[keys.status] = conv.status
  if (carry.conversation) {
    out[keys.inboxId] = conv.inboxId
    if (conv.orgId !== undefined) out[keys.orgId] = conv.orgId
    if (conv.relatedPlaybookId !== undefined) out[keys.playbookId] = conv.relatedPlaybookId
    out[keys.createdAtMs] = conv.createdAt.epochMilliseconds
    out[keys.updatedAtMs] = conv.updatedAt.epochMilliseconds
  }
  if (carry.conversation || carry.messages || carry.contact) {
    const residue = residueOf(c)
    if (residue !== undefined) out[keys.thread] = JSON.stringify(residue)
  }
  return out
}

/** The residue (JSON form), or `undefined` when the reverse mapping needs nothing more. */
const residueOf = (c: Context): Record<string, Json> | undefined => {
  const { config, thread } = c
  const conv = thread.conversation
  const carry = config.carry
  const out: Record<string, Json> = {}
  let any = false
  if (carry.conversation) {
    if (conv.participants !== undefined && conv.participants.length === 0) {
      out["participants"] = "empty"
      any = true
    }
    const tags = conv.conversationTags
    if (tags !== undefined) {
      if (tags.length === 0) {
        out["tags"] = "empty"
        any = true
      } else if (tags.some((t) => t.color !== config.tagColor)) {
        out["tags"] = tags.map((t) => ({ color: t.color, name: t.name }))
        any = true
      }
    }
  }
  if (carry.messages && thread.messages.length > 0) {
    const defaultOrg = (carry.conversation ? conv.orgId : undefined) ?? config.orgId
    const messageOrg = thread.messages[0]!.orgId
    if (messageOrg !== defaultOrg) {
      out["messageOrgId"] = messageOrg
      any = true
    }
    const createdMs = carry.conversation
      ? conv.createdAt.epochMilliseconds
      : seconds(conv.createdAt) * 1000
    const extras: Array<Json> = []
    let last = -1
    thread.messages.forEach((m, i) => {
      const e = extraOf(m, i === 0, createdMs, messageOrg, c)
      extras.push(e ?? null)
      if (e !== null) last = i
    })
    if (last >= 0) {
      out["messages"] = extras.slice(0, last + 1)
      any = true
    }
  }
  const contact = thread.contact
  if (carry.contact && contact !== undefined) {
    const carried: Record<string, Json> = {}
    if (contact.id !== conv.contactId) carried["id"] = contact.id
    carried["createdAt"] = contact.createdAt.epochMilliseconds
    carried["attributes"] = contact.attributes as Intercom.OpenObject
    out["contact"] = carried
    any = true
  }
  return any ? out : undefined
}

const extraOf = (
  m: Drift.Message,
  isFirst: boolean,
  conversationCreatedMs: number,
  messageOrg: number,
  c: Context
): Intercom.OpenObject | null => {
  const e: Mutable<MessageExtraEncoded> = { id: m.id }
  let any = false
  const ms = m.createdAt.epochMilliseconds
  if (isFirst ? ms !== conversationCreatedMs : ms % 1000 !== 0) {
    e.createdAt = ms
    any = true
  }
  if (m.orgId !== messageOrg) {
    e.orgId = m.orgId
    any = true
  }
  if (m.conversationId !== c.thread.conversation.id) {
    e.conversationId = m.conversationId
    any = true
  }
  if (m.type !== defaultTypeOf(m, isFirst)) {
    e.type = m.type
    any = true
  }
  if (m.editedMessageId !== undefined) {
    e.editedMessageId = m.editedMessageId
    any = true
  }
  if (m.editType !== undefined) {
    e.editType = m.editType
    any = true
  }
  const defaultBot = authorType(m.author, c) === "bot"
  if (m.author.bot !== defaultBot) {
    e.bot = m.author.bot ?? null
    any = true
  }
  if (m.buttons !== undefined) {
    e.buttons = m.buttons
    any = true
  }
  if (m.context !== undefined) {
    e.context = m.context
    any = true
  }
  if (m.attributes !== undefined) {
    e.attributes = m.attributes
    any = true
  }
  if (m.attachments !== undefined && m.attachments.some((a, j) => a.id !== j)) {
    e.attachmentIds = m.attachments.map((a) => a.id)
    any = true
  }
  return any ? (e as unknown as Intercom.OpenObject) : null
}

// -----------------------------------------------------------------------------
// Intercom -> Drift
// -----------------------------------------------------------------------------

const decimal = /^[0-9]+$/

/** Parses an Intercom id as a Drift id, or hashes it (`foreignIds: "hash"`), or fails naming `path`. */
const parseId = (s: string, path: ReadonlyArray<string | number>, config: Resolved): Result.Result<number, Failure> => {
  if (decimal.test(s)) {
    const n = Number(s)
    if (Number.isSafeInteger(n)) return Result.succeed(n)
  }
  if (config.foreignIds === "hash") return Result.succeed(fnv1a53(s))
  return failure(
    path,
    "Expected a decimal Drift id (a non-negative integer of at most 2^53 - 1); set foreignIds: \"hash\" to map other ids",
    s
  )
}

interface AuthorLike {
  readonly type: string
  readonly id: string
}

const fromAuthor = (
  author: AuthorLike,
  path: ReadonlyArray<string | number>,
  config: Resolved
): Result.Result<Mutable<Drift.MessageAuthor>, Failure> => {
  switch (author.type) {
    case "user":
    case "lead":
    case "contact":
      return Result.map(parseId(author.id, [...path, "id"], config), (id) => ({
        type: "contact" as const,
        id: id as Drift.ContactId,
        bot: false
      }))
    case "admin":
    case "team":
    case "bot":
      return Result.map(parseId(author.id, [...path, "id"], config), (id) => ({
        type: "user" as const,
        id: id as Drift.UserId,
        bot: author.type === "bot"
      }))
    default:
      return failure(
        [...path, "type"],
        "Expected an author type Drift can hold (user, lead, contact, admin, team or bot)",
        author.type
      )
  }
}

interface AttachmentLike {
  readonly name: string
  readonly url: string
  readonly content_type?: string | undefined
}

const fromAttachments = (
  attachments: ReadonlyArray<AttachmentLike>,
  extra: MessageExtra | undefined
): Array<Drift.Attachment> => {
  const ids = extra?.attachmentIds !== undefined && extra.attachmentIds.length === attachments.length
    ? extra.attachmentIds
    : undefined
  return attachments.map((a, j) => ({
    id: ids?.[j] ?? j,
    fileName: a.name,
    mimeType: a.content_type ?? "application/octet-stream",
    url: a.url
  }))
}

/** What the backward mapping reads from custom_attributes (all optional). */
interface Carried {
  readonly status: Drift.ConversationStatus | undefined
  readonly inboxId: number | undefined
  readonly orgId: number | undefined
  readonly playbookId: number | undefined
  readonly createdAtMs: number | undefined
  readonly updatedAtMs: number | undefined
  readonly residue: Residue | undefined
}

const statuses: ReadonlyArray<unknown> = ["open", "closed", "pending", "bulk_sent"]

const readCarried = (attributes: Intercom.OpenObject, config: Resolved): Result.Result<Carried, Failure> =>
  Result.gen(function*() {
    const keys = config.keys
    const id = (key: string, max = Number.MAX_SAFE_INTEGER): Result.Result<number | undefined, Failure> => {
      const v = attributes[key]
      if (v === undefined) return Result.succeed(undefined)
      if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0 && v <= max) return Result.succeed(v)
      return failure(["custom_attributes", key], "Expected a non-negative safe integer carried from Drift", v)
    }
    const status = attributes[keys.status]
    if (status !== undefined && !statuses.includes(status)) {
      return yield* failure(
        ["custom_attributes", keys.status],
        "Expected a Drift status (open, closed, pending or bulk_sent)",
        status
      )
    }
    let residue: Residue | undefined
    const raw = attributes[keys.thread]
    if (raw !== undefined) {
      const decoded = decodeResidue(raw)
      if (Result.isFailure(decoded)) {
        return yield* failure(
          ["custom_attributes", keys.thread],
          `Expected the Drift thread data Parley carries (a JSON string): ${decoded.failure.message}`,
          raw
        )
      }
      residue = decoded.success
    }
    return {
      status: status as Drift.ConversationStatus | undefined,
      inboxId: yield* id(keys.inboxId),
      orgId: yield* id(keys.orgId),
      playbookId: yield* id(keys.playbookId),
      createdAtMs: yield* id(keys.createdAtMs, 253_402_300_799_999),
      updatedAtMs: yield* id(keys.updatedAtMs, 253_402_300_799_999),
      residue
    }
  })

const statusOf = (state: Intercom.ConversationState, carried: Drift.ConversationStatus | undefined) => {
  switch (state) {
    case "open":
      return "open"
    case "snoozed":
      return "pending"
    case "closed":
      return carried === "bulk_sent" ? "bulk_sent" : "closed"
  }
}

/** The exact ms carried for a time Intercom holds in seconds, when it still agrees with those seconds. */
const exactMs = (s: DateTime.Utc, carried: number | undefined): number => {
  const ms = s.epochMilliseconds
  return carried !== undefined && Math.floor(carried / 1000) * 1000 === ms ? carried : ms
}

const tagsOf = (
  names: ReadonlyArray<string>,
  residue: Residue | undefined,
  config: Resolved
): Array<Drift.ConversationTag> | undefined => {
  if (names.length === 0) return residue?.tags === "empty" ? [] : undefined
  const carried = residue?.tags === undefined || residue.tags === "empty" ? [] : residue.tags
  if (carried.length === names.length && carried.every((t, i) => t.name === names[i])) return [...carried]
  return names.map((name) => ({ name, color: carried.find((t) => t.name === name)?.color ?? config.tagColor }))
}

const participantsOf = (
  teammates: ReadonlyArray<number> | null,
  assignee: number | null,
  residue: Residue | undefined,
  config: Resolved
): Array<Drift.UserId> | undefined => {
  const t = teammates ?? []
  let out: Array<number>
  if (t.length === 0) {
    out = assignee === null || assignee === config.defaultAdminId ? [] : [assignee]
  } else {
    out = assignee === null || t[0] === assignee ? [...t] : [assignee, ...t.filter((id) => id !== assignee)]
  }
  if (out.length === 0) return residue?.participants === "empty" ? [] : undefined
  return out as Array<Drift.UserId>
}

/** One message being rebuilt from a source or a part. */
interface MessageInput {
  readonly id: number
  readonly type: Drift.MessageType
  readonly body: string | null | undefined
  readonly author: Mutable<Drift.MessageAuthor>
  readonly createdAtMs: number
  /** For parts: the created_at seconds, so a carried time is used only when it agrees. `null`: the source. */
  readonly partSeconds: number | null
  readonly attachments: ReadonlyArray<AttachmentLike> | undefined
}

const buildMessage = (
  input: MessageInput,
  extra: MessageExtra | undefined,
  conversationId: number,
  orgId: number
): Drift.Message => {
  let createdAtMs = input.createdAtMs
  if (extra?.createdAt !== undefined) {
    const carried = extra.createdAt.epochMilliseconds
    if (input.partSeconds === null || Math.floor(carried / 1000) === input.partSeconds) createdAtMs = carried
  }
  const author = input.author
  if (extra?.bot !== undefined) {
    if (extra.bot === null) delete author.bot
    else author.bot = extra.bot
  }
  const m: Mutable<Drift.Message> = {
    id: input.id as Drift.MessageId,
    orgId: (extra?.orgId ?? orgId) as Drift.OrgId,
    author,
    type: extra?.type ?? input.type,
    conversationId: (extra?.conversationId ?? conversationId) as Drift.ConversationId,
    createdAt: utc(createdAtMs)
  }
  if (input.body !== undefined && input.body !== null) m.body = Body.toDrift(input.body)
  if (extra?.buttons !== undefined) m.buttons = extra.buttons
  if (extra?.context !== undefined) m.context = extra.context
  if (extra?.attributes !== undefined) m.attributes = extra.attributes
  if (extra?.editedMessageId !== undefined) m.editedMessageId = extra.editedMessageId
  if (extra?.editType !== undefined) m.editType = extra.editType
  if (input.attachments !== undefined) m.attachments = fromAttachments(input.attachments, extra)
  return m
}

/** Which parts become Drift messages: comments and notes always; other part types when they carry content. */
const messageTypeOfPart = (
  part: { readonly part_type: string; readonly body?: string | null | undefined },
  attachments: number
): Drift.MessageType | null => {
  const t = part.part_type
  if (t === "comment") return "chat"
  if (t === "note") return "private_note"
  if ((part.body !== undefined && part.body !== null && part.body.length > 0) || attachments > 0) {
    return t.startsWith("note") ? "private_note" : "chat"
  }
  return null
}

interface SourceLike {
  readonly id?: string | undefined
  readonly body?: string | undefined
  readonly author: AuthorLike
  readonly attachments?: ReadonlyArray<AttachmentLike> | undefined
}

interface PartLike {
  readonly id: string
  readonly part_type: string
  readonly body?: string | null | undefined
  readonly created_at: DateTime.Utc
  readonly author: AuthorLike
  readonly attachments?: ReadonlyArray<AttachmentLike> | undefined
}

interface Common {
  readonly conversationId: number
  readonly contactId: number
  readonly createdAtMs: number
  readonly orgId: number
  readonly residue: Residue | undefined
}

const messagesOf = (
  source: SourceLike,
  sourceKey: string,
  parts: ReadonlyArray<PartLike>,
  partsPath: ReadonlyArray<string>,
  classicAttachments: boolean,
  common: Common,
  config: Resolved
): Result.Result<Array<Drift.Message>, Failure> =>
  Result.gen(function*() {
    const out: Array<Drift.Message> = []
    const extras = common.residue?.messages ?? []
    const extraAt = (i: number, id: number): MessageExtra | undefined => {
      const e = extras[i]
      return e !== undefined && e !== null && e.id === id ? e : undefined
    }
    const attachmentsOf = (a: ReadonlyArray<AttachmentLike> | undefined) =>
      classicAttachments && a !== undefined && a.length === 0 ? undefined : a
    const sourceId = source.id ?? ""
    const empty = sourceId === "" && (source.body ?? "") === "" && (source.attachments?.length ?? 0) === 0
    if (!empty) {
      const id = sourceId === "" ? common.conversationId : yield* parseId(sourceId, [sourceKey, "id"], config)
      out.push(buildMessage(
        {
          id,
          type: "chat",
          body: source.body,
          author: yield* fromAuthor(source.author, [sourceKey, "author"], config),
          createdAtMs: common.createdAtMs,
          partSeconds: null,
          attachments: attachmentsOf(source.attachments)
        },
        extraAt(0, id),
        common.conversationId,
        common.orgId
      ))
    }
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!
      const type = messageTypeOfPart(part, part.attachments?.length ?? 0)
      if (type === null) continue
      const path = [...partsPath, i]
      const id = yield* parseId(part.id, [...path, "id"], config)
      const ms = part.created_at.epochMilliseconds
      out.push(buildMessage(
        {
          id,
          type,
          body: part.body,
          author: yield* fromAuthor(part.author, [...path, "author"], config),
          createdAtMs: ms,
          partSeconds: ms / 1000,
          attachments: attachmentsOf(part.attachments)
        },
        extraAt(out.length, id),
        common.conversationId,
        common.orgId
      ))
    }
    return out
  })

const contactOf = (residue: Residue | undefined, contactId: number): Drift.Contact | undefined => {
  const c = residue?.contact
  if (c === undefined) return undefined
  return { id: c.id ?? (contactId as Drift.ContactId), createdAt: c.createdAt, attributes: c.attributes }
}

const threadOf = (
  conversation: Mutable<Drift.Conversation>,
  messages: Array<Drift.Message>,
  contact: Drift.Contact | undefined
): Drift.Thread => (contact === undefined ? { conversation, messages } : { conversation, messages, contact })

/** Intercom API 2.11 conversation -> Drift thread, or the {@link Failure} naming why not. */
export const fromV2 = (x: Intercom.ConversationV2, config: Resolved): Result.Result<Drift.Thread, Failure> =>
  Result.gen(function*() {
    const carried = yield* readCarried(x.custom_attributes, config)
    const residue = carried.residue
    const conversationId = yield* parseId(x.id, ["id"], config)
    const first = x.contacts.contacts[0]
    let contactId: number
    if (first !== undefined) {
      contactId = yield* parseId(first.id, ["contacts", "contacts", 0, "id"], config)
    } else if (["user", "lead", "contact"].includes(x.source.author.type)) {
      contactId = yield* parseId(x.source.author.id, ["source", "author", "id"], config)
    } else {
      return yield* failure(
        ["contacts", "contacts"],
        "Expected at least one contact (Drift conversations have one)",
        []
      )
    }
    const createdAtMs = exactMs(x.created_at, carried.createdAtMs)
    let teammates: Array<number> | null = null
    if (x.teammates !== null) {
      teammates = []
      const admins = x.teammates.admins
      for (let i = 0; i < admins.length; i++) {
        const t = admins[i]!
        if (t.id !== undefined && t.id !== null) {
          teammates.push(yield* parseId(t.id, ["teammates", "admins", i, "id"], config))
        }
      }
    }
    const conversation: Mutable<Drift.Conversation> = {
      id: conversationId as Drift.ConversationId,
      status: statusOf(x.state, carried.status),
      contactId: contactId as Drift.ContactId,
      inboxId: (carried.inboxId ?? config.inboxId) as Drift.InboxId,
      createdAt: utc(createdAtMs),
      updatedAt: utc(exactMs(x.updated_at, carried.updatedAtMs))
    }
    const participants = participantsOf(teammates, x.admin_assignee_id ?? null, residue, config)
    if (participants !== undefined) conversation.participants = participants
    if (carried.orgId !== undefined) conversation.orgId = carried.orgId as Drift.OrgId
    if (carried.playbookId !== undefined) conversation.relatedPlaybookId = carried.playbookId as Drift.PlaybookId
    const tags = tagsOf(x.tags?.tags.map((t) => t.name) ?? [], residue, config)
    if (tags !== undefined) conversation.conversationTags = tags
    const messages = yield* messagesOf(
      x.source,
      "source",
      x.conversation_parts?.conversation_parts ?? [],
      ["conversation_parts", "conversation_parts"],
      false,
      {
        conversationId,
        contactId,
        createdAtMs,
        orgId: residue?.messageOrgId ?? carried.orgId ?? config.orgId,
        residue
      },
      config
    )
    return threadOf(conversation, messages, contactOf(residue, contactId))
  })

/** Intercom classic conversation -> Drift thread, or the {@link Failure} naming why not. */
export const fromClassic = (x: Intercom.Conversation, config: Resolved): Result.Result<Drift.Thread, Failure> =>
  Result.gen(function*() {
    const conversationId = yield* parseId(x.id, ["id"], config)
    const contactId = yield* parseId(x.user.id, ["user", "id"], config)
    const createdAtMs = x.created_at.epochMilliseconds
    const assignee = x.assignee.type === "admin" ? yield* parseId(x.assignee.id, ["assignee", "id"], config) : null
    const conversation: Mutable<Drift.Conversation> = {
      id: conversationId as Drift.ConversationId,
      status: statusOf(x.state, undefined),
      contactId: contactId as Drift.ContactId,
      inboxId: config.inboxId as Drift.InboxId,
      createdAt: x.created_at,
      updatedAt: x.updated_at
    }
    const participants = participantsOf(null, assignee, undefined, config)
    if (participants !== undefined) conversation.participants = participants
    const tags = tagsOf(x.tags.tags.map((t) => t.name), undefined, config)
    if (tags !== undefined) conversation.conversationTags = tags
    const messages = yield* messagesOf(
      x.conversation_message,
      "conversation_message",
      x.conversation_parts?.conversation_parts ?? [],
      ["conversation_parts", "conversation_parts"],
      true,
      { conversationId, contactId, createdAtMs, orgId: config.orgId, residue: undefined },
      config
    )
    return threadOf(conversation, messages, undefined)
  })
