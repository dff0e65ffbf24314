/**
 * The sandbox's data: seeded conversations, contacts, users and messages, their ordering, the list cursor, and
 * the mutations the API allows (create a conversation, post a message).
 *
 * Conversations live in typed arrays (id, createdAt, updatedAt, status), everything else is generated on demand
 * from `(seed, index)` by {@link Seed}; what is created at run time (conversations, messages, contacts) is
 * stored. `GET /conversations/list` walks a keyset over `(updatedAt desc, id desc)` pinned to the snapshot its
 * first page was served at (see {@link Cursor} and the README).
 *
 * @example
 * ```ts
 * import { Store } from "@parley/drift-sandbox"
 * import { Effect } from "effect"
 *
 * const firstPage = Effect.gen(function*() {
 *   const store = yield* Store.SandboxStore
 *   return yield* store.listConversations({ limit: 25 })
 * }).pipe(Effect.provide(Store.SandboxStore.layer({ seed: 42, conversations: 2000 })))
 * ```
 *
 * @since 0.1.0
 */
import { Clock, Context, Effect, Layer } from "effect"
import * as Cursor from "./Cursor.ts"
import * as Defaults from "./internal/defaults.ts"
import { InvalidParam, NotFound } from "./SandboxError.ts"
import * as Seed from "./Seed.ts"

/**
 * The number of messages per page of `GET /conversations/{id}/messages`.
 *
 * @since 0.1.0
 */
export const MESSAGES_PAGE_SIZE = 20

/** Which status codes a list keeps (indexed by status code), or `undefined` for all. */
const wantedStatuses = (options: ListOptions): Array<boolean> | undefined => {
  if (options.statusIds === undefined || options.statusIds.length === 0) return undefined
  const wanted = [false, false, false, false]
  for (const s of options.statusIds) wanted[STATUS_OF_ID[s]] = true
  return wanted
}

/**
 * How `GET /conversations/list` cursors behave.
 *
 * - `snapshot` (default): the cursor pins the moment the walk started and the last key; every conversation
 *   that existed at the start is listed exactly once, whatever is updated during the walk.
 * - `offset`: the cursor is the number of conversations already listed, counted in the current order, as
 *   Drift's documentation suggests (`next=50`). An update moves a conversation to the front and shifts every
 *   page behind it: a walk then sees some conversations twice and misses others, which is what a client must
 *   survive against the real API. Each page costs O(offset).
 *
 * @since 0.1.0
 */
export type CursorMode = "snapshot" | "offset"

/**
 * Which of Drift's list APIs `GET /conversations/list` speaks.
 *
 * - `legacy` (default, Drift's documented one): `limit` up to 50, the next page with `?next=`, the answer's
 *   `pagination: { more, next }` absent on the last page.
 * - `new`: `limit` up to 100, the next page with `?page_token=`, the answer's `links: { self, next }` (`next`
 *   absent on the last page).
 *
 * @since 0.2.0
 */
export type ListApi = "legacy" | "new"

/**
 * The largest `limit` of each list API.
 *
 * @since 0.2.0
 */
export const MAX_LIMIT: Record<ListApi, number> = { legacy: 50, new: 100 }

/**
 * Whether a workspace seeds Drift's undocumented message types and contact fields unless told otherwise: on, so
 * that every export and test exercises them (`--oddities=false` or `oddities: false` for documented data only).
 *
 * @since 0.2.0
 */
export const DEFAULT_ODDITIES: boolean = Defaults.DEFAULT_ODDITIES

/**
 * What a workspace is built from.
 *
 * @since 0.1.0
 */
export interface WorkspaceOptions {
  readonly seed: number
  readonly conversations: number
  readonly cursorMode?: CursorMode | undefined
  /** Which list API `GET /conversations/list` speaks (default `legacy`). */
  readonly listApi?: ListApi | undefined
  /** Seed the messages and contacts Drift sends beyond its documents (see {@link Seed.messages}). */
  readonly oddities?: boolean | undefined
}

/**
 * Options of a list request (`limit` is an integer from 1 to 100; the store checks it against its API).
 *
 * @since 0.1.0
 */
export interface ListOptions {
  readonly limit: number
  /** The legacy API's cursor. */
  readonly next?: string | undefined
  /** The newer API's page token. */
  readonly pageToken?: string | undefined
  /** Keep only these statuses: 1 open, 2 closed, 3 pending. Empty or absent: all (including `bulk_sent`). */
  readonly statusIds?: ReadonlyArray<1 | 2 | 3> | undefined
}

/**
 * A page of `GET /conversations/list` in wire shape.
 *
 * @since 0.1.0
 */
export interface ConversationsPageWire {
  readonly data: ReadonlyArray<Seed.ConversationWire>
  /** Legacy API: present when more pages follow. */
  readonly pagination?: { readonly more: true; readonly next: string }
  /** Newer API: the page token of the next page (the handler writes it as `links.next`). */
  readonly nextPageToken?: string
}

/**
 * A page of `GET /conversations/{id}/messages` in wire shape (`pagination` at the top level).
 *
 * @since 0.1.0
 */
export interface MessagesPageWire {
  readonly data: { readonly messages: ReadonlyArray<Seed.MessageWire> }
  /** Always present, as Drift sends it: `{ more: false }` on the last page. */
  readonly pagination: { readonly more: true; readonly next: string } | { readonly more: false }
}

/**
 * `POST /conversations/new` input.
 *
 * @since 0.1.0
 */
export interface NewConversation {
  readonly email: string
  readonly body: string
  readonly attributes?: { readonly [key: string]: unknown } | undefined
}

/**
 * The answer to `POST /conversations/new` in wire shape.
 *
 * @since 0.1.0
 */
export interface CreatedConversationWire {
  readonly status: Seed.Status
  readonly participants: ReadonlyArray<number>
  readonly contactId: number
  readonly createdAt: number
  readonly id: number
  readonly inboxId: number
}

/**
 * `POST /conversations/{id}/messages` input.
 *
 * @since 0.1.0
 */
export interface NewMessage {
  readonly type: "chat" | "private_note"
  readonly body?: string | undefined
  readonly buttons?: Seed.MessageWire["buttons"] | undefined
  readonly userId?: number | undefined
}

/**
 * `GET /conversations/stats` in wire shape.
 *
 * @since 0.1.0
 */
export interface StatsWire {
  readonly conversationCount: { readonly OPEN: number; readonly CLOSED: number; readonly PENDING: number }
}

const STATUS_OF_ID: Record<1 | 2 | 3, number> = { 1: 0, 2: 1, 3: 2 }

interface RuntimeConversation {
  readonly contactIndex: number
  readonly inboxId: number
}

/**
 * The synchronous, single-threaded core of the store. Exported for benchmarks and tests; programs use the
 * {@link SandboxStore} service.
 *
 * @since 0.1.0
 */
export class Workspace {
  readonly world: Seed.World
  /** Conversations, seeded and created. */
  count: number
  /** A counter bumped by every mutation; list cursors pin the version their listing started at. */
  version = 0

  private capacity: number
  private ids: Float64Array
  private createdAt: Float64Array
  private updatedAt: Float64Array
  private status: Uint8Array
  /** The index of a conversation's current entry among `front*`, or -1 when it is its seeded (base) entry. */
  private currentFront: Int32Array

  // The list order is the logical sequence `reverse(front) ++ base`, strictly decreasing by (updatedAt, id).
  private readonly baseOrder: Int32Array
  private readonly baseUpdatedAt: Float64Array
  private readonly baseSuperseded: Float64Array
  private readonly frontConv: Array<number> = []
  private readonly frontUpdatedAt: Array<number> = []
  private readonly frontVersion: Array<number> = []
  private readonly frontSuperseded: Array<number> = []
  private maxUpdatedAt: number

  private readonly statusCounts = [0, 0, 0, 0]
  private readonly runtime = new Map<number, RuntimeConversation>()
  private readonly participants = new Map<number, Array<number>>()
  private readonly stored = new Map<number, Array<Seed.MessageWire>>()
  private readonly contacts = new Map<number, Seed.ContactWire>()
  private readonly contactsByEmail = new Map<string, number>()
  private contactCount: number
  private nextMessageId = 8_000_000_000_000
  private readonly usersById: Map<number, Seed.UserWire>

  /** How list cursors work: see {@link CursorMode}. */
  readonly cursorMode: CursorMode
  /** Which list API the list speaks: see {@link ListApi}. */
  readonly listApi: ListApi

  constructor(options: WorkspaceOptions) {
    this.cursorMode = options.cursorMode ?? "snapshot"
    this.listApi = options.listApi ?? "legacy"
    const world = Seed.makeWorld({ ...options, oddities: options.oddities ?? DEFAULT_ODDITIES })
    this.world = world
    const n = world.size
    this.count = n
    this.capacity = Math.max(16, n + 256)
    this.ids = new Float64Array(this.capacity)
    this.createdAt = new Float64Array(this.capacity)
    this.updatedAt = new Float64Array(this.capacity)
    this.status = new Uint8Array(this.capacity)
    this.currentFront = new Int32Array(this.capacity).fill(-1)
    this.baseUpdatedAt = new Float64Array(n)
    this.baseSuperseded = new Float64Array(n).fill(Infinity)
    for (let i = 0; i < n; i++) {
      const core = Seed.conversationCore(world, i)
      this.ids[i] = Seed.conversationId(world, i)
      this.createdAt[i] = core.createdAt
      this.updatedAt[i] = core.updatedAt
      this.baseUpdatedAt[i] = core.updatedAt
      this.status[i] = core.status
      this.statusCounts[core.status]!++
    }
    const order = new Int32Array(n)
    for (let i = 0; i < n; i++) order[i] = i
    const u = this.baseUpdatedAt
    const ids = this.ids
    order.sort((a, b) => (u[b]! - u[a]!) || (ids[b]! - ids[a]!))
    this.baseOrder = order
    this.maxUpdatedAt = n > 0 ? u[order[0]!]! : 0
    this.contactCount = world.contactCount
    this.usersById = new Map(world.users.map((user) => [user.id, user]))
  }

  // ---------------------------------------------------------------------------
  // The list sequence
  // ---------------------------------------------------------------------------

  private get length(): number {
    return this.frontConv.length + this.baseOrder.length
  }

  private convAt(p: number): number {
    const f = this.frontConv.length
    return p < f ? this.frontConv[f - 1 - p]! : this.baseOrder[p - f]!
  }

  private keyAt(p: number): number {
    const f = this.frontConv.length
    return p < f ? this.frontUpdatedAt[f - 1 - p]! : this.baseUpdatedAt[this.baseOrder[p - f]!]!
  }

  private liveAt(p: number, snapshot: number): boolean {
    const f = this.frontConv.length
    if (p < f) {
      const e = f - 1 - p
      return this.frontVersion[e]! <= snapshot && this.frontSuperseded[e]! > snapshot
    }
    return this.baseSuperseded[this.baseOrder[p - f]!]! > snapshot
  }

  /** The first position whose key sorts strictly after `(updatedAt, id)` in `(updatedAt desc, id desc)`. */
  private positionAfter(updatedAt: number, id: number): number {
    let lo = 0
    let hi = this.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      const u = this.keyAt(mid)
      const after = u < updatedAt || (u === updatedAt && this.ids[this.convAt(mid)]! < id)
      if (after) hi = mid
      else lo = mid + 1
    }
    return lo
  }

  /** Moves a conversation to the front: a new entry with `updatedAt` later than every other. */
  private bump(index: number, now: number): number {
    this.version++
    const updatedAt = Math.max(Math.floor(now), this.maxUpdatedAt + 1)
    this.maxUpdatedAt = updatedAt
    const current = this.currentFront[index]!
    if (current === -1) {
      if (index < this.baseSuperseded.length) this.baseSuperseded[index] = this.version
    } else {
      this.frontSuperseded[current] = this.version
    }
    this.currentFront[index] = this.frontConv.length
    this.frontConv.push(index)
    this.frontUpdatedAt.push(updatedAt)
    this.frontVersion.push(this.version)
    this.frontSuperseded.push(Infinity)
    this.updatedAt[index] = updatedAt
    return updatedAt
  }

  private grow(): void {
    if (this.count < this.capacity) return
    const capacity = this.capacity * 2
    const f64 = (old: Float64Array) => {
      const next = new Float64Array(capacity)
      next.set(old)
      return next
    }
    this.ids = f64(this.ids)
    this.createdAt = f64(this.createdAt)
    this.updatedAt = f64(this.updatedAt)
    const status = new Uint8Array(capacity)
    status.set(this.status)
    this.status = status
    const currentFront = new Int32Array(capacity).fill(-1)
    currentFront.set(this.currentFront)
    this.currentFront = currentFront
    this.capacity = capacity
  }

  // ---------------------------------------------------------------------------
  // Reads
  // ---------------------------------------------------------------------------

  /** The index of a conversation id, or `undefined`. */
  indexOf(id: number): number | undefined {
    const index = Seed.conversationIndex(this.world, id)
    return index !== undefined && index < this.count ? index : undefined
  }

  private details(index: number): Seed.ConversationDetails {
    const runtime = this.runtime.get(index)
    if (runtime !== undefined) {
      return {
        contactIndex: runtime.contactIndex,
        inboxId: runtime.inboxId,
        participants: [],
        tags: [],
        relatedPlaybookId: undefined
      }
    }
    return Seed.conversationDetails(this.world, index, this.status[index]!)
  }

  /** The conversation at `index`, as it is now, in wire shape. */
  conversation(index: number): Seed.ConversationWire {
    const details = this.details(index)
    const participants = this.participants.get(index) ?? details.participants
    return {
      id: this.ids[index]!,
      participants,
      status: Seed.STATUSES[this.status[index]!]!,
      contactId: Seed.contactIdOf(this.world, details.contactIndex),
      inboxId: details.inboxId,
      orgId: this.world.orgId,
      createdAt: this.createdAt[index]!,
      updatedAt: this.updatedAt[index]!,
      ...(details.relatedPlaybookId !== undefined ? { relatedPlaybookId: details.relatedPlaybookId } : {}),
      ...(details.tags.length > 0 ? { conversationTags: details.tags } : {})
    }
  }

  /** One page of the list, in the store's list API. */
  list(options: ListOptions): ConversationsPageWire | InvalidParam {
    const max = MAX_LIMIT[this.listApi]
    if (!(Number.isSafeInteger(options.limit) && options.limit >= 1 && options.limit <= max)) {
      return new InvalidParam({ param: "limit", reason: `must be an integer from 1 to ${max}, got ${options.limit}` })
    }
    if (this.listApi === "legacy") return this.listPage({ ...options, pageToken: undefined })
    // The newer API reads its own cursor only; a legacy `next` is not a parameter it knows.
    const page = this.listPage({ ...options, next: options.pageToken })
    if (page instanceof InvalidParam) {
      return page.param === "next" ? new InvalidParam({ param: "page_token", reason: page.reason }) : page
    }
    return page.pagination === undefined
      ? { data: page.data }
      : { data: page.data, nextPageToken: page.pagination.next }
  }

  private listPage(options: ListOptions): ConversationsPageWire | InvalidParam {
    if (this.cursorMode === "offset") return this.listByOffset(options)
    let snapshot = this.version
    let start = 0
    let page = 1
    if (options.next !== undefined && options.next !== "") {
      const cursor = Cursor.decode(options.next)
      if (cursor === undefined || cursor.snapshot > this.version) {
        return new InvalidParam({ param: "next", reason: "not a cursor this server issued" })
      }
      snapshot = cursor.snapshot
      start = this.positionAfter(cursor.updatedAt, cursor.id)
      page = cursor.page
    }
    const wanted = wantedStatuses(options)
    const data: Array<Seed.ConversationWire> = []
    let lastKey = 0
    let lastId = 0
    const length = this.length
    let p = start
    for (; p < length && data.length < options.limit; p++) {
      if (!this.liveAt(p, snapshot)) continue
      const index = this.convAt(p)
      if (wanted !== undefined && !wanted[this.status[index]!]) continue
      data.push(this.conversation(index))
      lastKey = this.keyAt(p)
      lastId = this.ids[index]!
    }
    let more = false
    for (; p < length; p++) {
      if (!this.liveAt(p, snapshot)) continue
      if (wanted !== undefined && !wanted[this.status[this.convAt(p)]!]) continue
      more = true
      break
    }
    if (!more) return { data }
    return {
      data,
      pagination: {
        more: true,
        next: Cursor.encode({ snapshot, updatedAt: lastKey, id: lastId, page: page + 1 })
      }
    }
  }

  /** One page of the list with an offset cursor (see {@link CursorMode}). */
  private listByOffset(options: ListOptions): ConversationsPageWire | InvalidParam {
    let offset = 0
    if (options.next !== undefined && options.next !== "") {
      if (!/^\d{1,12}$/.test(options.next)) {
        return new InvalidParam({ param: "next", reason: "not a cursor this server issued" })
      }
      offset = Number(options.next)
    }
    const wanted = wantedStatuses(options)
    const snapshot = this.version
    const data: Array<Seed.ConversationWire> = []
    const length = this.length
    let seen = 0
    let p = 0
    for (; p < length && data.length < options.limit; p++) {
      if (!this.liveAt(p, snapshot)) continue
      const index = this.convAt(p)
      if (wanted !== undefined && !wanted[this.status[index]!]) continue
      if (seen++ < offset) continue
      data.push(this.conversation(index))
    }
    let more = false
    for (; p < length; p++) {
      if (!this.liveAt(p, snapshot)) continue
      if (wanted !== undefined && !wanted[this.status[this.convAt(p)]!]) continue
      more = true
      break
    }
    return more ? { data, pagination: { more: true, next: String(offset + data.length) } } : { data }
  }

  /** All messages of the conversation at `index`, oldest first. */
  messagesOf(index: number): Array<Seed.MessageWire> {
    const stored = this.stored.get(index) ?? []
    if (index >= this.world.size) return stored.slice()
    const seeded = Seed.messages(this.world, index, {
      id: this.ids[index]!,
      createdAt: this.createdAt[index]!,
      updatedAt: this.baseUpdatedAt[index]!,
      status: this.status[index]!,
      details: this.details(index)
    })
    return stored.length === 0 ? seeded : seeded.concat(stored)
  }

  /** One page of a conversation's messages (20 per page, oldest first; `next` is the offset of the page). */
  messagesPage(index: number, next: string | undefined): MessagesPageWire | InvalidParam {
    const all = this.messagesOf(index)
    let offset = 0
    if (next !== undefined && next !== "") {
      offset = /^\d{1,9}$/.test(next) ? Number(next) : -1
      if (offset < 0 || offset > all.length) {
        return new InvalidParam({ param: "next", reason: "not a cursor this server issued" })
      }
    }
    const end = offset + MESSAGES_PAGE_SIZE
    const messages = all.slice(offset, end)
    return end < all.length
      ? { data: { messages }, pagination: { more: true, next: String(end) } }
      : { data: { messages }, pagination: { more: false } }
  }

  /** The contact with this id, or `undefined`. */
  contact(id: number): Seed.ContactWire | undefined {
    const index = Seed.contactIndexOf(this.world, id)
    if (index === undefined) return undefined
    if (index < this.world.contactCount) return Seed.contact(this.world, index)
    return this.contacts.get(index)
  }

  /** The contacts with this email (case-insensitive): the seeded one and those created at run time. */
  contactsByEmailOf(email: string): Array<Seed.ContactWire> {
    const out: Array<Seed.ContactWire> = []
    const seeded = Seed.contactIndexByEmail(this.world, email)
    if (seeded !== undefined) out.push(Seed.contact(this.world, seeded))
    const created = this.contactsByEmail.get(email.toLowerCase())
    if (created !== undefined) {
      const contact = this.contacts.get(created)
      if (contact !== undefined) out.push(contact)
    }
    return out
  }

  /** The user with this id, or `undefined`. */
  user(id: number): Seed.UserWire | undefined {
    return this.usersById.get(id)
  }

  /** Conversation counts by status. */
  stats(): StatsWire {
    const [open, closed, pending] = this.statusCounts
    return { conversationCount: { OPEN: open!, CLOSED: closed!, PENDING: pending! } }
  }

  /** Every conversation id, in list order (most recently updated first). */
  allIds(): Array<number> {
    const out: Array<number> = []
    const length = this.length
    for (let p = 0; p < length; p++) {
      if (this.liveAt(p, this.version)) out.push(this.ids[this.convAt(p)]!)
    }
    return out
  }

  // ---------------------------------------------------------------------------
  // Mutations
  // ---------------------------------------------------------------------------

  /** Bumps a conversation's `updatedAt` as a new message would, moving it to the front of the list. */
  touch(index: number, now: number): Seed.ConversationWire {
    this.bump(index, now)
    return this.conversation(index)
  }

  /**
   * Creates a conversation for the contact with this email (the first created contact with it, or a new one),
   * with the message as its first message (authored by the contact). `attributes.autoAssigneeId` adds that user
   * to the participants when the user exists.
   */
  createConversation(input: NewConversation, now: number): CreatedConversationWire {
    const contactIndex = this.contactFor(input.email, now)
    this.grow()
    const index = this.count++
    this.ids[index] = Seed.conversationId(this.world, index)
    this.status[index] = 0
    this.statusCounts[0]!++
    this.runtime.set(index, { contactIndex, inboxId: this.world.inboxIds[0]! })
    const assignee = input.attributes?.autoAssigneeId
    const participants = typeof assignee === "number" && this.usersById.has(assignee) ? [assignee] : []
    this.participants.set(index, participants)
    const createdAt = this.bump(index, now)
    this.createdAt[index] = createdAt
    const contactId = Seed.contactIdOf(this.world, contactIndex)
    this.stored.set(index, [{
      id: this.nextMessageId++,
      orgId: this.world.orgId,
      body: input.body,
      author: { type: "contact", id: contactId, bot: false },
      type: "chat",
      conversationId: this.ids[index]!,
      createdAt,
      ...(input.attributes !== undefined ? { attributes: input.attributes } : {})
    }])
    return {
      status: "open",
      participants,
      contactId,
      createdAt,
      id: this.ids[index]!,
      inboxId: this.world.inboxIds[0]!
    }
  }

  private contactFor(email: string, now: number): number {
    const key = email.toLowerCase()
    const seeded = Seed.contactIndexByEmail(this.world, email)
    if (seeded !== undefined) return seeded
    const existing = this.contactsByEmail.get(key)
    if (existing !== undefined) return existing
    const index = this.contactCount++
    this.contacts.set(index, {
      id: Seed.contactIdOf(this.world, index),
      createdAt: Math.floor(now),
      attributes: { email, name: null, phone: null, externalId: null }
    })
    this.contactsByEmail.set(key, index)
    return index
  }

  /** The default author of messages posted without `userId`: the first human user (the token's owner). */
  get defaultUserId(): number {
    return this.world.humanUserIds[0]!
  }

  /**
   * Posts a message to the conversation at `index` as a user (`userId`, or the token's owner), moving the
   * conversation to the front; the user joins the participants.
   */
  createMessage(index: number, input: NewMessage, now: number): Seed.MessageWire | InvalidParam {
    const userId = input.userId ?? this.defaultUserId
    const user = this.usersById.get(userId)
    if (user === undefined) return new InvalidParam({ param: "userId", reason: `no user ${userId}` })
    const participants = this.participants.get(index) ?? this.details(index).participants.slice()
    if (!participants.includes(userId)) participants.push(userId)
    this.participants.set(index, participants)
    const createdAt = this.bump(index, now)
    const message: Seed.MessageWire = {
      id: this.nextMessageId++,
      orgId: this.world.orgId,
      ...(input.body !== undefined ? { body: input.body } : {}),
      author: { type: "user", id: userId, bot: user.bot ?? false },
      type: input.type,
      conversationId: this.ids[index]!,
      createdAt,
      ...(input.buttons !== undefined ? { buttons: input.buttons } : {})
    }
    const stored = this.stored.get(index)
    if (stored === undefined) this.stored.set(index, [message])
    else stored.push(message)
    return message
  }
}

/**
 * The store as a service: every read and mutation of the sandbox's data, in wire shape.
 *
 * @since 0.1.0
 */
export class SandboxStore extends Context.Service<SandboxStore, {
  /** Which list API `listConversations` answers in (see {@link ListApi}). */
  readonly listApi: ListApi
  /** How many conversations the store holds now (the seeded ones plus those created since). */
  readonly count: Effect.Effect<number>
  readonly listConversations: (options: ListOptions) => Effect.Effect<ConversationsPageWire, InvalidParam>
  readonly getConversation: (id: number) => Effect.Effect<Seed.ConversationWire, NotFound>
  readonly listMessages: (
    id: number,
    next?: string | undefined
  ) => Effect.Effect<MessagesPageWire, NotFound | InvalidParam>
  readonly createConversation: (input: NewConversation) => Effect.Effect<CreatedConversationWire>
  readonly createMessage: (id: number, input: NewMessage) => Effect.Effect<Seed.MessageWire, NotFound | InvalidParam>
  /** Bumps `updatedAt` as a message would (for tests of shifting lists). */
  readonly touch: (id: number) => Effect.Effect<Seed.ConversationWire, NotFound>
  readonly stats: Effect.Effect<StatsWire>
  readonly getContact: (id: number) => Effect.Effect<Seed.ContactWire, NotFound>
  /** `GET /contacts?email=`: the contacts with this email (none is an empty list, not an error). */
  readonly findContacts: (email: string) => Effect.Effect<ReadonlyArray<Seed.ContactWire>>
  readonly getUser: (id: number) => Effect.Effect<Seed.UserWire, NotFound>
  readonly listUsers: Effect.Effect<ReadonlyArray<Seed.UserWire>>
  /** Every conversation id, most recently updated first. */
  readonly ids: Effect.Effect<ReadonlyArray<number>>
}>()("@parley/drift-sandbox/Store/SandboxStore") {
  /**
   * A store seeded with `seed` and `conversations` conversations.
   *
   * @since 0.1.0
   */
  static readonly layer = (options: WorkspaceOptions) => Layer.effect(SandboxStore, make(options))
}

const orFail = <A>(result: A | InvalidParam): Effect.Effect<A, InvalidParam> =>
  result instanceof InvalidParam ? Effect.fail(result) : Effect.succeed(result)

/**
 * Builds a {@link SandboxStore}.
 *
 * @since 0.1.0
 */
export const make = Effect.fn("SandboxStore.make")(function*(options: WorkspaceOptions) {
  const workspace = new Workspace(options)
  yield* Effect.annotateCurrentSpan({ seed: options.seed, conversations: workspace.count })
  const indexOf = (id: number) => {
    const index = workspace.indexOf(id)
    return index === undefined ? Effect.fail(new NotFound({ entity: "conversation", id })) : Effect.succeed(index)
  }

  return SandboxStore.of({
    listApi: workspace.listApi,
    count: Effect.sync(() => workspace.count),
    listConversations: (options) => Effect.suspend(() => orFail(workspace.list(options))),
    getConversation: (id) => Effect.map(indexOf(id), (index) => workspace.conversation(index)),
    listMessages: (id, next) => Effect.flatMap(indexOf(id), (index) => orFail(workspace.messagesPage(index, next))),
    createConversation: (input) =>
      Effect.map(Clock.currentTimeMillis, (now) => workspace.createConversation(input, now)),
    createMessage: (id, input) =>
      Effect.flatMap(
        indexOf(id),
        (index) => Effect.flatMap(Clock.currentTimeMillis, (now) => orFail(workspace.createMessage(index, input, now)))
      ),
    touch: (id) =>
      Effect.flatMap(indexOf(id), (index) => Effect.map(Clock.currentTimeMillis, (now) => workspace.touch(index, now))),
    stats: Effect.sync(() => workspace.stats()),
    getContact: (id) =>
      Effect.suspend(() => {
        const contact = workspace.contact(id)
        return contact === undefined ? Effect.fail(new NotFound({ entity: "contact", id })) : Effect.succeed(contact)
      }),
    findContacts: (email) => Effect.sync(() => workspace.contactsByEmailOf(email)),
    getUser: (id) =>
      Effect.suspend(() => {
        const user = workspace.user(id)
        return user === undefined ? Effect.fail(new NotFound({ entity: "user", id })) : Effect.succeed(user)
      }),
    listUsers: Effect.sync(() => workspace.world.users),
    ids: Effect.sync(() => workspace.allIds())
  })
})
