/**
 * The in-memory index behind both data sources: conversations in Drift's list order (most recently updated
 * first), their threads once read, and the plain text that text search looks in.
 *
 * Drift's API filters by status only, so filtering by tag or searching text needs every conversation and every
 * message anyway; holding them in memory (a few KB per thread) is the simplest thing that answers every filter
 * at once, and it suits a review tool on workspaces of up to some tens of thousands of conversations.
 *
 * @example
 * ```ts
 * import { ThreadIndex } from "@parley/inbox"
 * import type { Drift } from "@parley/schema"
 *
 * declare const thread: Drift.Thread
 *
 * const index = new ThreadIndex.ThreadIndex()
 * index.putThread(thread)
 * index.query({ q: "charged twice", page: 1 }).items
 * ```
 *
 * @since 0.1.0
 */
import { Drift, Html } from "@parley/schema"
import { DateTime } from "effect"
import * as Model from "./Model.ts"

interface Entry {
  conversation: Drift.Conversation
  thread: Drift.Thread | undefined
  /** Lowercased text searched by `q`: id, contact, tags and every message's plain text. */
  haystack: string
  /** Plain text of each message (for snippets). */
  plain: ReadonlyArray<string>
  contact: string
  preview: string
  privateNotes: number
  lastMessageAt: DateTime.Utc | null
}

const PREVIEW_LENGTH = 140
const SNIPPET_RADIUS = 60

const oneLine = (s: string): string => s.replace(/\s+/g, " ").trim()

const truncate = (s: string, n: number): string => s.length <= n ? s : `${s.slice(0, n - 1).trimEnd()}…`

/**
 * The name the list shows for a thread's contact: its name, else its email, else `Contact <id>`.
 *
 * @example
 * ```ts
 * import { ThreadIndex } from "@parley/inbox"
 * import type { Drift } from "@parley/schema"
 *
 * declare const thread: Drift.Thread // its contact is named Ada Lovelace
 *
 * ThreadIndex.contactLabel(thread) // "Ada Lovelace"
 * ```
 *
 * @since 0.1.0
 */
export const contactLabel = (thread: Pick<Drift.Thread, "conversation" | "contact">): string => {
  const attributes = thread.contact?.attributes
  const name = attributes?.name?.trim()
  if (name !== undefined && name !== "") return name
  const email = attributes?.email?.trim()
  if (email !== undefined && email !== "") return email
  return `Contact ${thread.conversation.contactId}`
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")

/**
 * The words of a search query, lowercased.
 *
 * @since 0.1.0
 */
export const terms = (q: string | undefined): ReadonlyArray<string> =>
  q === undefined ? [] : q.toLowerCase().split(/\s+/).filter((t) => t !== "")

const compare = (a: Entry, b: Entry): number => {
  const d = b.conversation.updatedAt.epochMilliseconds - a.conversation.updatedAt.epochMilliseconds
  return d !== 0 ? d : b.conversation.id - a.conversation.id
}

/**
 * The index: conversations by id, in list order, with their threads when read.
 *
 * @since 0.1.0
 */
export class ThreadIndex {
  private readonly byId = new Map<number, Entry>()
  private ordered: Array<Entry> = []
  private dirty = false
  private threadCount = 0

  /** Conversations in the index. */
  get size(): number {
    return this.byId.size
  }

  /** Conversations whose messages are in the index. */
  get threads(): number {
    return this.threadCount
  }

  /** Adds or replaces a conversation; a thread already read for it is kept. */
  putConversation(conversation: Drift.Conversation): void {
    const existing = this.byId.get(conversation.id)
    if (existing !== undefined && existing.thread !== undefined) {
      this.putThread({ ...existing.thread, conversation })
      return
    }
    this.store(this.entryOf({ conversation, messages: [] }, undefined))
  }

  /** Adds or replaces a thread (and its conversation). */
  putThread(thread: Drift.Thread): void {
    this.store(this.entryOf(thread, thread))
  }

  /** The thread of `id`, when its messages were read. */
  thread(id: number): Drift.Thread | undefined {
    return this.byId.get(id)?.thread
  }

  /** The conversation of `id`, when listed. */
  conversation(id: number): Drift.Conversation | undefined {
    return this.byId.get(id)?.conversation
  }

  /** Every conversation, in list order. */
  conversations(): ReadonlyArray<Drift.Conversation> {
    return this.sorted().map((e) => e.conversation)
  }

  /** One page of the conversations matching `query` (and `accept`, when given: e.g. a migration state). */
  query(
    query: Model.ThreadsQuery,
    accept?: ((id: Drift.ConversationId) => boolean) | undefined
  ): { readonly items: ReadonlyArray<Model.ThreadSummary>; readonly total: number } {
    const words = terms(query.q)
    const page = query.page ?? 1
    const pageSize = query.pageSize ?? Model.DEFAULT_PAGE_SIZE
    const matching = this.sorted().filter((entry) =>
      (query.status === undefined || entry.conversation.status === query.status) &&
      (query.tag === undefined || (entry.conversation.conversationTags ?? []).some((t) => t.name === query.tag)) &&
      words.every((w) => entry.haystack.includes(w)) &&
      (accept === undefined || accept(entry.conversation.id))
    )
    const items = matching.slice((page - 1) * pageSize, page * pageSize).map((entry) => this.summary(entry, words))
    return { items, total: matching.length }
  }

  /** Counts by status and tag, and messages and private notes of the threads read. */
  counts(): Model.Counts {
    const byStatus = { open: 0, closed: 0, pending: 0, bulk_sent: 0 }
    const tags = new Map<string, { name: string; color: string; count: number }>()
    let messages = 0
    let privateNotes = 0
    for (const entry of this.byId.values()) {
      byStatus[entry.conversation.status]++
      for (const tag of entry.conversation.conversationTags ?? []) {
        const known = tags.get(tag.name)
        if (known === undefined) tags.set(tag.name, { name: tag.name, color: tag.color, count: 1 })
        else known.count++
      }
      messages += entry.thread?.messages.length ?? 0
      privateNotes += entry.privateNotes
    }
    return {
      conversations: this.byId.size,
      byStatus,
      tags: [...tags.values()].toSorted((a, b) => b.count - a.count || a.name.localeCompare(b.name)),
      messages,
      privateNotes
    }
  }

  private store(entry: Entry): void {
    const existing = this.byId.get(entry.conversation.id)
    if (existing?.thread !== undefined) this.threadCount--
    if (entry.thread !== undefined) this.threadCount++
    this.byId.set(entry.conversation.id, entry)
    this.dirty = true
  }

  private sorted(): ReadonlyArray<Entry> {
    if (this.dirty) {
      this.ordered = [...this.byId.values()].toSorted(compare)
      this.dirty = false
    }
    return this.ordered
  }

  private entryOf(thread: Drift.Thread, read: Drift.Thread | undefined): Entry {
    const { conversation, messages } = thread
    const plain = messages.map((m) => m.body === undefined ? "" : oneLine(Html.toPlainText(m.body)))
    const contact = contactLabel(thread)
    const first = messages.findIndex((m) => m.author.type === "contact" && m.type === "chat")
    const previewIndex = first >= 0 ? first : plain.findIndex((p) => p !== "")
    const last = messages.at(-1)
    return {
      conversation,
      thread: read,
      plain,
      contact,
      preview: previewIndex >= 0 ? truncate(plain[previewIndex]!, PREVIEW_LENGTH) : "",
      privateNotes: messages.filter((m) => m.type === "private_note").length,
      lastMessageAt: last === undefined ? null : last.createdAt,
      haystack: [
        String(conversation.id),
        contact,
        thread.contact?.attributes.email ?? "",
        ...(conversation.conversationTags ?? []).map((t) => t.name),
        ...plain
      ].join("\n").toLowerCase()
    }
  }

  private summary(entry: Entry, words: ReadonlyArray<string>): Model.ThreadSummary {
    const snippet = words.length === 0 ? undefined : snippetOf(entry.plain, words)
    return {
      conversation: entry.conversation,
      contact: entry.contact,
      preview: entry.preview,
      messageCount: entry.thread === undefined ? null : entry.thread.messages.length,
      privateNotes: entry.privateNotes,
      lastMessageAt: entry.lastMessageAt,
      ...(snippet !== undefined ? { snippet } : {})
    }
  }
}

const snippetOf = (plain: ReadonlyArray<string>, words: ReadonlyArray<string>): string | undefined => {
  for (const word of words) {
    const pattern = new RegExp(escapeRegExp(word), "iu")
    for (const text of plain) {
      const match = pattern.exec(text)
      if (match === null) continue
      const start = Math.max(0, match.index - SNIPPET_RADIUS)
      const end = Math.min(text.length, match.index + match[0].length + SNIPPET_RADIUS)
      return `${start > 0 ? "…" : ""}${text.slice(start, end)}${end < text.length ? "…" : ""}`
    }
  }
  return undefined
}
