/**
 * Where the Inbox reads threads from: a Drift workspace (through `DriftClient` and `DriftStream`) or an NDJSON
 * export file (`parley export --to drift`). Both layers fill the same in-memory {@link ThreadIndex} in the
 * background and serve from it at once, so the page never waits for the whole workspace: it shows how far the
 * index got.
 *
 * - **`fromDrift`** lists every conversation first (50 per request: 2,000 conversations are 40 requests), so the
 *   list, the status and tag filters and the counts are complete within seconds; it reads each thread's messages
 *   behind the listing with bounded concurrency, and text search covers the threads read so far. Opening a
 *   thread reads it live from Drift (a review tool wants the latest messages); when Drift does not answer, the
 *   indexed copy is served with a warning, or a 503 with Drift's own one-line message when there is none.
 * - **`fromFile`** reads the file line by line; a line that is not JSON or not a `Drift.Thread` is skipped and
 *   counted, with its line number and the JSON path of the problem.
 *
 * @example
 * ```ts
 * import { ThreadSource } from "@parley/inbox"
 * import { NodeServices } from "@effect/platform-node"
 * import { Effect, Layer } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const source = yield* ThreadSource.ThreadSource
 *   yield* source.ready
 *   const page = yield* source.list({ status: "open", q: "invoice" })
 * }).pipe(Effect.provide(ThreadSource.ThreadSource.fromFile("export.ndjson").pipe(Layer.provide(NodeServices.layer))))
 * ```
 *
 * @since 0.1.0
 */
import { DriftClient, type DriftError } from "@parley/drift-client"
import { DriftStream, type DriftStreamError } from "@parley/drift-stream"
import { Drift } from "@parley/schema"
import {
  Cause,
  Context,
  Deferred,
  Duration,
  Effect,
  Exit,
  Fiber,
  FileSystem,
  Layer,
  Result,
  Schema,
  SchemaIssue,
  Stream
} from "effect"
import * as Limits from "./Limits.ts"
import * as Model from "./Model.ts"
import { ThreadIndex } from "./ThreadIndex.ts"

/**
 * The source service.
 *
 * @since 0.1.0
 */
export interface Shape {
  /** What the source is, for the page header. */
  readonly info: Model.SourceInfo
  /** Where the index stands. */
  readonly status: Effect.Effect<Model.IndexStatus>
  /** Waits until the index is built (or failed) and gives its status. */
  readonly ready: Effect.Effect<Model.IndexStatus>
  /**
   * One page of threads matching `query` (and `accept`, when given: the server's migration filter); fails when
   * the source failed before listing anything.
   */
  readonly list: (
    query: Model.ThreadsQuery,
    accept?: ((id: Drift.ConversationId) => boolean) | undefined
  ) => Effect.Effect<Model.ThreadsPage, Model.SourceUnavailable>
  /** The ids of every conversation in the served index. */
  readonly conversationIds: Effect.Effect<ReadonlyArray<Drift.ConversationId>>
  /** One thread. */
  readonly get: (
    id: Drift.ConversationId
  ) => Effect.Effect<Model.ThreadResponse, Model.ThreadNotFound | Model.SourceUnavailable>
  /** Counts, index status, unreadable lines, users. */
  readonly workspace: Effect.Effect<Model.Workspace>
  /** The Drift user directory (empty for files). */
  readonly users: Effect.Effect<ReadonlyArray<Drift.User>>
  /** Throws the index away and builds it again from the source. */
  readonly reload: Effect.Effect<Model.IndexStatus>
}

/**
 * An export file that cannot be opened at all.
 *
 * @since 0.1.0
 */
export class FileUnreadable extends Schema.TaggedError<FileUnreadable>()("FileUnreadable", {
  path: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `Cannot read the export file ${this.path}: ${this.reason}`
  }
}

/**
 * Options of {@link ThreadSource.fromDrift}.
 *
 * @since 0.1.0
 */
export interface DriftOptions {
  /** `sandbox` for the embedded sandbox, `drift` otherwise (default). */
  readonly kind?: "sandbox" | "drift" | undefined
  /** What the page header says, e.g. `Drift at https://driftapi.com`. */
  readonly label?: string | undefined
  /** Also read each conversation's contact (names and emails; needs `contact_read`). Default false. */
  readonly withContacts?: boolean | undefined
  /** Threads read at once while indexing. Default 8. */
  readonly concurrency?: number | undefined
  /** How long opening a thread may wait for Drift before the indexed copy (or a 503) is served. Default 20 s. */
  readonly requestTimeout?: Duration.Input | undefined
}

/** The mutable state of one index build. */
class Load {
  readonly index = new ThreadIndex()
  readonly done = Deferred.makeUnsafe<void>()
  state: Model.IndexStatus["state"] = "loading"
  expected: number | null = null
  failedThreads = 0
  error: string | undefined = undefined
  users: ReadonlyArray<Drift.User> = []
  unreadable: { count: number; lines: Array<{ line: number; message: string }> } = { count: 0, lines: [] }

  status(): Model.IndexStatus {
    return {
      state: this.state,
      conversations: this.index.size,
      threads: this.index.threads,
      // Drift's stats count open, closed and pending only: never announce fewer than were listed.
      expected: this.state === "ready"
        ? this.index.size
        : this.expected === null
        ? null
        : Math.max(this.expected, this.index.size),
      failedThreads: this.failedThreads,
      ...(this.error !== undefined ? { error: this.error } : {})
    }
  }

  skip(line: number, message: string): void {
    this.unreadable.count++
    if (this.unreadable.lines.length < Model.MAX_UNREADABLE_SHOWN) this.unreadable.lines.push({ line, message })
  }

  /** Marks the build finished with `exit`; a failure keeps what was indexed and records its message. */
  finish(exit: Exit.Exit<void, { readonly message: string }>): Effect.Effect<void> {
    return Effect.suspend(() => {
      if (Exit.isSuccess(exit)) {
        this.state = "ready"
      } else if (!Exit.hasInterrupts(exit)) {
        this.state = "failed"
        const failure = exit.cause.reasons.find(Cause.isFailReason)
        this.error = failure !== undefined
          ? failure.error.message
          : "The index could not be built (unexpected error)"
      }
      return Deferred.succeed(this.done, undefined)
    })
  }
}

/** Drift did not answer a live read within the request timeout. */
interface NoAnswer {
  readonly _tag: "NoAnswer"
  readonly message: string
}

/** Every way reading Drift can fail, as the typed errors of the client and the stream. */
type DriftFailure = DriftError.DriftError | DriftStreamError.DriftStreamError | NoAnswer

/** The one-line message of a stream or client error: the client's own message (the stream error's typed `reason`), without export advice. */
const driftMessage = (error: DriftFailure): string => {
  switch (error._tag) {
    case "PageFailed":
      return `Listing conversations failed: ${error.reason.message}`
    case "ThreadFailed":
      return error.reason.message
    default:
      return error.message
  }
}

/** Whether Drift said the conversation does not exist (directly, or as the reason a thread could not be read). */
const isNotFound = (error: DriftFailure): boolean => {
  switch (error._tag) {
    case "NotFound":
      return true
    case "ThreadFailed":
      return error.reason._tag === "NotFound"
    default:
      return false
  }
}

/**
 * The machinery both layers share: the current {@link Load} and its build fiber, and the service built over them.
 * While a rebuild (`reload`) has listed nothing yet, or when it failed before listing anything, the previous
 * index keeps being served, so the page keeps its list while the status says what went wrong.
 */
const makeService = Effect.fnUntraced(function*(options: {
  readonly info: Model.SourceInfo
  readonly build: (load: Load) => Effect.Effect<void, { readonly message: string }>
  readonly get: (
    load: Load,
    id: Drift.ConversationId
  ) => Effect.Effect<Model.ThreadResponse, Model.ThreadNotFound | Model.SourceUnavailable>
}) {
  const scope = yield* Effect.scope
  let current = new Load()
  let previous: Load | undefined
  let fiber: Fiber.Fiber<void> | undefined

  /** The load whose index is served. */
  const serving = (): Load => current.index.size > 0 || previous === undefined ? current : previous

  const start = Effect.gen(function*() {
    if (fiber !== undefined) yield* Fiber.interrupt(fiber)
    const served = serving()
    const load = new Load()
    previous = served.index.size > 0 ? served : undefined
    current = load
    fiber = yield* options.build(load).pipe(
      Effect.onExit((exit) =>
        load.finish(exit).pipe(Effect.andThen(Effect.sync(() => {
          if (Exit.isSuccess(exit) && current === load) previous = undefined
        })))
      ),
      Effect.ignore,
      Effect.forkIn(scope)
    )
    return load
  })

  yield* start

  const service: Shape = {
    info: options.info,
    status: Effect.sync(() => current.status()),
    ready: Effect.suspend(() => {
      const load = current
      return Effect.map(Deferred.await(load.done), () => load.status())
    }),
    list: (query, accept) =>
      Effect.suspend(() => {
        const load = serving()
        if (current.state === "failed" && load.index.size === 0) {
          return Effect.fail(new Model.SourceUnavailable({ message: current.error ?? "The source failed" }))
        }
        const pageSize = query.pageSize ?? Model.DEFAULT_PAGE_SIZE
        const { items, total } = load.index.query(query, accept)
        return Effect.succeed({
          items,
          page: query.page ?? 1,
          pageSize,
          total,
          pages: Math.max(1, Math.ceil(total / pageSize)),
          index: current.status()
        })
      }),
    get: (id) => Effect.suspend(() => options.get(serving(), id)),
    workspace: Effect.sync(() => {
      const load = serving()
      return {
        source: options.info,
        counts: load.index.counts(),
        index: current.status(),
        unreadable: { count: load.unreadable.count, lines: [...load.unreadable.lines] },
        users: load.users
      }
    }),
    users: Effect.sync(() => serving().users),
    conversationIds: Effect.sync(() => serving().index.conversations().map((c) => c.id)),
    reload: Effect.map(start, (load) => load.status())
  }
  return service
})

/**
 * The message of a schema error with its JSON path: `Expected number at ["conversation"]["id"]`.
 *
 * @example
 * ```ts
 * import { ThreadSource } from "@parley/inbox"
 * import { Drift } from "@parley/schema"
 * import { Schema } from "effect"
 *
 * const exit = Schema.decodeUnknownExit(Drift.Thread)({ conversation: { id: "x" }, messages: [] })
 * // ThreadSource.issueMessage(error.issue) === `Expected number at ["conversation"]["id"]`
 * ```
 *
 * @since 0.1.0
 */
export const issueMessage = (issue: SchemaIssue.Issue): string => {
  const first = SchemaIssue.makeFormatterStandardSchemaV1()(issue).issues[0]
  if (first === undefined) return "not a Drift thread"
  const path = (first.path ?? []).map((k) =>
    typeof k === "object" && k !== null && "key" in k ? k.key : k
  ) as ReadonlyArray<PropertyKey>
  const where = path.length === 0
    ? ""
    : ` at ${path.map((k) => typeof k === "number" ? `[${k}]` : `[${JSON.stringify(String(k))}]`).join("")}`
  return `${first.message}${where}`
}

const decodeThread = Schema.decodeUnknownExit(Drift.Thread)

/**
 * Reads one export line: the thread, or why it is not one.
 *
 * @example
 * ```ts
 * import { ThreadSource } from "@parley/inbox"
 *
 * ThreadSource.readLine(`{"conversation":{"id":"x"}}`) // { _tag: "Unreadable", message: "Expected number at [\"conversation\"][\"id\"]" }
 * ```
 *
 * @since 0.1.0
 */
export const readLine = (
  line: string
): { readonly _tag: "Thread"; readonly thread: Drift.Thread } | {
  readonly _tag: "Unreadable"
  readonly message: string
} => {
  // `JSON.parse` of a string throws only a `SyntaxError` (ECMA-262 25.5.1), whose message says where.
  const parsed = Result.try({ try: (): unknown => JSON.parse(line), catch: (error) => error as SyntaxError })
  if (Result.isFailure(parsed)) return { _tag: "Unreadable", message: `not JSON (${parsed.failure.message})` }
  const json = parsed.success
  // One huge body must not stall the server while it is sanitized: cut it first (see Limits).
  if (line.length > Limits.MAX_BODY_CHARS) Limits.clipBodies((json as { messages?: unknown } | null)?.messages)
  const exit = decodeThread(json)
  if (Exit.isSuccess(exit)) return { _tag: "Thread", thread: exit.value }
  const failure = exit.cause.reasons.find(Cause.isFailReason)
  const message = failure !== undefined
    ? issueMessage(failure.error.issue)
    : "not a Drift thread"
  const intercom = typeof json === "object" && json !== null && ("conversation_message" in json || "source" in json)
  return {
    _tag: "Unreadable",
    message: intercom
      ? `${message} (this is an Intercom conversation; export with \`parley export --to drift\`)`
      : message
  }
}

/**
 * The source service.
 *
 * @since 0.1.0
 */
export class ThreadSource extends Context.Service<ThreadSource, Shape>()("@parley/inbox/ThreadSource") {
  /**
   * A Drift workspace through {@link DriftStream.DriftStream} (listing and threads) and
   * {@link DriftClient.DriftClient} (users, one conversation): an in-memory index built in the background.
   *
   * @since 0.1.0
   */
  static readonly fromDrift = (
    options: DriftOptions = {}
  ): Layer.Layer<ThreadSource, never, DriftClient.DriftClient | DriftStream.DriftStream> =>
    Layer.effect(
      ThreadSource,
      Effect.gen(function*() {
        const client = yield* DriftClient.DriftClient
        const stream = yield* DriftStream.DriftStream
        const withContact = options.withContacts === true
        const concurrency = Math.max(1, options.concurrency ?? 8)
        const timeout = options.requestTimeout ?? Duration.seconds(20)

        const build = (load: Load) =>
          Effect.gen(function*() {
            load.users = yield* client.listUsers().pipe(Effect.orElseSucceed(() => []))
            yield* stream.conversations({
              pageSize: 50,
              onProgress: (event) =>
                Effect.sync(() => {
                  if (event._tag === "Totals") load.expected = event.conversations
                })
            }).pipe(
              Stream.tap((conversation) => Effect.sync(() => load.index.putConversation(conversation))),
              Stream.buffer({ capacity: "unbounded" }),
              Stream.mapEffect(
                (conversation) =>
                  stream.thread(conversation, { withContact }).pipe(
                    Effect.tap((thread) => Effect.sync(() => load.index.putThread(thread))),
                    Effect.catch((error) =>
                      Effect.sync(() => {
                        load.failedThreads++
                        load.error = `${load.failedThreads} thread(s) could not be read; the last: ${
                          driftMessage(error)
                        }`
                      })
                    )
                  ),
                { concurrency, unordered: true }
              ),
              Stream.runDrain,
              Effect.mapError((error) => ({ message: driftMessage(error) }))
            )
          })

        const get = (load: Load, id: Drift.ConversationId) =>
          Effect.gen(function*() {
            const conversation = yield* client.getConversation(id)
            const thread = yield* stream.thread(conversation, { withContact })
            load.index.putThread(thread)
            return { thread } as Model.ThreadResponse
          }).pipe(
            Effect.timeoutOrElse({
              duration: timeout,
              orElse: () =>
                Effect.fail<NoAnswer>({
                  _tag: "NoAnswer",
                  message: `Drift did not answer within ${Duration.format(Duration.fromInputUnsafe(timeout))}`
                })
            }),
            Effect.catch((error: DriftFailure): Effect.Effect<
              Model.ThreadResponse,
              Model.ThreadNotFound | Model.SourceUnavailable
            > => {
              if (isNotFound(error)) {
                return Effect.fail(
                  new Model.ThreadNotFound({ id, message: `There is no conversation ${id} in this Drift workspace.` })
                )
              }
              const message = driftMessage(error)
              const cached = load.index.thread(id)
              return cached !== undefined
                ? Effect.succeed({
                  thread: cached,
                  warning: `Drift did not answer, so this is the copy read when the index was built. ${message}`
                })
                : Effect.fail(new Model.SourceUnavailable({ message }))
            })
          )

        return yield* makeService({
          info: { kind: options.kind ?? "drift", label: options.label ?? "Drift" },
          build,
          get
        })
      })
    )

  /**
   * An NDJSON export file of Drift threads (`parley export --to drift`): one `Drift.ThreadEncoded` per line.
   * Unreadable lines are skipped and counted; a file that cannot be opened fails the layer with
   * {@link FileUnreadable}.
   *
   * @since 0.1.0
   */
  static readonly fromFile = (
    path: string,
    options: { readonly label?: string | undefined } = {}
  ): Layer.Layer<ThreadSource, FileUnreadable, FileSystem.FileSystem> =>
    Layer.effect(
      ThreadSource,
      Effect.gen(function*() {
        const fs = yield* FileSystem.FileSystem
        const info = yield* fs.stat(path).pipe(
          Effect.mapError((error) =>
            new FileUnreadable({
              path,
              reason: error.reason._tag === "NotFound"
                ? "no such file"
                : error.reason._tag === "PermissionDenied"
                ? "permission denied"
                : error.message
            })
          )
        )
        if (info.type !== "File") return yield* new FileUnreadable({ path, reason: "not a file" })

        const build = (load: Load) => {
          let lineNumber = 0
          const seen = new Map<number, number>()
          return fs.stream(path).pipe(
            Stream.decodeText(),
            Stream.splitLines,
            Stream.runForEach((line) =>
              Effect.sync(() => {
                lineNumber++
                if (line.trim() === "") return
                const read = readLine(line)
                if (read._tag === "Unreadable") return load.skip(lineNumber, read.message)
                const id = read.thread.conversation.id
                const earlier = seen.get(id)
                if (earlier !== undefined) {
                  load.skip(earlier, `conversation ${id} appears again on line ${lineNumber}; the later line is shown`)
                }
                seen.set(id, lineNumber)
                load.index.putThread(read.thread)
              })
            ),
            Effect.mapError((error) => ({ message: `Reading ${path} failed: ${error.message}` }))
          )
        }

        const get = (load: Load, id: Drift.ConversationId) =>
          Effect.suspend(() => {
            const thread = load.index.thread(id)
            if (thread !== undefined) return Effect.succeed({ thread })
            return Effect.fail(
              new Model.ThreadNotFound({
                id,
                message: load.state === "loading"
                  ? `Conversation ${id} is not in the part of ${path} read so far.`
                  : `There is no conversation ${id} in ${path}.`
              })
            )
          })

        return yield* makeService({ info: { kind: "file", label: options.label ?? path }, build, get })
      })
    )
}
