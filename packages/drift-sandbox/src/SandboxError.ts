/**
 * The errors of the sandbox's store. The HTTP handlers turn them into Drift's error envelopes
 * (`NotFound` -> 404 `not_found`, `InvalidParam` -> 400 `validation_error` naming the parameter).
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/**
 * No conversation, contact or user has this id.
 *
 * @example
 * ```ts
 * import { SandboxError } from "@parley/drift-sandbox"
 *
 * new SandboxError.NotFound({ entity: "conversation", id: 1 }).message // "conversation 1 not found"
 * ```
 *
 * @since 0.1.0
 */
export class NotFound extends Schema.TaggedError<NotFound>()("NotFound", {
  entity: Schema.Literals(["conversation", "contact", "user"]),
  id: Schema.Number
}) {
  override get message(): string {
    return `${this.entity} ${this.id} not found`
  }
}

/**
 * A request parameter the store cannot use (a cursor it did not write, an unknown user id, ...).
 *
 * @example
 * ```ts
 * import { SandboxError } from "@parley/drift-sandbox"
 *
 * new SandboxError.InvalidParam({ param: "next", reason: "unknown cursor" }).message // "next: unknown cursor"
 * ```
 *
 * @since 0.1.0
 */
export class InvalidParam extends Schema.TaggedError<InvalidParam>()("InvalidParam", {
  param: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `${this.param}: ${this.reason}`
  }
}

const codeOf = (cause: unknown): string | undefined => {
  if (typeof cause !== "object" || cause === null) return undefined
  const record = cause as { readonly code?: unknown; readonly cause?: unknown }
  if (typeof record.code === "string") return record.code
  return record.cause === cause ? undefined : codeOf(record.cause)
}

/**
 * An HTTP server (the sandbox, or another server such as Parley Inbox) could not listen on `host:port`: the port
 * is in use or not allowed, or the host is not an address of this machine. The message is one line that names
 * the port and what to do.
 *
 * @example
 * ```ts
 * import { SandboxError } from "@parley/drift-sandbox"
 *
 * SandboxError.ListenFailed.fromCause({ code: "EADDRINUSE" }, { host: "127.0.0.1", port: 4010 }).message
 * // "port 4010 on 127.0.0.1 is already in use by another program: stop it, or pick another port with --port ..."
 * ```
 *
 * @since 0.1.0
 */
export class ListenFailed extends Schema.TaggedError<ListenFailed>()("ListenFailed", {
  host: Schema.String,
  port: Schema.Number,
  /** The system's error code (`EADDRINUSE`, `EACCES`, ...), when it gave one. */
  code: Schema.optionalKey(Schema.String),
  detail: Schema.String
}) {
  override get message(): string {
    const target = `${this.host}:${this.port}`
    switch (this.code) {
      case "EADDRINUSE":
        return `port ${this.port} on ${this.host} is already in use by another program: stop it, or pick another port with --port (--port 0 picks a free one)`
      case "EACCES":
      case "EPERM":
        return `not allowed to listen on port ${this.port} (ports below 1024 need administrator rights): pick another port with --port, e.g. --port 0`
      case "EADDRNOTAVAIL":
        return `cannot listen on ${target}: ${this.host} is not an address of this machine; use --host 127.0.0.1`
      case "ENOTFOUND":
      case "EAI_AGAIN":
        return `cannot listen on ${target}: the host name ${this.host} does not resolve; use --host 127.0.0.1`
    }
    return `cannot listen on ${target}: ${this.detail}`
  }
  /** The error of a server that failed to listen with `cause` (a Node error, or an error wrapping one). */
  static fromCause(cause: unknown, where: { readonly host: string; readonly port: number }): ListenFailed {
    const code = codeOf(cause)
    const inner = typeof cause === "object" && cause !== null && "cause" in cause ? cause.cause : cause
    const detail = inner instanceof Error && inner.message.length > 0 ? inner.message : String(inner)
    return new ListenFailed({ ...where, ...(code === undefined ? {} : { code }), detail })
  }
}
