/**
 * Flags and helpers shared by the commands.
 *
 * @since 0.1.0
 */
import { Console, Effect } from "effect"
import { Flag } from "effect/cli"
import * as Errors from "../Errors.ts"
import * as Vocabulary from "../internal/vocabulary.ts"

/**
 * `--quiet`: no progress, no human summary (errors are still printed).
 *
 * @since 0.1.0
 */
export const quiet = Flag.Boolean("quiet").pipe(
  Flag.withAlias("q"),
  Flag.withDescription("No progress and no summary on stderr (errors are still printed; default: off)"),
  Flag.withDefault(false)
)

/**
 * `--json`: a machine-readable summary.
 *
 * @since 0.1.0
 */
export const json = Flag.Boolean("json").pipe(
  Flag.withDescription("Print a JSON summary (on stdout when --out is a file, else on stderr; default: off)"),
  Flag.withDefault(false)
)

/**
 * `--overwrite`: replace outputs that already hold data (without it, a run refuses to).
 *
 * @since 0.2.0
 */
export const overwrite = Flag.Boolean("overwrite").pipe(
  Flag.withDescription("Replace output files that already hold data (without it, the run refuses to replace them)"),
  Flag.withDefault(false)
)

/**
 * `--progress-interval`: seconds between progress lines when stderr is not a terminal.
 *
 * @since 0.1.0
 */
export const progressInterval = Flag.Finite("progress-interval").pipe(
  Flag.withDescription("Seconds between progress lines when stderr is not a terminal (default 5)"),
  Flag.withDefault(5),
  Flag.filter((n) => n > 0, (n) => `--progress-interval must be positive, got ${n}`)
)

/**
 * Writes a line to stderr, prefixed `parley: `.
 *
 * @since 0.1.0
 */
export const note = (line: string): Effect.Effect<void> => Console.error(`parley: ${line}`)

/**
 * A failure already turned into its line and exit code (so the command can print its summary first and the
 * entry point prints just the line).
 *
 * @since 0.1.0
 */
export const describeWith = (context: Errors.Context) => (error: Errors.Failure): Errors.Description =>
  Errors.describe(error, context)

/**
 * Whether `path` means stdin/stdout.
 *
 * @since 0.1.0
 */
export const isStd = (path: string | undefined): boolean => path === undefined || path === "-"

/**
 * Prints the JSON summary to stdout (when the data went to a file) or stderr.
 *
 * @since 0.1.0
 */
export const printJson = (summary: unknown, dataOnStdout: boolean): Effect.Effect<void> =>
  dataOnStdout ? Console.error(JSON.stringify(summary)) : Console.log(JSON.stringify(summary))

/**
 * A {@link Errors.UsageError} saying `reason`: a flag or argument the command cannot take.
 *
 * @since 0.2.0
 */
export const usage = (reason: string): Errors.UsageError => new Errors.UsageError({ reason })

/**
 * Runs a command's handler module, loaded with `load` (an `import()` of it) only when the command runs, so that
 * `parley --help` and the other commands never load it.
 *
 * @since 0.2.0
 */
export const runHandler = <A, B, E, R>(
  load: () => Promise<{ readonly run: (args: A) => Effect.Effect<B, E, R> }>,
  args: A
): Effect.Effect<B, E, R> => Effect.flatMap(Effect.promise(load), (handler) => handler.run(args))

/**
 * The values of `--status` (repeated, or comma-separated), lower-cased, each once; any other value is a
 * {@link Errors.UsageError}.
 *
 * @since 0.2.0
 */
export const parseStatuses = (
  values: ReadonlyArray<string>
): Effect.Effect<Array<Vocabulary.Status>, Errors.UsageError> =>
  Effect.gen(function*() {
    const out: Array<Vocabulary.Status> = []
    for (const value of values.flatMap((v) => v.split(","))) {
      const s = value.trim().toLowerCase()
      if (s === "") continue
      if (!(Vocabulary.statuses as ReadonlyArray<string>).includes(s)) {
        return yield* usage(`--status must be open, closed or pending, got ${JSON.stringify(value.trim())}`)
      }
      if (!out.includes(s as Vocabulary.Status)) out.push(s as Vocabulary.Status)
    }
    return out
  })
