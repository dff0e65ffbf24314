/**
 * The output guard: nothing a user already has is destroyed unasked, and one writer per output.
 *
 * Before a command opens (and so may truncate) anything, {@link acquire} checks, in this order:
 *
 * 1. every input is readable and a file, not a directory (so a typo never empties the output first);
 * 2. no two paths (inputs, outputs, checkpoint) are the same file, each resolved to its real file first
 *    (symlinks, `./`, `..`, hard links by device and inode);
 * 3. no output that holds data would be replaced unless the run continues it (`resume`) or was told to
 *    replace it (`overwrite`);
 * 4. the main output is free: an exclusive lock file `<output>.lock` (created with `O_EXCL`) records the
 *    owner's pid, host and start time. A lock whose owner is gone (same host, no such process) is stale and
 *    taken over; any other lock refuses the run. The lock is removed when the scope closes.
 *
 * Each refusal is one {@link OutputGuardError} whose message says what would be lost and how to proceed.
 *
 * @example
 * ```ts
 * import { OutputGuard } from "@parley/drift-stream"
 * import { NodeServices } from "@effect/platform-node"
 * import { Effect } from "effect"
 *
 * const program = Effect.scoped(Effect.gen(function*() {
 *   yield* OutputGuard.acquire({
 *     inputs: [{ name: "input", path: "in.ndjson" }],
 *     outputs: [{ name: "--out", path: "out.ndjson", lock: true }],
 *     overwrite: false,
 *     resume: false
 *   })
 *   // ... write out.ndjson; the lock goes when the scope closes
 * })).pipe(Effect.provide(NodeServices.layer))
 * ```
 *
 * @since 0.2.0
 */
import * as Text from "@parley/schema/Text"
import { Effect, FileSystem, Path, Schema, Scope } from "effect"
import { hostname } from "node:os"

/**
 * Why a run was refused.
 *
 * - `InputUnreadable`: an input does not exist, cannot be read, or is a directory.
 * - `SameFile`: two of the paths are the same file (writing one would destroy the other).
 * - `WouldReplace`: an output already holds data and neither `--resume` nor `--overwrite` was given.
 * - `NotAFile`: an output is a directory.
 * - `Locked`: another run holds the output's lock.
 *
 * @since 0.2.0
 */
export const Reason = Schema.Literals(["InputUnreadable", "SameFile", "WouldReplace", "NotAFile", "Locked"])
/** @since 0.2.0 */
export type Reason = typeof Reason.Type

/**
 * A run was refused before it touched anything. `message` is one line: what would be lost, how to proceed.
 *
 * @since 0.2.0
 */
export class OutputGuardError extends Schema.TaggedError<OutputGuardError>()("OutputGuardError", {
  reason: Reason,
  path: Schema.String,
  detail: Schema.String
}) {
  override get message(): string {
    return this.detail
  }
}

/**
 * A path and the name the user knows it by (a flag such as `--out`, or `input`).
 *
 * @since 0.2.0
 */
export interface Named {
  readonly name: string
  readonly path: string
}

/**
 * An output: `lock` takes the exclusive lock (the main output); `existing: "allow"` skips the replace check
 * (a checkpoint, which is validated as one when it is loaded).
 *
 * @since 0.2.0
 */
export interface Output extends Named {
  readonly lock?: boolean | undefined
  readonly existing?: "refuse" | "allow" | undefined
}

/**
 * What the lock file holds.
 *
 * @since 0.2.0
 */
export const LockOwner = Schema.Struct({
  pid: Schema.Number,
  host: Schema.String,
  startedAt: Schema.String
})
/** @since 0.2.0 */
export interface LockOwner extends Schema.Schema.Type<typeof LockOwner> {}

const decodeOwner = Schema.decodeUnknownOption(Schema.fromJsonString(LockOwner))

const errorCode = (cause: unknown): string | undefined => {
  for (let c: unknown = cause, i = 0; typeof c === "object" && c !== null && i < 4; i++) {
    const code = (c as { readonly code?: unknown }).code
    if (typeof code === "string") return code
    const reason = (c as { readonly reason?: unknown }).reason
    c = typeof reason === "object" && reason !== null ? reason : (c as { readonly cause?: unknown }).cause
  }
  return undefined
}

/**
 * One plain reason for a failed read or write, from its system error code (`ENOSPC`, `EPIPE`, `EROFS`, ...):
 * what happened and what to do, never `Unknown: FileSystem.writeAll (23)`. Callers prefix the file
 * (`cannot write x.ndjson: the disk is full; free space and run again with --resume`).
 *
 * @example
 * ```ts
 * import { OutputGuard } from "@parley/drift-stream"
 *
 * OutputGuard.ioReason({ code: "ENOSPC" }, { resumable: true })
 * // "the disk is full; free space and run again with --resume"
 * ```
 *
 * @since 0.2.0
 */
export const ioReason = (cause: unknown, options: { readonly resumable?: boolean | undefined } = {}): string => {
  const again = options.resumable === true ? "run again with --resume" : "run again"
  switch (errorCode(cause)) {
    case "ENOSPC":
      return `the disk is full; free space and ${again}`
    case "EDQUOT":
      return `disk quota exceeded; free space and ${again}`
    case "EROFS":
      return "read-only file system; write to another place"
    case "EPIPE":
    case "ERR_STREAM_DESTROYED":
      return "the reader closed it before the end (the output is cut short)"
    case "EACCES":
    case "EPERM":
      return "permission denied"
    case "EISDIR":
      return "it is a directory"
    case "ENOENT":
      return "no such file or directory"
    case "EIO":
      return `input/output error (a failing disk or a lost network mount); ${again}`
    case "EFBIG":
      return "the file is larger than the file system allows"
    case "EMFILE":
    case "ENFILE":
      return "too many open files"
    default: {
      const message = typeof cause === "object" && cause !== null
        ? (cause as { readonly message?: unknown }).message
        : undefined
      return typeof message === "string" && message.length > 0 ? message : String(cause)
    }
  }
}

/** The real file a path names, or (for a file not there yet) its real directory joined with its name. */
const realFile = Effect.fnUntraced(function*(path: string) {
  const fs = yield* FileSystem.FileSystem
  const p = yield* Path.Path
  const absolute = p.resolve(path)
  const real = yield* Effect.option(fs.realPath(absolute))
  if (real._tag === "Some") return real.value
  const dir = yield* Effect.option(fs.realPath(p.dirname(absolute)))
  return dir._tag === "Some" ? p.join(dir.value, p.basename(absolute)) : absolute
})

const identity = Effect.fnUntraced(function*(real: string) {
  const fs = yield* FileSystem.FileSystem
  const info = yield* Effect.option(fs.stat(real))
  return info._tag === "Some" ? { real, info: info.value } : { real, info: undefined }
})

const processAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return errorCode(e) === "EPERM"
  }
}

const takeLock = Effect.fnUntraced(function*(output: Named, real: string) {
  const fs = yield* FileSystem.FileSystem
  const lockPath = `${real}.lock`
  const me: LockOwner = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() }
  const text = JSON.stringify(me) + "\n"
  for (let attempt = 0; attempt < 3; attempt++) {
    const created = yield* fs.writeFileString(lockPath, text, { flag: "wx" }).pipe(
      Effect.as(true),
      Effect.catch((e) =>
        errorCode(e) === "EEXIST" ? Effect.succeed(false) : Effect.fail(
          new OutputGuardError({
            reason: "Locked",
            path: output.path,
            detail: `cannot create the lock ${lockPath} for ${output.name} ${output.path}: ${ioReason(e)}`
          })
        )
      )
    )
    if (created) return lockPath
    const held = yield* Effect.option(fs.readFileString(lockPath))
    const owner = held._tag === "Some" ? decodeOwner(held.value) : undefined
    if (owner !== undefined && owner._tag === "Some") {
      const o = owner.value
      if (o.host === me.host && o.pid !== me.pid && !processAlive(o.pid)) {
        // Stale: its owner (on this host) is gone. Take it over, unless another run did so meanwhile (the file
        // changed since it was read): then look again.
        const again = yield* Effect.option(fs.readFileString(lockPath))
        if (again._tag === "Some" && held._tag === "Some" && again.value === held.value) {
          yield* fs.remove(lockPath, { force: true }).pipe(Effect.ignore)
        }
        continue
      }
      return yield* new OutputGuardError({
        reason: "Locked",
        path: output.path,
        detail:
          `${output.path} is being written by another run (pid ${o.pid} on ${o.host}, since ${o.startedAt}); wait for it to finish${
            o.host === me.host ? "" : `, or remove ${lockPath} if that run is gone`
          }`
      })
    }
    if (held._tag === "None") continue // removed between our attempt and the read: try again
    return yield* new OutputGuardError({
      reason: "Locked",
      path: output.path,
      detail:
        `${output.path} is locked by ${lockPath}, which does not say who holds it; remove it if no other run writes ${output.path}`
    })
  }
  return yield* new OutputGuardError({
    reason: "Locked",
    path: output.path,
    detail: `${output.path} is being locked and unlocked by other runs; try again when they are done`
  })
})

/**
 * Checks inputs and outputs (see the module description) and takes the lock of each output with `lock`,
 * released when the scope closes. Paths `-` (stdin/stdout) and `undefined` are skipped.
 *
 * @since 0.2.0
 */
export const acquire = Effect.fn("OutputGuard.acquire")(function*(options: {
  readonly inputs?: ReadonlyArray<Named> | undefined
  readonly outputs: ReadonlyArray<Output | { readonly name: string; readonly path: string | undefined }>
  /** Replace outputs that hold data (`--overwrite`). */
  readonly overwrite: boolean
  /** The run continues the outputs it finds (`--resume` with a checkpoint). */
  readonly resume: boolean
  /** Whether the command can continue an output (`--resume`; said in the refusal). Default true. */
  readonly resumable?: boolean | undefined
}): Effect.fn.Return<void, OutputGuardError, FileSystem.FileSystem | Path.Path | Scope.Scope> {
  const fs = yield* FileSystem.FileSystem
  const seen: Array<{ readonly named: Named; readonly real: string; readonly ino?: string }> = []
  const remember = Effect.fnUntraced(function*(named: Named) {
    const { info, real } = yield* identity(yield* realFile(named.path))
    const ino = info !== undefined && info.type === "File" && info.ino._tag === "Some"
      ? `${info.dev}:${info.ino.value}`
      : undefined
    const other = seen.find((s) => s.real === real || (ino !== undefined && s.ino === ino))
    if (other !== undefined) {
      return yield* new OutputGuardError({
        reason: "SameFile",
        path: named.path,
        detail:
          `${named.name} ${named.path} and ${other.named.name} ${other.named.path} are the same file (${real}); writing one would destroy the other: give them different paths`
      })
    }
    seen.push(ino === undefined ? { named, real } : { named, real, ino })
    return { real, info }
  })

  const p = yield* Path.Path
  /** The nearest folder above `path` that does not exist (the one to create), if any. */
  const missingFolder = Effect.fnUntraced(function*(path: string) {
    let folder = p.dirname(p.resolve(path))
    let missing: string | undefined
    while (!(yield* fs.exists(folder).pipe(Effect.orElseSucceed(() => true)))) {
      missing = folder
      const up = p.dirname(folder)
      if (up === folder) break
      folder = up
    }
    return missing
  })

  for (const input of options.inputs ?? []) {
    if (input.path === "-") continue
    if (input.path.trim() === "") {
      return yield* new OutputGuardError({
        reason: "InputUnreadable",
        path: input.path,
        detail: `cannot read ${input.name}: the path is empty; give a file path (or - for stdin)`
      })
    }
    const { info } = yield* remember(input)
    const unreadable = (why: string) =>
      new OutputGuardError({
        reason: "InputUnreadable",
        path: input.path,
        detail: `cannot read ${input.name} ${p.resolve(input.path)}: ${why}; nothing was written`
      })
    if (info === undefined) return yield* unreadable("no such file")
    if (info.type === "Directory") return yield* unreadable("it is a directory")
    // Open it for reading (and close it) to know it is readable before anything is truncated.
    yield* Effect.scoped(fs.open(input.path, { flag: "r" })).pipe(
      Effect.mapError((e) => unreadable(ioReason(e)))
    )
  }

  const locks: Array<{ readonly named: Named; readonly real: string }> = []
  for (const output of options.outputs) {
    if (output.path === undefined || output.path === "-") continue
    const named: Output = output as Output
    if (named.path.trim() === "") {
      return yield* new OutputGuardError({
        reason: "NotAFile",
        path: named.path,
        detail: `${named.name}: the path is empty; give a file path (or - for stdout)`
      })
    }
    const { info, real } = yield* remember(named)
    if (info === undefined) {
      const folder = yield* missingFolder(named.path)
      if (folder !== undefined) {
        return yield* new OutputGuardError({
          reason: "NotAFile",
          path: named.path,
          detail: `${named.name} ${named.path}: the folder ${folder} does not exist; create it or pick another path`
        })
      }
      if (named.lock === true) locks.push({ named, real })
      continue
    }
    if (info.type === "Directory") {
      return yield* new OutputGuardError({
        reason: "NotAFile",
        path: named.path,
        detail: `${named.name} ${named.path} is a directory; give a file path`
      })
    }
    if (
      named.existing !== "allow" && info.type === "File" && Number(info.size) > 0 && !options.overwrite &&
      !options.resume
    ) {
      return yield* new OutputGuardError({
        reason: "WouldReplace",
        path: named.path,
        detail: `${named.name} ${named.path} already holds ${
          Text.count(Number(info.size))
        } bytes that this run would replace; ${
          options.resumable === false ? "" : "continue it with --resume, "
        }replace it with --overwrite, or choose another ${named.name}`
      })
    }
    if (named.lock === true) locks.push({ named, real })
  }

  for (const { named, real } of locks) {
    const lockPath = yield* takeLock(named, real)
    yield* Effect.addFinalizer(() =>
      fs.readFileString(lockPath).pipe(
        Effect.flatMap((text) => {
          const owner = decodeOwner(text)
          return owner._tag === "Some" && owner.value.pid === process.pid && owner.value.host === hostname()
            ? fs.remove(lockPath, { force: true })
            : Effect.void
        }),
        Effect.ignore
      )
    )
  }
})
