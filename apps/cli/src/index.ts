/**
 * `@parley/cli`: the `parley` command (export, convert, sanitize, sandbox, openapi) and its building blocks.
 *
 * @since 0.1.0
 */

/**
 * The command tree and its entry point (`Cli.main(args)` gives the exit code).
 *
 * @since 0.1.0
 */
export * as Cli from "./Cli.ts"

/**
 * `parley export`: flags, `parseSince`, the summary type.
 *
 * @since 0.1.0
 */
export * as Export from "./commands/export.ts"

/**
 * How `parley export` reports a run: the `--json` summary, the closing line and the exit code.
 *
 * @since 0.2.0
 */
export * as ExportReport from "./ExportReport.ts"

/**
 * `parley convert`: flags and the summary type.
 *
 * @since 0.1.0
 */
export * as Convert from "./commands/convert.ts"

/**
 * The NDJSON sink with byte offsets and fsync.
 *
 * @since 0.1.0
 */
export * as Output from "./Output.ts"

/**
 * The progress tracker and its renderers (cli-progress bar, plain lines).
 *
 * @since 0.1.0
 */
export * as Progress from "./Progress.ts"

/**
 * The errors, their one-line messages and the exit codes.
 *
 * @since 0.1.0
 */
export * as Errors from "./Errors.ts"

/**
 * The conversation shapes and the record converter.
 *
 * @since 0.1.0
 */
export * as Formats from "./Formats.ts"

/**
 * The streaming splitter of NDJSON, JSON arrays and JSON documents.
 *
 * @since 0.1.0
 */
export * as Records from "./Records.ts"

/**
 * The Drift connection: options from the environment or the sandbox, the counting HTTP client.
 *
 * @since 0.1.0
 */
export * as Connection from "./Connection.ts"

/**
 * Drift's user directory as a file (`export --with-users`, `convert --users`), and what a conversion loses.
 *
 * @since 0.1.0
 */
export * as Users from "./Users.ts"
