/**
 * Where an export's records go: a file written with the exactly-once protocol, or stdout / stderr.
 *
 * The protocol: {@link RecordSink.append} writes whole records (each text ends with its newline) in one write,
 * flushes them to disk (`fsync`) and only then returns the new {@link Position}; the caller saves that
 * position in the {@link Checkpoint.Checkpoint} afterwards. A crash between the two leaves records the
 * checkpoint does not vouch for; on resume {@link RecordSink.truncate} cuts the file back to the saved
 * position and the resumed export writes those records again. `DriftStream.runExport` follows it for the
 * output and the rejects file alike.
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
  /** Appends whole records (each text with its trailing newline), flushes them, returns the new position. */
  readonly append: (records: ReadonlyArray<string>) => Effect.Effect<Position, SinkError>
  /** Cuts the sink back to a position a checkpoint saved; fails when it holds less (it was changed since). */
  readonly truncate: (position: Position) => Effect.Effect<void, SinkError>
  /** What it holds so far. */
  readonly position: Effect.Effect<Position>
}

const encoder = new TextEncoder()

/**
 * A file sink at `path`, open for the scope. `mode: "truncate"` starts an empty file; `"keep"` keeps what is
 * there (a resume then calls `truncate`). Every append is flushed with fsync unless `fsync: false`. With
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
      truncate: (to) =>
        Effect.sync(() => {
          while (bytes > to.bytes && held.length > 0) bytes -= Buffer.byteLength(held.pop()!)
        }),
      position: Effect.sync(() => ({ bytes, records: held.length })),
      records: Effect.sync(() => held.slice())
    }
  })
