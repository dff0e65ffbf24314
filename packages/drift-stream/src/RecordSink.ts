/**
 * Where an export's records go: a file written with the exactly-once protocol, or stdout / stderr.
 *
 * The protocol: {@link RecordSink.append} writes whole records (each text ends with its newline) in one write
 * and returns the new {@link Position}; before the caller saves a position in the {@link Checkpoint.Checkpoint},
 * {@link RecordSink.sync} flushes what was appended to disk (`fsync`). A crash after an append leaves records the
 * checkpoint does not vouch for; on resume {@link RecordSink.truncate} cuts the file back to the saved
 * position and the resumed export writes those records again. `DriftStream.runExport` follows it for the
 * output and the rejects file alike; {@link openExport} opens both sinks of an export for it (the checkpoint
 * forgotten before a fresh export empties them, the saved record checked against the file before a resume cuts
 * it back).
 *
 * @example
 * ```ts
 * import { RecordSink } from "@parley/drift-stream"
 * import { NodeServices } from "@effect/platform-node"
 * import { Effect } from "effect"
 *
 * const program = Effect.scoped(Effect.gen(function*() {
 *   const sink = yield* RecordSink.file("out.ndjson", { mode: "truncate" })
 *   yield* sink.append(['{"id":1}\n', '{"id":2}\n']) // { bytes: 18, records: 2 }
 * })).pipe(Effect.provide(NodeServices.layer))
 * ```
 *
 * @since 0.2.0
 */
import { Effect, FileSystem, Schema, Scope } from "effect"
import * as Checkpoint from "./Checkpoint.ts"
import * as SinkRecord from "./internal/sinkRecord.ts"
import * as OutputGuard from "./OutputGuard.ts"

/**
 * How much a sink holds: bytes and records.
 *
 * @since 0.2.0
 */
export interface Position {
  readonly bytes: number
  readonly records: number
}

/**
 * A sink could not be opened, written, flushed or cut back. The message names the file and what to do.
 *
 * @since 0.2.0
 */
export class SinkError extends Schema.TaggedError<SinkError>()("SinkError", {
  path: Schema.String,
  operation: Schema.Literals(["open", "write", "sync", "truncate"]),
  reason: Schema.String
}) {
  override get message(): string {
    const target = this.path === "-" ? "stdout" : this.path
    return `cannot ${this.operation} ${target}: ${this.reason}`
  }
}

/**
 * A sink of whole records.
 *
 * @since 0.2.0
 */
export interface RecordSink {
  /** The file path, `-` for stdout, `stderr` for stderr. */
  readonly target: string
  /** Whether {@link truncate} can cut it back (a file). */
  readonly seekable: boolean
  /**
   * Appends whole records (each text with its trailing newline) and returns the new position (a file sink
   * opened with `fsync` also flushes them to disk first).
   */
  readonly append: (records: ReadonlyArray<string>) => Effect.Effect<Position, SinkError>
  /**
   * Flushes everything appended so far to disk (`fsync`), so that a checkpoint may vouch for it; nothing to do
   * for stdout, stderr and memory.
   */
  readonly sync: Effect.Effect<void, SinkError>
  /** Cuts the sink back to a position a checkpoint saved; fails when it holds less (it was changed since). */
  readonly truncate: (position: Position) => Effect.Effect<void, SinkError>
  /** What it holds so far. */
  readonly position: Effect.Effect<Position>
}

const encoder = new TextEncoder()

/**
 * A file sink at `path`, open for the scope. `mode: "truncate"` starts an empty file; `"keep"` keeps what is
 * there (a resume then calls `truncate`). Every append is flushed with fsync unless `fsync: false` (then
 * {@link RecordSink.sync} flushes them, as `DriftStream.runExport` does before each checkpoint). With
 * `lazy`, the file is created on the first record only (a rejects file: a run without rejects leaves none,
 * and `"truncate"` removes one an earlier run left).
 *
 * @since 0.2.0
 */
export const file = Effect.fn("RecordSink.file")(function*(
  path: string,
  options: { readonly mode: "truncate" | "keep"; readonly fsync?: boolean | undefined; readonly lazy?: boolean }
): Effect.fn.Return<RecordSink, SinkError, FileSystem.FileSystem | Scope.Scope> {
  const fs = yield* FileSystem.FileSystem
  const scope = yield* Scope.Scope
  const fsync = options.fsync ?? true
  const fail = (operation: SinkError["operation"]) => (cause: unknown) =>
    new SinkError({ path, operation, reason: OutputGuard.ioReason(cause, { resumable: operation !== "open" }) })
  const open = (flag: "w" | "a") =>
    Effect.gen(function*() {
      const handle = yield* fs.open(path, { flag }).pipe(Effect.mapError(fail("open")), Scope.provide(scope))
      const info = yield* handle.stat.pipe(Effect.mapError(fail("open")))
      return { handle, size: Number(info.size) }
    })
  let handle: FileSystem.File | undefined
  let position: Position = { bytes: 0, records: 0 }
  if (options.lazy === true) {
    if (options.mode === "truncate") yield* fs.remove(path, { force: true }).pipe(Effect.mapError(fail("open")))
    else if (yield* fs.exists(path).pipe(Effect.orElseSucceed(() => false))) {
      const opened = yield* open("a")
      handle = opened.handle
      position = { bytes: opened.size, records: 0 }
    }
  } else {
    const opened = yield* open(options.mode === "truncate" ? "w" : "a")
    handle = opened.handle
    position = { bytes: opened.size, records: 0 }
  }
  // `open` runs in the caller's scope: the handle closes with it.
  const ensureOpen = Effect.suspend(() =>
    handle === undefined
      ? Effect.map(open("a"), (opened) => {
        handle = opened.handle
        return opened.handle
      })
      : Effect.succeed(handle)
  )
  const sink: RecordSink = {
    target: path,
    seekable: true,
    append: (records) =>
      Effect.gen(function*() {
        if (records.length === 0) return position
        const file = yield* ensureOpen
        const bytes = encoder.encode(records.join(""))
        yield* file.writeAll(bytes).pipe(Effect.mapError(fail("write")))
        if (fsync) yield* file.sync.pipe(Effect.mapError(fail("sync")))
        position = { bytes: position.bytes + bytes.byteLength, records: position.records + records.length }
        return position
      }),
    sync: Effect.suspend(() => handle === undefined ? Effect.void : handle.sync.pipe(Effect.mapError(fail("sync")))),
    truncate: (to) =>
      Effect.gen(function*() {
        if (handle === undefined) {
          if (to.bytes === 0) return
          return yield* new SinkError({
            path,
            operation: "truncate",
            reason:
              `it is missing but the checkpoint vouches for ${to.bytes} bytes: it was removed since. Start over without resume`
          })
        }
        const now = yield* handle.stat.pipe(Effect.mapError(fail("truncate")))
        if (Number(now.size) < to.bytes) {
          return yield* new SinkError({
            path,
            operation: "truncate",
            reason:
              `it has ${now.size} bytes but the checkpoint vouches for ${to.bytes}: it was changed since. Start over without resume`
          })
        }
        yield* handle.truncate(to.bytes).pipe(Effect.mapError(fail("truncate")))
        if (fsync) yield* handle.sync.pipe(Effect.mapError(fail("sync")))
        position = to
      }),
    position: Effect.sync(() => position)
  }
  return sink
})

const writeTo = (stream: NodeJS.WriteStream, target: string, text: string) =>
  Effect.callback<void, SinkError>((resume) => {
    stream.write(text, (error) => {
      if (error) {
        resume(Effect.fail(new SinkError({ path: target, operation: "write", reason: OutputGuard.ioReason(error) })))
      } else resume(Effect.void)
    })
  })

const stream = (target: "-" | "stderr", out: () => NodeJS.WriteStream): Effect.Effect<RecordSink> =>
  Effect.sync(() => {
    let position: Position = { bytes: 0, records: 0 }
    const sink: RecordSink = {
      target,
      seekable: false,
      append: (records) =>
        Effect.gen(function*() {
          if (records.length === 0) return position
          const text = records.join("")
          yield* writeTo(out(), target, text)
          position = { bytes: position.bytes + Buffer.byteLength(text), records: position.records + records.length }
          return position
        }),
      sync: Effect.void,
      truncate: () =>
        Effect.fail(new SinkError({ path: target, operation: "truncate", reason: `${target} cannot be cut back` })),
      position: Effect.sync(() => position)
    }
    return sink
  })

/**
 * A sink on stdout: records are written as they come (waiting while the pipe is full); it cannot be cut back.
 *
 * @since 0.2.0
 */
export const stdout: Effect.Effect<RecordSink> = stream("-", () => process.stdout)

/**
 * A sink on stderr (rejects of an export to stdout).
 *
 * @since 0.2.0
 */
export const stderr: Effect.Effect<RecordSink> = stream("stderr", () => process.stderr)

/**
 * A sink in memory, for tests and for programs that want the records as data.
 *
 * @since 0.2.0
 */
export const memory: Effect.Effect<RecordSink & { readonly records: Effect.Effect<ReadonlyArray<string>> }> = Effect
  .sync(() => {
    const held: Array<string> = []
    let bytes = 0
    return {
      target: "memory",
      seekable: true,
      append: (records) =>
        Effect.sync(() => {
          for (const r of records) {
            held.push(r)
            bytes += Buffer.byteLength(r)
          }
          return { bytes, records: held.length }
        }),
      sync: Effect.void,
      truncate: (to) =>
        Effect.sync(() => {
          while (bytes > to.bytes && held.length > 0) bytes -= Buffer.byteLength(held.pop()!)
        }),
      position: Effect.sync(() => ({ bytes, records: held.length })),
      records: Effect.sync(() => held.slice())
    }
  })

/**
 * The sinks of one export and the checkpoint record that describes them: spread into `DriftStream.runExport`'s
 * options (`{ ...sinks, encode, ... }`).
 *
 * @since 0.2.0
 */
export interface ExportSinks<E = never, R = never> {
  readonly output: RecordSink
  readonly rejects: RecordSink
  /** Whether the export continues the saved checkpoint. */
  readonly resume: boolean
  /** The keys saved with every checkpoint's sink record beside the positions (shape, format, ...). */
  readonly meta: { readonly [key: string]: string | number | boolean }
  /** The sink record of the empty output, saved before the first page (a kill before it leaves a checkpoint). */
  readonly initialSink: Checkpoint.State["sink"]
  /** The resume check: the saved record against the output file, then the caller's `onResume`. */
  readonly onResume: (
    record: NonNullable<Checkpoint.State["sink"]>
  ) => Effect.Effect<void, E | Checkpoint.ResumeRefused, R | FileSystem.FileSystem>
}

/**
 * Opens the output and rejects sinks of an export for the exactly-once protocol of `DriftStream.runExport`:
 *
 * - `output` is a file path or `-` (stdout), `rejects` a file path or `-` (stderr; the rejects file is created
 *   on the first reject only);
 * - a fresh export (`resume: false`) forgets the {@link Checkpoint.Checkpoint} first and then empties the files,
 *   so a crash in between never leaves a checkpoint vouching for bytes that are gone; a resume keeps them (the
 *   export cuts them back to the checkpoint);
 * - on resume, with `verify` (a line-delimited output such as NDJSON, where every record is one line), the saved
 *   sink record is checked against the output file ({@link Checkpoint.verifyOutput}) before anything is cut;
 *   then `onResume` gets the position the output is cut back to.
 *
 * @example
 * ```ts
 * import { NodeServices } from "@effect/platform-node"
 * import { Checkpoint, DriftStream, RecordSink } from "@parley/drift-stream"
 * import { Drift } from "@parley/schema"
 * import { Effect, Layer, Schema } from "effect"
 *
 * const program = Effect.scoped(Effect.gen(function*() {
 *   const sinks = yield* RecordSink.openExport({
 *     output: "out.ndjson",
 *     rejects: "out.rejects.ndjson",
 *     resume: false,
 *     verify: true,
 *     meta: { format: "ndjson" }
 *   })
 *   return yield* DriftStream.runExport({
 *     ...sinks,
 *     encode: (thread) => Effect.succeed([JSON.stringify(Schema.encodeSync(Drift.Thread)(thread)) + "\n"])
 *   })
 * })).pipe(
 *   Effect.provide(Checkpoint.Checkpoint.layerFile("out.checkpoint.json").pipe(Layer.provideMerge(NodeServices.layer)))
 * )
 * ```
 *
 * @since 0.2.0
 */
export const openExport = Effect.fn("RecordSink.openExport")(function*<E = never, R = never>(options: {
  readonly output: string
  readonly rejects: string
  readonly resume: boolean
  /** Check the saved record against the output before a resume cuts it (every record one line). */
  readonly verify: boolean
  readonly meta: { readonly [key: string]: string | number | boolean }
  /** The checkpoint state a resume continues (as loaded to plan the run): what `verify` checks the file against. */
  readonly saved?: Checkpoint.State | undefined
  /** Called on resume with the position the output is cut back to, after the check. */
  readonly onResume?: ((at: Position) => Effect.Effect<void, E, R>) | undefined
}): Effect.fn.Return<
  ExportSinks<E, R>,
  SinkError | Checkpoint.CheckpointError,
  FileSystem.FileSystem | Scope.Scope | Checkpoint.Checkpoint
> {
  const checkpoint = yield* Checkpoint.Checkpoint
  const mode = options.resume ? "keep" : "truncate"
  if (!options.resume) yield* checkpoint.clear
  const toStdout = options.output === "-"
  // No fsync per append: `runExport` syncs both before each checkpoint save.
  const output = toStdout ? yield* stdout : yield* file(options.output, { mode, fsync: false })
  const rejects = options.rejects === "-"
    ? yield* stderr
    : yield* file(options.rejects, { mode, lazy: true, fsync: false })
  return {
    output,
    rejects,
    resume: options.resume,
    meta: options.meta,
    initialSink: { bytes: 0, lines: 0, ...options.meta },
    onResume: (record) =>
      Effect.gen(function*() {
        if (options.verify && !toStdout && options.saved !== undefined) {
          yield* Checkpoint.verifyOutput({ path: options.output, state: { ...options.saved, sink: record } })
        }
        if (options.onResume !== undefined) {
          yield* options.onResume(SinkRecord.positions(record).output)
        }
      })
  }
})
