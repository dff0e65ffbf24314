/**
 * The errors of the `parley` command, and how every failure becomes one line on stderr and an exit code.
 *
 * | exit code | meaning |
 * | --- | --- |
 * | 0 | done |
 * | 1 | the run failed (Drift refused or could not be reached, a file could not be read or written, ...) |
 * | 2 | the invocation is wrong: a flag, an argument, an environment variable (`DRIFT_TOKEN` missing, ...) |
 * | 3 | done, but some input records were rejected (`convert`; see the rejects file) |
 * | 130 | interrupted (Ctrl-C, SIGTERM); an export resumes from its checkpoint with `--resume` |
 *
 * @example
 * ```ts
 * import { Errors } from "@parley/cli"
 *
 * const { line, exitCode } = Errors.describe(new Errors.MissingToken())
 * // line: "DRIFT_TOKEN is not set. Create a token ...", exitCode: 2
 * ```
 *
 * @since 0.1.0
 */
import type { DriftError } from "@parley/drift-client"
import type { SandboxError } from "@parley/drift-sandbox"
import type { Checkpoint, DriftStreamError, OutputGuard, RecordSink } from "@parley/drift-stream"
import type { Bundle, Guard, ThreadSource } from "@parley/inbox"
import type { Fleet, LedgerReader, Migration, Secrets } from "@parley/migrate"
import * as Secret from "@parley/schema/Secret"
import * as Text from "@parley/schema/Text"
import type { Config, Effect, PlatformError } from "effect"
import { Cause, Schema } from "effect"
import { CliError } from "effect/cli"
import type { HttpServerError } from "effect/http"
import type { SocketServer } from "effect/socket"
import type { SqlError } from "effect/sql"
import { existsSync, statSync } from "node:fs"
import { dirname, resolve } from "node:path"

/**
 * The exit codes (see the module docs).
 *
 * @since 0.1.0
 */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  rejects: 3,
  interrupted: 130
} as const

/**
 * Where Drift tokens are made, for messages.
 *
 * @since 0.1.0
 */
export const TOKEN_HELP =
  "Create a token with the conversation_read scope at https://dev.drift.com (your app > Auth & Scopes, install it, copy its access token)"

/**
 * `DRIFT_TOKEN` is not set (and `--sandbox` was not given).
 *
 * @since 0.1.0
 */
export class MissingToken extends Schema.TaggedError<MissingToken>()("MissingToken", {}) {
  override get message(): string {
    return `DRIFT_TOKEN is not set. ${TOKEN_HELP}, then export DRIFT_TOKEN=<token>, or run with --sandbox to export from the embedded sandbox`
  }
}

/**
 * The command line or the environment asks for something that cannot be done (exit code 2).
 *
 * @since 0.1.0
 */
export class UsageError extends Schema.TaggedError<UsageError>()("UsageError", {
  reason: Schema.String
}) {
  override get message(): string {
    return this.reason
  }
}

/**
 * A file could not be read or written. `path` is shown resolved (absolute), `reason` in plain words (see
 * {@link fileReason}).
 *
 * @since 0.1.0
 */
export class FileError extends Schema.TaggedError<FileError>()("FileError", {
  path: Schema.String,
  operation: Schema.Literals(["read", "write", "truncate", "open", "sync"]),
  reason: Schema.String
}) {
  override get message(): string {
    const target = this.path === "-"
      ? (this.operation === "read" ? "stdin" : "stdout")
      : this.path.trim() === ""
      ? JSON.stringify(this.path)
      : resolve(this.path)
    return `cannot ${this.operation} ${target}: ${this.reason}`
  }
  /**
   * The error of `operation` on `path` failing with `cause` (a Node error, a `PlatformError`, anything), its
   * reason in plain words.
   */
  static from(path: string, operation: FileError["operation"], cause: unknown): FileError {
    return new FileError({ path, operation, reason: fileReason(path, operation, cause) })
  }
}

const codeOf = (cause: unknown): string | undefined => {
  if (typeof cause !== "object" || cause === null) return undefined
  const record = cause as { readonly code?: unknown; readonly reason?: unknown; readonly _tag?: unknown }
  if (typeof record.code === "string") return record.code
  // effect's PlatformError wraps a SystemError whose `_tag` is the normalized kind (NotFound, BadResource, ...)
  if (typeof record.reason === "object" && record.reason !== null) {
    const inner = record.reason as { readonly _tag?: unknown; readonly cause?: unknown }
    const innerCode = codeOf(inner.cause)
    if (innerCode !== undefined) return innerCode
    if (typeof inner._tag === "string") return inner._tag
  }
  if (typeof record._tag === "string") return record._tag
  return undefined
}

const isDirectory = (path: string): boolean => {
  try {
    return statSync(path).isDirectory()
  } catch {
    return false
  }
}

/** The nearest folder above `path` that does not exist (the one to create), or `undefined`. */
const missingFolder = (path: string): string | undefined => {
  let folder = dirname(resolve(path))
  let missing: string | undefined
  while (!existsSync(folder)) {
    missing = folder
    const up = dirname(folder)
    if (up === folder) break
    folder = up
  }
  return missing
}

/**
 * What went wrong with a file, in plain words: `the folder /x does not exist`, `it is a directory`,
 * `permission denied`, `no such file`, `the disk is full`, ... (never `NotFound: FileSystem.open`).
 *
 * @example
 * ```ts
 * import { Errors } from "@parley/cli"
 *
 * Errors.fileReason("/nope/x.ndjson", "open", { code: "ENOENT" }) // "the folder /nope does not exist; create it or pick another path"
 * ```
 *
 * @since 0.1.0
 */
export const fileReason = (path: string, operation: FileError["operation"], cause: unknown): string => {
  const code = codeOf(cause)
  if (path !== "-" && path.trim() === "") return "the path is empty; give a file path (or - for stdin/stdout)"
  if (path !== "-" && isDirectory(path)) return "it is a directory; give a file path"
  switch (code) {
    case "ENOENT":
    case "NotFound": {
      const folder = missingFolder(path)
      if (folder !== undefined) return `the folder ${folder} does not exist; create it or pick another path`
      return operation === "read" ? "no such file; check the path" : "no such file or folder"
    }
    case "EISDIR":
    case "BadResource":
      return "it is a directory; give a file path"
    case "EACCES":
    case "EPERM":
    case "PermissionDenied":
      return `permission denied; check the permissions of ${resolve(path)} and its folder, or pick another path`
    case "ENOTDIR":
      return "a part of the path is a file, not a folder; check the path"
    case "ENOSPC":
      return "the disk is full; free some space and run again"
    case "EROFS":
      return "the file system is read-only; pick another path"
    case "EMFILE":
    case "ENFILE":
      return "too many open files; raise the limit (ulimit -n) or run fewer programs at once"
    case "ENAMETOOLONG":
      return "the path is too long"
    case "EEXIST":
    case "AlreadyExists":
      return "it already exists"
  }
  const described = typeof cause === "object" && cause !== null
    ? ((cause as { readonly description?: unknown }).description ?? (cause as { readonly message?: unknown }).message)
    : undefined
  return oneLine(typeof described === "string" && described.length > 0 ? described : String(cause))
}

/**
 * A resume cannot continue the output it finds (the file was changed or removed since the checkpoint).
 *
 * @since 0.1.0
 */
export class ResumeError extends Schema.TaggedError<ResumeError>()("ResumeError", {
  reason: Schema.String
}) {
  override get message(): string {
    return this.reason
  }
}

/**
 * A `convert` finished but rejected some records (exit code 3).
 *
 * @since 0.1.0
 */
export class RecordsRejected extends Schema.TaggedError<RecordsRejected>()("RecordsRejected", {
  rejected: Schema.Number,
  records: Schema.Number,
  rejects: Schema.String
}) {
  override get message(): string {
    return `${Text.count(this.rejected)} of ${Text.count(this.records)} records rejected (written to ${
      this.rejects === "stderr" ? "stderr" : resolve(this.rejects)
    }); the others were converted`
  }
}

/**
 * A failure a command already described (it printed its summary with this line); the entry point prints the
 * line and exits with the code.
 *
 * @since 0.1.0
 */
export class Described extends Schema.TaggedError<Described>()("Described", {
  line: Schema.String,
  exitCode: Schema.Number
}) {
  override get message(): string {
    return this.line
  }
}

/**
 * Every error of the `parley` commands.
 *
 * @since 0.1.0
 */
export type ParleyError = MissingToken | UsageError | FileError | ResumeError | RecordsRejected | Described

const oneLine = (s: string): string => s.replace(/\s+/g, " ").trim()

/**
 * Context that makes messages more precise: the base URL in use, whether contacts were asked for.
 *
 * @since 0.1.0
 */
export interface Context {
  readonly baseUrl?: string | undefined
  readonly sandbox?: boolean | undefined
  /** Whether a checkpoint holds progress a `--resume` would continue from (default true). */
  readonly resumable?: boolean | undefined
}

const resumeHint =
  " Progress up to the last written page is checkpointed: run the same command with --resume to continue."

/**
 * A line and an exit code.
 *
 * @since 0.2.0
 */
export interface Description {
  readonly line: string
  readonly exitCode: number
}

/**
 * Every typed failure a `parley` command can end with: the CLI's own errors, the Drift client's and stream's, the
 * sinks', checkpoint's and output guard's, the mapper's config (`SchemaError`), the migration's and fleet's, the
 * Inbox's, and the command line's (`CliError`). {@link describe} has a line for each (checked exhaustively).
 *
 * @since 0.2.0
 */
export type Failure =
  | ParleyError
  | DriftError.DriftError
  | DriftError.InvalidOptions
  | DriftStreamError.DriftStreamError
  | DriftStreamError.Incomplete
  | DriftStreamError.RecordRejected
  | RecordSink.SinkError
  | Checkpoint.CheckpointError
  | Checkpoint.ResumeRefused
  | OutputGuard.OutputGuardError
  | Schema.SchemaError
  | Config.ConfigError
  | PlatformError.PlatformError
  | CliError.CliError
  | SandboxError.ListenFailed
  | ThreadSource.FileUnreadable
  | Bundle.BundleMissing
  | Guard.InsecureListen
  | LedgerReader.LedgerUnreadable
  | Migration.MigrationFailed
  | Fleet.FleetError
  | Secrets.SecretsError
  | SqlError.SqlError
  | SocketServer.SocketServerError
  | HttpServerError.ServeError

/**
 * Types an effect's failures as {@link Failure} (a command's handler, so that its declared type names the union
 * instead of every member's module).
 *
 * @since 0.2.0
 */
export const typed = <A, R>(self: Effect.Effect<A, Failure, R>): Effect.Effect<A, Failure, R> => self

const failed = (line: string): Description => ({ line, exitCode: ExitCode.failure })

const describeDrift = (error: DriftError.DriftError, context: Context, resumable: boolean): Description => {
  const resume = resumable ? resumeHint : ""
  switch (error._tag) {
    case "Unauthorized":
      return failed(
        `Drift rejected the token in DRIFT_TOKEN (401). ${TOKEN_HELP}, then export DRIFT_TOKEN=<token>, or run with --sandbox`
      )
    case "Forbidden": {
      const detail = oneLine(error.errors.map((e) => `${e.type}: ${e.message}`).join("; "))
      return failed(
        `the token in DRIFT_TOKEN lacks a scope this command needs (403 ${detail}). Grant conversation_read (and contact_read for --with-contacts) to your app at https://dev.drift.com, reinstall it and export its new token as DRIFT_TOKEN`
      )
    }
    case "TransportError": {
      const host = /^[a-z]+:\/\/([^/]+)/i.exec(error.url)?.[1] ?? context.baseUrl ?? error.url
      return failed(
        `cannot reach Drift at ${host} (${oneLine(error.description)}${
          error.attempts !== undefined && error.attempts > 1 ? `, ${error.attempts} attempts` : ""
        }). Check DRIFT_BASE_URL${
          context.baseUrl === undefined ? "" : ` (now ${context.baseUrl})`
        } and your network, or run with --sandbox.${resume}`
      )
    }
    case "NotFound":
    case "ValidationError":
    case "RateLimited":
    case "ServerError":
    case "Timeout":
    case "DecodeError":
    case "ResponseTooLarge":
      return failed(`${oneLine(error.message)}.${resume}`)
  }
}

const describePlatform = (error: PlatformError.PlatformError): Description => {
  const path = error.reason._tag === "BadArgument" ? undefined : error.reason.pathOrDescriptor
  return failed(
    typeof path === "string"
      ? `cannot use ${resolve(path)}: ${fileReason(path, "open", error)}`
      : oneLine(error.message)
  )
}

/**
 * One line (without the `parley: ` prefix) and an exit code for a typed failure. Every member of
 * {@link Failure} has its case; a new one that has none fails to compile.
 *
 * @example
 * ```ts
 * import { Errors } from "@parley/cli"
 *
 * Errors.describe(new Errors.UsageError({ reason: "--page-size must be 1 to 50" })).exitCode // 2
 * ```
 *
 * @since 0.1.0
 */
export const describe = (error: Failure, context: Context = {}): Description => {
  switch (error._tag) {
    case "Described":
      return { line: error.line, exitCode: error.exitCode }
    case "MissingToken":
    case "UsageError":
      return { line: error.message, exitCode: ExitCode.usage }
    case "RecordsRejected":
      return { line: error.message, exitCode: ExitCode.rejects }
    case "FileError":
    case "ResumeError":
    case "CursorUnrecognized":
    case "RecordRejected":
    case "Incomplete":
    case "CheckpointError":
    // The sink already says it in plain words (from the system error code), with what to do.
    case "SinkError":
      return failed(oneLine(error.message))
    case "PageFailed":
    case "ThreadFailed":
      return describeDrift(error.reason, context, context.resumable ?? true)
    case "InvalidOptions":
      return { line: `${oneLine(error.message)} (check the DRIFT_* variables)`, exitCode: ExitCode.usage }
    case "CheckpointMismatch":
      return {
        line:
          `the checkpoint was written by an export with other options (saved ${error.saved}, asked ${error.requested}). Resume with the same --status, --page-size and --since (or leave them out to reuse the saved ones), or start over without --resume`,
        exitCode: ExitCode.usage
      }
    case "CursorLoop":
      return failed(`${oneLine(error.message)}${context.resumable === false ? "" : resumeHint}`)
    case "ResumeRefused":
      return { line: oneLine(error.message), exitCode: ExitCode.usage }
    case "OutputGuardError": {
      const usage = error.reason === "SameFile" || error.reason === "WouldReplace"
      return { line: oneLine(error.message), exitCode: usage ? ExitCode.usage : ExitCode.failure }
    }
    case "Unauthorized":
    case "Forbidden":
    case "NotFound":
    case "RateLimited":
    case "ServerError":
    case "TransportError":
    case "Timeout":
    case "DecodeError":
    case "ResponseTooLarge":
      return describeDrift(error, context, false)
    // A Drift answer and a command-line check share the tag.
    case "ValidationError":
      return CliError.isCliError(error)
        ? { line: oneLine(error.message), exitCode: ExitCode.usage }
        : describeDrift(error, context, false)
    // The mapper's config is a Schema: an option it cannot use is a SchemaError naming the option.
    case "SchemaError":
      return {
        line: `invalid mapper option: ${oneLine(error.message)} (check the PARLEY_INTERCOM_* variables)`,
        exitCode: ExitCode.usage
      }
    case "UnrecognizedOption":
    case "DuplicateOption":
    case "MissingOption":
    case "MissingArgument":
    case "UnexpectedArgument":
    case "InvalidValue":
    case "UnknownSubcommand":
    case "UserError":
    case "ShowHelp":
      return { line: oneLine(error.message), exitCode: ExitCode.usage }
    case "ListenFailed":
      return failed(error.message)
    case "FileUnreadable":
      return failed(`cannot read the export file ${resolve(error.path)}: ${error.reason}`)
    case "PlatformError":
      return describePlatform(error)
    case "ConfigError":
      return { line: `invalid configuration: ${oneLine(error.message)}`, exitCode: ExitCode.usage }
    case "BundleMissing":
    case "InsecureListen":
    case "LedgerUnreadable":
    case "MigrationFailed":
    case "FleetError":
    case "SecretsError":
    case "SqlError":
    case "SocketServerError":
    case "ServeError":
      return failed(oneLine(error.message))
    default:
      return absurd(error)
  }
}

/** Exhaustiveness: with every member of {@link Failure} handled, `error` is `never` here. */
const absurd = (error: never): Description => describeUntyped(error)

/**
 * The line of a defect (a failure no type names: a bug, or a thrown value): `internal error: ...`, exit 1.
 *
 * @since 0.2.0
 */
export const describeUntyped = (defect: unknown): Description => {
  const message = defect instanceof Error ? defect.message : String(defect)
  return failed(`internal error: ${oneLine(message)} (run with PARLEY_DEBUG=1 for details, and report it)`)
}

/**
 * The line and exit code of a failed run's `Cause`: its first typed failure, else its first defect.
 *
 * @since 0.1.0
 */
export const describeCause = (cause: Cause.Cause<Failure>, context: Context = {}): Description => {
  const failure = cause.reasons.find(Cause.isFailReason)
  if (failure !== undefined) return describe(failure.error, context)
  const defect = cause.reasons.find(Cause.isDieReason)
  if (defect !== undefined) return describeUntyped(defect.defect)
  return { line: "interrupted", exitCode: ExitCode.interrupted }
}

/**
 * Removes the token (whole, cut, encoded: `Secret.scrub` of `@parley/drift-client`) from `text`: the last guard
 * before anything is printed.
 *
 * @example
 * ```ts
 * import { Errors } from "@parley/cli"
 *
 * Errors.scrub("Bearer abc123 failed", ["abc123"]) // "Bearer <redacted> failed"
 * ```
 *
 * @since 0.1.0
 */
export const scrub = (text: string, secrets: ReadonlyArray<string | undefined>): string => Secret.scrub(text, secrets)
