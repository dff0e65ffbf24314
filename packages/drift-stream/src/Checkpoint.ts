/**
 * Where an export stands, saved so that a stopped or killed export resumes without losing or repeating a
 * conversation.
 *
 * A checkpoint is a small JSON state (phase, next cursor, counts, watermark, and an opaque `sink` record the
 * consumer fills, such as the byte length of its output file) plus the append-only list of conversation ids
 * already emitted. The file-backed layer writes the state atomically (a temporary file, fsync, rename) after
 * appending the new ids to `<path>.ids`, so a crash at any instant leaves the previous or the new checkpoint,
 * never a torn one.
 *
 * @example
 * ```ts
 * import { Checkpoint } from "@parley/drift-stream"
 * import { NodeServices } from "@effect/platform-node"
 * import { Layer } from "effect"
 *
 * const layer = Checkpoint.Checkpoint.layerFile("export.checkpoint.json").pipe(Layer.provide(NodeServices.layer))
 * ```
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer, Option, Schema, Stream } from "effect"
import { FileSystem } from "effect/FileSystem"
import { createHash } from "node:crypto"

/**
 * Which workspace an export reads: the API's base URL (`sandbox` for the embedded sandbox, whose port changes
 * every run), the workspace's org id once a conversation has shown it, the sandbox's seed and size, and a
 * fingerprint of the token (see {@link fingerprint}; never the token).
 *
 * @since 0.2.0
 */
export const Workspace = Schema.Struct({
  baseUrl: Schema.String,
  orgId: Schema.NullOr(Schema.Number),
  sandbox: Schema.NullOr(Schema.Struct({ seed: Schema.Number, conversations: Schema.Number })),
  tokenFingerprint: Schema.String
})
/** @since 0.2.0 */
export interface Workspace extends Schema.Schema.Type<typeof Workspace> {}

/**
 * A fingerprint of a token: the first 16 hex digits of its SHA-256, prefixed `sha256:`. It tells two tokens
 * apart without revealing either (the token is never written to a checkpoint).
 *
 * @example
 * ```ts
 * import { Checkpoint } from "@parley/drift-stream"
 *
 * Checkpoint.fingerprint("secret-token").startsWith("sha256:") // true
 * ```
 *
 * @since 0.2.0
 */
export const fingerprint = (token: string): string =>
  `sha256:${createHash("sha256").update(token, "utf8").digest("hex").slice(0, 16)}`

/**
 * A resume was refused: the checkpoint belongs to another workspace (`OtherWorkspace`), or its sink record does
 * not describe the output file (`SinkInvalid`). Nothing was written.
 *
 * @since 0.2.0
 */
export class ResumeRefused extends Schema.TaggedError<ResumeRefused>()("ResumeRefused", {
  reason: Schema.Literals(["OtherWorkspace", "SinkInvalid"]),
  detail: Schema.String
}) {
  override get message(): string {
    return this.detail
  }
}

const describeWorkspace = (w: Workspace): string =>
  w.sandbox !== null
    ? `the embedded sandbox (seed ${w.sandbox.seed}, ${w.sandbox.conversations} conversations)`
    : `${w.baseUrl}${w.orgId === null ? "" : ` (org ${w.orgId})`}`

/**
 * Checks that `current` is the workspace a saved checkpoint was written for. The org id, once known, decides
 * (a rotated token of the same workspace resumes; the org id is then checked on every conversation read, see
 * {@link verifyOrg}); before that, the token fingerprint must match. A checkpoint that records no workspace
 * (written before 0.2) is accepted.
 *
 * @since 0.2.0
 */
export const verifyWorkspace = (state: State, current: Workspace): Effect.Effect<void, ResumeRefused> => {
  const saved = state.workspace
  if (saved === undefined) return Effect.void
  const refuse = (why: string) =>
    Effect.fail(
      new ResumeRefused({
        reason: "OtherWorkspace",
        detail: `the checkpoint belongs to an export of ${
          describeWorkspace(saved)
        }, but this run reads ${why}; resuming would mix two workspaces in one output: resume against the same workspace, or start over without --resume (with --overwrite or another --out)`
      })
    )
  if ((saved.sandbox === null) !== (current.sandbox === null)) return refuse(describeWorkspace(current))
  if (saved.sandbox !== null && current.sandbox !== null) {
    return saved.sandbox.seed === current.sandbox.seed && saved.sandbox.conversations === current.sandbox.conversations
      ? Effect.void
      : refuse(describeWorkspace(current))
  }
  if (saved.baseUrl !== current.baseUrl) return refuse(current.baseUrl)
  if (saved.orgId === null && saved.tokenFingerprint !== current.tokenFingerprint) {
    return refuse(
      `${current.baseUrl} with another token (fingerprint ${current.tokenFingerprint}, saved ${saved.tokenFingerprint})`
    )
  }
  return Effect.void
}

/**
 * Checks that a conversation read while resuming belongs to the saved workspace's org (when both are known).
 *
 * @since 0.2.0
 */
export const verifyOrg = (state: State, orgId: number | undefined): Effect.Effect<void, ResumeRefused> =>
  state.workspace === undefined || state.workspace.orgId === null || orgId === undefined ||
    orgId === state.workspace.orgId
    ? Effect.void
    : Effect.fail(
      new ResumeRefused({
        reason: "OtherWorkspace",
        detail:
          `the checkpoint belongs to org ${state.workspace.orgId}, but this run reads conversations of org ${orgId}; resuming would mix two workspaces in one output: use the token of org ${state.workspace.orgId}, or start over without --resume`
      })
    )

/**
 * Checks a sink record against the output file it vouches for before a resume cuts the file back to it:
 * `bytes` and `lines` are whole numbers, `0 <= bytes <= ` the file's size, the first `bytes` bytes end on a
 * line boundary and hold exactly `lines` lines, and (when `rejects` is recorded) the lines and rejects add up to
 * the conversations the checkpoint emitted. A forged or damaged record is refused instead of cutting the output.
 *
 * @since 0.2.0
 */
export const verifyOutput = Effect.fnUntraced(function*(options: {
  readonly path: string
  readonly state: State
}): Effect.fn.Return<{ readonly bytes: number; readonly lines: number }, ResumeRefused, FileSystem> {
  const fs = yield* FileSystem
  const sink = options.state.sink ?? {}
  const refuse = (why: string) =>
    new ResumeRefused({
      reason: "SinkInvalid",
      detail:
        `the checkpoint does not match ${options.path} (${why}); resuming could lose or repeat conversations: start over without --resume (with --overwrite or another --out)`
    })
  const bytes = sink["bytes"]
  const lines = sink["lines"]
  const rejects = sink["rejects"] ?? sink["rejectLines"]
  if (typeof bytes !== "number" || !Number.isSafeInteger(bytes) || bytes < 0) {
    return yield* refuse(`its byte length is ${JSON.stringify(bytes ?? null)}`)
  }
  if (typeof lines !== "number" || !Number.isSafeInteger(lines) || lines < 0) {
    return yield* refuse(`its line count is ${JSON.stringify(lines ?? null)}`)
  }
  const emitted = options.state.emittedCount
  if (typeof rejects === "number" ? lines + rejects !== emitted : lines > emitted) {
    return yield* refuse(
      `${lines} lines${
        typeof rejects === "number" ? ` and ${rejects} rejects` : ""
      } for ${emitted} conversations emitted`
    )
  }
  const info = yield* fs.stat(options.path).pipe(
    Effect.mapError(() => refuse("the output file cannot be read"))
  )
  const size = Number(info.size)
  if (bytes > size) return yield* refuse(`it vouches for ${bytes} bytes, the file has ${size}`)
  if (bytes === 0) {
    if (lines !== 0) return yield* refuse(`${lines} lines in 0 bytes`)
    return { bytes, lines }
  }
  const counted = yield* fs.stream(options.path, { bytesToRead: bytes, chunkSize: 1 << 20 }).pipe(
    Stream.runFold(() => ({ newlines: 0, last: 0 }), (acc, chunk: Uint8Array) => {
      let n = acc.newlines
      for (let i = 0; i < chunk.length; i++) if (chunk[i] === 0x0a) n++
      return { newlines: n, last: chunk.length > 0 ? chunk[chunk.length - 1]! : acc.last }
    }),
    Effect.mapError(() => refuse("the output file cannot be read"))
  )
  if (counted.last !== 0x0a) return yield* refuse(`byte ${bytes} is not the end of a line`)
  if (counted.newlines !== lines) {
    return yield* refuse(`it counts ${lines} lines, the first ${bytes} bytes hold ${counted.newlines}`)
  }
  return { bytes, lines }
})

/**
 * The saved state of an export.
 *
 * - `phase`: `main` (the first walk over the list), `catchup` (walks from the front collecting conversations
 *   updated while the export ran), `done`.
 * - `cursor`: the cursor of the next page to fetch in this phase (`null`: the front of the list).
 * - `startedAt`: epoch ms of the newest `updatedAt` when the export began (server time, so no clock skew).
 * - `watermark`: the newest `updatedAt` emitted: the `--since` of the next incremental export.
 * - `cursorApi`: which list API `cursor` belongs to: `next` (legacy, the default) or `page_token` (newer).
 * - `counts.rejected`: conversations quarantined (emitted as rejects instead of threads).
 * - `startStats`: Drift's `/conversations/stats` counts when the export began, for the completeness check.
 *
 * @since 0.1.0
 */
export const State = Schema.Struct({
  version: Schema.Literal(1),
  phase: Schema.Literals(["main", "catchup", "done"]),
  cursor: Schema.NullOr(Schema.String),
  cursorApi: Schema.optionalKey(Schema.Literals(["next", "page_token"])),
  startedAt: Schema.NullOr(Schema.Number),
  catchUpPass: Schema.Number,
  catchUpFound: Schema.Number,
  emittedCount: Schema.Number,
  watermark: Schema.NullOr(Schema.Number),
  counts: Schema.Struct({
    pages: Schema.Number,
    conversations: Schema.Number,
    messages: Schema.Number,
    rejected: Schema.optionalKey(Schema.Number)
  }),
  startStats: Schema.optionalKey(Schema.NullOr(Schema.Record(Schema.String, Schema.Number))),
  options: Schema.Struct({
    statuses: Schema.Array(Schema.String),
    pageSize: Schema.Number,
    since: Schema.NullOr(Schema.Number)
  }),
  sink: Schema.optionalKey(Schema.Record(Schema.String, Schema.Json)),
  /** Which workspace the export reads (a resume against another is refused). */
  workspace: Schema.optionalKey(Workspace)
})
/** @since 0.1.0 */
export interface State extends Schema.Schema.Type<typeof State> {}

/**
 * The ids emitted so far: an append-only log with a set for membership. A snapshot (`ids` up to `length`)
 * stays valid while the log grows, so saving one copies nothing.
 *
 * @since 0.1.0
 */
export class EmittedIds {
  private readonly set: Set<number>
  private readonly order: Array<number>
  constructor(ids: Iterable<number> = []) {
    this.order = Array.from(ids)
    this.set = new Set(this.order)
  }
  /** Whether `id` was emitted. */
  has(id: number): boolean {
    return this.set.has(id)
  }
  /** Records `id` as emitted; false when it already was. */
  add(id: number): boolean {
    if (this.set.has(id)) return false
    this.set.add(id)
    this.order.push(id)
    return true
  }
  /** How many ids were emitted. */
  get size(): number {
    return this.order.length
  }
  /** The ids from index `from` (inclusive) to `to` (exclusive), in emission order. */
  slice(from: number, to: number): ReadonlyArray<number> {
    return this.order.slice(from, to)
  }
}

/**
 * What a checkpoint holds: the state and the emitted ids (the first `state.emittedCount` of `emitted`).
 *
 * @since 0.1.0
 */
export interface Saved {
  readonly state: State
  readonly emitted: EmittedIds
}

/**
 * A checkpoint could not be read or written. The message says which file and what to do.
 *
 * @since 0.1.0
 */
export class CheckpointError extends Schema.TaggedError<CheckpointError>()("CheckpointError", {
  path: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `Checkpoint ${this.path}: ${this.reason}`
  }
}

/**
 * The checkpoint store.
 *
 * @since 0.1.0
 */
export class Checkpoint extends Context.Service<Checkpoint, {
  /** The last saved checkpoint, if any. */
  readonly load: Effect.Effect<Option.Option<Saved>, CheckpointError>
  /** Saves `state` with the first `state.emittedCount` ids of `emitted`. */
  readonly save: (state: State, emitted: EmittedIds) => Effect.Effect<void, CheckpointError>
  /** Forgets the checkpoint. */
  readonly clear: Effect.Effect<void, CheckpointError>
}>()("@parley/drift-stream/Checkpoint") {
  /**
   * An in-memory checkpoint: for tests, and for runs that need no resume across processes.
   *
   * @since 0.1.0
   */
  static readonly layerMemory: Layer.Layer<Checkpoint> = Layer.sync(Checkpoint, () => {
    // EmittedIds is append-only, so (log, state.emittedCount) stays a valid snapshot as the log grows.
    let saved: Option.Option<{ readonly state: State; readonly emitted: EmittedIds }> = Option.none()
    return Checkpoint.of({
      load: Effect.sync(() =>
        Option.map(saved, ({ emitted, state }) => ({
          state,
          emitted: new EmittedIds(emitted.slice(0, state.emittedCount))
        }))
      ),
      save: (state, emitted) =>
        Effect.sync(() => {
          saved = Option.some({ state, emitted })
        }),
      clear: Effect.sync(() => {
        saved = Option.none()
      })
    })
  })

  /**
   * A file-backed checkpoint at `path` (and `path + ".ids"`). Requires a `FileSystem` (e.g.
   * `NodeServices.layer`).
   *
   * @since 0.1.0
   */
  static readonly layerFile = (path: string): Layer.Layer<Checkpoint, never, FileSystem> =>
    Layer.effect(Checkpoint, makeFile(path))
}

const decodeState = Schema.decodeUnknownEffect(Schema.fromJsonString(State))
const encodeState = Schema.encodeEffect(Schema.fromJsonString(State))

const makeFile = Effect.fnUntraced(function*(path: string) {
  const fs = yield* FileSystem
  const idsPath = `${path}.ids`
  const tmpPath = `${path}.tmp`
  const fail = (reason: string) => (cause: unknown) =>
    new CheckpointError({ path, reason: `${reason}: ${cause instanceof Error ? cause.message : String(cause)}` })
  // How many ids the ids file holds that a saved state vouches for; anything past it is a crash's leftover.
  let persistedIds = -1

  const readIds = Effect.fnUntraced(function*(count: number) {
    const exists = yield* fs.exists(idsPath).pipe(Effect.mapError(fail("cannot read the ids file")))
    if (!exists) {
      if (count === 0) return [] as Array<number>
      return yield* new CheckpointError({ path, reason: `${idsPath} is missing; delete ${path} to start over` })
    }
    const text = yield* fs.readFileString(idsPath).pipe(Effect.mapError(fail("cannot read the ids file")))
    const ids: Array<number> = []
    let start = 0
    while (ids.length < count) {
      const end = text.indexOf("\n", start)
      if (end === -1) break
      ids.push(Number(text.slice(start, end)))
      start = end + 1
    }
    if (ids.length < count || ids.some((id) => !Number.isSafeInteger(id))) {
      return yield* new CheckpointError({
        path,
        reason:
          `${idsPath} holds fewer valid ids than the checkpoint counts (${ids.length} < ${count}); delete ${path} to start over`
      })
    }
    if (start < text.length) {
      // Drop ids appended by a save that crashed before its state was written.
      yield* fs.truncate(idsPath, Buffer.byteLength(text.slice(0, start))).pipe(
        Effect.mapError(fail("cannot trim the ids file"))
      )
    }
    return ids
  })

  const load = Effect.gen(function*() {
    const exists = yield* fs.exists(path).pipe(Effect.mapError(fail("cannot read")))
    if (!exists) {
      persistedIds = 0
      return Option.none<Saved>()
    }
    const text = yield* fs.readFileString(path).pipe(Effect.mapError(fail("cannot read")))
    const state = yield* decodeState(text).pipe(
      Effect.mapError((e) => new CheckpointError({ path, reason: `not a Parley checkpoint (${e.message})` }))
    )
    const ids = yield* readIds(state.emittedCount)
    persistedIds = ids.length
    return Option.some<Saved>({ state, emitted: new EmittedIds(ids) })
  })

  const save = Effect.fnUntraced(function*(state: State, emitted: EmittedIds) {
    if (persistedIds < 0) yield* load
    if (state.emittedCount > persistedIds) {
      const lines = emitted.slice(persistedIds, state.emittedCount).map((id) => `${id}\n`).join("")
      yield* Effect.scoped(Effect.gen(function*() {
        const file = yield* fs.open(idsPath, { flag: "a" })
        yield* file.writeAll(new TextEncoder().encode(lines))
        yield* file.sync
      })).pipe(Effect.mapError(fail("cannot append to the ids file")))
      persistedIds = state.emittedCount
    }
    const json = yield* encodeState(state).pipe(Effect.mapError(fail("cannot encode the state")))
    yield* Effect.scoped(Effect.gen(function*() {
      const file = yield* fs.open(tmpPath, { flag: "w" })
      yield* file.writeAll(new TextEncoder().encode(json + "\n"))
      yield* file.sync
    })).pipe(Effect.mapError(fail("cannot write")))
    yield* fs.rename(tmpPath, path).pipe(Effect.mapError(fail("cannot replace")))
  })

  const clear = Effect.gen(function*() {
    yield* fs.remove(path, { force: true }).pipe(Effect.mapError(fail("cannot remove")))
    yield* fs.remove(idsPath, { force: true }).pipe(Effect.mapError(fail("cannot remove the ids file")))
    persistedIds = 0
  })

  return Checkpoint.of({ load, save, clear })
})
