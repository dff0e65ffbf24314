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
import { DriftClient } from "@parley/drift-client"
import { Drift } from "@parley/schema"
import { Context, DateTime, Effect, Layer, Option, Stream } from "effect"
import { EmittedIds, type Saved, type State } from "./Checkpoint.ts"
import * as Checkpoint from "./Checkpoint.ts"
import { CheckpointMismatch, CursorLoop, type DriftStreamError, PageFailed, ThreadFailed } from "./DriftStreamError.ts"

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

/**
 * Which conversations to read.
 *
 * @since 0.1.0
 */
export interface ConversationsOptions {
  /** Only these statuses (Drift's `statusId` filter). Default: all. */
  readonly statuses?: ReadonlyArray<Drift.FilterableStatus> | undefined
  /** Conversations per list request, 1 to 50. Default 50. */
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
 * What an export run ended with.
 *
 * @since 0.1.0
 */
export interface ExportSummary {
  readonly state: State
  readonly resumed: boolean
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
  /** Every thread, in list order, messages read with bounded concurrency. */
  readonly threads: (options?: ThreadsOptions) => Stream.Stream<Drift.Thread, DriftStreamError>
  /** Thread pages with their checkpoint states; `from` resumes a saved checkpoint. */
  readonly threadPages: (
    options?: ThreadsOptions & { readonly from?: Saved | undefined }
  ) => Stream.Stream<ThreadPage, DriftStreamError>
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
  pageSize: Math.max(1, Math.min(50, Math.trunc(options.pageSize ?? 50))),
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
  counts: { pages: 0, conversations: 0, messages: 0 },
  options
})

const noProgress = (_: ProgressEvent) => Effect.void

type Event =
  | { readonly _tag: "Conversation"; readonly conversation: Drift.Conversation }
  | { readonly _tag: "PageEnd"; readonly state: State; readonly emitted: EmittedIds }

const make = (client: DriftClient.DriftClient["Service"]): DriftStream["Service"] => {
  const listPage = (state: State) =>
    client.listConversations({
      limit: state.options.pageSize,
      ...(state.cursor === null ? {} : { next: state.cursor }),
      ...(state.options.statuses.length === 0
        ? {}
        : { statuses: state.options.statuses as ReadonlyArray<Drift.FilterableStatus> })
    }).pipe(
      Effect.mapError((cause) =>
        new PageFailed({ phase: state.phase === "catchup" ? "catchup" : "main", cursor: state.cursor, cause })
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
      const next = Drift.nextCursor(page.pagination)
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
      const position: Pick<State, "phase" | "cursor" | "catchUpPass" | "catchUpFound"> = more
        ? { phase: state.phase, cursor: next.value, catchUpPass: state.catchUpPass, catchUpFound }
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
      if (from === undefined) yield* reportTotals(normalized, onProgress)
      const state = from?.state ?? initialState(normalized)
      const emitted = from?.emitted ?? new EmittedIds()
      if (state.phase === "done") return Stream.empty
      return Stream.paginate(state, step(emitted, onProgress))
    }))

  const reportTotals = (options: State["options"], onProgress: (e: ProgressEvent) => Effect.Effect<void>) =>
    client.conversationStats().pipe(
      Effect.flatMap((stats) => {
        if (options.since !== null) return Effect.void
        const counts = stats.conversationCount
        const wanted = options.statuses.length === 0
          ? Object.values(counts).reduce<number>((a, b) => a + (b ?? 0), 0)
          : options.statuses.reduce((a, s) => a + (counts[s.toUpperCase() as "OPEN"] ?? 0), 0)
        return onProgress({ _tag: "Totals", conversations: wanted })
      }),
      // Totals are a nicety: a workspace without the stats endpoint still exports.
      Effect.catch(() => Effect.void)
    )

  const messages = (conversationId: Drift.ConversationId): Stream.Stream<Drift.Message, ThreadFailed | CursorLoop> =>
    Stream.suspend(() => {
      // Every cursor of this walk: one seen twice is a cycle (a -> b -> a), which would never end.
      const seen = new Set<string>()
      return Stream.paginate(
        null as string | null,
        Effect.fnUntraced(function*(cursor) {
          const page = yield* client.listMessages(conversationId, cursor === null ? {} : { next: cursor }).pipe(
            Effect.mapError((cause) => new ThreadFailed({ conversationId, cursor, cause }))
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

  const thread = (
    conversation: Drift.Conversation,
    options: { readonly withContact?: boolean | undefined } = {}
  ): Effect.Effect<Drift.Thread, ThreadFailed | CursorLoop> =>
    Effect.gen(function*() {
      const all = yield* Stream.runCollect(messages(conversation.id))
      if (options.withContact !== true) return { conversation, messages: all }
      const contact = yield* client.getContact(conversation.contactId).pipe(
        Effect.map(Option.some),
        // A contact deleted since the conversation: the thread is still worth exporting.
        Effect.catchTag("NotFound", () => Effect.succeed(Option.none())),
        Effect.mapError((cause) => new ThreadFailed({ conversationId: conversation.id, cursor: null, cause }))
      )
      return Option.match(contact, {
        onNone: () => ({ conversation, messages: all }),
        onSome: (contact) => ({ conversation, messages: all, contact })
      })
    }).pipe(Effect.withSpan("DriftStream.thread", { attributes: { conversationId: conversation.id } }))

  const threadPages = (
    options: ThreadsOptions & { readonly from?: Saved | undefined } = {}
  ): Stream.Stream<ThreadPage, DriftStreamError> => {
    const onProgress = options.onProgress ?? noProgress
    const concurrency = Math.max(1, Math.trunc(options.concurrency ?? 4))
    const startMessages = options.from?.state.counts.messages ?? 0
    return conversationPages(options).pipe(
      Stream.flatMap((page) =>
        Stream.fromArray<Event>([
          ...page.conversations.map((conversation) => ({ _tag: "Conversation" as const, conversation })),
          { _tag: "PageEnd", state: page.state, emitted: page.emitted }
        ])
      ),
      Stream.mapEffect(
        (event): Effect.Effect<Drift.Thread | Event, ThreadFailed | CursorLoop> =>
          event._tag === "PageEnd"
            ? Effect.succeed(event)
            : thread(event.conversation, { withContact: options.withContact }).pipe(
              Effect.tap((t) =>
                Effect.flatMap(client.stats, (stats) =>
                  onProgress({
                    _tag: "Thread",
                    conversationId: t.conversation.id,
                    messages: t.messages.length,
                    client: stats
                  }))
              )
            ),
        { concurrency }
      ),
      Stream.mapAccum(
        () => ({ threads: [] as Array<Drift.Thread>, messages: startMessages }),
        (acc, item): readonly [{ threads: Array<Drift.Thread>; messages: number }, ReadonlyArray<ThreadPage>] => {
          if (!("_tag" in item)) {
            acc.threads.push(item)
            acc.messages += item.messages.length
            return [acc, []]
          }
          if (item._tag !== "PageEnd") return [acc, []]
          const state: State = { ...item.state, counts: { ...item.state.counts, messages: acc.messages } }
          return [{ threads: [], messages: acc.messages }, [{ threads: acc.threads, state, emitted: item.emitted }]]
        }
      )
    )
  }

  return DriftStream.of({
    conversations: (options) =>
      conversationPages(options).pipe(Stream.flatMap((page) => Stream.fromArray(page.conversations))),
    conversationPages,
    messages,
    thread,
    threads: (options) => threadPages(options).pipe(Stream.flatMap((page) => Stream.fromArray(page.threads))),
    threadPages,
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
 * Runs an export of thread pages through `write`, saving the {@link Checkpoint.Checkpoint} after each page is
 * written. With `resume`, continues from the saved checkpoint: `onResume` first receives the `sink` record
 * the previous run saved (for example the byte length of its output, to cut a half-written tail), and
 * `write` returns the new `sink` record after writing a page.
 *
 * @example
 * ```ts
 * import { DriftStream } from "@parley/drift-stream"
 * import { Effect } from "effect"
 *
 * const program = DriftStream.runExport({
 *   resume: true,
 *   write: (threads) => Effect.sync(() => { for (const t of threads) console.log(t.conversation.id) })
 * })
 * ```
 *
 * @since 0.1.0
 */
export const runExport = Effect.fn("DriftStream.runExport")(function*<E = never, R = never>(
  options: ThreadsOptions & {
    readonly resume?: boolean | undefined
    /** The workspace read: saved in the checkpoint; a resume against another is refused. */
    readonly workspace?: Checkpoint.Workspace | undefined
    /**
     * The sink record of an empty output: a fresh export saves a checkpoint with it before the first page, so a run
     * killed before its first page's checkpoint still leaves one (vouching for nothing) to resume from.
     */
    readonly initialSink?: State["sink"] | undefined
    readonly onResume?: ((sink: State["sink"]) => Effect.Effect<void, E, R>) | undefined
    readonly write: (
      threads: ReadonlyArray<Drift.Thread>,
      state: State
    ) => Effect.Effect<State["sink"] | void, E, R>
  }
): Effect.fn.Return<
  ExportSummary,
  E | DriftStreamError | Checkpoint.CheckpointError | Checkpoint.ResumeRefused,
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
  if (Option.isSome(saved) && options.onResume !== undefined) yield* options.onResume(saved.value.state.sink)
  let last: State | undefined = Option.isSome(saved) ? saved.value.state : undefined
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
      const written = yield* options.write(page.threads, page.state)
      const withSink: State = written === undefined ? page.state : { ...page.state, sink: written }
      const state: State = workspace === undefined ? withSink : { ...withSink, workspace }
      yield* checkpoint.save(state, page.emitted)
      last = state
    }))
  )
  const summary: ExportSummary = {
    state: last ?? initialState(normalizeOptions(options)),
    resumed: Option.isSome(saved)
  }
  return summary
})
