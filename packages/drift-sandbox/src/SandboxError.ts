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
