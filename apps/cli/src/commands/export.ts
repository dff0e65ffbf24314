/**
 * `parley export`: every Drift conversation, with its messages, in Drift's or Intercom's shape (`--to`) and an
 * encoding (`--format`: NDJSON, a JSON array or CSV), checkpointed so that a killed export resumes with
 * `--resume` and writes every conversation exactly once.
 *
 * The command parses flags and composes the stages; the stages live in the packages: the source is
 * `DriftStream` (its thread pages, a quarantine for conversations Drift answers undecodably), the mapper the
 * `@parley/intercom` mapping (or the identity for Drift's shape), the encoder {@link Encoding}, and the sinks
 * `RecordSink.openExport` opens for the exactly-once protocol of `DriftStream.runExport` (whole records; about
 * once a second an fsync, then the checkpoint with both files' byte lengths; checked and cut back on resume), for
 * the output and the
 * rejects file. How the run is reported (the `--json` summary, the closing line, the exit code) is
 * {@link ExportReport}.
 *
 * Exit codes: 0 done; 3 done, with rejects (see the rejects file); 1 failure, including an export that came up
 * short of Drift's `/conversations/stats`; 2 usage; 130 interrupted.
 *
 * The flags and the command are here; what the command runs is loaded when it runs (`handlers/export.ts`).
 *
 * @since 0.1.0
 */
import * as SandboxCommand from "@parley/drift-sandbox/SandboxCommand"
import { Effect } from "effect"
import { Command, Flag } from "effect/cli"
import * as Errors from "../Errors.ts"
import type * as ExportReport from "../ExportReport.ts"
import * as Vocabulary from "../internal/vocabulary.ts"
import * as Shared from "./shared.ts"

/**
 * The flags of `parley export`.
 *
 * @since 0.1.0
 */
export const flags = {
  to: Flag.Literals("to", Vocabulary.shapes).pipe(
    Flag.withDescription("Output shape: drift (default), intercom (classic) or intercom-2.11"),
    Flag.optional
  ),
  format: Flag.Literals("format", Vocabulary.formats).pipe(
    Flag.withDescription(
      "Output encoding: ndjson (default), json (one array) or csv (one row per message; --to drift)"
    ),
    Flag.optional
  ),
  rejects: Flag.String("rejects").pipe(
    Flag.withDescription(
      "Where conversations that cannot be read or written go, one JSON record per line (default <out>.rejects.ndjson; stderr when writing to stdout)"
    ),
    Flag.optional
  ),
  strict: Flag.Boolean("strict").pipe(
    Flag.withDescription("Stop at the first conversation that cannot be read or written instead of quarantining it"),
    Flag.withDefault(false)
  ),
  status: Flag.String("status").pipe(
    Flag.withDescription(
      "Only these statuses: open, closed, pending (repeat the flag or separate with commas; default: all)"
    ),
    Flag.atLeast(0)
  ),
  since: Flag.String("since").pipe(
    Flag.withDescription(
      "Only conversations updated after this instant: an ISO date, epoch milliseconds, or `checkpoint` (the watermark of the previous export's checkpoint; default: all)"
    ),
    Flag.optional
  ),
  concurrency: Flag.Int("concurrency").pipe(
    Flag.withDescription("Conversations whose messages are read at once (default 8)"),
    Flag.withDefault(8)
  ),
  pageSize: Flag.Int("page-size").pipe(
    Flag.withDescription("Conversations per list request, 1 to 50 (1 to 100 on Drift's newer list API; default 50)"),
    Flag.optional
  ),
  out: Flag.String("out").pipe(
    Flag.withAlias("o"),
    Flag.withDescription("Output file (default: stdout; `-` is stdout)"),
    Flag.optional
  ),
  checkpoint: Flag.String("checkpoint").pipe(
    Flag.withDescription("Checkpoint file (default: <out>.checkpoint.json when --out is a file)"),
    Flag.optional
  ),
  checkpointEvery: Flag.Finite("checkpoint-every").pipe(
    Flag.withDescription(
      "Seconds between checkpoint saves (each flushes the output to disk first; it is also saved when the export ends, fails or is stopped; 0: after every page; default 1)"
    ),
    Flag.withDefault(1),
    Flag.filter((n) => n >= 0, (n) => `--checkpoint-every must be 0 or more seconds, got ${n}`)
  ),
  resume: Flag.Boolean("resume").pipe(
    Flag.withDescription(
      "Continue the export the checkpoint describes (cuts the output back to it first; default: off)"
    ),
    Flag.withDefault(false)
  ),
  withContacts: Flag.Boolean("with-contacts").pipe(
    Flag.withDescription("Also read each conversation's contact (needs the contact_read scope; default: off)"),
    Flag.withDefault(false)
  ),
  sandbox: Flag.Boolean("sandbox").pipe(
    Flag.withDescription("Export from an embedded Drift sandbox on 127.0.0.1 (no token, no network; default: off)"),
    Flag.withDefault(false)
  ),
  withUsers: Flag.Boolean("with-users").pipe(
    Flag.withDescription(
      "Also write Drift's user directory to <out>.users.json, for `parley convert --users` (needs user_read; default: off)"
    ),
    Flag.withDefault(false)
  ),
  sandboxConversations: SandboxCommand.conversationsFlag(
    "sandbox-conversations",
    "Conversations seeded in the embedded sandbox",
    SandboxCommand.defaults.conversations
  ),
  sandboxSeed: Flag.Int("sandbox-seed").pipe(
    Flag.withDescription("Seed of the embedded sandbox's data (default 1)"),
    Flag.withDefault(SandboxCommand.defaults.seed)
  ),
  requestsPerMinute: Flag.Finite("requests-per-minute").pipe(
    Flag.withDescription(
      "Client-side rate limit in requests per minute (default: DRIFT_REQUESTS_PER_MINUTE, else 600 against Drift and none with --sandbox or a loopback DRIFT_BASE_URL); 0 disables it"
    ),
    Flag.optional
  ),
  overwrite: Shared.overwrite,
  quiet: Shared.quiet,
  json: Shared.json,
  progressInterval: Shared.progressInterval
}

/**
 * The parsed flags.
 *
 * @since 0.1.0
 */
export type Args = Command.Command.Config.Infer<typeof flags>

/**
 * Parses `--since`: epoch milliseconds or an ISO date (`checkpoint` is handled by the caller).
 *
 * @example
 * ```ts
 * import { Export } from "@parley/cli"
 *
 * Export.parseSince("2024-05-01") // 1714521600000
 * Export.parseSince("1714521600000") // 1714521600000
 * ```
 *
 * @since 0.1.0
 */
export const parseSince = (value: string): number | undefined => {
  const trimmed = value.trim()
  if (/^\d+$/.test(trimmed)) return Number(trimmed)
  if (!/^\d{4}-\d{2}-\d{2}/.test(trimmed)) return undefined
  const ms = Date.parse(trimmed)
  return Number.isFinite(ms) ? ms : undefined
}

/**
 * The export summary (`--json`); see {@link ExportReport.Summary}.
 *
 * @since 0.1.0
 */
export type Summary = ExportReport.Summary

/**
 * `parley export`.
 *
 * @since 0.1.0
 */
export const command = Command.make(
  "export",
  flags,
  // The export's stages are loaded when it runs.
  (args) =>
    Shared.runHandler(() => import("../handlers/export.ts"), args).pipe(
      Effect.withSpan("parley.export"),
      Errors.typed
    )
).pipe(
  Command.withDescription(
    "Export every Drift conversation with its messages as NDJSON, a JSON array or CSV, in Drift's or Intercom's shape, checkpointed and resumable; conversations that cannot be read go to a rejects file (exit code 3)"
  ),
  Command.withExamples([
    {
      command: "parley export --sandbox --to intercom --out parley-export.ndjson",
      description: "Export the embedded sandbox's 2,000 conversations in Intercom's classic shape"
    },
    {
      command: "DRIFT_TOKEN=... parley export --to intercom-2.11 --status open,pending --out open.ndjson",
      description: "Export the open and pending conversations from Drift"
    },
    {
      command: "parley export --out all.ndjson --resume",
      description: "Continue an export that was interrupted"
    },
    {
      command: "parley export --out delta.ndjson --checkpoint state.json --since checkpoint",
      description: "Export what changed since the export that last used state.json"
    }
  ])
)
