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
import { DriftApiError, DriftError, Secret } from "@parley/drift-client"
import { SandboxError } from "@parley/drift-sandbox"
import { Checkpoint, DriftStreamError, OutputGuard, RecordSink } from "@parley/drift-stream"
import { ThreadSource } from "@parley/inbox"
import { Cause, Config, PlatformError, Schema } from "effect"
import { CliError } from "effect/cli"
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
    const count = (n: number) => n.toLocaleString("en-US")
    return `${count(this.rejected)} of ${count(this.records)} records rejected (written to ${
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

const describeDrift = (
  error: DriftError.DriftError,
  context: Context,
  resumable: boolean
): { readonly line: string; readonly exitCode: number } => {
  const resume = resumable ? resumeHint : ""
  if (error instanceof DriftApiError.Unauthorized) {
    return {
      line:
        `Drift rejected the token in DRIFT_TOKEN (401). ${TOKEN_HELP}, then export DRIFT_TOKEN=<token>, or run with --sandbox`,
      exitCode: ExitCode.failure
    }
  }
  if (error instanceof DriftApiError.Forbidden) {
    const detail = oneLine(error.errors.map((e) => `${e.type}: ${e.message}`).join("; "))
    return {
      line:
        `the token in DRIFT_TOKEN lacks a scope this command needs (403 ${detail}). Grant conversation_read (and contact_read for --with-contacts) to your app at https://dev.drift.com, reinstall it and export its new token as DRIFT_TOKEN`,
      exitCode: ExitCode.failure
    }
  }
  if (error instanceof DriftError.TransportError) {
    const host = /^[a-z]+:\/\/([^/]+)/i.exec(error.url)?.[1] ?? context.baseUrl ?? error.url
    return {
      line: `cannot reach Drift at ${host} (${oneLine(error.description)}${
        error.attempts !== undefined && error.attempts > 1 ? `, ${error.attempts} attempts` : ""
      }). Check DRIFT_BASE_URL${
        context.baseUrl === undefined ? "" : ` (now ${context.baseUrl})`
      } and your network, or run with --sandbox.${resume}`,
      exitCode: ExitCode.failure
    }
  }
  return { line: `${oneLine(error.message)}.${resume}`, exitCode: ExitCode.failure }
}

const isDriftError = (u: unknown): u is DriftError.DriftError =>
  DriftApiError.isDriftApiError(u) || u instanceof DriftError.TransportError || u instanceof DriftError.Timeout ||
  u instanceof DriftError.DecodeError || u instanceof DriftError.ResponseTooLarge

/**
 * One line (without the `parley: ` prefix) and an exit code for a failure.
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
export const describe = (
  error: unknown,
  context: Context = {}
): { readonly line: string; readonly exitCode: number } => {
  if (error instanceof Described) return { line: error.line, exitCode: error.exitCode }
  if (error instanceof MissingToken || error instanceof UsageError) {
    return { line: error.message, exitCode: ExitCode.usage }
  }
  if (error instanceof RecordsRejected) return { line: error.message, exitCode: ExitCode.rejects }
  if (error instanceof FileError || error instanceof ResumeError) {
    return { line: oneLine(error.message), exitCode: ExitCode.failure }
  }
  if (error instanceof DriftStreamError.PageFailed || error instanceof DriftStreamError.ThreadFailed) {
    return describeDrift(error.reason, context, context.resumable ?? true)
  }
  if (
    error instanceof DriftStreamError.CursorUnrecognized || error instanceof DriftStreamError.RecordRejected ||
    error instanceof DriftStreamError.Incomplete
  ) {
    return { line: oneLine(error.message), exitCode: ExitCode.failure }
  }
  if (error instanceof RecordSink.SinkError) {
    // The sink already says it in plain words (from the system error code), with what to do.
    return { line: oneLine(error.message), exitCode: ExitCode.failure }
  }

  if (error instanceof DriftError.InvalidOptions) {
    return { line: `${oneLine(error.message)} (check the DRIFT_* variables)`, exitCode: ExitCode.usage }
  }
  if (error instanceof DriftStreamError.CheckpointMismatch) {
    return {
      line:
        `the checkpoint was written by an export with other options (saved ${error.saved}, asked ${error.requested}). Resume with the same --status, --page-size and --since (or leave them out to reuse the saved ones), or start over without --resume`,
      exitCode: ExitCode.usage
    }
  }
  if (error instanceof DriftStreamError.CursorLoop) {
    return {
      line: `${oneLine(error.message)}${context.resumable === false ? "" : resumeHint}`,
      exitCode: ExitCode.failure
    }
  }
  if (error instanceof Checkpoint.CheckpointError) return { line: oneLine(error.message), exitCode: ExitCode.failure }
  if (error instanceof Checkpoint.ResumeRefused) return { line: oneLine(error.message), exitCode: ExitCode.usage }
  if (error instanceof OutputGuard.OutputGuardError) {
    const usage = error.reason === "SameFile" || error.reason === "WouldReplace"
    return { line: oneLine(error.message), exitCode: usage ? ExitCode.usage : ExitCode.failure }
  }
  if (isDriftError(error)) return describeDrift(error, context, false)
  // The mapper's config is a Schema: an option it cannot use is a SchemaError naming the option.
  if (Schema.isSchemaError(error)) {
    return {
      line: `invalid mapper option: ${oneLine(error.message)} (check the PARLEY_INTERCOM_* variables)`,
      exitCode: ExitCode.usage
    }
  }
  if (CliError.isCliError(error)) return { line: oneLine(error.message), exitCode: ExitCode.usage }
  if (error instanceof SandboxError.ListenFailed) return { line: error.message, exitCode: ExitCode.failure }
  if (error instanceof ThreadSource.FileUnreadable) {
    return {
      line: `cannot read the export file ${resolve(error.path)}: ${error.reason}`,
      exitCode: ExitCode.failure
    }
  }
  if (error instanceof PlatformError.PlatformError) {
    const path = error.reason._tag === "BadArgument" ? undefined : error.reason.pathOrDescriptor
    return {
      line: typeof path === "string"
        ? `cannot use ${resolve(path)}: ${fileReason(path, "open", error)}`
        : oneLine(error.message),
      exitCode: ExitCode.failure
    }
  }
  if (error instanceof Config.ConfigError) {
    return { line: `invalid configuration: ${oneLine(error.message)}`, exitCode: ExitCode.usage }
  }
  const message = error instanceof Error ? error.message : String(error)
  return {
    line: `internal error: ${oneLine(message)} (run with PARLEY_DEBUG=1 for details, and report it)`,
    exitCode: ExitCode.failure
  }
}

/**
 * The line and exit code of a failed run's `Cause`: its first typed failure, else its first defect.
 *
 * @since 0.1.0
 */
export const describeCause = (
  cause: Cause.Cause<unknown>,
  context: Context = {}
): { readonly line: string; readonly exitCode: number } => {
  const failure = cause.reasons.find(Cause.isFailReason)
  if (failure !== undefined) return describe(failure.error, context)
  const defect = cause.reasons.find(Cause.isDieReason)
  if (defect !== undefined) return describe(defect.defect, context)
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
