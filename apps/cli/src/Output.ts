/**
 * The NDJSON sink: whole lines appended to a file (then fsync'd) or written to stdout, with the byte length and
 * line count written so far, so that a checkpoint can record exactly how much output it vouches for, and a
 * resume can cut whatever a killed run wrote after it.
 *
 * The contract that makes an export exactly-once: `append(lines)` returns only after the lines are written and
 * flushed to disk (`fsync`), and returns the new `{ bytes, lines }`; the caller saves that in the checkpoint
 * afterwards. A crash between the two leaves lines the checkpoint does not count; `truncate(bytes, lines)` on
 * resume removes them, and the resumed export writes their page again.
 *
 * @example
 * ```ts
 * import { Output } from "@parley/cli"
 * import { NodeServices } from "@effect/platform-node"
 * import { Effect } from "effect"
 *
 * const program = Effect.scoped(Effect.gen(function*() {
 *   const sink = yield* Output.file("out.ndjson", { mode: "truncate", fsync: true })
 *   const position = yield* sink.append(['{"id":1}', '{"id":2}'])
 *   // position: { bytes: 18, lines: 2 }
 * })).pipe(Effect.provide(NodeServices.layer))
 * ```
 *
 * @since 0.1.0
 */
import { Effect, FileSystem, Scope } from "effect"
import { FileError } from "./Errors.ts"

/**
 * How much a sink has written: bytes and lines.
 *
 * @since 0.1.0
 */
export interface Position {
  readonly bytes: number
  readonly lines: number
}

/**
 * An NDJSON sink.
 *
 * @since 0.1.0
 */
export interface Sink {
  /** The file path, or `-` for stdout. */
  readonly target: string
  /** Whether `truncate` is possible (a file, not stdout). */
  readonly seekable: boolean
  /** Appends whole lines (each without its `\n`), flushes them, and returns the new position. */
  readonly append: (lines: ReadonlyArray<string>) => Effect.Effect<Position, FileError>
  /** Cuts the output back to `bytes` (a position a checkpoint saved); fails if the output is shorter. */
  readonly truncate: (position: Position) => Effect.Effect<void, FileError>
  /** What was written so far. */
  readonly position: () => Position
}

const encoder = new TextEncoder()

/**
 * A file sink at `path`, open for the scope. `mode: "truncate"` starts an empty file; `"keep"` keeps what is
 * there (the position starts at its current size; a resume then calls `truncate`). With `fsync` every append
 * is flushed to disk before it returns.
 *
 * @since 0.1.0
 */
export const file = Effect.fn("Output.file")(function*(
  path: string,
  options: { readonly mode: "truncate" | "keep"; readonly fsync: boolean }
): Effect.fn.Return<Sink, FileError, FileSystem.FileSystem | Scope.Scope> {
  const fs = yield* FileSystem.FileSystem
  const fail = (operation: FileError["operation"]) => (cause: unknown) => FileError.from(path, operation, cause)
  if (path.trim() === "") {
    return yield* new FileError({
      path,
      operation: "open",
      reason: "the path is empty; give a file name, or - for stdout"
    })
  }
  const handle = yield* fs.open(path, { flag: options.mode === "truncate" ? "w" : "a" }).pipe(
    Effect.mapError(fail("open"))
  )
  const info = yield* handle.stat.pipe(Effect.mapError(fail("open")))
  let position: Position = { bytes: Number(info.size), lines: 0 }
  return {
    target: path,
    seekable: true,
    append: (lines) =>
      Effect.gen(function*() {
        if (lines.length === 0) return position
        const text = lines.join("\n") + "\n"
        const bytes = encoder.encode(text)
        yield* handle.writeAll(bytes).pipe(Effect.mapError(fail("write")))
        if (options.fsync) yield* handle.sync.pipe(Effect.mapError(fail("sync")))
        position = { bytes: position.bytes + bytes.byteLength, lines: position.lines + lines.length }
        return position
      }),
    truncate: (to) =>
      Effect.gen(function*() {
        const now = yield* handle.stat.pipe(Effect.mapError(fail("truncate")))
        if (Number(now.size) < to.bytes) {
          return yield* new FileError({
            path,
            operation: "truncate",
            reason:
              `it has ${now.size} bytes but the checkpoint vouches for ${to.bytes}: it was changed since. Start over without --resume`
          })
        }
        yield* handle.truncate(to.bytes).pipe(Effect.mapError(fail("truncate")))
        if (options.fsync) yield* handle.sync.pipe(Effect.mapError(fail("sync")))
        position = to
      }),
    position: () => position
  }
})

const writeStdout = (text: string) =>
  Effect.callback<void, FileError>((resume) => {
    process.stdout.write(text, (error) => {
      if (error) resume(Effect.fail(FileError.from("-", "write", error)))
      else resume(Effect.void)
    })
  })

/**
 * A sink on stdout: lines are written as they come (waiting when the pipe is full); it cannot be truncated.
 *
 * @since 0.1.0
 */
export const stdout: Effect.Effect<Sink> = Effect.sync(() => {
  let position: Position = { bytes: 0, lines: 0 }
  const sink: Sink = {
    target: "-",
    seekable: false,
    append: (lines) =>
      Effect.gen(function*() {
        if (lines.length === 0) return position
        const text = lines.join("\n") + "\n"
        yield* writeStdout(text)
        position = { bytes: position.bytes + Buffer.byteLength(text), lines: position.lines + lines.length }
        return position
      }),
    truncate: () =>
      Effect.fail(new FileError({ path: "-", operation: "truncate", reason: "stdout cannot be cut back" })),
    position: () => position
  }
  return sink
})

/**
 * A lazily opened line sink for rejects: the file is created (empty) on the first line, so a run without rejects
 * leaves no file. `-` writes to stderr.
 *
 * @since 0.1.0
 */
export const lazyFile = Effect.fn("Output.lazyFile")(function*(
  path: string
): Effect.fn.Return<Sink, never, FileSystem.FileSystem | Scope.Scope> {
  const fs = yield* FileSystem.FileSystem
  const scope = yield* Scope.Scope
  let opened: Sink | undefined
  let position: Position = { bytes: 0, lines: 0 }
  if (path === "-") {
    return {
      target: "-",
      seekable: false,
      append: (lines) =>
        Effect.sync(() => {
          const text = lines.map((l) => `${l}\n`).join("")
          process.stderr.write(text)
          position = { bytes: position.bytes + Buffer.byteLength(text), lines: position.lines + lines.length }
          return position
        }),
      truncate: () => Effect.void,
      position: () => position
    }
  }
  // A rejects file left by an earlier run of the same output would be misleading: remove it now.
  yield* fs.remove(path, { force: true }).pipe(Effect.ignore)
  return {
    target: path,
    seekable: true,
    append: (lines) =>
      Effect.gen(function*() {
        if (opened === undefined) {
          opened = yield* file(path, { mode: "truncate", fsync: false }).pipe(
            Effect.provideService(FileSystem.FileSystem, fs),
            Effect.provideService(Scope.Scope, scope)
          )
        }
        position = yield* opened.append(lines)
        return position
      }),
    truncate: (to) => opened === undefined ? Effect.void : opened.truncate(to),
    position: () => position
  }
})
