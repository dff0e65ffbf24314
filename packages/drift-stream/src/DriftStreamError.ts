/**
 * Errors that end a Drift stream, each naming where to resume. A failure of the Drift client is kept as the
 * typed `reason` (a `DriftError`), so a program handles it with `Effect.catchReason` / `Effect.unwrapReason`
 * instead of inspecting a cause.
 *
 * @example
 * ```ts
 * import type { DriftStreamError } from "@parley/drift-stream"
 * import { Effect } from "effect"
 *
 * declare const exported: Effect.Effect<number, DriftStreamError.PageFailed>
 * exported.pipe(
 *   Effect.catchReason("PageFailed", "Unauthorized", () => Effect.succeed(0))
 * )
 * ```
 *
 * @since 0.1.0
 */
import { type DriftApiError, DriftError } from "@parley/drift-client"
import { Schema } from "effect"

/**
 * A page of `GET /conversations/list` kept failing after the client's retry budget. `cursor` is the cursor of
 * the page that failed (`null`: the first page): resume from it. `reason` is the client's error.
 *
 * @since 0.1.0
 */
export class PageFailed extends Schema.TaggedError<PageFailed>()("PageFailed", {
  phase: Schema.Literals(["main", "catchup"]),
  cursor: Schema.NullOr(Schema.String),
  reason: DriftError.DriftError
}) {
  override get message(): string {
    const at = this.cursor === null ? "the first page" : `cursor ${this.cursor}`
    return `Listing conversations failed at ${at} (${this.phase} pass) after retries: ${this.reason.message}. Resume from ${at} (with a checkpoint: run again with resume).`
  }
}

/**
 * The messages, or the contact, of one conversation could not be read after retries (or, with `strict`, could
 * not be decoded). `what` says which request failed; `reason` is the client's error.
 *
 * @since 0.1.0
 */
export class ThreadFailed extends Schema.TaggedError<ThreadFailed>()("ThreadFailed", {
  conversationId: Schema.Number,
  what: Schema.Literals(["messages", "contact"]),
  cursor: Schema.NullOr(Schema.String),
  reason: DriftError.DriftError
}) {
  override get message(): string {
    return `Reading the ${this.what} of conversation ${this.conversationId} failed${
      this.cursor === null ? "" : ` at messages cursor ${this.cursor}`
    }: ${this.reason.message}. Its page was not checkpointed; resume to retry it.`
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
 * A list page announced a next page in a form the stream cannot follow (`links.next` without a `page_token`,
 * or `pagination.more: true` without `next`). The stream fails instead of ending early and coming up short.
 *
 * @since 0.2.0
 */
export class CursorUnrecognized extends Schema.TaggedError<CursorUnrecognized>()("CursorUnrecognized", {
  where: Schema.String,
  value: Schema.String,
  cursor: Schema.NullOr(Schema.String)
}) {
  override get message(): string {
    return `The conversation list page after ${
      this.cursor === null ? "the start" : `cursor ${this.cursor}`
    } announces a next page in ${this.where} as ${
      JSON.stringify(this.value.slice(0, 200))
    }, which Parley cannot follow; stopping instead of exporting only part of the workspace. Report this with the value above.`
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
 * An export finished, but it holds fewer conversations (exported plus rejected) than Drift's
 * `/conversations/stats` counted for the statuses asked for. `required` is the smaller of the counts at the
 * start and at the end of the run (a conversation that left the status filter during the run is not required).
 * Everything written stays written and checkpointed.
 *
 * @since 0.2.0
 */
export class Incomplete extends Schema.TaggedError<Incomplete>()("Incomplete", {
  required: Schema.Number,
  atStart: Schema.Number,
  atEnd: Schema.Number,
  exported: Schema.Number,
  rejected: Schema.Number,
  statuses: Schema.Array(Schema.String)
}) {
  override get message(): string {
    const which = this.statuses.length === 0 ? "" : ` (${this.statuses.join(", ")})`
    return `The export came up short: Drift counts ${this.required} conversations${which} (${this.atStart} at the start, ${this.atEnd} at the end), but ${
      this.exported + this.rejected
    } were read (${this.exported} exported, ${this.rejected} rejected): ${
      this.required - this.exported - this.rejected
    } missing. The output is incomplete; report this with these numbers.`
  }
}

/**
 * With `strict`, a thread the export's encoder refused (a mapping or encoding failure) ends the export.
 *
 * @since 0.2.0
 */
export class RecordRejected extends Schema.TaggedError<RecordRejected>()("RecordRejected", {
  conversationId: Schema.Number,
  path: Schema.String,
  error: Schema.String
}) {
  override get message(): string {
    return `Conversation ${this.conversationId} cannot be written at ${this.path}: ${this.error} (stopped because of strict; without it the conversation is quarantined in the rejects file and the export goes on)`
  }
}

/**
 * The errors Drift answers with, as a `reason` of {@link PageFailed} or {@link ThreadFailed} may be (declared
 * so that the reason union's members can be named in declarations).
 *
 * @since 0.2.0
 */
export type ApiReason = DriftApiError.DriftApiError

/**
 * Any error a Drift stream ends with.
 *
 * @since 0.1.0
 */
export type DriftStreamError = PageFailed | ThreadFailed | CursorLoop | CursorUnrecognized | CheckpointMismatch
