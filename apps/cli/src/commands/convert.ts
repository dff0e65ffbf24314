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
 * @since 0.1.0
 */
import { OutputGuard } from "@parley/drift-stream"
import { MapperConfig, Mapping } from "@parley/intercom"
import { Effect, Option, Stream } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { createReadStream } from "node:fs"
import { resolve } from "node:path"
import * as Errors from "../Errors.ts"
import * as Formats from "../Formats.ts"
import * as Output from "../Output.ts"
import * as Progress from "../Progress.ts"
import * as Records from "../Records.ts"
import * as Users from "../Users.ts"
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
  from: Flag.Literals("from", ["auto", ...Formats.shapes] as const).pipe(
    Flag.withDescription("Input shape; auto (default) recognizes it from the first record's keys"),
    Flag.withDefault("auto")
  ),
  to: Flag.Literals("to", Formats.shapes).pipe(
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

const MAX_RAW_INPUT = 64 * 1024

const readInput = (input: string): Stream.Stream<string, Errors.FileError> =>
  Stream.fromAsyncIterable(
    Shared.isStd(input)
      ? (process.stdin.setEncoding("utf8"), process.stdin as AsyncIterable<string>)
      : (createReadStream(input, { encoding: "utf8", highWaterMark: 1 << 20 }) as AsyncIterable<string>),
    (cause) => Errors.FileError.from(input, "read", cause)
  )

const reject = (
  raw: Records.RawRecord,
  path: string,
  error: string,
  input: unknown,
  issues?: ReadonlyArray<{ readonly path: string; readonly message: string }>
): string => {
  const entry = {
    line: raw.line,
    index: raw.index,
    path,
    error,
    ...(issues !== undefined && issues.length > 1 ? { issues } : {})
  }
  try {
    return JSON.stringify({ ...entry, input })
  } catch {
    // A record JSON.stringify cannot write back (nested beyond the stack): keep its text instead.
    return JSON.stringify({ ...entry, input: raw.text.slice(0, MAX_RAW_INPUT), inputIsText: true })
  }
}

/** Converts one parsed record; a record that makes the converter throw (e.g. nested beyond the stack) is a reject. */
const convertSafely = (convert: (record: unknown) => Formats.Result, value: unknown): Formats.Result | string => {
  try {
    return convert(value)
  } catch (e) {
    return `cannot convert this record: ${e instanceof Error ? e.message : String(e)}`
  }
}

const run = Effect.fnUntraced(function*(args: Args) {
  const out = Option.getOrUndefined(args.out)
  const toStdout = Shared.isStd(out)
  const rejectsPath = Option.getOrElse(args.rejects, () => toStdout ? "-" : `${out}.rejects.ndjson`)
  const tracker = new Progress.Tracker("records")
  const config = yield* MapperConfig.fromEnv
  const users = Option.isSome(args.users) ? yield* Users.load(args.users.value) : []
  const mapper = yield* Effect.fromResult(Mapping.make({ ...config, users }))
  const tellLosses = (detected: Formats.Shape) =>
    args.quiet ? Effect.void : Effect.forEach(
      Users.lossNotes({ from: detected, to: args.to, users: Option.isSome(args.users) }),
      Shared.note,
      { discard: true }
    )
  const splitter = new Records.Splitter({ maxRecordChars: args.maxRecordChars })
  let from: Formats.Shape | undefined = args.from === "auto" ? undefined : args.from
  let convert: ((record: unknown) => Formats.Result) | undefined = from === undefined
    ? undefined
    : Formats.converter({ from, to: args.to, mapper })
  if (from !== undefined) yield* tellLosses(from)
  let records = 0
  let converted = 0
  let rejected = 0
  let sink: Output.Sink | undefined

  const summary = (error?: string): Summary => {
    const s = tracker.snapshot()
    return {
      command: "convert",
      ok: error === undefined && rejected === 0,
      input: args.input,
      syntax: splitter.syntax ?? null,
      from: from ?? null,
      to: args.to,
      out: toStdout ? "-" : out!,
      rejectsFile: rejected > 0 ? rejectsPath : null,
      records,
      converted,
      rejected,
      durationMs: s.elapsedMs,
      recordsPerSecond: Math.round(s.rate),
      ...(error === undefined ? {} : { error })
    }
  }

  const program = Effect.gen(function*() {
    // The input is readable and is no output; no output is replaced unasked; one writer per output.
    yield* OutputGuard.acquire({
      inputs: [{ name: "input", path: args.input }],
      outputs: [{ name: "--out", path: out, lock: true }, { name: "--rejects", path: rejectsPath }],
      overwrite: args.overwrite,
      resume: false,
      resumable: false
    })
    const theSink = toStdout ? yield* Output.stdout : yield* Output.file(out!, { mode: "truncate", fsync: false })
    sink = theSink
    const rejectsSink = yield* Output.lazyFile(rejectsPath, { existing: args.overwrite ? "remove" : "keep" })
    yield* Progress.start(tracker, {
      mode: Progress.modeFor({ quiet: args.quiet }),
      intervalMs: args.progressInterval * 1000
    })

    const handle = (batch: ReadonlyArray<Records.RawRecord>) =>
      Effect.gen(function*() {
        if (batch.length === 0) return
        const lines: Array<string> = []
        const rejects: Array<string> = []
        let messages = 0
        for (const raw of batch) {
          records++
          if (raw.tooLarge !== undefined) {
            rejects.push(
              reject(
                raw,
                "(root)",
                `the record is ${raw.tooLarge} characters long, over the limit of ${args.maxRecordChars} (--max-record-chars)${
                  raw.truncated === true ? "; the input ends inside it" : ""
                }`,
                raw.text
              )
            )
            continue
          }
          let value: unknown
          try {
            value = JSON.parse(raw.text)
          } catch (e) {
            const reason = raw.truncated === true
              ? "the input ends inside this record"
              : `not JSON: ${e instanceof Error ? e.message : String(e)}`
            rejects.push(reject(raw, "(root)", reason, raw.text.slice(0, MAX_RAW_INPUT)))
            continue
          }
          if (convert === undefined) {
            const detected = Formats.detect(value)
            if (detected === undefined) {
              rejects.push(
                reject(
                  raw,
                  "(root)",
                  "not a Drift thread ({conversation, messages}) nor an Intercom conversation (conversation_message, or source and contacts); give --from to decode it as one",
                  value
                )
              )
              continue
            }
            from = detected
            convert = Formats.converter({ from: detected, to: args.to, mapper })
            yield* tellLosses(detected)
          }
          const result = convertSafely(convert, value)
          if (typeof result === "string") {
            rejects.push(reject(raw, "(root)", result, value))
          } else if (result._tag === "Ok") {
            lines.push(JSON.stringify(result.value))
            messages += result.messages
          } else {
            rejects.push(reject(raw, Formats.formatPath(result.path), result.message, value, result.issues))
          }
        }
        converted += lines.length
        rejected += rejects.length
        tracker.add(batch.length, { messages, rejects: rejects.length })
        if (rejects.length > 0) yield* rejectsSink.append(rejects)
        yield* theSink.append(lines)
      })

    yield* readInput(args.input).pipe(Stream.runForEach((chunk) => handle(splitter.push(chunk))))
    yield* handle(splitter.end())
  })

  const exit = yield* Effect.scoped(program).pipe(Effect.exit)
  if (exit._tag === "Failure") {
    const described = Errors.describeCause(exit.cause, {})
    if (args.json) yield* Shared.printJson(summary(described.line), toStdout)
    return yield* new Errors.Described(described)
  }
  const s = summary()
  if (args.json) yield* Shared.printJson(s, toStdout)
  if (!args.quiet) {
    yield* Shared.note(
      `converted ${Progress.count(converted)} of ${Progress.count(records)} records${
        from === undefined ? "" : ` from ${from}`
      } to ${args.to} (${sink === undefined || sink.target === "-" ? "stdout" : resolve(sink.target)}) in ${
        Progress.formatDuration(s.durationMs)
      }; ${Progress.count(rejected)} rejected${
        rejected > 0 ? ` (see ${rejectsPath === "-" ? "stderr" : resolve(rejectsPath)})` : ""
      }`
    )
  }
  if (rejected > 0) {
    return yield* new Errors.RecordsRejected({
      rejected,
      records,
      rejects: rejectsPath === "-" ? "stderr" : rejectsPath
    })
  }
})

/**
 * `parley convert`.
 *
 * @since 0.1.0
 */
export const command = Command.make("convert", flags, (args) => run(args).pipe(Effect.withSpan("parley.convert")))
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
