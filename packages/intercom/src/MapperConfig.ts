/**
 * How the mapper is configured: the contact -> user / lead rule, the default admin for unassigned
 * conversations, the Drift user directory, which Drift-only fields are carried into API 2.11
 * `custom_attributes`, and the defaults used when mapping Intercom back to Drift.
 *
 * Every option is optional; {@link defaults} lists the values used when one is left out. Resolve a config once
 * with {@link resolve} (the mapper does it for you and caches it per config object) and reuse it.
 *
 * @example
 * ```ts
 * import { MapperConfig } from "@parley/intercom"
 *
 * const config: MapperConfig.MapperConfig = {
 *   contactRole: "byEmail",
 *   defaultAdminId: 21849,
 *   carry: "custom_attributes",
 *   carryFields: ["status", "conversation", "messages"]
 * }
 * ```
 *
 * @since 0.1.0
 */
import { Drift, Intercom } from "@parley/schema"
import { Config, Option, Result, Schema } from "effect"

/**
 * Whether a Drift contact becomes an Intercom `user` or `lead`:
 *
 * - `"user"` / `"lead"`: always that;
 * - `"byEmail"` (default): `user` when the thread's contact was fetched and has a non-empty email, `lead`
 *   otherwise (including when the thread has no contact);
 * - a function of the thread.
 *
 * @example
 * ```ts
 * import type { MapperConfig } from "@parley/intercom"
 *
 * const rule: MapperConfig.ContactRole = (thread) => thread.contact?.attributes.externalId ? "user" : "lead"
 * ```
 *
 * @since 0.1.0
 */
export type ContactRole = "user" | "lead" | "byEmail" | ((thread: Drift.Thread) => "user" | "lead")

/**
 * Groups of Drift-only fields that can be carried in API 2.11 `custom_attributes` (see the README's mapping
 * table):
 *
 * - `"status"`: `<prefix>status`, the Drift status (tells `bulk_sent` from `closed`);
 * - `"conversation"`: `<prefix>inbox_id`, `<prefix>org_id`, `<prefix>playbook_id`, `<prefix>created_at_ms`,
 *   `<prefix>updated_at_ms`, and in `<prefix>thread`: tag colors, explicitly empty participants or tags;
 * - `"messages"`: in `<prefix>thread`: per-message milliseconds, `orgId`, `conversationId`, the first
 *   message's type and time, `author.bot`, buttons, context, attributes, attachment ids;
 * - `"contact"`: in `<prefix>thread`: the Drift contact (createdAt and attributes).
 *
 * @example
 * ```ts
 * import type { MapperConfig } from "@parley/intercom"
 *
 * const fields: ReadonlyArray<MapperConfig.CarryField> = ["status", "conversation"]
 * ```
 *
 * @since 0.1.0
 */
export type CarryField = "status" | "conversation" | "messages" | "contact"

/**
 * All carry groups.
 *
 * @example
 * ```ts
 * import { MapperConfig } from "@parley/intercom"
 *
 * MapperConfig.allCarryFields // ["status", "conversation", "messages", "contact"]
 * ```
 *
 * @since 0.1.0
 */
export const allCarryFields: ReadonlyArray<CarryField> = ["status", "conversation", "messages", "contact"]

const hexColor = /^#?(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$/

const SafeId = Schema.Number.check(
  Schema.isInt({ expected: "a non-negative safe integer" }),
  Schema.isBetween({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }, { expected: "a non-negative safe integer" })
)

const ContactRoleFunction = Schema.declare(
  (u: unknown): u is (thread: Drift.Thread) => "user" | "lead" => typeof u === "function",
  { expected: "a function of the thread" }
)

const Users = Schema.declare(
  (u: unknown): u is Iterable<Drift.User> =>
    typeof u === "object" && u !== null &&
    typeof (u as { [Symbol.iterator]?: unknown })[Symbol.iterator] === "function",
  { expected: "an iterable of Drift users" }
)

/**
 * The mapper's options as a Schema: every option optional (see {@link defaults}); a value the mapper cannot use
 * is a `SchemaError` naming its path (e.g. `at ["tagColor"]`). {@link resolve} decodes with it.
 *
 * @example
 * ```ts
 * import { MapperConfig } from "@parley/intercom"
 * import { Schema } from "effect"
 *
 * const config = Schema.decodeUnknownSync(MapperConfig.MapperConfig)({ contactRole: "user", defaultAdminId: 25 })
 * ```
 *
 * @since 0.1.0
 */
export const MapperConfig = Schema.Struct({
  /** Contact -> Intercom `user` or `lead`. Default `"byEmail"`. */
  contactRole: Schema.optional(Schema.Union([Schema.Literals(["user", "lead", "byEmail"]), ContactRoleFunction])),
  /**
   * The Drift user id assigned in Intercom when a conversation has no participants. Default `null`
   * (`nobody_admin` in the classic shape, `admin_assignee_id: null` in 2.11). Mapping back, this admin alone
   * means "no participants".
   */
  defaultAdminId: Schema.optional(Schema.NullOr(SafeId)),
  /** The Drift user directory: admin names and emails, and which users are bots. Default: none. */
  users: Schema.optional(Users),
  /** Where Drift-only fields go in API 2.11 output: `"custom_attributes"` (default) or `"none"` (dropped). */
  carry: Schema.optional(Schema.Literals(["custom_attributes", "none"])),
  /** Which groups of Drift-only fields are carried. Default: all of {@link allCarryFields}. */
  carryFields: Schema.optional(Schema.Array(Schema.Literals(["status", "conversation", "messages", "contact"]))),
  /** The prefix of the carried `custom_attributes` keys. Default `"drift_"`. */
  carryPrefix: Schema.optional(Schema.String),
  /**
   * Message bodies into Intercom: `"paragraphs"` (default) writes each line as a `<p>` when that maps back to
   * the same Drift body, else the body as it is; `"raw"` always writes the Drift body as it is.
   */
  bodies: Schema.optional(Schema.Literals(["paragraphs", "raw"])),
  /**
   * An Intercom id that is not a decimal Drift id (e.g. `"536e564f316c83104c000020"`), mapping back:
   * `"fail"` (default) is a `MappingError` / `SchemaIssue` naming its path; `"hash"` maps it to a
   * deterministic safe integer (FNV-1a 64, low 53 bits; not reversible).
   */
  foreignIds: Schema.optional(Schema.Literals(["fail", "hash"])),
  /** Mapping back: the `inboxId` when none is carried. Default `0`. */
  inboxId: Schema.optional(SafeId),
  /** Mapping back: the messages' `orgId` when none is carried. Default `0`. */
  orgId: Schema.optional(SafeId),
  /** Mapping back: the color of a tag whose color is not carried. Default `"#cccccc"`. */
  tagColor: Schema.optional(
    Schema.String.check(Schema.isPattern(hexColor, { expected: "a hex color such as \"#33aaff\"" }))
  )
})

/**
 * The mapper's options (the type of the {@link MapperConfig} schema). All optional; see {@link defaults}.
 *
 * @example
 * ```ts
 * import type { MapperConfig } from "@parley/intercom"
 *
 * const config: MapperConfig.MapperConfig = { contactRole: "user", defaultAdminId: 25, carry: "none" }
 * ```
 *
 * @since 0.1.0
 */
export interface MapperConfig extends Schema.Schema.Type<typeof MapperConfig> {}

/**
 * The value of every option left out.
 *
 * @example
 * ```ts
 * import { MapperConfig } from "@parley/intercom"
 *
 * MapperConfig.defaults.contactRole // "byEmail"
 * ```
 *
 * @since 0.1.0
 */
export const defaults = {
  contactRole: "byEmail",
  defaultAdminId: null,
  carry: "custom_attributes",
  carryFields: allCarryFields,
  carryPrefix: "drift_",
  bodies: "paragraphs",
  foreignIds: "fail",
  inboxId: 0,
  orgId: 0,
  tagColor: "#cccccc"
} as const

/**
 * What the directory knows about one user, precomputed.
 *
 * @example
 * ```ts
 * import { MapperConfig } from "@parley/intercom"
 * import { Drift } from "@parley/schema"
 * import { Result } from "effect"
 *
 * const chris: Drift.User = { id: Drift.UserId.make(7), name: "Chris", email: "chris@example.com" }
 * const resolved = Result.getOrThrow(MapperConfig.resolve({ users: [chris] }))
 * const entry: MapperConfig.DirectoryEntry | undefined = resolved.directory.get(7)
 * // { name: "Chris", email: "chris@example.com", bot: false }
 * ```
 *
 * @since 0.1.0
 */
export interface DirectoryEntry {
  readonly name: string | null
  /** The user's email when it is one API 2.11 accepts, else `null`. */
  readonly email: string | null
  readonly bot: boolean
}

/**
 * A config with every option resolved and derived lookups built (user directory, custom attribute keys).
 * Build it with {@link resolve}.
 *
 * @example
 * ```ts
 * import { MapperConfig } from "@parley/intercom"
 * import { Result } from "effect"
 *
 * const resolved: MapperConfig.Resolved = Result.getOrThrow(MapperConfig.resolve({ carryPrefix: "d_" }))
 * resolved.keys.status // "d_status"
 * ```
 *
 * @since 0.1.0
 */
export interface Resolved {
  readonly contactRole: ContactRole
  readonly defaultAdminId: number | null
  readonly directory: ReadonlyMap<number, DirectoryEntry>
  readonly carry: {
    readonly status: boolean
    readonly conversation: boolean
    readonly messages: boolean
    readonly contact: boolean
  }
  readonly bodies: "paragraphs" | "raw"
  readonly foreignIds: "fail" | "hash"
  readonly inboxId: number
  readonly orgId: number
  readonly tagColor: string
  readonly keys: {
    readonly status: string
    readonly inboxId: string
    readonly orgId: string
    readonly playbookId: string
    readonly createdAtMs: string
    readonly updatedAtMs: string
    readonly thread: string
  }
}

const isEmail = Schema.is(Intercom.Email)

/**
 * Checks an email against API 2.11's `format: email` (the pattern `Intercom.Email` uses).
 *
 * @example
 * ```ts
 * import { MapperConfig } from "@parley/intercom"
 *
 * MapperConfig.isValidEmail("jane@example.com") // true
 * MapperConfig.isValidEmail("Jane <jane@example.com>") // false
 * ```
 *
 * @since 0.1.0
 */
export const isValidEmail = (s: unknown): s is string => typeof s === "string" && isEmail(s)

const nonEmpty = (s: string | null | undefined): string | null =>
  s === undefined || s === null || s.length === 0 ? null : s

const decodeConfig = Schema.decodeUnknownResult(MapperConfig)

/**
 * Checks every option (decoding with the {@link MapperConfig} schema) and builds the lookups the mapper uses.
 * Fails with a `SchemaError` naming the option's path when a value cannot be used.
 *
 * @example
 * ```ts
 * import { MapperConfig } from "@parley/intercom"
 * import { Result } from "effect"
 *
 * const resolved = Result.getOrThrow(MapperConfig.resolve({ defaultAdminId: 25, carryFields: ["status"] }))
 * resolved.carry.messages // false
 * MapperConfig.resolve({ tagColor: "red" }) // a Failure: a SchemaError at ["tagColor"]
 * ```
 *
 * @since 0.1.0
 */
export const resolve = (config: MapperConfig = {}): Result.Result<Resolved, Schema.SchemaError> =>
  Result.map(decodeConfig(config), build)

const build = (config: MapperConfig): Resolved => {
  const contactRole = config.contactRole ?? defaults.contactRole
  const defaultAdminId = config.defaultAdminId ?? defaults.defaultAdminId
  const carry = config.carry ?? defaults.carry
  const fields = new Set(config.carryFields ?? defaults.carryFields)
  const prefix = config.carryPrefix ?? defaults.carryPrefix
  const bodies = config.bodies ?? defaults.bodies
  const foreignIds = config.foreignIds ?? defaults.foreignIds
  const inboxId = config.inboxId ?? defaults.inboxId
  const orgId = config.orgId ?? defaults.orgId
  const tagColor = config.tagColor ?? defaults.tagColor
  const directory = new Map<number, DirectoryEntry>()
  for (const user of config.users ?? []) {
    directory.set(user.id, {
      name: nonEmpty(user.name) ?? nonEmpty(user.alias),
      email: isValidEmail(user.email) ? user.email : null,
      bot: user.bot === true
    })
  }
  const on = carry === "custom_attributes"
  return {
    contactRole,
    defaultAdminId,
    directory,
    carry: {
      status: on && fields.has("status"),
      conversation: on && fields.has("conversation"),
      messages: on && fields.has("messages"),
      contact: on && fields.has("contact")
    },
    bodies,
    foreignIds,
    inboxId,
    orgId,
    tagColor,
    keys: {
      status: `${prefix}status`,
      inboxId: `${prefix}inbox_id`,
      orgId: `${prefix}org_id`,
      playbookId: `${prefix}playbook_id`,
      createdAtMs: `${prefix}created_at_ms`,
      updatedAtMs: `${prefix}updated_at_ms`,
      thread: `${prefix}thread`
    }
  }
}

const cache = new WeakMap<MapperConfig, Result.Result<Resolved, Schema.SchemaError>>()

/**
 * The resolved {@link defaults} (they are valid, so this needs no check).
 *
 * @example
 * ```ts
 * import { MapperConfig } from "@parley/intercom"
 *
 * MapperConfig.defaultResolved.keys.status // "drift_status"
 * ```
 *
 * @since 0.1.0
 */
export const defaultResolved: Resolved = build({})

/**
 * {@link resolve}, cached per config object (a `WeakMap`), so passing the same config object to every call
 * resolves it once.
 *
 * @example
 * ```ts
 * import { MapperConfig } from "@parley/intercom"
 *
 * const config = { contactRole: "lead" } as const
 * MapperConfig.resolveCached(config) === MapperConfig.resolveCached(config) // true
 * ```
 *
 * @since 0.1.0
 */
export const resolveCached = (config?: MapperConfig): Result.Result<Resolved, Schema.SchemaError> => {
  if (config === undefined) return Result.succeed(defaultResolved)
  let resolved = cache.get(config)
  if (resolved === undefined) {
    resolved = resolve(config)
    cache.set(config, resolved)
  }
  return resolved
}

const optional = <A>(config: Config.Config<A>): Config.Config<A | undefined> =>
  Config.option(config).pipe(Config.map(Option.getOrUndefined))

/**
 * The data options read from the environment (or any `ConfigProvider`), every one optional:
 * `PARLEY_INTERCOM_CONTACT_ROLE` (`user` | `lead` | `byEmail`), `PARLEY_INTERCOM_DEFAULT_ADMIN_ID`,
 * `PARLEY_INTERCOM_CARRY` (`custom_attributes` | `none`), `PARLEY_INTERCOM_CARRY_FIELDS` (comma-separated),
 * `PARLEY_INTERCOM_CARRY_PREFIX`, `PARLEY_INTERCOM_BODIES` (`paragraphs` | `raw`), `PARLEY_INTERCOM_FOREIGN_IDS`
 * (`fail` | `hash`), `PARLEY_INTERCOM_INBOX_ID`, `PARLEY_INTERCOM_ORG_ID`, `PARLEY_INTERCOM_TAG_COLOR`.
 * The user directory is not read from config: pass `users` in code.
 *
 * @example
 * ```ts
 * import { IntercomMapper, MapperConfig } from "@parley/intercom"
 *
 * const layer = IntercomMapper.IntercomMapper.layerConfig(MapperConfig.fromEnv)
 * ```
 *
 * @since 0.1.0
 */
export const fromEnv: Config.Config<MapperConfig> = Config.all({
  contactRole: optional(Config.Literals(["user", "lead", "byEmail"], "PARLEY_INTERCOM_CONTACT_ROLE")),
  defaultAdminId: optional(Config.Int("PARLEY_INTERCOM_DEFAULT_ADMIN_ID")),
  carry: optional(Config.Literals(["custom_attributes", "none"], "PARLEY_INTERCOM_CARRY")),
  carryFields: optional(
    Config.String("PARLEY_INTERCOM_CARRY_FIELDS").pipe(
      Config.map((s) => s.split(",").map((f) => f.trim()).filter((f) => f.length > 0) as Array<CarryField>)
    )
  ),
  carryPrefix: optional(Config.String("PARLEY_INTERCOM_CARRY_PREFIX")),
  bodies: optional(Config.Literals(["paragraphs", "raw"], "PARLEY_INTERCOM_BODIES")),
  foreignIds: optional(Config.Literals(["fail", "hash"], "PARLEY_INTERCOM_FOREIGN_IDS")),
  inboxId: optional(Config.Int("PARLEY_INTERCOM_INBOX_ID")),
  orgId: optional(Config.Int("PARLEY_INTERCOM_ORG_ID")),
  tagColor: optional(Config.String("PARLEY_INTERCOM_TAG_COLOR"))
})
