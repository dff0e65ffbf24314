/**
 * What `parley convert` runs (see the command, `commands/convert.ts`): records read, converted and written as
 * they stream, rejects to their own file. Loaded when the command runs.
 *
 * @internal
 */
import { OutputGuard } from "@parley/drift-stream"
import { MapperConfig, Mapping } from "@parley/intercom"
import { Effect, Option, Stream } from "effect"
import { createReadStream } from "node:fs"
import { resolve } from "node:path"
import { type Args, type Summary } from "../commands/convert.ts"
import * as Shared from "../commands/shared.ts"
import * as Errors from "../Errors.ts"
import * as Formats from "../Formats.ts"
import * as Output from "../Output.ts"
import * as Progress from "../Progress.ts"
import * as Records from "../Records.ts"
import * as Users from "../Users.ts"

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

export const run = Effect.fnUntraced(function*(args: Args) {
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
