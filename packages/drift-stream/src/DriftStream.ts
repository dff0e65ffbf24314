/**
 * Every Drift conversation, message and thread as an Effect Stream: paged, resumable, with bounded memory and
 * bounded concurrency.
 *
 * ## What the conversation stream guarantees
 *
 * Drift orders `GET /conversations/list` by `updatedAt`, newest first, so a conversation updated during an
 * export jumps to the front and shifts the pages behind it. The stream is built so that, whatever the server's
 * cursor does under that shifting:
 *
 * 1. every conversation that existed when the export started is emitted (for conversations updated during the
 *    export, in a state at least as new as the one at the start);
 * 2. no conversation id is emitted twice;
 * 3. conversations created during the export are emitted when the catch-up pass reaches them (best effort).
 *
 * It does so in two phases. The main pass walks the list and emits the conversations whose `updatedAt` is at
 * or before `startedAt` (the newest `updatedAt` on the first page: the server's clock, never the client's),
 * skipping ids it already emitted (a page shifted back by an update repeats ids). Conversations updated after
 * the start have moved in front of the walk, so catch-up passes walk from the front again and emit those not
 * yet emitted, until a pass finds none (at most {@link MAX_CATCHUP_PASSES}). The emitted ids are kept in a set
 * (about 40 bytes per conversation) and in the checkpoint, so the guarantee survives a crash and a resume.
 *
 * With a status filter, a conversation whose status leaves the filter while the export runs is no longer
 * listed and may be missed; without a filter nothing is missed.
 *
 * @example
 * ```ts
 * import { DriftStream } from "@parley/drift-stream"
 * import { Effect, Stream } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const drift = yield* DriftStream.DriftStream
 *   yield* drift.threads({ concurrency: 8 }).pipe(
 *     Stream.runForEach((thread) => Effect.log(thread.conversation.id, thread.messages.length))
 *   )
 * })
 * ```
 *
 * @since 0.1.0
 */
import { DriftClient, type DriftError } from "@parley/drift-client"
import { Drift } from "@parley/schema"
import {
  Context,
  DateTime,
  Duration,
  Effect,
  Layer,
  Option,
  References,
  Result,
  Schedule,
  Semaphore,
  Stream
} from "effect"
import { EmittedIds, type Saved, type State } from "./Checkpoint.ts"
import * as Checkpoint from "./Checkpoint.ts"
import {
  CheckpointMismatch,
  CursorLoop,
  CursorUnrecognized,
  type DriftStreamError,
  Incomplete,
  PageFailed,
  RecordRejected,
  ThreadFailed
} from "./DriftStreamError.ts"
import * as SinkRecord from "./internal/sinkRecord.ts"
import type * as RecordSink from "./RecordSink.ts"

/**
 * How many catch-up passes run at most after the main pass (each finds conversations updated during the
 * previous one).
 *
 * @since 0.1.0
 */
export const MAX_CATCHUP_PASSES = 5

/**
 * A progress event: the totals when known, each page listed, each thread read.
 *
 * @since 0.1.0
 */
export type ProgressEvent =
  | { readonly _tag: "Totals"; readonly conversations: number }
  | {
    readonly _tag: "Page"
    readonly phase: "main" | "catchup"
    readonly cursor: string | null
    readonly conversations: number
    readonly skipped: number
    /** The client's traffic so far (requests, retries, 429s). */
    readonly client: DriftClient.Stats
  }
  | {
    readonly _tag: "Thread"
    readonly conversationId: Drift.ConversationId
    readonly messages: number
    /** The client's traffic so far (requests, retries, 429s). */
    readonly client: DriftClient.Stats
  }
  | { readonly _tag: "Rejected"; readonly reject: RejectedThread; readonly client: DriftClient.Stats }

/**
 * A conversation whose messages or contact Drift answered with something that does not decode: quarantined
 * instead of ending the export. It carries what is needed to look at it and retry it by hand: the request
 * (`GET /conversations/7/messages?next=20`), the HTTP status, the JSON path of the first problem and the raw
 * answer (the token scrubbed).
 *
 * @since 0.2.0
 */
export interface RejectedThread {
  readonly conversation: Drift.Conversation
  readonly what: "messages" | "contact"
  readonly request: string
  readonly status: number
  readonly path: string
  readonly error: string
  readonly answer: string
}

/**
 * A {@link RejectedThread} as one JSON record of a rejects file: `conversationId`, `request`, `status`, `path`,
 * `error`, and `answer` (the raw answer, parsed when it is JSON, else the text).
 *
 * @example
 * ```ts
 * import { DriftStream } from "@parley/drift-stream"
 *
 * declare const reject: DriftStream.RejectedThread
 * JSON.stringify(DriftStream.rejectRecord(reject))
 * ```
 *
 * @since 0.2.0
 */
export const rejectRecord = (reject: RejectedThread): Record<string, unknown> => {
  let answer: unknown = reject.answer
  try {
    answer = JSON.parse(reject.answer)
  } catch {
    // not JSON: kept as text
  }
  return {
    conversationId: reject.conversation.id,
    what: reject.what,
    request: reject.request,
    status: reject.status,
    path: reject.path,
    error: reject.error,
    answer
  }
}

/**
 * Which conversations to read.
 *
 * @since 0.1.0
 */
export interface ConversationsOptions {
  /** Only these statuses (Drift's `statusId` filter). Default: all. */
  readonly statuses?: ReadonlyArray<Drift.FilterableStatus> | undefined
  /** Conversations per list request: 1 to 50 on Drift's legacy list API, to 100 on the newer one. Default 50. */
  readonly pageSize?: number | undefined
  /** Incremental: only conversations updated after this instant. */
  readonly since?: DateTime.Utc | undefined
  /** Called for every progress event. */
  readonly onProgress?: ((event: ProgressEvent) => Effect.Effect<void>) | undefined
}

/**
 * Which threads to read, and how.
 *
 * @since 0.1.0
 */
export interface ThreadsOptions extends ConversationsOptions {
  /** Conversations whose messages are read at once. Default 4. */
  readonly concurrency?: number | undefined
  /** Also read each conversation's contact. Default false. */
  readonly withContact?: boolean | undefined
  /**
   * Stop at the first conversation whose messages or contact do not decode (a `ThreadFailed` with a
   * `DecodeError` reason). Default false: such a conversation is quarantined as a {@link RejectedThread} and the
   * stream goes on.
   */
  readonly strict?: boolean | undefined
}

/**
 * A page of conversations with the checkpoint state to save once the page's items are consumed.
 *
 * @since 0.1.0
 */
export interface ConversationPage {
  readonly conversations: ReadonlyArray<Drift.Conversation>
  readonly state: State
  readonly emitted: EmittedIds
}

/**
 * A page of threads with the checkpoint state to save once they are written.
 *
 * @since 0.1.0
 */
export interface ThreadPage {
  readonly threads: ReadonlyArray<Drift.Thread>
  /** The page's quarantined conversations (see {@link ThreadsOptions.strict}). */
  readonly rejects: ReadonlyArray<RejectedThread>
  readonly state: State
  readonly emitted: EmittedIds
}

/**
 * The result of {@link DriftStream.changedSince}: the conversations updated after the watermark, and the new
 * watermark to give the next sync.
 *
 * @since 0.1.0
 */
export interface ChangedSince {
  readonly watermark: DateTime.Utc
  readonly conversations: Stream.Stream<Drift.Conversation, DriftStreamError>
}

/**
 * The stream service.
 *
 * @since 0.1.0
 */
export class DriftStream extends Context.Service<DriftStream, {
  /** Every conversation, once each (see the module docs for the guarantee under updates). */
  readonly conversations: (options?: ConversationsOptions) => Stream.Stream<Drift.Conversation, DriftStreamError>
  /** The conversation pages with their checkpoint states; `from` resumes a saved checkpoint. */
  readonly conversationPages: (
    options?: ConversationsOptions & { readonly from?: Saved | undefined }
  ) => Stream.Stream<ConversationPage, DriftStreamError>
  /** Every message of one conversation, across its pages, oldest first. */
  readonly messages: (conversationId: Drift.ConversationId) => Stream.Stream<Drift.Message, ThreadFailed | CursorLoop>
  /** One conversation with its messages (and contact when asked). */
  readonly thread: (
    conversation: Drift.Conversation,
    options?: { readonly withContact?: boolean | undefined }
  ) => Effect.Effect<Drift.Thread, ThreadFailed | CursorLoop>
  /**
   * Every thread, in list order, messages read with bounded concurrency. A quarantined conversation is not
   * emitted: it is reported as a `Rejected` progress event (use {@link threadPages} to receive it as data).
   */
  readonly threads: (options?: ThreadsOptions) => Stream.Stream<Drift.Thread, DriftStreamError>
  /** Thread pages with their checkpoint states; `from` resumes a saved checkpoint. */
  readonly threadPages: (
    options?: ThreadsOptions & { readonly from?: Saved | undefined }
  ) => Stream.Stream<ThreadPage, DriftStreamError>
  /** Drift's conversation counts by status now (`None` when the stats endpoint cannot be read). */
  readonly conversationCounts: Effect.Effect<Option.Option<Record<string, number>>>
  /** Conversations updated after `watermark`, and the new watermark. */
  readonly changedSince: (
    watermark: DateTime.Utc,
    options?: Omit<ConversationsOptions, "since">
  ) => Effect.Effect<ChangedSince, DriftStreamError>
}>()("@parley/drift-stream/DriftStream") {
  /**
   * The stream service over a {@link DriftClient.DriftClient}.
   *
   * @since 0.1.0
   */
  static readonly layer: Layer.Layer<DriftStream, never, DriftClient.DriftClient> = Layer.effect(
    DriftStream,
    Effect.gen(function*() {
      const client = yield* DriftClient.DriftClient
      return make(client)
    })
  )
}

const millis = (dt: DateTime.Utc): number => dt.epochMilliseconds

const optionsKey = (options: State["options"]): string =>
  JSON.stringify({ statuses: [...options.statuses].sort(), pageSize: options.pageSize, since: options.since })

const normalizeOptions = (options: ConversationsOptions): State["options"] => ({
  statuses: [...new Set(options.statuses ?? [])].sort(),
  pageSize: Math.max(1, Math.min(100, Math.trunc(options.pageSize ?? 50))),
  since: options.since === undefined ? null : millis(options.since)
})

const initialState = (options: State["options"]): State => ({
  version: 1,
  phase: "main",
  cursor: null,
  startedAt: null,
  catchUpPass: 0,
  catchUpFound: 0,
  emittedCount: 0,
  watermark: options.since,
  counts: { pages: 0, conversations: 0, messages: 0, rejected: 0 },
  options
})

const noProgress = (_: ProgressEvent) => Effect.void

/** The conversations Drift counts for `statuses` (all statuses when empty). */
const wantedCount = (counts: Record<string, number>, statuses: ReadonlyArray<string>): number =>
  statuses.length === 0
    ? Object.values(counts).reduce((a, b) => a + b, 0)
    : statuses.reduce((a, s) => a + (counts[s.toUpperCase()] ?? 0), 0)

const pathOf = (url: string): string => {
  const match = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*([^?#]*)/i.exec(url)
  return match === null || match[1] === "" ? url : match[1]!
}

const rejectOf = (
  conversation: Drift.Conversation,
  error: ThreadFailed,
  reason: DriftError.DecodeError
): RejectedThread => ({
  conversation,
  what: error.what,
  request: `${reason.method} ${pathOf(reason.url)}${
    error.cursor === null ? "" : `?next=${encodeURIComponent(error.cursor)}`
  }`,
  status: reason.status,
  path: reason.path,
  error: reason.description,
  answer: reason.body ?? reason.excerpt
})

const make = (client: DriftClient.DriftClient["Service"]): DriftStream["Service"] => {
  const listPage = (state: State) =>
    client.listConversations({
      limit: state.options.pageSize,
      ...(state.cursor === null
        ? {}
        : { cursor: { _tag: state.cursorApi ?? "next", value: state.cursor } as Drift.ListCursor }),
      ...(state.options.statuses.length === 0
        ? {}
        : { statuses: state.options.statuses as ReadonlyArray<Drift.FilterableStatus> })
    }).pipe(
      Effect.mapError((reason) =>
        new PageFailed({ phase: state.phase === "catchup" ? "catchup" : "main", cursor: state.cursor, reason })
      )
    )

  /** One step of the export state machine: fetch the page at `state.cursor`, decide what to emit. */
  const step = (emitted: EmittedIds, onProgress: (e: ProgressEvent) => Effect.Effect<void>) => {
    // The cursors fetched in this walk (one phase and pass): one seen twice is a cycle (a -> b -> a).
    let walk = { key: "", seen: new Set<string>() }
    return Effect.fnUntraced(function*(state: State) {
      if (state.phase === "done") return [[], Option.none()] as const
      const key = `${state.phase}/${state.catchUpPass}`
      if (key !== walk.key) walk = { key, seen: new Set() }
      if (state.cursor !== null) {
        if (walk.seen.has(state.cursor)) return yield* new CursorLoop({ what: "conversations", cursor: state.cursor })
        walk.seen.add(state.cursor)
      }
      const page = yield* listPage(state)
      const listed = Drift.listNext(page)
      if (listed._tag === "Unrecognized") {
        return yield* new CursorUnrecognized({ where: listed.where, value: listed.value, cursor: state.cursor })
      }
      const next = listed._tag === "More" ? Option.some(listed.cursor.value) : Option.none<string>()
      if (Option.isSome(next) && next.value === state.cursor) {
        return yield* new CursorLoop({ what: "conversations", cursor: next.value })
      }
      const startedAt = state.startedAt ?? (page.data.length > 0 ? millis(page.data[0]!.updatedAt) : 0)
      const since = state.options.since
      const out: Array<Drift.Conversation> = []
      let watermark = state.watermark
      let skipped = 0
      let reachedKnown = false
      for (const conversation of page.data) {
        const updated = millis(conversation.updatedAt)
        if (state.phase === "main") {
          if (since !== null && updated <= since) {
            reachedKnown = true
            break
          }
          // Updated after the export began: it moved in front of the walk; a catch-up pass emits it.
          if (updated > startedAt) {
            skipped++
            continue
          }
        } else if (updated <= startedAt) {
          reachedKnown = true
          break
        }
        if (!emitted.add(conversation.id)) {
          skipped++
          continue
        }
        out.push(conversation)
        if (watermark === null || updated > watermark) watermark = updated
      }
      const catchUpFound = state.phase === "catchup" ? state.catchUpFound + out.length : 0
      const more = Option.isSome(next) && !reachedKnown
      const position: Pick<State, "phase" | "cursor" | "cursorApi" | "catchUpPass" | "catchUpFound"> = more
        ? {
          phase: state.phase,
          cursor: next.value,
          cursorApi: listed._tag === "More" ? listed.cursor._tag : "next",
          catchUpPass: state.catchUpPass,
          catchUpFound
        }
        : state.phase === "main" || (catchUpFound > 0 && state.catchUpPass < MAX_CATCHUP_PASSES)
        ? { phase: "catchup", cursor: null, catchUpPass: state.catchUpPass + 1, catchUpFound: 0 }
        : { phase: "done", cursor: null, catchUpPass: state.catchUpPass, catchUpFound }
      const nextState: State = {
        ...state,
        ...position,
        startedAt,
        watermark,
        emittedCount: emitted.size,
        counts: {
          ...state.counts,
          pages: state.counts.pages + 1,
          conversations: state.counts.conversations + out.length
        }
      }
      yield* onProgress({
        _tag: "Page",
        phase: state.phase === "catchup" ? "catchup" : "main",
        cursor: state.cursor,
        conversations: out.length,
        skipped,
        client: yield* client.stats
      })
      const emittedPage: ConversationPage = { conversations: out, state: nextState, emitted }
      return [[emittedPage], nextState.phase === "done" ? Option.none() : Option.some(nextState)] as const
    })
  }

  const conversationPages = (
    options: ConversationsOptions & { readonly from?: Saved | undefined } = {}
  ): Stream.Stream<ConversationPage, DriftStreamError> =>
    Stream.unwrap(Effect.gen(function*() {
      const normalized = normalizeOptions(options)
      const onProgress = options.onProgress ?? noProgress
      const from = options.from
      if (from !== undefined && optionsKey(from.state.options) !== optionsKey(normalized)) {
        return yield* new CheckpointMismatch({
          saved: optionsKey(from.state.options),
          requested: optionsKey(normalized)
        })
      }
      const state = from?.state ?? { ...initialState(normalized), startStats: yield* startStats(normalized) }
      if (from === undefined && state.startStats !== null && state.startStats !== undefined) {
        yield* onProgress({ _tag: "Totals", conversations: wantedCount(state.startStats, normalized.statuses) })
      }
      const emitted = from?.emitted ?? new EmittedIds()
      if (state.phase === "done") return Stream.empty
      return Stream.paginate(state, step(emitted, onProgress))
    }))

  /** Drift's counts when the export starts (`null` for an incremental export or without the stats endpoint). */
  const startStats = (options: State["options"]) => options.since !== null ? Effect.succeed(null) : currentStats

  const currentStats = client.conversationStats().pipe(
    Effect.map((stats): Record<string, number> | null => {
      const out: Record<string, number> = {}
      for (const [key, value] of Object.entries(stats.conversationCount)) {
        if (typeof value === "number") out[key] = value
      }
      return out
    }),
    // The counts are for progress and the completeness check: a workspace without the endpoint still exports.
    Effect.catch(() => Effect.succeed(null))
  )

  const messages = (conversationId: Drift.ConversationId): Stream.Stream<Drift.Message, ThreadFailed | CursorLoop> =>
    Stream.suspend(() => {
      // Every cursor of this walk: one seen twice is a cycle (a -> b -> a), which would never end.
      const seen = new Set<string>()
      return Stream.paginate(
        null as string | null,
        Effect.fnUntraced(function*(cursor) {
          const page = yield* client.listMessages(conversationId, cursor === null ? {} : { next: cursor }).pipe(
            Effect.mapError((reason) => new ThreadFailed({ conversationId, what: "messages", cursor, reason }))
          )
          if (cursor !== null) seen.add(cursor)
          const next = Drift.nextCursor(Drift.messagesPagination(page))
          if (Option.isSome(next) && (next.value === cursor || seen.has(next.value))) {
            return yield* new CursorLoop({ what: `messages of conversation ${conversationId}`, cursor: next.value })
          }
          return [page.data.messages, next] as const
        })
      )
    })

  /**
   * Every message of one conversation, as {@link messages} streams them, collected by a plain loop over the pages
   * (a thread is read whole, so the stream's per-page machinery buys nothing there).
   */
  const allMessages = (
    conversationId: Drift.ConversationId
  ): Effect.Effect<Array<Drift.Message>, ThreadFailed | CursorLoop> =>
    Effect.suspend(() => {
      const seen = new Set<string>()
      const all: Array<Drift.Message> = []
      const page = (cursor: string | null): Effect.Effect<Array<Drift.Message>, ThreadFailed | CursorLoop> =>
        client.listMessages(conversationId, cursor === null ? {} : { next: cursor }).pipe(
          Effect.mapError((reason) => new ThreadFailed({ conversationId, what: "messages", cursor, reason })),
          Effect.flatMap((answer) => {
            if (cursor !== null) seen.add(cursor)
            const next = Drift.nextCursor(Drift.messagesPagination(answer))
            if (Option.isSome(next) && (next.value === cursor || seen.has(next.value))) {
              return Effect.fail(
                new CursorLoop({ what: `messages of conversation ${conversationId}`, cursor: next.value })
              )
            }
            for (const message of answer.data.messages) all.push(message)
            return Option.isSome(next) ? page(next.value) : Effect.succeed(all)
          })
        )
      return page(null)
    })

  const thread = (
    conversation: Drift.Conversation,
    options: { readonly withContact?: boolean | undefined } = {}
  ): Effect.Effect<Drift.Thread, ThreadFailed | CursorLoop> =>
    Effect.gen(function*() {
      const all = yield* allMessages(conversation.id)
      if (options.withContact !== true) return { conversation, messages: all }
      const contact = yield* client.getContact(conversation.contactId).pipe(
        Effect.map(Option.some),
        // A contact deleted since the conversation: the thread is still worth exporting.
        Effect.catchTag("NotFound", () => Effect.succeed(Option.none())),
        Effect.mapError((reason) =>
          new ThreadFailed({ conversationId: conversation.id, what: "contact", cursor: null, reason })
        )
      )
      return Option.match(contact, {
        onNone: () => ({ conversation, messages: all }),
        onSome: (contact) => ({ conversation, messages: all, contact })
      })
    }).pipe((read) =>
      // With tracing off (`References.TracerEnabled`), no span at all: not even the no-op one `withSpan` sets up.
      Effect.withFiber((fiber) =>
        fiber.getRef(References.TracerEnabled)
          ? read.pipe(
            Effect.withSpan("DriftStream.thread", { attributes: { conversationId: conversation.id } }, {
              captureStackTrace: false
            })
          )
          : read
      )
    )

  /** A thread, or its quarantine record when Drift's answer for it does not decode (unless `strict`). */
  const threadOrReject = (
    conversation: Drift.Conversation,
    options: ThreadsOptions
  ): Effect.Effect<Result.Result<Drift.Thread, RejectedThread>, ThreadFailed | CursorLoop> => {
    const read = Effect.map(thread(conversation, { withContact: options.withContact }), Result.succeed)
    if (options.strict === true) return read
    return read.pipe(
      Effect.catchReason(
        "ThreadFailed",
        "DecodeError",
        (reason, error) => Effect.succeed(Result.fail(rejectOf(conversation, error, reason))),
        (_, error) => Effect.fail(error)
      )
    )
  }

  /**
   * Pages whose threads are read at once: the next page's conversations start as soon as a permit frees up, so the
   * concurrency does not drain at every page boundary; the permits bound the conversations read at once.
   */
  const PAGES_IN_FLIGHT = 2

  const threadPages = (
    options: ThreadsOptions & { readonly from?: Saved | undefined } = {}
  ): Stream.Stream<ThreadPage, DriftStreamError> => {
    const onProgress = options.onProgress ?? noProgress
    const concurrency = Math.max(1, Math.trunc(options.concurrency ?? 4))
    const startMessages = options.from?.state.counts.messages ?? 0
    const startRejected = options.from?.state.counts.rejected ?? 0
    interface Counts {
      readonly messages: number
      readonly rejected: number
    }
    const read = (conversation: Drift.Conversation) =>
      threadOrReject(conversation, options).pipe(
        Effect.tap((result) =>
          Effect.flatMap(client.stats, (stats) =>
            Result.isSuccess(result)
              ? onProgress({
                _tag: "Thread",
                conversationId: result.success.conversation.id,
                messages: result.success.messages.length,
                client: stats
              })
              : onProgress({ _tag: "Rejected", reject: result.failure, client: stats }))
        )
      )
    return Stream.unwrap(Effect.map(Semaphore.make(concurrency), (permits) => {
      const readPermitted = (conversation: Drift.Conversation) => permits.withPermits(1)(read(conversation))
      return conversationPages(options).pipe(
        // Each page's threads in list order; at most `concurrency` conversations read at once, across pages.
        Stream.mapEffect(
          (page) =>
            Effect.map(
              Effect.forEach(page.conversations, readPermitted, { concurrency: "unbounded" }),
              (results) => ({ page, results })
            ),
          { concurrency: PAGES_IN_FLIGHT }
        ),
        Stream.mapAccum(
          (): Counts => ({ messages: startMessages, rejected: startRejected }),
          (counts, { page, results }): readonly [Counts, ReadonlyArray<ThreadPage>] => {
            const threads: Array<Drift.Thread> = []
            const rejects: Array<RejectedThread> = []
            let messages = counts.messages
            let rejected = counts.rejected
            for (const result of results) {
              if (Result.isSuccess(result)) {
                threads.push(result.success)
                messages += result.success.messages.length
              } else {
                rejects.push(result.failure)
                rejected++
              }
            }
            const state: State = { ...page.state, counts: { ...page.state.counts, messages, rejected } }
            return [{ messages, rejected }, [{ threads, rejects, state, emitted: page.emitted }]]
          }
        )
      )
    }))
  }

  return DriftStream.of({
    conversations: (options) =>
      conversationPages(options).pipe(Stream.flatMap((page) => Stream.fromArray(page.conversations))),
    conversationPages,
    messages,
    thread,
    threads: (options) => threadPages(options).pipe(Stream.flatMap((page) => Stream.fromArray(page.threads))),
    threadPages,
    conversationCounts: Effect.map(currentStats, Option.fromNullishOr),
    changedSince: (watermark, options = {}) =>
      Effect.gen(function*() {
        const first = yield* listPage(initialState(normalizeOptions({ ...options, pageSize: 1 })))
        const newest = first.data[0]
        const next = newest !== undefined && millis(newest.updatedAt) > millis(watermark)
          ? newest.updatedAt
          : watermark
        return {
          watermark: next,
          conversations: conversationPages({ ...options, since: watermark }).pipe(
            Stream.flatMap((page) => Stream.fromArray(page.conversations))
          )
        }
      })
  })
}

/**
 * What the end-of-export completeness check found: Drift's counts for the statuses asked for at the start and
 * at the end of the run, the smaller of the two (`required`: a conversation that left the status filter during
 * the run is not required), and what the export read (`read`: exported plus rejected, every run of it).
 *
 * @since 0.2.0
 */
export interface Completeness {
  readonly atStart: number
  readonly atEnd: number
  readonly required: number
  readonly read: number
  readonly rejected: number
}

/**
 * What an export run ended with.
 *
 * @since 0.1.0
 */
export interface ExportSummary {
  readonly state: State
  readonly resumed: boolean
  /** What the output holds (bytes, records), this run and the runs it resumed. */
  readonly output: RecordSink.Position
  /** What the rejects sink holds. */
  readonly rejects: RecordSink.Position
  /** Threads written and conversations rejected by this run. */
  readonly written: { readonly threads: number; readonly rejected: number }
  /** `null` when not checked: an incremental export, the stats endpoint unavailable, or `completeness: false`. */
  readonly completeness: Completeness | null
}

/**
 * Why one thread could not be encoded into the output format (a mapping or encoding failure).
 *
 * @since 0.2.0
 */
export interface EncodeRejection {
  /** The JSON path of the problem in the thread or in the output record. */
  readonly path: string
  readonly error: string
}

/**
 * Options of {@link runExport}.
 *
 * @since 0.2.0
 */
export interface ExportOptions<E, R> extends ThreadsOptions {
  /** Continue from the saved checkpoint (the sinks are cut back to the positions it vouches for). */
  readonly resume?: boolean | undefined
  /** The output sink (open it with `mode: "keep"` for a resume, `"truncate"` otherwise). */
  readonly output: RecordSink.RecordSink
  /** Where quarantined conversations go, one JSON record per line (see {@link rejectRecord}). */
  readonly rejects: RecordSink.RecordSink
  /** One thread as record texts (each with its newline), or why it cannot be written. */
  readonly encode: (thread: Drift.Thread) => Effect.Effect<ReadonlyArray<string>, EncodeRejection>
  /** Records written first when the output is empty (a CSV header). */
  readonly header?: ReadonlyArray<string> | undefined
  /** Extra keys saved with the checkpoint's sink record (the output's shape and format). */
  readonly meta?: { readonly [key: string]: string | number | boolean } | undefined
  /** Called on resume with the sink record the checkpoint saved, before the sinks are cut back. */
  readonly onResume?: ((sink: NonNullable<State["sink"]>) => Effect.Effect<void, E, R>) | undefined
  /** Compare what was read with `/conversations/stats` at the end. Default true. */
  readonly completeness?: boolean | undefined
  /** The workspace read: saved in the checkpoint; a resume against another is refused. */
  readonly workspace?: Checkpoint.Workspace | undefined
  /**
   * The sink record of an empty output: a fresh export saves a checkpoint with it before the first page, so a run
   * killed before its first page's checkpoint still leaves one (vouching for nothing) to resume from.
   */
  readonly initialSink?: State["sink"] | undefined
  /**
   * How often the checkpoint is saved: every this long, the pages written since the last save (default
   * {@link DEFAULT_CHECKPOINT_EVERY}), and always when the run ends, fails or is interrupted. Each save first
   * flushes both sinks ({@link RecordSink.RecordSink.sync}), so a checkpoint only vouches for records on disk;
   * a kill between saves costs the pages since the last one, which a resume cuts back and reads again. `0`
   * saves after every page.
   */
  readonly checkpointEvery?: Duration.Input | undefined
}

/**
 * The default of {@link ExportOptions.checkpointEvery}: a second. Each save costs three `fsync`s (both sinks and
 * the ids file) and a rename: after every page, a 20,000-conversation export over loopback took 4.25 s instead of
 * 3.71 s; once a second the saves cost nothing measurable, and a kill costs at most a second of reading again.
 *
 * @since 0.2.0
 */
export const DEFAULT_CHECKPOINT_EVERY: Duration.Duration = Duration.seconds(1)

/**
 * Runs an export: the thread pages of {@link DriftStream.threadPages} are encoded, their rejects (conversations
 * quarantined by the stream, threads `encode` refuses) appended to `rejects` and their records to `output`
 * (each append whole), and at most every `checkpointEvery` (and at the end) both sinks are flushed to disk
 * and the {@link Checkpoint.Checkpoint} is saved with their positions. A run
 * killed at any instant leaves a checkpoint that vouches for a prefix of both sinks; with `resume`, both are cut
 * back to it and the export continues from the saved position, so no conversation is lost or written twice
 * (a rejected one included: its id is in the checkpoint like any other).
 *
 * At the end (unless `completeness: false`), what was read is compared with Drift's counts: a shortfall fails
 * with {@link DriftStreamError.Incomplete} naming the numbers, after everything read was written.
 *
 * With `strict`, the first conversation that cannot be decoded or encoded ends the export instead
 * (`ThreadFailed`, {@link DriftStreamError.RecordRejected}).
 *
 * @example
 * ```ts
 * import { DriftStream, RecordSink } from "@parley/drift-stream"
 * import { Drift } from "@parley/schema"
 * import { Effect, Schema } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const output = yield* RecordSink.stdout
 *   const rejects = yield* RecordSink.stderr
 *   return yield* DriftStream.runExport({
 *     output,
 *     rejects,
 *     encode: (thread) => Effect.succeed([JSON.stringify(Schema.encodeSync(Drift.Thread)(thread)) + "\n"])
 *   })
 * })
 * ```
 *
 * @since 0.1.0
 */
export const runExport = Effect.fn("DriftStream.runExport")(function*<E = never, R = never>(
  options: ExportOptions<E, R>
): Effect.fn.Return<
  ExportSummary,
  | E
  | DriftStreamError
  | Incomplete
  | RecordRejected
  | RecordSink.SinkError
  | Checkpoint.CheckpointError
  | Checkpoint.ResumeRefused,
  R | DriftStream | Checkpoint.Checkpoint
> {
  const stream = yield* DriftStream
  const checkpoint = yield* Checkpoint.Checkpoint
  const saved = options.resume === true ? yield* checkpoint.load : Option.none<Saved>()
  if (Option.isNone(saved)) yield* checkpoint.clear
  let workspace = options.workspace
  if (Option.isNone(saved) && options.initialSink !== undefined) {
    const initial = initialState(normalizeOptions(options))
    yield* checkpoint.save({
      ...initial,
      sink: options.initialSink,
      ...(workspace === undefined ? {} : { workspace })
    }, new EmittedIds())
  }
  if (Option.isSome(saved) && workspace !== undefined) {
    yield* Checkpoint.verifyWorkspace(saved.value.state, workspace)
    workspace = { ...workspace, orgId: saved.value.state.workspace?.orgId ?? null }
  }
  if (Option.isSome(saved)) {
    const record = saved.value.state.sink ?? {}
    if (options.onResume !== undefined) yield* options.onResume(record)
    const at = SinkRecord.positions(record)
    yield* options.output.truncate(at.output)
    yield* options.rejects.truncate(at.rejects)
  }
  const empty = (yield* options.output.position).bytes === 0
  if (empty && options.header !== undefined && options.header.length > 0) {
    yield* options.output.append(options.header)
  }
  let last: State | undefined = Option.isSome(saved) ? saved.value.state : undefined
  let threads = 0
  let rejected = 0
  // The newest state whose records are written but not yet vouched for by a saved checkpoint.
  let unsaved: { readonly state: State; readonly emitted: EmittedIds } | undefined
  const every = Duration.toMillis(options.checkpointEvery ?? DEFAULT_CHECKPOINT_EVERY)
  // One save at a time (the periodic one and the last); a save once begun finishes.
  const saving = yield* Semaphore.make(1)
  const saveUnsaved = saving.withPermits(1)(Effect.uninterruptible(Effect.suspend(() => {
    const pending = unsaved
    if (pending === undefined) return Effect.void
    return Effect.gen(function*() {
      // On disk first: the checkpoint must not vouch for records a crash could still lose.
      yield* options.rejects.sync
      yield* options.output.sync
      yield* checkpoint.save(pending.state, pending.emitted)
      if (unsaved === pending) unsaved = undefined
    })
  })))
  // Saves what the pages wrote every `every`, whether pages keep coming or not; it only ever ends by failing.
  const saver = Effect.repeat(saveUnsaved, Schedule.spaced(Duration.millis(every))).pipe(
    Effect.andThen(Effect.never)
  )
  yield* stream.threadPages({ ...options, from: Option.getOrUndefined(saved) }).pipe(
    Stream.runForEach(Effect.fnUntraced(function*(page) {
      if (workspace !== undefined) {
        // The org id, once a conversation shows it, pins the workspace: a conversation of another org is refused.
        for (const { conversation } of page.threads) {
          if (workspace.orgId === null && conversation.orgId !== undefined) {
            workspace = { ...workspace, orgId: conversation.orgId }
          }
          yield* Checkpoint.verifyOrg({ ...page.state, workspace }, conversation.orgId)
        }
      }
      const records: Array<string> = []
      const rejectLines = page.rejects.map((reject) => JSON.stringify(rejectRecord(reject)) + "\n")
      let encodeRejects = 0
      for (const thread of page.threads) {
        const encoded = yield* Effect.result(options.encode(thread))
        if (Result.isSuccess(encoded)) {
          for (const record of encoded.success) records.push(record)
          continue
        }
        if (options.strict === true) {
          return yield* new RecordRejected({
            conversationId: thread.conversation.id,
            path: encoded.failure.path,
            error: encoded.failure.error
          })
        }
        encodeRejects++
        rejectLines.push(
          JSON.stringify({
            conversationId: thread.conversation.id,
            what: "encode",
            path: encoded.failure.path,
            error: encoded.failure.error
          }) + "\n"
        )
      }
      const rejectsAt = yield* options.rejects.append(rejectLines)
      const outputAt = yield* options.output.append(records)
      threads += page.threads.length - encodeRejects
      rejected += rejectLines.length
      const state: State = {
        ...page.state,
        counts: { ...page.state.counts, rejected: (page.state.counts.rejected ?? 0) + encodeRejects },
        sink: {
          ...options.meta,
          bytes: outputAt.bytes,
          lines: outputAt.records,
          rejectBytes: rejectsAt.bytes,
          rejectLines: rejectsAt.records
        },
        ...(workspace === undefined ? {} : { workspace })
      }
      unsaved = { state, emitted: page.emitted }
      last = state
      if (every <= 0) yield* saveUnsaved
    })),
    (written) => every <= 0 ? written : Effect.raceFirst(written, saver),
    // A run that fails or is interrupted keeps what it wrote: the pages written since the last save are saved.
    // If that save fails too, the previous checkpoint stands, and the original error is the one reported.
    Effect.onExit((exit) => exit._tag === "Success" ? Effect.void : Effect.ignore(saveUnsaved))
  )
  yield* saveUnsaved
  const state = last ?? initialState(normalizeOptions(options))
  const completeness = options.completeness === false || state.phase !== "done" ? null : yield* check(stream, state)
  const summary: ExportSummary = {
    state,
    resumed: Option.isSome(saved),
    output: yield* options.output.position,
    rejects: yield* options.rejects.position,
    written: { threads, rejected },
    completeness
  }
  if (completeness !== null && completeness.read < completeness.required) {
    return yield* new Incomplete({
      required: completeness.required,
      atStart: completeness.atStart,
      atEnd: completeness.atEnd,
      exported: completeness.read - completeness.rejected,
      rejected: completeness.rejected,
      statuses: state.options.statuses
    })
  }
  return summary
})

const check = (stream: DriftStream["Service"], state: State): Effect.Effect<Completeness | null> =>
  Effect.gen(function*() {
    const start = state.startStats
    if (start === undefined || start === null || state.options.since !== null) return null
    const end = yield* stream.conversationCounts
    if (Option.isNone(end)) return null
    const atStart = wantedCount(start, state.options.statuses)
    const atEnd = wantedCount(end.value, state.options.statuses)
    return {
      atStart,
      atEnd,
      required: Math.min(atStart, atEnd),
      read: state.emittedCount,
      rejected: state.counts.rejected ?? 0
    }
  })
