/**
 * The sandbox's in-memory Intercom workspace: admins, contacts, conversations with their parts, tags and data
 * attributes, and the operations of the API on them. Every operation builds the wire JSON Intercom answers with
 * (`Models.*Encoded` shapes of `@parley/intercom-client`), so the handlers serve it as is.
 *
 * Behaviours taken from the real API:
 *
 * - plain-text bodies are stored as `<p>text</p>` (HTML-escaped); bodies that start with a tag are kept as sent;
 * - a contact's email (case insensitive) and `external_id` are unique: a duplicate is 409 `conflict` naming the
 *   existing id;
 * - `POST /tags` answers the existing tag of that name (case insensitive);
 * - tagging a conversation twice answers the tag already applied;
 * - a contact's reply to a closed or snoozed conversation reopens it (`part_type: "open"`);
 * - a contact's reply sets `waiting_since`, an admin's comment clears it; admins who wrote are `teammates`;
 * - `custom_attributes` of a conversation must be defined conversation data attributes, of the right type.
 *
 * @example
 * ```ts
 * import { Store } from "@parley/intercom-sandbox"
 * import { Effect } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const store = yield* Store.SandboxStore
 *   yield* store.createContact({ role: "user", email: "ada@example.com", external_id: "drift-1234" })
 *   return yield* store.counts // { admins: 3, contacts: 1, conversations: 0, ... }
 * }).pipe(Effect.provide(Store.SandboxStore.layer()))
 * ```
 *
 * @since 0.1.0
 */
import { Html } from "@parley/schema"
import { Clock, Context, Effect, Layer } from "effect"
import * as SandboxError from "./SandboxError.ts"

// -----------------------------------------------------------------------------
// Records
// -----------------------------------------------------------------------------

/**
 * A seeded admin.
 *
 * @since 0.1.0
 */
export interface AdminSeed {
  readonly name: string
  readonly email: string
}

interface AdminRec {
  readonly id: string
  readonly name: string
  readonly email: string
}

interface ContactRec {
  readonly id: string
  external_id: string | null
  role: "user" | "lead"
  email: string | null
  name: string | null
  phone: string | null
  owner_id: number | null
  created_at: number
  updated_at: number
  signed_up_at: number | null
  last_seen_at: number | null
  custom_attributes: Record<string, unknown>
}

interface Author {
  readonly type: string
  readonly id: string
  readonly name: string | null
  readonly email: string
}

interface PartRec {
  readonly id: string
  readonly part_type: string
  readonly body: string | null
  readonly created_at: number
  readonly assigned_to: { readonly type: string; readonly id: string } | null
  readonly author: Author
}

interface AppliedTagRec {
  readonly id: string
  readonly applied_at: number
  readonly applied_by: { readonly type: "admin"; readonly id: string }
}

interface ConversationRec {
  readonly id: string
  readonly created_at: number
  updated_at: number
  waiting_since: number | null
  snoozed_until: number | null
  state: "open" | "closed" | "snoozed"
  read: boolean
  title: string | null
  admin_assignee_id: number | null
  team_assignee_id: number | null
  readonly contactId: string
  readonly source: { readonly id: string; readonly body: string; readonly subject: string; readonly author: Author }
  readonly parts: Array<PartRec>
  readonly tags: Array<AppliedTagRec>
  readonly teammates: Array<string>
  custom_attributes: Record<string, unknown>
}

interface DataAttributeRec {
  readonly id: number | undefined
  readonly model: "contact" | "company" | "conversation"
  readonly name: string
  readonly data_type: string
  readonly description: string
  readonly options: ReadonlyArray<string> | undefined
  readonly custom: boolean
  readonly messenger_writable: boolean
  readonly created_at: number | undefined
  readonly admin_id: string | undefined
}

// -----------------------------------------------------------------------------
// Requests (decoded payloads, timestamps in epoch seconds)
// -----------------------------------------------------------------------------

/** @since 0.1.0 */
export interface CreateContact {
  readonly role?: "user" | "lead" | undefined
  readonly external_id?: string | undefined
  readonly email?: string | undefined
  readonly name?: string | null | undefined
  readonly phone?: string | null | undefined
  readonly owner_id?: number | null | undefined
  readonly signed_up_at?: number | null | undefined
  readonly last_seen_at?: number | null | undefined
  readonly custom_attributes?: { readonly [key: string]: unknown } | null | undefined
}

/** @since 0.1.0 */
export interface CreateConversation {
  readonly fromId: string
  readonly body: string
  readonly subject?: string | undefined
  readonly created_at?: number | undefined
}

/** @since 0.1.0 */
export type Reply =
  | {
    readonly kind: "admin"
    readonly message_type: "comment" | "note"
    readonly admin_id: string
    readonly body?: string | undefined
    readonly created_at?: number | undefined
  }
  | {
    readonly kind: "contact"
    readonly body: string
    readonly created_at?: number | undefined
    readonly intercom_user_id?: string | undefined
    readonly email?: string | undefined
    readonly user_id?: string | undefined
  }

/** @since 0.1.0 */
export type Manage =
  | { readonly message_type: "close"; readonly admin_id: string; readonly body?: string | undefined }
  | { readonly message_type: "snoozed"; readonly admin_id: string; readonly snoozed_until: number }
  | { readonly message_type: "open"; readonly admin_id: string }
  | {
    readonly message_type: "assignment"
    readonly type: "admin" | "team"
    readonly admin_id: string
    readonly assignee_id: string
    readonly body?: string | undefined
  }

/** A search query as the API takes it. */
export type Query =
  | { readonly field: string; readonly operator: string; readonly value: unknown }
  | { readonly operator: "AND" | "OR"; readonly value: ReadonlyArray<Query> }

// -----------------------------------------------------------------------------
// Helpers
// -----------------------------------------------------------------------------

const escapeHtml = (text: string): string =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")

/** Intercom's storage of a body: plain text becomes one paragraph; HTML is kept. */
export const storedBody = (body: string): string => /^\s*</.test(body) ? body : `<p>${escapeHtml(body)}</p>`

const encodeCursor = (offset: number): string => Buffer.from(JSON.stringify({ o: offset })).toString("base64url")

const decodeCursor = (cursor: string): number | undefined => {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown
    if (typeof parsed === "object" && parsed !== null && "o" in parsed) {
      const o = (parsed as { readonly o: unknown }).o
      return typeof o === "number" && Number.isSafeInteger(o) && o >= 0 ? o : undefined
    }
  } catch {
    return undefined
  }
  return undefined
}

const ATTRIBUTE_NAME = /^[\p{L}\p{N}_\- ]+$/u

const typeMatches = (dataType: string, value: unknown): boolean => {
  if (value === null) return true
  switch (dataType) {
    case "string":
      return typeof value === "string"
    case "integer":
    case "date":
    case "datetime":
      return typeof value === "number" && Number.isSafeInteger(value)
    case "float":
      return typeof value === "number" && Number.isFinite(value)
    case "boolean":
      return typeof value === "boolean"
    default:
      return true
  }
}

const asNumber = (u: unknown) => typeof u === "number" ? u : typeof u === "string" && u !== "" ? Number(u) : NaN
const lowerText = (u: unknown) => (typeof u === "string" ? u : String(u ?? "")).toLowerCase()

const same = (a: unknown, b: unknown): boolean => {
  if (typeof a === "number" || typeof b === "number") return asNumber(a) === asNumber(b)
  if (typeof a === "string" && typeof b === "string") return a.toLowerCase() === b.toLowerCase()
  return a === b
}

const compare = (left: unknown, operator: string, right: unknown): boolean => {
  const values = Array.isArray(left) ? left : [left]
  const text = lowerText
  switch (operator) {
    case "=":
      return values.some((v) => same(v, right))
    case "!=":
      return !values.some((v) => same(v, right))
    case "IN":
      return Array.isArray(right) && values.some((v) => right.some((r) => same(v, r)))
    case "NIN":
      return !(Array.isArray(right) && values.some((v) => right.some((r) => same(v, r))))
    case "<":
      return values.some((v) => asNumber(v) < asNumber(right))
    case "<=":
      return values.some((v) => asNumber(v) <= asNumber(right))
    case ">":
      return values.some((v) => asNumber(v) > asNumber(right))
    case ">=":
      return values.some((v) => asNumber(v) >= asNumber(right))
    case "~":
      return values.some((v) => text(v).includes(text(right)))
    case "!~":
      return !values.some((v) => text(v).includes(text(right)))
    case "^":
      return values.some((v) => text(v).startsWith(text(right)))
    case "$":
      return values.some((v) => text(v).endsWith(text(right)))
    default:
      return false
  }
}

const CONTACT_FIELDS = new Set([
  "id",
  "email",
  "external_id",
  "role",
  "name",
  "phone",
  "created_at",
  "updated_at",
  "signed_up_at",
  "last_seen_at"
])
const CONVERSATION_FIELDS = new Set([
  "id",
  "created_at",
  "updated_at",
  "state",
  "open",
  "read",
  "waiting_since",
  "snoozed_until",
  "admin_assignee_id",
  "team_assignee_id",
  "contact_ids",
  "tag_ids",
  "title",
  "source.id",
  "source.body",
  "source.author.id"
])

const validateQuery = (query: Query, fields: ReadonlySet<string>): SandboxError.Invalid | undefined => {
  if ("field" in query) {
    return fields.has(query.field) || query.field.startsWith("custom_attributes.")
      ? undefined
      : new SandboxError.Invalid({ message: `${query.field} is not a searchable field`, field: "query.field" })
  }
  if (query.value.length === 0) {
    return new SandboxError.Invalid({ message: `${query.operator} needs at least one filter`, field: "query.value" })
  }
  for (const q of query.value) {
    const error = validateQuery(q, fields)
    if (error !== undefined) return error
  }
  return undefined
}

const matches = (query: Query, get: (field: string) => unknown): boolean =>
  "field" in query
    ? compare(get(query.field), query.operator, query.value)
    : query.operator === "AND"
    ? query.value.every((q) => matches(q, get))
    : query.value.some((q) => matches(q, get))

// -----------------------------------------------------------------------------
// The store
// -----------------------------------------------------------------------------

/**
 * Options of the store.
 *
 * @since 0.1.0
 */
export interface Options {
  /** The admins of the workspace (default: three). The first is the token's admin (`GET /me`). */
  readonly admins?: ReadonlyArray<AdminSeed> | undefined
  /** The workspace name. */
  readonly appName?: string | undefined
  /**
   * How long a created contact or conversation stays invisible to search (milliseconds; default 0). Intercom's
   * search reads an index that trails writes (a record created a moment ago may not be found for seconds), while
   * `GET` by id and the duplicate checks of `POST /contacts` see it at once; this imitates that.
   */
  readonly searchLagMillis?: number | undefined
}

/**
 * The default admins.
 *
 * @since 0.1.0
 */
export const DEFAULT_ADMINS: ReadonlyArray<AdminSeed> = [
  { name: "Sandbox Admin", email: "admin@sandbox.example" },
  { name: "Ada Agent", email: "ada@sandbox.example" },
  { name: "Bot Operator", email: "bot@sandbox.example" }
]

/**
 * One page of a list.
 *
 * @since 0.1.0
 */
export interface Page<A> {
  readonly items: ReadonlyArray<A>
  readonly total: number
  readonly pages: {
    readonly type: "pages"
    readonly page: number
    readonly per_page: number
    readonly total_pages: number
    readonly next?: { readonly per_page: number; readonly starting_after: string }
  }
}

const partWire = (p: PartRec) => ({
  type: "conversation_part" as const,
  id: p.id,
  part_type: p.part_type,
  body: p.body,
  created_at: p.created_at,
  updated_at: p.created_at,
  notified_at: p.created_at,
  assigned_to: p.assigned_to,
  author: p.author,
  attachments: [],
  external_id: null,
  redacted: false
})

const paginate = <A>(all: ReadonlyArray<A>, perPage: number | undefined, cursor: string | null | undefined) =>
  Effect.gen(function*() {
    const size = perPage ?? 20
    const offset = cursor === undefined || cursor === null ? 0 : decodeCursor(cursor)
    if (offset === undefined) {
      return yield* new SandboxError.Invalid({
        message: "starting_after is not a valid cursor",
        field: "starting_after"
      })
    }
    const items = all.slice(offset, offset + size)
    const end = offset + items.length
    const page: Page<A> = {
      items,
      total: all.length,
      pages: {
        type: "pages",
        page: Math.floor(offset / size) + 1,
        per_page: size,
        total_pages: Math.ceil(all.length / size),
        ...(end < all.length ? { next: { per_page: size, starting_after: encodeCursor(end) } } : {})
      }
    }
    return page
  })

const makeStore = (options: Options) =>
  Effect.gen(function*() {
    const seeds = options.admins !== undefined && options.admins.length > 0 ? options.admins : DEFAULT_ADMINS
    const appCreatedAt = Math.floor((yield* Clock.currentTimeMillis) / 1000)
    let admins: Array<AdminRec> = []
    let contacts = new Map<string, ContactRec>()
    let conversations = new Map<string, ConversationRec>()
    let tags = new Map<string, { readonly id: string; readonly name: string }>()
    let attributes: Array<DataAttributeRec> = []
    let counters = { contact: 0, conversation: 0, part: 0, message: 0, tag: 0, attribute: 0 }

    const reset = () => {
      admins = seeds.map((seed, k) => ({ id: String(991267001 + k), name: seed.name, email: seed.email }))
      contacts = new Map()
      conversations = new Map()
      tags = new Map()
      counters = { contact: 0, conversation: 0, part: 0, message: 0, tag: 0, attribute: 0 }
      attributes = [
        ["name", "string", "The contact's name"],
        ["email", "string", "The contact's email"],
        ["phone", "string", "The contact's phone"],
        ["external_id", "string", "A unique identifier for the contact"]
      ].map(([name, data_type, description]) => ({
        id: undefined,
        model: "contact" as const,
        name: name!,
        data_type: data_type!,
        description: description!,
        options: undefined,
        custom: false,
        messenger_writable: false,
        created_at: undefined,
        admin_id: undefined
      }))
    }
    reset()

    const nowSeconds = Effect.map(Clock.currentTimeMillis, (ms) => Math.floor(ms / 1000))
    // When each created record becomes visible to search (see `Options.searchLagMillis`); absent: visible.
    const lag = Math.max(0, options.searchLagMillis ?? 0)
    const searchableAt = new WeakMap<ContactRec | ConversationRec, number>()
    const indexed = Effect.fnUntraced(function*(record: ContactRec | ConversationRec) {
      if (lag > 0) searchableAt.set(record, (yield* Clock.currentTimeMillis) + lag)
    })
    const searchable = Effect.map(
      Clock.currentTimeMillis,
      (now) => (record: ContactRec | ConversationRec) => (searchableAt.get(record) ?? 0) <= now
    )

    // --- wire builders -------------------------------------------------------

    const adminWire = (a: AdminRec) => ({
      type: "admin" as const,
      id: a.id,
      name: a.name,
      email: a.email,
      job_title: null,
      away_mode_enabled: false,
      away_mode_reassign: false,
      has_inbox_seat: true,
      team_ids: [],
      avatar: null
    })

    const contactWire = (c: ContactRec) => ({
      type: "contact" as const,
      id: c.id,
      workspace_id: "parleysb",
      external_id: c.external_id,
      role: c.role,
      email: c.email,
      phone: c.phone,
      name: c.name,
      avatar: null,
      owner_id: c.owner_id,
      social_profiles: { type: "list", data: [] },
      has_hard_bounced: false,
      marked_email_as_spam: false,
      unsubscribed_from_emails: false,
      created_at: c.created_at,
      updated_at: c.updated_at,
      signed_up_at: c.signed_up_at,
      last_seen_at: c.last_seen_at,
      last_replied_at: null,
      last_contacted_at: null,
      last_email_opened_at: null,
      last_email_clicked_at: null,
      language_override: null,
      browser: null,
      browser_version: null,
      browser_language: null,
      os: null,
      location: { type: "location", country: null, region: null, city: null, country_code: null, continent_code: null },
      custom_attributes: { ...c.custom_attributes },
      tags: { type: "list", data: [], url: `/contacts/${c.id}/tags`, total_count: 0, has_more: false }
    })

    const tagWire = (t: AppliedTagRec) => ({
      type: "tag" as const,
      id: t.id,
      name: tags.get(t.id)?.name ?? "",
      applied_at: t.applied_at,
      applied_by: t.applied_by
    })

    const conversationWire = (c: ConversationRec, withParts: boolean, plaintext = false) => {
      const text = (body: string | null) => body === null || !plaintext ? body : Html.toPlainText(body)
      const contact = contacts.get(c.contactId)
      return {
        type: "conversation" as const,
        id: c.id,
        title: c.title,
        created_at: c.created_at,
        updated_at: c.updated_at,
        waiting_since: c.waiting_since,
        snoozed_until: c.snoozed_until,
        source: {
          type: "conversation",
          id: c.source.id,
          delivered_as: "customer_initiated",
          subject: c.source.subject,
          body: text(c.source.body),
          author: c.source.author,
          attachments: [],
          url: null,
          redacted: false
        },
        contacts: {
          type: "contact.list" as const,
          contacts: [{ type: "contact" as const, id: c.contactId, external_id: contact?.external_id ?? null }]
        },
        first_contact_reply: { created_at: c.created_at, type: "conversation", url: null },
        admin_assignee_id: c.admin_assignee_id,
        team_assignee_id: c.team_assignee_id,
        open: c.state !== "closed",
        state: c.state,
        read: c.read,
        tags: { type: "tag.list" as const, tags: c.tags.map(tagWire) },
        priority: "not_priority",
        sla_applied: null,
        statistics: null,
        conversation_rating: null,
        teammates: {
          type: "admin.list" as const,
          admins: c.teammates.map((id) => ({ type: "admin", id }))
        },
        custom_attributes: { ...c.custom_attributes },
        topics: {},
        ticket: null,
        linked_objects: { type: "list", data: [], total_count: 0, has_more: false },
        ai_agent: null,
        ai_agent_participated: false,
        ...(withParts
          ? {
            conversation_parts: {
              type: "conversation_part.list" as const,
              conversation_parts: c.parts.slice(0, 500).map((p) => {
                const wire = partWire(p)
                return { ...wire, body: text(wire.body) }
              }),
              total_count: c.parts.length
            }
          }
          : {})
      }
    }

    const attributeWire = (a: DataAttributeRec) => ({
      type: "data_attribute" as const,
      ...(a.id === undefined ? {} : { id: a.id }),
      model: a.model,
      name: a.name,
      full_name: a.custom ? `custom_attributes.${a.name}` : a.name,
      label: a.name,
      description: a.description,
      data_type: a.data_type,
      ...(a.options === undefined ? {} : { options: a.options }),
      api_writable: true,
      ui_writable: a.custom,
      messenger_writable: a.messenger_writable,
      custom: a.custom,
      archived: false,
      ...(a.created_at === undefined ? {} : { created_at: a.created_at, updated_at: a.created_at }),
      ...(a.admin_id === undefined ? {} : { admin_id: a.admin_id })
    })

    // --- lookups ---------------------------------------------------------------

    const admin = (id: string): Effect.Effect<AdminRec, SandboxError.NotFound> => {
      const found = admins.find((a) => a.id === id)
      return found === undefined
        ? Effect.fail(new SandboxError.NotFound({ code: "admin_not_found", message: "Admin not found" }))
        : Effect.succeed(found)
    }
    const conversation = (id: string): Effect.Effect<ConversationRec, SandboxError.NotFound> => {
      const found = conversations.get(id)
      return found === undefined
        ? Effect.fail(new SandboxError.NotFound({ code: "not_found", message: "Resource Not Found" }))
        : Effect.succeed(found)
    }
    const contactById = (id: string): Effect.Effect<ContactRec, SandboxError.NotFound> => {
      const found = contacts.get(id)
      return found === undefined
        ? Effect.fail(new SandboxError.NotFound({ code: "not_found", message: "User Not Found" }))
        : Effect.succeed(found)
    }
    const adminAuthor = (a: AdminRec): Author => ({ type: "admin", id: a.id, name: a.name, email: a.email })
    const contactAuthor = (c: ContactRec): Author => ({
      type: c.role === "lead" ? "lead" : "user",
      id: c.id,
      name: c.name,
      email: c.email ?? ""
    })

    const addPart = (c: ConversationRec, part: Omit<PartRec, "id">, now: number) => {
      counters.part++
      c.parts.push({ ...part, id: String(counters.part) })
      c.updated_at = Math.max(now, c.created_at)
      if (part.author.type === "admin" && !c.teammates.includes(part.author.id)) c.teammates.push(part.author.id)
    }

    // --- operations --------------------------------------------------------------

    return {
      reset: Effect.sync(reset),
      counts: Effect.sync(() => ({
        admins: admins.length,
        contacts: contacts.size,
        conversations: conversations.size,
        parts: [...conversations.values()].reduce((n, c) => n + c.parts.length, 0),
        tags: tags.size,
        dataAttributes: attributes.filter((a) => a.custom).length
      })),
      adminIds: Effect.sync(() => admins.map((a) => a.id)),

      me: (adminId: string) =>
        Effect.map(admin(adminId), (a) => ({
          ...adminWire(a),
          email_verified: true,
          app: {
            type: "app",
            id_code: "parleysb",
            name: options.appName ?? "Parley Sandbox",
            created_at: appCreatedAt,
            secure: false,
            identity_verification: false,
            timezone: "UTC",
            region: "US"
          }
        })),
      listAdmins: Effect.sync(() => ({ type: "admin.list" as const, admins: admins.map(adminWire) })),

      listContacts: (perPage: number | undefined, cursor: string | undefined) =>
        Effect.map(paginate([...contacts.values()], perPage, cursor), (page) => ({
          type: "list" as const,
          data: page.items.map(contactWire),
          total_count: page.total,
          pages: page.pages
        })),
      searchContacts: (query: Query, perPage: number | undefined, cursor: string | null | undefined) =>
        Effect.gen(function*() {
          const invalid = validateQuery(query, CONTACT_FIELDS)
          if (invalid !== undefined) return yield* invalid
          const visible = yield* searchable
          const all = [...contacts.values()].filter((c) =>
            visible(c) && matches(query, (field) =>
              field.startsWith("custom_attributes.")
                ? c.custom_attributes[field.slice("custom_attributes.".length)]
                : (c as unknown as Record<string, unknown>)[field])
          )
          const page = yield* paginate(all, perPage, cursor)
          return {
            type: "list" as const,
            data: page.items.map(contactWire),
            total_count: page.total,
            pages: page.pages
          }
        }),
      createContact: (request: CreateContact) =>
        Effect.gen(function*() {
          if (request.email === undefined && request.external_id === undefined && request.role === undefined) {
            return yield* new SandboxError.Invalid({ message: "Role, email or external_id is required" })
          }
          for (const c of contacts.values()) {
            if (
              (request.email !== undefined && c.email !== null &&
                c.email.toLowerCase() === request.email.toLowerCase()) ||
              (request.external_id !== undefined && c.external_id === request.external_id)
            ) return yield* new SandboxError.Conflict({ existingId: c.id })
          }
          const now = yield* nowSeconds
          counters.contact++
          const record: ContactRec = {
            id: `667d${counters.contact.toString(16).padStart(20, "0")}`,
            external_id: request.external_id ?? null,
            role: request.role ?? "user",
            email: request.email ?? null,
            name: request.name ?? null,
            phone: request.phone ?? null,
            owner_id: request.owner_id ?? null,
            created_at: now,
            updated_at: now,
            signed_up_at: request.signed_up_at ?? null,
            last_seen_at: request.last_seen_at ?? null,
            custom_attributes: { ...request.custom_attributes }
          }
          contacts.set(record.id, record)
          yield* indexed(record)
          return contactWire(record)
        }),
      getContact: (id: string) => Effect.map(contactById(id), contactWire),

      listDataAttributes: (model: string | undefined) =>
        Effect.sync(() => ({
          type: "list" as const,
          data: attributes.filter((a) => model === undefined || a.model === model).map(attributeWire)
        })),
      createDataAttribute: (adminId: string, request: {
        readonly name: string
        readonly model: "contact" | "company" | "conversation"
        readonly data_type: string
        readonly description?: string | undefined
        readonly options?: ReadonlyArray<string | { readonly value: string }> | undefined
        readonly messenger_writable?: boolean | undefined
      }) =>
        Effect.gen(function*() {
          if (!ATTRIBUTE_NAME.test(request.name)) {
            return yield* new SandboxError.Invalid({
              message:
                "Your name for this attribute must only contain alphanumeric characters, spaces, hyphens and underscores",
              field: "name"
            })
          }
          if (
            attributes.some((a) => a.model === request.model && a.name.toLowerCase() === request.name.toLowerCase())
          ) {
            return yield* new SandboxError.Invalid({
              message:
                `You already have '${request.name}' in your ${request.model} data. To save this as new ${request.model} data, use a different name.`,
              field: "name"
            })
          }
          const options = request.options?.map((o) => typeof o === "string" ? o : o.value)
          if (options !== undefined && (request.data_type !== "string" || options.length < 2)) {
            return yield* new SandboxError.Invalid({
              message: "List attributes need a string data_type and at least two options",
              field: "options"
            })
          }
          counters.attribute++
          const record: DataAttributeRec = {
            id: counters.attribute,
            model: request.model,
            name: request.name,
            data_type: request.data_type === "datetime" ? "date" : request.data_type,
            description: request.description ?? "",
            options,
            custom: true,
            messenger_writable: request.messenger_writable ?? false,
            created_at: yield* nowSeconds,
            admin_id: adminId
          }
          attributes.push(record)
          return attributeWire(record)
        }),

      createTag: (name: string) =>
        Effect.sync(() => {
          const existing = [...tags.values()].find((t) => t.name.toLowerCase() === name.toLowerCase())
          if (existing !== undefined) return { type: "tag" as const, id: existing.id, name: existing.name }
          counters.tag++
          const tag = { id: String(counters.tag), name }
          tags.set(tag.id, tag)
          return { type: "tag" as const, ...tag }
        }),
      tagConversation: (conversationId: string, tagId: string, adminId: string) =>
        Effect.gen(function*() {
          const c = yield* conversation(conversationId).pipe(
            Effect.mapError(() => new SandboxError.NotFound({ code: "not_found", message: "Conversation not found" }))
          )
          if (!tags.has(tagId)) {
            return yield* new SandboxError.NotFound({ code: "tag_not_found", message: "Tag not found" })
          }
          yield* admin(adminId)
          const applied = c.tags.find((t) => t.id === tagId)
          if (applied !== undefined) return tagWire(applied)
          const record: AppliedTagRec = {
            id: tagId,
            applied_at: yield* nowSeconds,
            applied_by: { type: "admin", id: adminId }
          }
          c.tags.push(record)
          return tagWire(record)
        }),

      listConversations: (perPage: number | undefined, cursor: string | undefined) =>
        Effect.map(paginate([...conversations.values()], perPage, cursor), (page) => ({
          type: "conversation.list" as const,
          conversations: page.items.map((c) => conversationWire(c, false)),
          total_count: page.total,
          pages: page.pages
        })),
      searchConversations: (query: Query, perPage: number | undefined, cursor: string | null | undefined) =>
        Effect.gen(function*() {
          const invalid = validateQuery(query, CONVERSATION_FIELDS)
          if (invalid !== undefined) return yield* invalid
          const visible = yield* searchable
          const all = [...conversations.values()].filter((c) =>
            visible(c) && matches(query, (field) => {
              if (field.startsWith("custom_attributes.")) {
                return c.custom_attributes[field.slice("custom_attributes.".length)]
              }
              switch (field) {
                case "open":
                  return c.state !== "closed"
                case "contact_ids":
                  return [c.contactId]
                case "tag_ids":
                  return c.tags.map((t) => t.id)
                case "source.id":
                  return c.source.id
                case "source.body":
                  return c.source.body
                case "source.author.id":
                  return c.source.author.id
                default:
                  return (c as unknown as Record<string, unknown>)[field]
              }
            })
          )
          const page = yield* paginate(all, perPage, cursor)
          return {
            type: "conversation.list" as const,
            conversations: page.items.map((c) => conversationWire(c, false)),
            total_count: page.total,
            pages: page.pages
          }
        }),
      createConversation: (request: CreateConversation) =>
        Effect.gen(function*() {
          const contact = yield* contactById(request.fromId)
          if (request.body.trim() === "") {
            return yield* new SandboxError.Invalid({ message: "Body can't be blank", field: "body" })
          }
          const now = yield* nowSeconds
          const createdAt = request.created_at ?? now
          counters.conversation++
          counters.message++
          const body = storedBody(request.body)
          const record: ConversationRec = {
            id: String(counters.conversation),
            created_at: createdAt,
            updated_at: Math.max(createdAt, now),
            waiting_since: createdAt,
            snoozed_until: null,
            state: "open",
            read: false,
            title: null,
            admin_assignee_id: null,
            team_assignee_id: null,
            contactId: contact.id,
            source: {
              id: String(403918000 + counters.message),
              body,
              subject: request.subject ?? "",
              author: contactAuthor(contact)
            },
            parts: [],
            tags: [],
            teammates: [],
            custom_attributes: {}
          }
          conversations.set(record.id, record)
          yield* indexed(record)
          return {
            type: "user_message",
            id: record.source.id,
            created_at: createdAt,
            body,
            message_type: "inapp",
            conversation_id: record.id
          }
        }),
      getConversation: (id: string, plaintext: boolean) =>
        Effect.map(conversation(id), (c) => conversationWire(c, true, plaintext)),
      updateConversation: (id: string, request: {
        readonly read?: boolean | undefined
        readonly title?: string | undefined
        readonly custom_attributes?: { readonly [key: string]: unknown } | undefined
      }) =>
        Effect.gen(function*() {
          const c = yield* conversation(id)
          for (const [key, value] of Object.entries(request.custom_attributes ?? {})) {
            const defined = attributes.find((a) => a.model === "conversation" && a.custom && a.name === key)
            if (defined === undefined) {
              return yield* new SandboxError.Invalid({
                message: `Custom attribute '${key}' does not exist: create it as a conversation data attribute first`,
                field: `custom_attributes.${key}`
              })
            }
            if (!typeMatches(defined.data_type, value)) {
              return yield* new SandboxError.Invalid({
                message: `Custom attribute '${key}' expects a ${defined.data_type}`,
                field: `custom_attributes.${key}`
              })
            }
          }
          if (request.read !== undefined) c.read = request.read
          if (request.title !== undefined) c.title = request.title
          if (request.custom_attributes !== undefined) {
            c.custom_attributes = { ...c.custom_attributes, ...request.custom_attributes }
          }
          c.updated_at = Math.max(c.updated_at, yield* nowSeconds)
          return conversationWire(c, true)
        }),
      reply: (id: string, request: Reply) =>
        Effect.gen(function*() {
          const c = yield* conversation(id)
          const now = yield* nowSeconds
          const createdAt = request.created_at ?? now
          if (request.kind === "admin") {
            const a = yield* admin(request.admin_id)
            if (request.body === undefined || request.body.trim() === "") {
              return yield* new SandboxError.Invalid({ message: "Body can't be blank", field: "body" })
            }
            addPart(c, {
              part_type: request.message_type,
              body: storedBody(request.body),
              created_at: createdAt,
              assigned_to: null,
              author: adminAuthor(a)
            }, now)
            if (request.message_type === "comment") c.waiting_since = null
            return conversationWire(c, true)
          }
          const found = request.intercom_user_id !== undefined
            ? contacts.get(request.intercom_user_id)
            : request.user_id !== undefined
            ? [...contacts.values()].find((x) => x.external_id === request.user_id)
            : request.email !== undefined
            ? [...contacts.values()].find((x) => x.email?.toLowerCase() === request.email!.toLowerCase())
            : undefined
          if (found === undefined) {
            return yield* new SandboxError.NotFound({ code: "not_found", message: "User Not Found" })
          }
          if (request.body.trim() === "") {
            return yield* new SandboxError.Invalid({ message: "Body can't be blank", field: "body" })
          }
          const reopen = c.state !== "open"
          addPart(c, {
            part_type: reopen ? "open" : "comment",
            body: storedBody(request.body),
            created_at: createdAt,
            assigned_to: null,
            author: contactAuthor(found)
          }, now)
          if (reopen) {
            c.state = "open"
            c.snoozed_until = null
          }
          c.waiting_since = c.waiting_since ?? createdAt
          return conversationWire(c, true)
        }),
      manage: (id: string, request: Manage) =>
        Effect.gen(function*() {
          const c = yield* conversation(id)
          const a = yield* admin(request.admin_id)
          const now = yield* nowSeconds
          const body = "body" in request && request.body !== undefined ? storedBody(request.body) : null
          switch (request.message_type) {
            case "close":
              c.state = "closed"
              c.snoozed_until = null
              addPart(c, { part_type: "close", body, created_at: now, assigned_to: null, author: adminAuthor(a) }, now)
              break
            case "snoozed":
              c.state = "snoozed"
              c.snoozed_until = request.snoozed_until
              addPart(c, {
                part_type: "snoozed",
                body: null,
                created_at: now,
                assigned_to: null,
                author: adminAuthor(a)
              }, now)
              break
            case "open":
              c.state = "open"
              c.snoozed_until = null
              addPart(
                c,
                { part_type: "open", body: null, created_at: now, assigned_to: null, author: adminAuthor(a) },
                now
              )
              break
            case "assignment": {
              const assignee = Number(request.assignee_id)
              if (!Number.isSafeInteger(assignee) || assignee < 0) {
                return yield* new SandboxError.Invalid({ message: "assignee_id must be an id", field: "assignee_id" })
              }
              if (request.type === "admin") {
                if (assignee !== 0) yield* admin(request.assignee_id)
                c.admin_assignee_id = assignee === 0 ? null : assignee
              } else {
                c.team_assignee_id = assignee === 0 ? null : assignee
              }
              addPart(c, {
                part_type: "assignment",
                body,
                created_at: now,
                assigned_to: assignee === 0 ? null : { type: request.type, id: request.assignee_id },
                author: adminAuthor(a)
              }, now)
              break
            }
          }
          return conversationWire(c, true)
        }),

      /** Every conversation with its parts, for the admin view. */
      dumpConversations: Effect.sync(() => [...conversations.values()].map((c) => conversationWire(c, true))),
      dumpContacts: Effect.sync(() => [...contacts.values()].map(contactWire))
    }
  })

/**
 * The store service.
 *
 * @since 0.1.0
 */
export class SandboxStore extends Context.Service<SandboxStore, Effect.Success<ReturnType<typeof makeStore>>>()(
  "@parley/intercom-sandbox/SandboxStore"
) {
  /**
   * An empty workspace with these admins.
   *
   * @since 0.1.0
   */
  static readonly layer = (options: Options = {}) => Layer.effect(SandboxStore, makeStore(options))
}
