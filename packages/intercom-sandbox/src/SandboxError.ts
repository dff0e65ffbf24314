/**
 * The store's refusals. The handlers answer each with Intercom's error list: `NotFound` -> 404, `Conflict` ->
 * 409, `Invalid` -> 400 `parameter_invalid` naming the field.
 *
 * @example
 * ```ts
 * import { SandboxError } from "@parley/intercom-sandbox"
 *
 * const refused = new SandboxError.Conflict({ existingId: "6657a1b2c3d4e5f6a7b8c9d0" })
 * refused.message // "A contact matching those details already exists with id=6657a1b2c3d4e5f6a7b8c9d0"
 * ```
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/**
 * No such contact, conversation, admin or tag. `code` and `message` are what Intercom answers.
 *
 * @since 0.1.0
 */
export class NotFound extends Schema.TaggedError<NotFound>()("NotFound", {
  code: Schema.String,
  message: Schema.String
}) {}

/**
 * A contact with that email or external id exists (`existingId`).
 *
 * @since 0.1.0
 */
export class Conflict extends Schema.TaggedError<Conflict>()("Conflict", {
  existingId: Schema.String
}) {
  override get message(): string {
    return `A contact matching those details already exists with id=${this.existingId}`
  }
}

/**
 * A request the store refuses: `field` names what is wrong.
 *
 * @since 0.1.0
 */
export class Invalid extends Schema.TaggedError<Invalid>()("Invalid", {
  message: Schema.String,
  field: Schema.optionalKey(Schema.String)
}) {}
