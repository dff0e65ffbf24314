/**
 * The output encodings of `parley export` (`--format`): how the records of a shape (`--to`) become text.
 *
 * | format | what the output is |
 * | --- | --- |
 * | `ndjson` (default) | one conversation per line |
 * | `json` | one JSON array of conversations (`[` first, `]` written when the export finishes) |
 * | `csv` | one row per message, with a header row: the columns of {@link CSV_COLUMNS} (`--to drift` only) |
 *
 * Each encoding gives `DriftStream.runExport` record texts that end with their newline, so a resumed export
 * cuts the output back to whole records; CSV is written with `effect/encoding`'s `Csv`.
 *
 * The module is internal to the CLI (not exported from `@parley/cli`); its public face is the flag:
 *
 * @example
 * ```sh
 * parley export --to drift --format csv --out conversations.csv
 * ```
 *
 * @since 0.2.0
 */
import type { DriftStream } from "@parley/drift-stream"
import type { Mapping } from "@parley/intercom"
import type { Drift } from "@parley/schema"
import { DateTime, Effect, Stream } from "effect"
import { Csv } from "effect/encoding"
import * as Formats from "./Formats.ts"
import * as Vocabulary from "./internal/vocabulary.ts"

/**
 * The encodings.
 *
 * @since 0.2.0
 */
export const formats: typeof Vocabulary.formats = Vocabulary.formats

/**
 * An encoding.
 *
 * @since 0.2.0
 */
export type Format = typeof formats[number]

/**
 * The columns of `--format csv`, one row per message:
 *
 * - `conversation_id`, `conversation_status`, `conversation_created_at`, `conversation_updated_at` (ISO 8601);
 * - `contact_id`, `contact_email` (empty without `--with-contacts` or when the contact has none);
 * - `message_id`, `message_type` (as Drift sent it, undocumented types included), `author_type` (`contact` or
 *   `user`), `author_id`, `author_bot` (`true`/`false`), `message_created_at` (ISO 8601);
 * - `body` (the sanitized HTML body; empty when absent), `attachments` (the number of attachments).
 *
 * @since 0.2.0
 */
export const CSV_COLUMNS = [
  "conversation_id",
  "conversation_status",
  "conversation_created_at",
  "conversation_updated_at",
  "contact_id",
  "contact_email",
  "message_id",
  "message_type",
  "author_type",
  "author_id",
  "author_bot",
  "message_created_at",
  "body",
  "attachments"
] as const

/**
 * An encoding ready for `DriftStream.runExport`.
 *
 * @since 0.2.0
 */
export interface Encoding {
  readonly format: Format
  /**
   * Whether every record is one line and nothing else is (NDJSON): a resume can then check the checkpoint's line
   * count against the output before cutting it back.
   */
  readonly recordsAreLines: boolean
  /** Written first into an empty output. */
  readonly header: ReadonlyArray<string>
  /** Written when the export finishes (after the checkpointed records, so a resume cuts it off again). */
  readonly footer: ReadonlyArray<string>
  readonly encode: (thread: Drift.Thread) => Effect.Effect<ReadonlyArray<string>, DriftStream.EncodeRejection>
  /** Tells the encoding how many records the output being resumed holds. */
  readonly resumeAt: (records: number) => void
}

const iso = (dt: DateTime.Utc): string => DateTime.formatIso(dt)

const csvRows = (thread: Drift.Thread): Array<Record<string, string>> =>
  thread.messages.map((message) => {
    const email = thread.contact?.attributes.email
    return {
      conversation_id: String(thread.conversation.id),
      conversation_status: thread.conversation.status,
      conversation_created_at: iso(thread.conversation.createdAt),
      conversation_updated_at: iso(thread.conversation.updatedAt),
      contact_id: String(thread.conversation.contactId),
      contact_email: typeof email === "string" ? email : "",
      message_id: String(message.id),
      message_type: String(message.type),
      author_type: message.author.type,
      author_id: String(message.author.id),
      author_bot: String(message.author.bot === true),
      message_created_at: iso(message.createdAt),
      body: message.body ?? "",
      attachments: String(message.attachments?.length ?? 0)
    }
  })

const csvText = (rows: ReadonlyArray<Record<string, string | undefined>>, headers: boolean) =>
  Stream.fromArray(rows).pipe(
    Stream.pipeThroughChannel(Csv.encodeString({ columns: CSV_COLUMNS, headers })),
    Stream.runCollect,
    Effect.map((parts) => parts.join(""))
  )

/** The thread as the shape's wire JSON (through the mapper for Intercom's shapes), or why it cannot be. */
const toJson = (
  to: Formats.Shape,
  mapper: Mapping.Mapper
): (thread: Drift.Thread) => Effect.Effect<string, DriftStream.EncodeRejection> => {
  const encode = Formats.fromThread(to, mapper)
  return (thread) =>
    Effect.suspend(() => {
      const result = encode(thread)
      return result._tag === "Ok"
        ? Effect.succeed(JSON.stringify(result.value))
        : Effect.fail({ path: Formats.formatPath(result.path), error: result.message })
    })
}

/**
 * The encoding of `format` for records of shape `to`. CSV is written from the Drift thread: it needs
 * `to: "drift"` (see {@link CSV_COLUMNS}).
 *
 * @since 0.2.0
 */
export const make = (options: {
  readonly format: Format
  readonly to: Formats.Shape
  readonly mapper: Mapping.Mapper
}): Effect.Effect<Encoding> =>
  Effect.gen(function*() {
    switch (options.format) {
      case "ndjson": {
        const json = toJson(options.to, options.mapper)
        return {
          format: "ndjson",
          recordsAreLines: true,
          header: [],
          footer: [],
          encode: (thread) => Effect.map(json(thread), (line) => [`${line}\n`]),
          resumeAt: () => {}
        }
      }
      case "json": {
        const json = toJson(options.to, options.mapper)
        let written = 0
        return {
          format: "json",
          recordsAreLines: false,
          header: ["[\n"],
          footer: ["]\n"],
          encode: (thread) => Effect.map(json(thread), (text) => [`${written++ === 0 ? "" : ","}${text}\n`]),
          // The header is the first record of the output.
          resumeAt: (records) => {
            written = Math.max(0, records - 1)
          }
        }
      }
      case "csv": {
        const header = yield* csvText([Object.fromEntries(CSV_COLUMNS.map((c) => [c, c]))], false)
        return {
          format: "csv",
          recordsAreLines: false,
          header: [header],
          footer: [],
          encode: (thread) =>
            thread.messages.length === 0
              ? Effect.succeed([])
              : Effect.map(csvText(csvRows(thread), false), (text) => [text]),
          resumeAt: () => {}
        }
      }
    }
  })

/**
 * Whether an encoding can write a shape (CSV writes the Drift thread only).
 *
 * @since 0.2.0
 */
export const supports = (format: Format, to: Formats.Shape): boolean => format !== "csv" || to === "drift"
