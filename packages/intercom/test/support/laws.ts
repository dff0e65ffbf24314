/**
 * Test support: what a Drift thread looks like after a round trip through a shape that cannot hold every
 * field, as the README's mapping table states it. Each function maps the encoded (wire) thread to the thread the
 * round trip gives back; the laws check `roundTrip(t)` equals `expected(t)` exactly, so every field the table
 * marks lossless is checked to survive, and every lossy field is checked to come back as documented.
 */
import type { Drift } from "@parley/schema"

type Thread = Drift.ThreadEncoded
type Message = Drift.MessageEncoded
type Mutable<T> = { -readonly [K in keyof T]: T[K] }

const floorSeconds = (ms: number): number => Math.floor(ms / 1000) * 1000

/** The author as mapped back: `bot` is true exactly for users the forward mapping called bots. */
const author = (m: Message, bots: ReadonlySet<number>): Message["author"] =>
  m.author.type === "contact"
    ? { type: "contact", id: m.author.id, bot: false }
    : { type: "user", id: m.author.id, bot: m.author.bot ?? bots.has(m.author.id) }

interface Options {
  /** The shape keeps every participant (2.11 `teammates`) rather than only the first (classic `assignee`). */
  readonly allParticipants: boolean
  /** The shape keeps an absent first-message body absent (2.11 `source.body` is optional). */
  readonly optionalSourceBody: boolean
  /** The shape keeps `attachments: []` apart from absent attachments (2.11 parts). */
  readonly emptyAttachments: boolean
  /** Users the directory marks as bots. */
  readonly bots?: ReadonlySet<number>
  /** `custom_attributes.drift_status` is carried. */
  readonly status?: boolean
}

/** The thread a shape without carried fields gives back. */
export const expectedWithoutCarry = (t: Thread, options: Options): Thread => {
  const conv = t.conversation
  const bots = options.bots ?? new Set<number>()
  const createdAt = floorSeconds(conv.createdAt)
  const conversation: Mutable<Drift.ConversationEncoded> = {
    id: conv.id,
    status: conv.status === "bulk_sent" && options.status !== true ? "closed" : conv.status,
    contactId: conv.contactId,
    inboxId: 0,
    createdAt,
    updatedAt: floorSeconds(conv.updatedAt)
  }
  const participants = options.allParticipants ? conv.participants ?? [] : (conv.participants ?? []).slice(0, 1)
  if (participants.length > 0) conversation.participants = participants
  if (conv.conversationTags !== undefined && conv.conversationTags.length > 0) {
    conversation.conversationTags = conv.conversationTags.map((tag) => ({ name: tag.name, color: "#cccccc" }))
  }
  const messages = t.messages.map((m, i): Message => {
    const out: Mutable<Message> = {
      id: m.id,
      orgId: 0,
      author: author(m, bots),
      // Without carried fields every type but `chat` comes back from a `note` part as `private_note`.
      type: i === 0 || m.type === "chat" ? "chat" : "private_note",
      conversationId: conv.id,
      createdAt: i === 0 ? createdAt : floorSeconds(m.createdAt)
    }
    if (m.body !== undefined) out.body = m.body
    else if (i === 0 && !options.optionalSourceBody) out.body = ""
    const attachments = m.attachments
    const keep = attachments !== undefined && (attachments.length > 0 || options.emptyAttachments)
    if (keep) out.attachments = attachments.map((a, j) => ({ ...a, id: j }))
    return out
  })
  return { conversation, messages }
}
