/**
 * The shapes the Inbox API speaks: queries, pages, thread views, workspace counts and errors, as Effect Schemas
 * built on the `@parley/schema` models.
 *
 * This module imports only `effect` and `@parley/schema`, so the web page bundles it and decodes every answer
 * with the same schemas the server encodes with: a `Drift.Thread` arrives in the browser as the same branded,
 * `DateTime.Utc`, sanitized-body value the server holds.
 *
 * @example
 * ```ts
 * import { Model } from "@parley/inbox"
 * import { Schema } from "effect"
 *
 * const page = Schema.decodeUnknownSync(Model.ThreadsPage)(await (await fetch("/api/threads")).json())
 * page.items[0]?.conversation.updatedAt // DateTime.Utc
 * ```
 *
 * @since 0.1.0
 */
// `Html` is only named in JSDoc, which lets declaration emit name `Html.SanitizedBodySchema` (message bodies).
// oxlint-disable-next-line no-unused-vars
import { Drift, type Html, Intercom } from "@parley/schema"
import { Schema } from "effect"

/**
 * A count: a non-negative safe integer.
 *
 * @since 0.1.0
 */
export const Count = Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }))

/**
 * The largest page size `GET /api/threads` serves.
 *
 * @since 0.1.0
 */
export const MAX_PAGE_SIZE = 100

/**
 * The page size `GET /api/threads` uses when none is asked for.
 *
 * @since 0.1.0
 */
export const DEFAULT_PAGE_SIZE = 25

// -----------------------------------------------------------------------------
// Migration
// -----------------------------------------------------------------------------

/**
 * What a `parley migrate` ledger says of a conversation: `pending` (started, not landed yet), `migrated` (in
 * Intercom, with its id), `rejected` (the mapping or Intercom refused it, with the reason), `mismatch` (migrated,
 * but `parley migrate verify` found Intercom's copy different from the plan, with the fields).
 *
 * @since 0.3.0
 */
export const MigrationStatus = Schema.Literals(["pending", "migrated", "rejected", "mismatch"])
/** @since 0.3.0 */
export type MigrationStatus = typeof MigrationStatus.Type

/**
 * The migration filter of `GET /api/threads`: a {@link MigrationStatus}, or `none` (not in the ledger).
 *
 * @since 0.3.0
 */
export const MigrationFilter = Schema.Literals(["pending", "migrated", "rejected", "mismatch", "none"])
/** @since 0.3.0 */
export type MigrationFilter = typeof MigrationFilter.Type

/**
 * One field a verify found different: what the plan expected and what Intercom holds.
 *
 * @since 0.3.0
 */
export const MismatchField = Schema.Struct({ field: Schema.String, expected: Schema.String, actual: Schema.String })
/** @since 0.3.0 */
export interface MismatchField extends Schema.Schema.Type<typeof MismatchField> {}

/**
 * One conversation's migration state, from the ledger. `intercomId` once the Intercom conversation exists;
 * `reason` why it was rejected (or the mismatch in plain words); `mismatches` every field a verify found different.
 *
 * @since 0.3.0
 */
export const MigrationState = Schema.Struct({
  status: MigrationStatus,
  intercomId: Schema.NullOr(Schema.String),
  reason: Schema.NullOr(Schema.String),
  mismatches: Schema.Array(MismatchField),
  updatedAt: Drift.Timestamp
})
/** @since 0.3.0 */
export interface MigrationState extends Schema.Schema.Type<typeof MigrationState> {}

/**
 * The migration database the Inbox reads (`--migration`), and how many of the source's conversations are in each
 * state (`none`: not in the ledger). `error` when the last read failed (the previous states are still shown).
 *
 * @since 0.3.0
 */
export const MigrationInfo = Schema.Struct({
  database: Schema.String,
  counts: Schema.Struct({ pending: Count, migrated: Count, rejected: Count, mismatch: Count, none: Count }),
  error: Schema.optionalKey(Schema.String)
})
/** @since 0.3.0 */
export interface MigrationInfo extends Schema.Schema.Type<typeof MigrationInfo> {}

// -----------------------------------------------------------------------------
// Threads
// -----------------------------------------------------------------------------

/**
 * The query of `GET /api/threads`: every filter optional, combined with AND. `q` is split on whitespace and every
 * word must occur (case-insensitively) in the thread's plain text (`Html.toPlainText` of the sanitized bodies),
 * its contact, its tags or its id.
 *
 * @example
 * ```ts
 * import { Model } from "@parley/inbox"
 * import { Schema } from "effect"
 *
 * Schema.decodeUnknownSync(Model.ThreadsQuery)({ status: "open", tag: "billing", q: "charged twice", page: 2 })
 * ```
 *
 * @since 0.1.0
 */
export const ThreadsQuery = Schema.Struct({
  status: Schema.optionalKey(Drift.ConversationStatus).annotateKey({
    description: "Only conversations with this status (`open`, `closed`, `pending`, `bulk_sent`)."
  }),
  tag: Schema.optionalKey(Schema.String).annotateKey({ description: "Only conversations with this tag (by name)." }),
  q: Schema.optionalKey(Schema.String).annotateKey({
    description: "Words that must all occur in the thread's plain text, contact, tags or id (case-insensitive)."
  }),
  page: Schema.optionalKey(Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER })))
    .annotateKey({ description: "The page to read, from 1 (default 1)." }),
  pageSize: Schema.optionalKey(Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: MAX_PAGE_SIZE })))
    .annotateKey({ description: `Threads per page, 1 to ${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE}).` }),
  migration: Schema.optionalKey(MigrationFilter).annotateKey({
    description:
      "With a migration database (`--migration`): only conversations in this state (`pending`, `migrated`, `rejected`, `mismatch`), or `none` (not in the ledger)."
  })
})
/** @since 0.1.0 */
export interface ThreadsQuery extends Schema.Schema.Type<typeof ThreadsQuery> {}

/**
 * Where the index of the source stands. `conversations` have been listed; `threads` of them have their messages
 * read (text search covers those); `expected` is the total the source announced, when it did.
 *
 * @since 0.1.0
 */
export const IndexStatus = Schema.Struct({
  state: Schema.Literals(["loading", "ready", "failed"]),
  conversations: Count,
  threads: Count,
  expected: Schema.NullOr(Count),
  failedThreads: Count,
  error: Schema.optionalKey(Schema.String)
})
/** @since 0.1.0 */
export interface IndexStatus extends Schema.Schema.Type<typeof IndexStatus> {}

/**
 * One line of the thread list: the Drift conversation itself plus what the list shows about its messages.
 * `preview` and `snippet` are plain text (render them as text). `messageCount` is `null` while the messages are
 * not loaded yet. `migration` is its state in the migration database, when the Inbox reads one and the ledger has it.
 *
 * @since 0.1.0
 */
export const ThreadSummary = Schema.Struct({
  conversation: Drift.Conversation,
  contact: Schema.String,
  preview: Schema.String,
  messageCount: Schema.NullOr(Count),
  privateNotes: Count,
  lastMessageAt: Schema.NullOr(Drift.Timestamp),
  snippet: Schema.optionalKey(Schema.String),
  migration: Schema.optionalKey(MigrationState)
})
/** @since 0.1.0 */
export interface ThreadSummary extends Schema.Schema.Type<typeof ThreadSummary> {}

/**
 * One page of `GET /api/threads`: the matching threads (most recently updated first), how many match, and the
 * index status (while it is `loading`, later pages and text search may still grow).
 *
 * @since 0.1.0
 */
export const ThreadsPage = Schema.Struct({
  items: Schema.Array(ThreadSummary),
  page: Count,
  pageSize: Count,
  total: Count,
  pages: Count,
  index: IndexStatus
})
/** @since 0.1.0 */
export interface ThreadsPage extends Schema.Schema.Type<typeof ThreadsPage> {}

/**
 * `GET /api/threads/{id}`: the thread in Drift's shape (bodies sanitized on decode by {@link Html.SanitizedBody}). `warning` says why the copy
 * may be out of date (Drift did not answer and the indexed copy is shown). `migration`: its state in the migration
 * database, when the Inbox reads one and the ledger has it.
 *
 * @since 0.1.0
 */
export const ThreadResponse = Schema.Struct({
  thread: Drift.Thread,
  warning: Schema.optionalKey(Schema.String),
  migration: Schema.optionalKey(MigrationState)
})
/** @since 0.1.0 */
export interface ThreadResponse extends Schema.Schema.Type<typeof ThreadResponse> {}

/**
 * A JSON path: keys and array indexes.
 *
 * @since 0.1.0
 */
export const JsonPath = Schema.Array(Schema.Union([Schema.String, Schema.Int]))
/** @since 0.1.0 */
export type JsonPath = typeof JsonPath.Type

/**
 * One Drift value that does not survive Drift -> Intercom -> Drift: where it is in the Drift thread, where it went
 * in the Intercom JSON (`null`: the shape has no place for it), the mapping table's rule, and the value sent and
 * the value that came back (as JSON text; `absent` when missing).
 *
 * @since 0.1.0
 */
export const Loss = Schema.Struct({
  drift: JsonPath,
  intercom: Schema.NullOr(JsonPath),
  rule: Schema.String,
  sent: Schema.String,
  back: Schema.String
})
/** @since 0.1.0 */
export interface Loss extends Schema.Schema.Type<typeof Loss> {}

/**
 * `GET /api/threads/{id}/intercom`: the thread mapped by `@parley/intercom` to the API 2.11 shape and to the
 * classic shape, and what each loses, found by mapping back and comparing (with the default config, 2.11 loses
 * nothing).
 *
 * @since 0.1.0
 */
export const IntercomView = Schema.Struct({
  v2: Intercom.ConversationV2,
  classic: Intercom.Conversation,
  lossesV2: Schema.Array(Loss),
  lossesClassic: Schema.Array(Loss)
})
/** @since 0.1.0 */
export interface IntercomView extends Schema.Schema.Type<typeof IntercomView> {}

// -----------------------------------------------------------------------------
// Workspace
// -----------------------------------------------------------------------------

/**
 * Where the threads come from: the embedded sandbox, a Drift workspace, or an NDJSON export file.
 *
 * @since 0.1.0
 */
export const SourceInfo = Schema.Struct({
  kind: Schema.Literals(["sandbox", "drift", "file"]),
  label: Schema.String
})
/** @since 0.1.0 */
export interface SourceInfo extends Schema.Schema.Type<typeof SourceInfo> {}

/**
 * One tag and how many conversations carry it.
 *
 * @since 0.1.0
 */
export const TagCount = Schema.Struct({
  name: Schema.String,
  color: Schema.String,
  count: Count
})
/** @since 0.1.0 */
export interface TagCount extends Schema.Schema.Type<typeof TagCount> {}

/**
 * Workspace counts over the index: conversations by status and by tag, and messages and private notes of the
 * threads loaded so far.
 *
 * @since 0.1.0
 */
export const Counts = Schema.Struct({
  conversations: Count,
  byStatus: Schema.Struct({ open: Count, closed: Count, pending: Count, bulk_sent: Count }),
  tags: Schema.Array(TagCount),
  messages: Count,
  privateNotes: Count
})
/** @since 0.1.0 */
export interface Counts extends Schema.Schema.Type<typeof Counts> {}

/**
 * Lines of an export file that could not be read (first {@link MAX_UNREADABLE_SHOWN} listed), each with its line
 * number and what was wrong, with the JSON path.
 *
 * @since 0.1.0
 */
export const Unreadable = Schema.Struct({
  count: Count,
  lines: Schema.Array(Schema.Struct({ line: Count, message: Schema.String }))
})
/** @since 0.1.0 */
export interface Unreadable extends Schema.Schema.Type<typeof Unreadable> {}

/**
 * How many unreadable lines are listed one by one.
 *
 * @since 0.1.0
 */
export const MAX_UNREADABLE_SHOWN = 20

/**
 * `GET /api/workspace`: the source, the counts, the index status, unreadable lines, the Drift user directory
 * (names of authors; empty for files), and the migration database's counts when the Inbox reads one.
 *
 * @since 0.1.0
 */
export const Workspace = Schema.Struct({
  source: SourceInfo,
  counts: Counts,
  index: IndexStatus,
  unreadable: Unreadable,
  users: Schema.Array(Drift.User),
  migration: Schema.optionalKey(MigrationInfo)
})
/** @since 0.1.0 */
export interface Workspace extends Schema.Schema.Type<typeof Workspace> {}

// -----------------------------------------------------------------------------
// Errors
// -----------------------------------------------------------------------------

/**
 * 404: no conversation with this id in the source.
 *
 * @since 0.1.0
 */
export class ThreadNotFound extends Schema.TaggedError<ThreadNotFound>()("ThreadNotFound", {
  id: Schema.Number,
  message: Schema.String
}, { httpApiStatus: 404 }) {}

/**
 * 503: the source cannot answer (Drift down, wrong URL, bad token, unreadable file); `message` says what happened
 * and what to do.
 *
 * @since 0.1.0
 */
export class SourceUnavailable extends Schema.TaggedError<SourceUnavailable>()("SourceUnavailable", {
  message: Schema.String
}, { httpApiStatus: 503 }) {}

/**
 * 400: a request the API's schemas reject (`page=0`, a thread id that is not a number), or 404 for an unknown
 * `/api` route; `message` names the parameter.
 *
 * @since 0.1.0
 */
export class BadRequest extends Schema.TaggedError<BadRequest>()("BadRequest", {
  message: Schema.String
}, { httpApiStatus: 400 }) {}

/**
 * Every error body the API sends.
 *
 * @since 0.1.0
 */
export const ErrorBody = Schema.Union([ThreadNotFound, SourceUnavailable, BadRequest])
/** @since 0.1.0 */
export type ErrorBody = typeof ErrorBody.Type
