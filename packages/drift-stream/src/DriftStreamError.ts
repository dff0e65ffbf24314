/**
 * Errors that end a Drift stream, each naming where to resume.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

const describe = (cause: unknown): string => {
  if (typeof cause === "object" && cause !== null && "message" in cause && typeof cause.message === "string") {
    return cause.message
  }
  try {
    return String(cause)
  } catch {
    return "unknown cause"
  }
}

/**
 * A page of `GET /conversations/list` kept failing after the client's retry budget. `cursor` is the cursor of
 * the page that failed (`null`: the first page): resume from it.
 *
 * @since 0.1.0
 */
export class PageFailed extends Schema.TaggedError<PageFailed>()("PageFailed", {
  phase: Schema.Literals(["main", "catchup"]),
  cursor: Schema.NullOr(Schema.String),
  cause: Schema.Defect()
}) {
  override get message(): string {
    const at = this.cursor === null ? "the first page" : `cursor ${this.cursor}`
    const cause = describe(this.cause)
    return `Listing conversations failed at ${at} (${this.phase} pass) after retries: ${cause}. Resume from ${at} (with a checkpoint: run again with resume).`
  }
}

/**
 * The messages, or the contact, of one conversation could not be read after retries.
 *
 * @since 0.1.0
 */
export class ThreadFailed extends Schema.TaggedError<ThreadFailed>()("ThreadFailed", {
  conversationId: Schema.Number,
  cursor: Schema.NullOr(Schema.String),
  cause: Schema.Defect()
}) {
  override get message(): string {
    const cause = describe(this.cause)
    return `Reading conversation ${this.conversationId} failed${
      this.cursor === null ? "" : ` at messages cursor ${this.cursor}`
    } after retries: ${cause}. Its page was not checkpointed; resume to retry it.`
  }
}

/**
 * The server answered a cursor already fetched in the same walk (the same cursor again, or a cycle such as
 * `a -> b -> a`): paging would never end.
 *
 * @since 0.1.0
 */
export class CursorLoop extends Schema.TaggedError<CursorLoop>()("CursorLoop", {
  what: Schema.String,
  cursor: Schema.String
}) {
  override get message(): string {
    return `The server returned cursor ${this.cursor} again while paging ${this.what}; stopping instead of looping forever.`
  }
}

/**
 * The checkpoint was written by an export with other options (statuses, page size, since): resuming it with
 * these options could skip or repeat conversations.
 *
 * @since 0.1.0
 */
export class CheckpointMismatch extends Schema.TaggedError<CheckpointMismatch>()("CheckpointMismatch", {
  saved: Schema.String,
  requested: Schema.String
}) {
  override get message(): string {
    return `The checkpoint was written with options ${this.saved}, but this run asks for ${this.requested}. Resume with the same options, or start over without resume.`
  }
}

/**
 * Any error a Drift stream ends with.
 *
 * @since 0.1.0
 */
export type DriftStreamError = PageFailed | ThreadFailed | CursorLoop | CheckpointMismatch
