/**
 * The migration, following Intercom's process for historical imports: `plan` (counts, calls, duration, unmatched
 * users), `run` (a sample for a batch test, an initial run of closed conversations up to a delta date, a cutover
 * run for what changed since plus everything open or pending), `status`, and `verify` (every migrated conversation
 * read back from Intercom and compared with its plan).
 *
 * `run` is a Stream of per-conversation events: the CLI (or any caller) folds them into progress, a rejects file
 * and a summary; nothing here writes to a terminal or a file.
 *
 * @example
 * ```ts
 * import { Engine, Migration } from "@parley/migrate"
 * import { DateTime, Effect, Stream } from "effect"
 *
 * // The initial run: closed conversations up to the delta date. Requires the DriftClient and the IntercomClient.
 * const initial = Migration.run({ statuses: ["closed"], until: DateTime.makeUnsafe("2026-11-01T00:00:00Z") }).pipe(
 *   Stream.runForEach((event) => Effect.log(event._tag, event.driftId)),
 *   Effect.provide(Engine.layer({ database: "parley-migrate.db" }))
 * )
 * ```
 *
 * @since 0.1.0
 */
import { DriftClient, type DriftError } from "@parley/drift-client"
import { DriftStream, type DriftStreamError } from "@parley/drift-stream"
import { MapperConfig, Mapping } from "@parley/intercom"
import { IntercomClient, type IntercomError, type Models } from "@parley/intercom-client"
import type { Drift, Intercom } from "@parley/schema"
import { DateTime, Effect, Option, Result, Schema, Stream } from "effect"
import type { SqlError } from "effect/sql"
import { Ledger } from "./Ledger.ts"
import * as LedgerReader from "./LedgerReader.ts"
import * as MigrateWorkflow from "./MigrateWorkflow.ts"
import * as Plan from "./Plan.ts"

// -----------------------------------------------------------------------------
// Options and events
// -----------------------------------------------------------------------------

/**
 * Which conversations a run takes.
 *
 * @since 0.1.0
 */
export interface Filters {
  /** Only these Drift statuses. Default: all. */
  readonly statuses?: ReadonlyArray<Drift.FilterableStatus> | undefined
  /** Initial run: closed conversations last updated at or before this instant (the "delta date"). */
  readonly until?: DateTime.Utc | undefined
  /** Cutover run: conversations updated after this instant, plus every open or pending one. */
  readonly since?: DateTime.Utc | undefined
  /** Batch test: at most this many conversations (after the other filters). */
  readonly sample?: number | undefined
}

/**
 * How Drift users become Intercom admins.
 *
 * @since 0.1.0
 */
export interface DirectoryOptions {
  /** Drift user id or email -> Intercom admin id or email; wins over matching by email. */
  readonly mapping?: Readonly<Record<string, string>> | undefined
  /** The admin for unmatched Drift users (id or email). Default: the admin the Intercom token belongs to. */
  readonly defaultAdmin?: string | undefined
  /** The admin bots write as (id or email). Default: the default admin. */
  readonly botAdmin?: string | undefined
}

/**
 * Options of {@link run}.
 *
 * @since 0.1.0
 */
export interface RunOptions extends Filters, DirectoryOptions {
  /** Conversations migrated at once. Default 8. */
  readonly concurrency?: number | undefined
}

/**
 * What happened to one conversation.
 *
 * @since 0.1.0
 */
export type Event =
  | {
    readonly _tag: "Migrated"
    readonly driftId: string
    readonly intercomId: string
    readonly replies: number
    /** True when an earlier run had already migrated this revision: nothing was sent. */
    readonly already: boolean
  }
  | {
    readonly _tag: "Rejected"
    readonly driftId: string
    readonly reason: string
    readonly detail: string
    readonly path: string | null
  }

/**
 * A failure that stops a run (as opposed to a rejected conversation, which does not).
 *
 * @since 0.1.0
 */
export class MigrationFailed extends Schema.TaggedError<MigrationFailed>()("MigrationFailed", {
  reason: Schema.Literals(["Drift", "Intercom", "Storage", "Directory"]),
  detail: Schema.String
}) {
  override get message(): string {
    return this.detail
  }
}

const fromDrift = (e: DriftError.DriftError | DriftStreamError.DriftStreamError) =>
  new MigrationFailed({ reason: "Drift", detail: e.message })
const fromIntercom = (e: IntercomError.IntercomError) => new MigrationFailed({ reason: "Intercom", detail: e.message })
const fromSql = (e: SqlError.SqlError) => new MigrationFailed({ reason: "Storage", detail: e.message })

// -----------------------------------------------------------------------------
// The admin directory
// -----------------------------------------------------------------------------

/**
 * The resolved directory, and the Drift users it could not match.
 *
 * @since 0.1.0
 */
export interface Directory {
  readonly admins: Plan.AdminDirectory
  readonly users: ReadonlyArray<Drift.User>
  /** The mapper's configuration with the user directory, resolved once. */
  readonly mapper: MapperConfig.Resolved
  readonly unmatched: ReadonlyArray<Drift.User>
}

const lower = (s: string | null | undefined) => (s ?? "").trim().toLowerCase()

/**
 * Matches Drift users to Intercom admins: the mapping file first, then equal emails; bots and the rest go to the
 * bot and default admins.
 *
 * @since 0.1.0
 */
export const directory = Effect.fn("Migration.directory")(function*(options: DirectoryOptions = {}) {
  const drift = yield* DriftClient.DriftClient
  const intercom = yield* IntercomClient.IntercomClient
  const users = yield* Effect.mapError(drift.listUsers(), fromDrift)
  const admins = yield* Effect.mapError(intercom.listAdmins(), fromIntercom)
  const adminByEmail = new Map(admins.filter((a) => a.email).map((a) => [lower(a.email), String(a.id)]))
  const adminIds = new Set(admins.map((a) => String(a.id)))
  const resolveAdmin = (ref: string, what: string): Effect.Effect<string, MigrationFailed> => {
    if (adminIds.has(ref)) return Effect.succeed(ref)
    const byEmail = adminByEmail.get(lower(ref))
    return byEmail !== undefined ? Effect.succeed(byEmail) : Effect.fail(
      new MigrationFailed({
        reason: "Directory",
        detail: `${what} "${ref}" is neither the id nor the email of an Intercom admin (${admins.length} admins: `
          + `list them with GET /admins)`
      })
    )
  }
  const matched = new Map<string, string>()
  const mapping = options.mapping ?? {}
  for (const user of users) {
    const ref = mapping[String(user.id)] ?? (user.email ? mapping[user.email] : undefined)
    if (ref !== undefined) {
      matched.set(String(user.id), yield* resolveAdmin(ref, `the mapping for Drift user ${user.id}`))
      continue
    }
    const byEmail = adminByEmail.get(lower(user.email))
    if (byEmail !== undefined && user.bot !== true) matched.set(String(user.id), byEmail)
  }
  const defaultAdminId = options.defaultAdmin !== undefined
    ? yield* resolveAdmin(options.defaultAdmin, "the default admin")
    : String((yield* Effect.mapError(intercom.me(), fromIntercom)).id)
  const botAdminId = options.botAdmin !== undefined ? yield* resolveAdmin(options.botAdmin, "the bot admin") : undefined
  const bots = new Set(users.filter((u) => u.bot === true).map((u) => String(u.id)))
  const mapper = MapperConfig.resolve({ users })
  if (Result.isFailure(mapper)) {
    return yield* new MigrationFailed({
      reason: "Directory",
      detail: `the Drift user directory: ${mapper.failure.message}`
    })
  }
  return {
    mapper: mapper.success,
    admins: { matched, bots, defaultAdminId, ...(botAdminId === undefined ? {} : { botAdminId }) },
    users,
    unmatched: users.filter((u) => u.bot !== true && !matched.has(String(u.id)))
  } satisfies Directory
})

// -----------------------------------------------------------------------------
// Selecting threads
// -----------------------------------------------------------------------------

const statusName = (status: Drift.Conversation["status"]): string => String(status)

/** Whether a conversation passes the delta-date filters. */
const selected = (conversation: Drift.Conversation, filters: Filters): boolean => {
  const status = statusName(conversation.status)
  if (filters.until !== undefined) {
    if (status !== "closed") return false
    if (DateTime.toEpochMillis(conversation.updatedAt) > DateTime.toEpochMillis(filters.until)) return false
  }
  if (filters.since !== undefined) {
    const changed = DateTime.toEpochMillis(conversation.updatedAt) > DateTime.toEpochMillis(filters.since)
    if (!changed && status === "closed") return false
  }
  return true
}

/**
 * The threads a run takes, in Drift's list order.
 *
 * @since 0.1.0
 */
export const threads = (filters: Filters, concurrency: number) =>
  Stream.unwrap(Effect.gen(function*() {
    const stream = yield* DriftStream.DriftStream
    const all = stream.threads({
      ...(filters.statuses === undefined ? {} : { statuses: filters.statuses }),
      concurrency: Math.max(1, Math.min(16, concurrency)),
      withContact: true
    }).pipe(
      Stream.filter((thread) => selected(thread.conversation, filters)),
      Stream.mapError(fromDrift)
    )
    return filters.sample === undefined ? all : Stream.take(all, Math.max(0, filters.sample))
  }))

/**
 * How many conversations a run will take, for a progress total: Drift's counts under the status filter, capped by
 * `sample`; undefined with a date filter (Drift does not count by date) or when Drift's counts omit a status.
 *
 * @since 0.1.0
 */
export const total = Effect.fn("Migration.total")(function*(filters: Filters) {
  if (filters.until !== undefined || filters.since !== undefined) return undefined
  const drift = yield* DriftClient.DriftClient
  const stats = yield* Effect.mapError(drift.conversationStats(), fromDrift)
  const counts: Record<string, number> = {}
  for (const [k, v] of Object.entries(stats.conversationCount)) counts[k.toLowerCase()] = Number(v)
  const wanted = filters.statuses === undefined || filters.statuses.length === 0
    ? undefined
    : filters.statuses.map((s) => String(s).toLowerCase())
  // Drift's stats leave out bulk_sent conversations: without a status filter the count is a lower bound, so the
  // total is only given when a filter names the statuses counted.
  if (wanted === undefined) return filters.sample
  const n = wanted.reduce((sum, k) => sum + (counts[k] ?? 0), 0)
  return filters.sample === undefined ? n : Math.min(n, filters.sample)
})

// -----------------------------------------------------------------------------
// Planning
// -----------------------------------------------------------------------------

/**
 * The plan of one thread, or why it has none.
 *
 * @since 0.1.0
 */
export const planThread = (
  thread: Drift.Thread,
  dir: Directory
): Result.Result<Plan.ConversationPlan, Plan.PlanError> => {
  const mapped: Intercom.ConversationV2 = Mapping.toIntercomV2Sync(thread, dir.mapper)
  return Plan.make(thread, mapped, dir.admins)
}

/**
 * What `parley migrate plan` prints.
 *
 * @since 0.1.0
 */
export interface PlanReport {
  /** Drift's counts by status (`/conversations/stats`). */
  readonly driftCounts: Readonly<Record<string, number>>
  /** Conversations sampled to estimate the calls. */
  readonly sampled: number
  readonly sampledRejected: number
  /** Intercom calls per conversation in the sample (mean). */
  readonly callsPerConversation: number
  /** Drift requests per conversation in the sample (mean, messages pages and contact included). */
  readonly driftRequestsPerConversation: number
  /** Conversations the run would take (Drift's counts under the status filter; the date filters are not counted). */
  readonly conversations: number
  readonly intercomCalls: number
  readonly driftRequests: number
  /** Minutes at Intercom's limit (`intercomPerMinute`) and at Drift's (`driftPerMinute`); the run takes the larger. */
  readonly minutesAtIntercomLimit: number
  readonly minutesAtDriftLimit: number
  readonly intercomPerMinute: number
  readonly driftPerMinute: number
  readonly unmatchedUsers: ReadonlyArray<
    { readonly id: string; readonly name: string | null; readonly email: string | null }
  >
}

/**
 * Plans a run without writing anything: Drift's counts, a sample's calls, the durations, the unmatched users.
 *
 * @since 0.1.0
 */
export const plan = Effect.fn("Migration.plan")(function*(
  options: RunOptions & {
    readonly sampleSize?: number | undefined
    readonly intercomPerMinute?: number | undefined
    readonly driftPerMinute?: number | undefined
  } = {}
) {
  const drift = yield* DriftClient.DriftClient
  const dir = yield* directory(options)
  const stats = yield* Effect.mapError(drift.conversationStats(), fromDrift)
  const counts: Record<string, number> = {}
  for (const [k, v] of Object.entries(stats.conversationCount)) counts[k.toLowerCase()] = Number(v)
  const wanted = options.statuses === undefined || options.statuses.length === 0
    ? Object.keys(counts)
    : options.statuses.map((s) => String(s).toLowerCase())
  const conversations = wanted.reduce((n, k) => n + (counts[k] ?? 0), 0)
  const before = yield* drift.stats
  let sampled = 0
  let rejected = 0
  let calls = 0
  yield* threads({ ...options, sample: options.sampleSize ?? 50 }, options.concurrency ?? 4).pipe(
    Stream.runForEach((thread) =>
      Effect.sync(() => {
        sampled++
        const planned = planThread(thread, dir)
        if (Result.isFailure(planned)) rejected++
        else calls += Plan.calls(planned.success)
      })
    )
  )
  const after = yield* drift.stats
  const callsPerConversation = sampled - rejected === 0 ? 0 : calls / (sampled - rejected)
  const driftRequestsPerConversation = sampled === 0 ? 0 : (after.requests - before.requests) / sampled
  const intercomPerMinute = options.intercomPerMinute ?? 10_000
  const driftPerMinute = options.driftPerMinute ?? 600
  const intercomCalls = Math.round(callsPerConversation * conversations)
  const driftRequests = Math.round(driftRequestsPerConversation * conversations)
  return {
    driftCounts: counts,
    sampled,
    sampledRejected: rejected,
    callsPerConversation,
    driftRequestsPerConversation,
    conversations,
    intercomCalls,
    driftRequests,
    minutesAtIntercomLimit: intercomCalls / intercomPerMinute,
    minutesAtDriftLimit: driftRequests / driftPerMinute,
    intercomPerMinute,
    driftPerMinute,
    unmatchedUsers: dir.unmatched.map((u) => ({
      id: String(u.id),
      name: u.name ?? null,
      email: u.email ?? null
    }))
  } satisfies PlanReport
})

// -----------------------------------------------------------------------------
// Running
// -----------------------------------------------------------------------------

/**
 * Creates the conversation custom attributes a migration writes, when missing.
 *
 * @since 0.1.0
 */
export const ensureAttributes = Effect.fn("Migration.ensureAttributes")(function*() {
  const intercom = yield* IntercomClient.IntercomClient
  // Listing first makes the whole step idempotent: after a write whose answer was lost, the retry lists again
  // and creates only what is still missing.
  const once = Effect.gen(function*() {
    const existing = yield* intercom.listDataAttributes({ model: "conversation" })
    const names = new Set(existing.map((a) => a.name))
    for (const attribute of Plan.carriedAttributes) {
      if (names.has(attribute.name)) continue
      yield* intercom.createDataAttribute({
        name: attribute.name,
        model: "conversation",
        data_type: attribute.type,
        description: attribute.description
      } as Models.CreateDataAttributeRequest).pipe(
        // Created by a concurrent run a moment ago.
        Effect.catchTag("Conflict", () => Effect.void)
      )
    }
  })
  yield* once.pipe(
    Effect.retry({ schedule: MigrateWorkflow.retrySchedule, while: MigrateWorkflow.transient }),
    Effect.mapError(fromIntercom)
  )
})

const migrateOne = (thread: Drift.Thread, dir: Directory) =>
  Effect.gen(function*() {
    const ledger = yield* Ledger
    const driftId = String(thread.conversation.id)
    const driftStatus = statusName(thread.conversation.status)
    const planned = planThread(thread, dir)
    if (Result.isFailure(planned)) {
      const error = planned.failure
      yield* Effect.mapError(
        ledger.setConversation({ driftId, status: "rejected", intercomId: null, driftStatus, reason: error.message }),
        fromSql
      )
      return { _tag: "Rejected", driftId, reason: error.reason, detail: error.detail, path: error.path } as Event
    }
    const conversationPlan = planned.success
    const previous = yield* Effect.mapError(ledger.getConversation(driftId), fromSql)
    // A conversation whose last attempt ran out of retries gets a new execution (its writes stay exactly once:
    // the ledger keys them by Drift ids, not by execution).
    const attempt = Option.match(previous, {
      onNone: () => 0,
      onSome: (row) =>
        row.status === "rejected" && row.reason?.startsWith("retry:") ? Number(row.reason.split(":")[1]) : 0
    })
    const revision = MigrateWorkflow.revision(conversationPlan, attempt)
    const planJson = JSON.stringify(Schema.encodeSync(Plan.ConversationPlan)(conversationPlan))
    const already = Option.isSome(previous) && previous.value.status === "migrated"
      && Option.getOrUndefined(yield* Effect.mapError(ledger.plan(driftId), fromSql)) === planJson
    if (already && previous._tag === "Some") {
      return {
        _tag: "Migrated",
        driftId,
        intercomId: previous.value.intercomId ?? "",
        replies: conversationPlan.replies.length,
        already: true
      } as Event
    }
    yield* Effect.mapError(
      ledger.setConversation({ driftId, status: "pending", intercomId: null, driftStatus, reason: null }, planJson),
      fromSql
    )
    return yield* MigrateWorkflow.MigrateConversation.execute({ plan: conversationPlan, revision }).pipe(
      Effect.flatMap((migrated) =>
        Effect.as(
          Effect.mapError(
            ledger.setConversation({
              driftId,
              status: "migrated",
              intercomId: migrated.intercomId,
              driftStatus,
              reason: null
            }),
            fromSql
          ),
          {
            _tag: "Migrated",
            driftId,
            intercomId: migrated.intercomId,
            replies: migrated.replies,
            already: false
          } as Event
        )
      ),
      Effect.catchTag("MigrateError", (error) => {
        if (error.reason === "Unauthorized") {
          return Effect.fail(new MigrationFailed({ reason: "Intercom", detail: error.message }))
        }
        if (error.reason === "Storage") {
          return Effect.fail(new MigrationFailed({ reason: "Storage", detail: error.message }))
        }
        const reason = error.reason === "Unavailable" ? `retry:${attempt + 1}: ${error.detail}` : error.message
        return Effect.as(
          Effect.mapError(
            ledger.setConversation({ driftId, status: "rejected", intercomId: null, driftStatus, reason }),
            fromSql
          ),
          {
            _tag: "Rejected",
            driftId,
            reason: error.reason === "Unavailable" ? "IntercomUnavailable" : "IntercomRefused",
            detail: error.message,
            path: null
          } as Event
        )
      })
    )
  })

/**
 * Migrates the selected conversations: one workflow each, `concurrency` at once, each outcome an event.
 *
 * @since 0.1.0
 */
export const run = (options: RunOptions = {}) =>
  Stream.unwrap(Effect.gen(function*() {
    const dir = yield* directory(options)
    yield* ensureAttributes()
    const concurrency = Math.max(1, options.concurrency ?? 8)
    return threads(options, concurrency).pipe(
      Stream.mapEffect((thread) => migrateOne(thread, dir), { concurrency })
    )
  }))

// -----------------------------------------------------------------------------
// Verifying
// -----------------------------------------------------------------------------

/**
 * One difference between a migrated conversation and its plan.
 *
 * @since 0.1.0
 */
export interface Mismatch {
  readonly driftId: string
  readonly intercomId: string
  /** What differs: `missing`, `parts`, `part`, `source`, `state`, `tags`, `attributes`, `assignee`. */
  readonly field: string
  readonly expected: string
  readonly actual: string
}

const text = (html: string | null | undefined) =>
  (html ?? "").replace(/<[^>]*>/g, " ").replace(/&nbsp;/g, " ").replace(/\s+/g, " ").trim()

/**
 * Compares one Intercom conversation with its plan.
 *
 * @since 0.1.0
 */
export const compare = (
  plan: Plan.ConversationPlan,
  conversation: Models.Conversation,
  contactId: string | undefined
): ReadonlyArray<Mismatch> => {
  const out: Array<Mismatch> = []
  const base = { driftId: plan.driftConversationId, intercomId: String(conversation.id) }
  const add = (field: string, expected: unknown, actual: unknown) =>
    out.push({ ...base, field, expected: String(expected), actual: String(actual) })
  const seconds = (dt: DateTime.Utc) => Math.floor(DateTime.toEpochMillis(dt) / 1000)
  if (text(conversation.source.body) !== text(plan.opening.body)) {
    add("source", text(plan.opening.body), text(conversation.source.body))
  }
  if (seconds(conversation.created_at) !== plan.opening.createdAt) {
    add("created_at", plan.opening.createdAt, seconds(conversation.created_at))
  }
  const parts = (conversation.conversation_parts?.conversation_parts ?? []).filter((p) =>
    p.part_type === "comment" || p.part_type === "note"
  )
  if (parts.length !== plan.replies.length) add("parts", plan.replies.length, parts.length)
  const used = new Set<string>()
  for (const message of plan.replies) {
    const found = parts.find((p) =>
      !used.has(String(p.id)) && MigrateWorkflow.partMatches(p, message, contactId ?? p.author.id)
    )
    if (found === undefined) {
      add(
        "part",
        `${message.kind} by ${
          message.author._tag === "Admin" ? `admin ${message.author.adminId}` : "contact"
        } at ${message.createdAt}: ${text(message.body).slice(0, 60)}`,
        "absent"
      )
    } else {
      used.add(String(found.id))
    }
  }
  if (conversation.state !== plan.state) add("state", plan.state, conversation.state)
  const tags = new Set((conversation.tags?.tags ?? []).map((t) => t.name))
  for (const tag of plan.tags) if (!tags.has(tag)) add("tags", tag, [...tags].join(","))
  const attributes = (conversation.custom_attributes ?? {}) as Record<string, unknown>
  if (String(attributes.drift_conversation_id) !== plan.driftConversationId) {
    add("attributes", `drift_conversation_id=${plan.driftConversationId}`, String(attributes.drift_conversation_id))
  }
  if (plan.assigneeAdminId !== null && String(conversation.admin_assignee_id) !== plan.assigneeAdminId) {
    add("assignee", plan.assigneeAdminId, conversation.admin_assignee_id)
  }
  return out
}

/**
 * What `verify` found.
 *
 * @since 0.1.0
 */
export interface VerifyReport {
  readonly checked: number
  readonly matching: number
  readonly mismatches: ReadonlyArray<Mismatch>
}

/**
 * Reads every migrated conversation back from Intercom and compares it with the plan it was migrated with;
 * marks each `migrated` or `mismatch` in the ledger.
 *
 * @since 0.1.0
 */
export const verify = Effect.fn("Migration.verify")(
  function*(options: { readonly concurrency?: number | undefined } = {}) {
    const ledger = yield* Ledger
    const intercom = yield* IntercomClient.IntercomClient
    const rows = [
      ...(yield* Effect.mapError(ledger.conversations("migrated"), fromSql)),
      ...(yield* Effect.mapError(ledger.conversations("mismatch"), fromSql))
    ]
    const results = yield* Effect.forEach(rows, (row) =>
      Effect.gen(function*() {
        const planJson = yield* Effect.mapError(ledger.plan(row.driftId), fromSql)
        if (Option.isNone(planJson) || row.intercomId === null) return []
        const conversationPlan = Schema.decodeUnknownSync(Plan.ConversationPlan)(JSON.parse(planJson.value))
        const contact = yield* Effect.mapError(ledger.done(`contact:${conversationPlan.contact.externalId}`), fromSql)
        const found = yield* intercom.getConversation(row.intercomId as Intercom.ConversationId).pipe(
          Effect.map(Option.some),
          Effect.catchTag("NotFound", () => Effect.succeed(Option.none())),
          Effect.mapError(fromIntercom)
        )
        const mismatches: ReadonlyArray<Mismatch> = Option.isNone(found)
          ? [{
            driftId: row.driftId,
            intercomId: row.intercomId,
            field: "missing",
            expected: "the conversation",
            actual: "404"
          }]
          : compare(conversationPlan, found.value, Option.getOrUndefined(contact))
        yield* Effect.mapError(
          ledger.setConversation(
            mismatches.length === 0
              ? { ...row, status: "migrated", reason: null }
              : {
                ...row,
                status: "mismatch",
                // The fields that differ, for readers of the ledger (`LedgerReader`, Parley Inbox).
                reason: Schema.encodeSync(LedgerReader.MismatchesJson)(
                  mismatches.map(({ actual, expected, field }) => ({ field, expected, actual }))
                )
              }
          ),
          fromSql
        )
        return mismatches
      }), { concurrency: Math.max(1, options.concurrency ?? 4) })
    const mismatches = results.flat()
    return {
      checked: rows.length,
      matching: results.filter((r) => r.length === 0).length,
      mismatches
    } satisfies VerifyReport
  }
)

/**
 * The ledger's counts.
 *
 * @since 0.1.0
 */
export const status = Effect.fn("Migration.status")(function*() {
  const ledger = yield* Ledger
  return yield* Effect.mapError(ledger.counts, fromSql)
})
