/**
 * One Drift conversation landed in Intercom, as an `effect/workflow` workflow keyed by the Drift conversation id
 * (and its revision), run on `effect/cluster`'s workflow engine with SQL storage.
 *
 * The workflow's activities, in order: the contact (found by external id, then email, else created), the
 * conversation (created from the contact with its opening message and `created_at`), every later message in order
 * with its own `created_at` and author, the carried Drift ids as custom attributes, the tags, the assignment and
 * the final state. Each write goes through the {@link Ledger} bracket, so a write whose answer was lost, or whose
 * process died before its result was recorded, is found by reading Intercom back instead of being sent twice.
 *
 * @example
 * ```ts
 * import { MigrateWorkflow, type Plan } from "@parley/migrate"
 *
 * declare const plan: Plan.ConversationPlan
 *
 * // Runs on the WorkflowEngine of Engine.layer; succeeds with the Intercom conversation id and its replies.
 * const migrated = MigrateWorkflow.MigrateConversation.execute({ plan, revision: MigrateWorkflow.revision(plan) })
 * ```
 *
 * @since 0.1.0
 */
import { IntercomClient, IntercomError, type Models } from "@parley/intercom-client"
import type { Intercom } from "@parley/schema"
import { Clock, Context, DateTime, Duration, Effect, Option, Schedule, Schema } from "effect"
import type { SqlError } from "effect/sql"
import { Activity, Workflow } from "effect/workflow"
import { Ledger, type Service as LedgerService } from "./Ledger.ts"
import * as Plan from "./Plan.ts"

/**
 * Why a conversation's migration stopped. `Refused`: Intercom answered a write with a 4xx other than 429 (the run
 * quarantines the conversation with Intercom's message). `Unavailable`: the retries ran out on 429/5xx/timeouts
 * (a later run tries again). `Unauthorized`: the token is wrong or lacks a scope (the run stops). `Storage`: the
 * database failed.
 *
 * @since 0.1.0
 */
export class MigrateError extends Schema.TaggedError<MigrateError>()("MigrateError", {
  driftConversationId: Schema.String,
  step: Schema.String,
  reason: Schema.Literals(["Refused", "Unavailable", "Unauthorized", "Storage"]),
  detail: Schema.String
}) {
  override get message(): string {
    return `conversation ${this.driftConversationId}, ${this.step}: ${this.detail}`
  }
}

/**
 * What a migrated conversation became.
 *
 * @since 0.1.0
 */
export const Migrated = Schema.Struct({
  intercomId: Schema.String,
  contactId: Schema.String,
  /** Later messages posted (the opening message not counted). */
  replies: Schema.Int
})
/** @since 0.1.0 */
export interface Migrated extends Schema.Schema.Type<typeof Migrated> {}

/**
 * The workflow: payload is the plan and its revision (a conversation that changed in Drift since an earlier run
 * gets a new revision; the ledger keys its writes by Drift ids, so a new revision only adds what is missing).
 *
 * @since 0.1.0
 */
export const MigrateConversation = Workflow.make("ParleyMigrateConversation", {
  payload: { plan: Plan.ConversationPlan, revision: Schema.String },
  success: Migrated,
  error: MigrateError,
  idempotencyKey: (payload) => `${payload.plan.driftConversationId}@${payload.revision}`
})

/**
 * The revision of a plan: changes when a message is added or the final state changes.
 *
 * @since 0.1.0
 */
export const revision = (plan: Plan.ConversationPlan, attempt = 0): string =>
  `${plan.replies.length + 1}:${plan.state}:${plan.tags.length}:${attempt}`

const classify =
  (driftConversationId: string, step: string) => (error: IntercomError.IntercomError | SqlError.SqlError) => {
    const reason: MigrateError["reason"] = error._tag === "SqlError"
      ? "Storage"
      : error._tag === "Unauthorized" || error._tag === "Forbidden"
      ? "Unauthorized"
      : error._tag === "ValidationError" || error._tag === "NotFound" || error._tag === "Conflict"
      ? "Refused"
      : "Unavailable"
    return new MigrateError({ driftConversationId, step, reason, detail: error.message })
  }

/**
 * Errors after which a write's outcome is unknown or the failure transient: retried through the ledger (which
 * reconciles before writing again).
 *
 * @since 0.1.0
 */
export const transient = (error: IntercomError.IntercomError | SqlError.SqlError): boolean =>
  error._tag === "RateLimited" || error._tag === "ServerError" || error._tag === "TransportError"
  || error._tag === "Timeout" || error._tag === "DecodeError"

/**
 * How an activity retries after a transient failure: exponential from 200 ms, jittered, 8 times (about a minute).
 *
 * @since 0.1.0
 */
export const retrySchedule = Schedule.exponential("200 millis", 2).pipe(
  Schedule.jittered,
  Schedule.upTo({ times: 8 })
)

/**
 * The retry policy of every activity after a transient failure, {@link retrySchedule} unless provided: a 5xx or a
 * lost answer keeps failing for about a minute before the conversation is quarantined. Provide a shorter one for
 * a server known to be down for good, or in tests.
 *
 * @since 0.2.0
 */
export const ActivityRetry = Context.Reference<Schedule.Schedule<unknown, unknown>>(
  "@parley/migrate/MigrateWorkflow/ActivityRetry",
  { defaultValue: () => retrySchedule }
)

/**
 * How long Intercom's search may trail a write: a contact or conversation created a moment ago can be missing from
 * `POST /contacts/search` and `POST /conversations/search` for a while (the index is eventually consistent), while
 * `GET` by id sees it at once. A write whose answer was lost and that is looked up by search is only taken as "not
 * written" once its last attempt is older than this; before, the lookup waits out the rest and searches again.
 * Default 60 seconds; 0 for a server whose search is immediate (the sandbox by default).
 *
 * @since 0.1.0
 */
export const SearchSettle = Context.Reference<Duration.Duration>("@parley/migrate/MigrateWorkflow/SearchSettle", {
  defaultValue: () => Duration.seconds(60)
})

/**
 * A write made exactly once: `done` returns the recorded result; an intent without `done` (the write may have
 * happened) reconciles by reading Intercom back, and when the read is a search (`eventual`), not before the search
 * can see the last attempt (see {@link SearchSettle}); otherwise intend, write, complete. Every attempt re-stamps
 * the intent, so the wait counts from the latest write that may have happened. An answer that proves the write did
 * not happen (a 429 or a 4xx: writes are retried on 429 only, so every attempt was refused) withdraws the intent,
 * so the next attempt neither reconciles nor waits.
 */
const once = <E extends IntercomError.IntercomError, R>(
  key: string,
  reconcile: Effect.Effect<Option.Option<string>, E, R>,
  write: Effect.Effect<string, E, R>,
  options: { readonly eventual: boolean } = { eventual: false }
) =>
  Effect.gen(function*() {
    const ledger = yield* Ledger
    return yield* ledger.exclusive(key)(onceUnlocked(ledger, key, reconcile, write, options))
  })

const onceUnlocked = <E extends IntercomError.IntercomError, R>(
  ledger: LedgerService,
  key: string,
  reconcile: Effect.Effect<Option.Option<string>, E, R>,
  write: Effect.Effect<string, E, R>,
  options: { readonly eventual: boolean }
) =>
  Effect.gen(function*() {
    const done = yield* ledger.done(key)
    if (Option.isSome(done)) return done.value
    const intended = yield* ledger.intendedAt(key)
    if (Option.isSome(intended)) {
      let found = yield* reconcile
      if (Option.isNone(found) && options.eventual) {
        const settle = Duration.toMillis(yield* SearchSettle)
        const wait = intended.value + settle - (yield* Clock.currentTimeMillis)
        if (wait > 0) {
          yield* Effect.annotateCurrentSpan({ "parley.searchSettleWaitMs": wait })
          yield* Effect.sleep(Duration.millis(wait))
          found = yield* reconcile
        }
      }
      if (Option.isSome(found)) {
        yield* ledger.complete(key, found.value)
        return found.value
      }
    }
    yield* ledger.intend(key)
    const result = yield* write.pipe(
      Effect.tapError((error) => IntercomError.outcomeUnknown(error) ? Effect.void : ledger.retract(key))
    )
    yield* ledger.complete(key, result)
    return result
  })

const stripTags = (html: string): string =>
  html.replace(/<[^>]*>/g, " ").replace(/&nbsp;/g, " ").replace(/\s+/g, " ").trim()

/**
 * Whether an Intercom part is the planned message: same kind, same second, same author, same text.
 *
 * @since 0.1.0
 */
export const partMatches = (part: Models.Part, message: Plan.Message, contactId: string): boolean =>
  part.part_type === message.kind
  && Math.floor(DateTime.toEpochMillis(part.created_at) / 1000) === message.createdAt
  && (message.author._tag === "Contact"
    ? part.author.type !== "admin" && part.author.type !== "bot" && part.author.id === contactId
    : part.author.type === "admin" && part.author.id === message.author.adminId)
  && stripTags(part.body ?? "") === stripTags(message.body)

const contactStep = (plan: Plan.ConversationPlan) =>
  Effect.gen(function*() {
    const intercom = yield* IntercomClient.IntercomClient
    const find = Effect.gen(function*() {
      const byExternal = yield* intercom.findContactByExternalId(plan.contact.externalId)
      if (Option.isSome(byExternal)) return Option.some(byExternal.value.id)
      if (plan.contact.email === null) return Option.none<string>()
      const byEmail = yield* intercom.findContactByEmail(plan.contact.email)
      return Option.map(byEmail, (c) => c.id)
    })
    const create = intercom.createContact({
      role: plan.contact.role,
      external_id: plan.contact.externalId,
      ...(plan.contact.email === null ? {} : { email: plan.contact.email }),
      ...(plan.contact.name === null ? {} : { name: plan.contact.name })
    } as Models.CreateContactRequest).pipe(
      Effect.map((c) => c.id),
      // The contact exists (another conversation's workflow created it, or an earlier attempt whose answer was
      // lost): Intercom's 409 names it, and the duplicate check sees what search may not see yet.
      Effect.catchTag("Conflict", (conflict) =>
        conflict.existingId !== undefined
          ? Effect.succeed(conflict.existingId)
          : find.pipe(Effect.flatMap(Option.match({
            onNone: () => Effect.fail(conflict),
            onSome: Effect.succeed
          }))))
    )
    // Contacts are shared between conversations and always looked up first, so the lookup is the reconciliation
    // (a search: a contact created a moment ago may not be found yet, and leads may share an email without a 409).
    return yield* once(
      `contact:${plan.contact.externalId}`,
      find,
      find.pipe(
        Effect.flatMap(Option.match({ onNone: () => create, onSome: Effect.succeed }))
      ),
      { eventual: true }
    )
  })

const openStep = (plan: Plan.ConversationPlan, contactId: string) =>
  Effect.gen(function*() {
    const intercom = yield* IntercomClient.IntercomClient
    const reconcile = intercom.searchConversations({
      query: {
        operator: "AND",
        value: [
          { field: "contact_ids", operator: "=", value: contactId },
          { field: "created_at", operator: "=", value: plan.opening.createdAt }
        ]
      }
    } as Models.SearchRequest).pipe(
      Effect.map((list) =>
        Option.map(
          Option.fromNullishOr(
            list.conversations.find((c) => stripTags(c.source.body ?? "") === stripTags(plan.opening.body))
          ),
          (c) => String(c.id)
        )
      )
    )
    return yield* once(
      `conversation:${plan.driftConversationId}`,
      reconcile,
      intercom.createConversation({
        from: { type: plan.contact.role, id: contactId },
        body: plan.opening.body,
        created_at: DateTime.makeUnsafe(plan.opening.createdAt * 1000),
        ...(plan.opening.attachmentUrls.length === 0
          ? {}
          : { attachment_urls: plan.opening.attachmentUrls.slice(0, 10) })
      } as Models.CreateConversationRequest).pipe(Effect.map((m) => String(m.conversation_id))),
      { eventual: true }
    )
  })

const repliesStep = (plan: Plan.ConversationPlan, contactId: string, conversationId: string) =>
  Effect.gen(function*() {
    const intercom = yield* IntercomClient.IntercomClient
    const ledger = yield* Ledger
    const id = conversationId as Intercom.ConversationId
    // Read back at most once per activity attempt, and only when an intent says a write may have happened.
    let parts: ReadonlyArray<Models.Part> | undefined
    const claimed = new Set(
      (yield* ledger.doneWithPrefix(`part:${plan.driftConversationId}:`)).map((r) => r.result)
    )
    for (const message of plan.replies) {
      const key = `part:${plan.driftConversationId}:${message.driftMessageId}`
      const reconcile = Effect.gen(function*() {
        if (parts === undefined) {
          parts = (yield* intercom.getConversation(id)).conversation_parts?.conversation_parts ?? []
        }
        const found = parts.find((p) => !claimed.has(String(p.id)) && partMatches(p, message, contactId))
        return Option.map(Option.fromNullishOr(found), (p) => String(p.id))
      })
      const request: Models.ReplyRequest = message.author._tag === "Contact"
        ? {
          message_type: "comment",
          type: "user",
          intercom_user_id: contactId,
          body: message.body,
          created_at: DateTime.makeUnsafe(message.createdAt * 1000),
          ...(message.attachmentUrls.length === 0 ? {} : { attachment_urls: message.attachmentUrls.slice(0, 10) })
        } as Models.ReplyRequest
        : {
          message_type: message.kind,
          type: "admin",
          admin_id: message.author.adminId,
          body: message.body,
          created_at: DateTime.makeUnsafe(message.createdAt * 1000),
          ...(message.attachmentUrls.length === 0 ? {} : { attachment_urls: message.attachmentUrls.slice(0, 10) })
        } as Models.ReplyRequest
      const partId = yield* once(
        key,
        reconcile,
        intercom.reply(id, request).pipe(
          Effect.map((conversation) => {
            parts = undefined
            const list = conversation.conversation_parts?.conversation_parts ?? []
            const mine = list.toReversed().find((p) => !claimed.has(String(p.id)) && partMatches(p, message, contactId))
            return String((mine ?? list[list.length - 1])?.id ?? "")
          })
        )
      )
      claimed.add(partId)
    }
    return plan.replies.length
  })

const finishStep = (plan: Plan.ConversationPlan, conversationId: string) =>
  Effect.gen(function*() {
    const intercom = yield* IntercomClient.IntercomClient
    const id = conversationId as Intercom.ConversationId
    // Idempotent writes (the client retries them like reads): attributes and tags.
    yield* intercom.updateConversation(
      id,
      { custom_attributes: plan.customAttributes } as Models.UpdateConversationRequest
    )
    for (const name of plan.tags) {
      const tag = yield* intercom.createTag(name)
      yield* intercom.tagConversation(id, { tagId: tag.id, adminId: plan.actorAdminId })
    }
    const current = intercom.getConversation(id)
    if (plan.assigneeAdminId !== null) {
      const assignee = plan.assigneeAdminId
      yield* once(
        `assign:${plan.driftConversationId}:${assignee}`,
        current.pipe(
          Effect.map((c) => String(c.admin_assignee_id) === assignee ? Option.some(assignee) : Option.none())
        ),
        intercom.assign(id, { adminId: plan.actorAdminId, assigneeId: assignee }).pipe(Effect.as(assignee))
      )
    }
    if (plan.state !== "open") {
      const state = plan.state
      yield* once(
        `state:${plan.driftConversationId}:${state}:${plan.snoozedUntil ?? ""}`,
        current.pipe(Effect.map((c) => c.state === state ? Option.some(state) : Option.none())),
        (state === "closed"
          ? intercom.close(id, { adminId: plan.actorAdminId })
          : intercom.snooze(id, {
            adminId: plan.actorAdminId,
            until: DateTime.makeUnsafe((plan.snoozedUntil ?? Math.floor(Date.now() / 1000) + 86_400) * 1000)
          })).pipe(Effect.as(state))
      )
    }
  })

const activity = <A, R>(
  plan: Plan.ConversationPlan,
  name: string,
  success: Schema.Codec<A>,
  execute: Effect.Effect<A, IntercomError.IntercomError | SqlError.SqlError, R>
) =>
  Activity.make({
    name,
    success,
    error: MigrateError,
    execute: Effect.mapError(
      Effect.gen(function*() {
        return yield* Effect.retry(execute, { schedule: yield* ActivityRetry, while: transient })
      }),
      classify(plan.driftConversationId, name)
    )
  })

/**
 * The workflow's body (registered with {@link layer}).
 *
 * @since 0.1.0
 */
export const execute = Effect.fnUntraced(function*(payload: typeof MigrateConversation.payloadSchema.Type) {
  const { plan } = payload
  const contactId = yield* activity(plan, "contact", Schema.String, contactStep(plan))
  const intercomId = yield* activity(plan, "open", Schema.String, openStep(plan, contactId))
  const replies = yield* activity(plan, "replies", Schema.Int, repliesStep(plan, contactId, intercomId))
  yield* activity(plan, "finish", Schema.Void, finishStep(plan, intercomId))
  return { intercomId, contactId, replies }
})

/**
 * The workflow registered on the engine in context; requires the Intercom client and the ledger.
 *
 * @since 0.1.0
 */
export const layer = MigrateConversation.toLayer(execute)
