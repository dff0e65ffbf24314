/**
 * `parley convert`: conversation records from one shape to another (Drift thread, Intercom classic, Intercom API
 * 2.11), streaming: NDJSON and JSON arrays are read record by record, never whole. An invalid record never stops
 * the run: it is written to the rejects file with its line number, its JSON path and the reason, and the exit
 * code is 3.
 *
 * @example
 * ```ts
 * import { NodeServices } from "@effect/platform-node"
 * import { Cli } from "@parley/cli"
 * import { Effect } from "effect"
 *
 * // parley convert export.ndjson --to intercom-2.11 --out intercom.ndjson
 * const args = ["convert", "export.ndjson", "--to", "intercom-2.11", "--out", "intercom.ndjson"]
 * const code = Cli.main(args).pipe(Effect.provide(NodeServices.layer)) // 0, or 3 when a record was rejected
 * ```
 *
 * The flags and the command are here; what the command runs is loaded when it runs (`handlers/convert.ts`).
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import type * as Formats from "../Formats.ts"
import * as Vocabulary from "../internal/vocabulary.ts"
import * as Records from "../Records.ts"
import * as Shared from "./shared.ts"

/**
 * The arguments and flags of `parley convert`.
 *
 * @since 0.1.0
 */
export const flags = {
  input: Argument.String("input").pipe(
    Argument.withDescription("JSON, JSON array or NDJSON file of records; `-` (default) reads stdin"),
    Argument.withDefault("-")
  ),
  from: Flag.Literals("from", ["auto", ...Vocabulary.shapes] as const).pipe(
    Flag.withDescription("Input shape; auto (default) recognizes it from the first record's keys"),
    Flag.withDefault("auto")
  ),
  to: Flag.Literals("to", Vocabulary.shapes).pipe(
    Flag.withDescription("Output shape: drift, intercom (classic) or intercom-2.11")
  ),
  out: Flag.String("out").pipe(
    Flag.withAlias("o"),
    Flag.withDescription("Output NDJSON file (default: stdout; `-` is stdout)"),
    Flag.optional
  ),
  users: Flag.String("users").pipe(
    Flag.withDescription(
      "Drift's user directory, for authors' names and emails (the <out>.users.json of `parley export --with-users`, or a saved /users/list answer; default: none)"
    ),
    Flag.optional
  ),
  rejects: Flag.String("rejects").pipe(
    Flag.withDescription("Where rejected records go (default: <out>.rejects.ndjson, or stderr when writing to stdout)"),
    Flag.optional
  ),
  maxRecordChars: Flag.Int("max-record-chars").pipe(
    Flag.withDescription(
      `Longest record read, in characters (default ${Records.DEFAULT_MAX_RECORD_CHARS}); a longer one is rejected and the next is read`
    ),
    Flag.withDefault(Records.DEFAULT_MAX_RECORD_CHARS),
    Flag.filter((n) => n > 0, (n) => `--max-record-chars must be positive, got ${n}`)
  ),
  overwrite: Shared.overwrite,
  quiet: Shared.quiet,
  json: Shared.json,
  progressInterval: Shared.progressInterval
}

/**
 * The parsed arguments.
 *
 * @since 0.1.0
 */
export type Args = Command.Command.Config.Infer<typeof flags>

/**
 * The convert summary (`--json`).
 *
 * @since 0.1.0
 */
export interface Summary {
  readonly command: "convert"
  readonly ok: boolean
  readonly input: string
  readonly syntax: Records.Syntax | null
  readonly from: Formats.Shape | null
  readonly to: Formats.Shape
  readonly out: string
  readonly rejectsFile: string | null
  readonly records: number
  readonly converted: number
  readonly rejected: number
  readonly durationMs: number
  readonly recordsPerSecond: number
  readonly error?: string
}

/**
 * `parley convert`.
 *
 * @since 0.1.0
 */
export const command = Command.make(
  "convert",
  flags,
  // The converters are loaded when the command runs.
  (args) => Shared.runHandler(() => import("../handlers/convert.ts"), args).pipe(Effect.withSpan("parley.convert"))
)
  .pipe(
    Command.withDescription(
      "Convert conversation records (JSON, JSON array or NDJSON) between Drift's and Intercom's shapes, streaming"
    ),
    Command.withExamples([
      {
        command: "parley convert export.ndjson --to intercom-2.11 --out intercom.ndjson",
        description:
          "Drift threads to Intercom API 2.11 conversations; bad records go to intercom.ndjson.rejects.ndjson"
      },
      {
        command: "cat intercom.ndjson | parley convert - --from intercom-2.11 --to drift > drift.ndjson",
        description: "Back to Drift threads, stdin to stdout (rejects on stderr)"
      }
    ])
  )
