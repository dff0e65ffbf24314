/**
 * The conversation shapes the CLI reads and writes, and the conversion of one record between them.
 *
 * | shape | one record is |
 * | --- | --- |
 * | `drift` | a Drift thread, `{ conversation, messages, contact? }` (Drift's wire shape: epoch ms) |
 * | `intercom` | an Intercom classic conversation (`conversation_message`, `conversation_parts`, epoch seconds) |
 * | `intercom-2.11` | an Intercom API 2.11 conversation (`source`, `contacts`, `custom_attributes`, ...) |
 *
 * Every conversion goes through the decoded Drift thread: the input is decoded with its schema (Drift bodies are
 * sanitized on decode), mapped with `@parley/intercom`, and encoded with the output's schema.
 *
 * @example
 * ```ts
 * import { Formats } from "@parley/cli"
 * import { Mapping } from "@parley/intercom"
 * import { Result } from "effect"
 *
 * declare const line: string // one line of a Drift-shape NDJSON export
 *
 * const convert = Formats.converter({ from: "drift", to: "intercom-2.11", mapper: Result.getOrThrow(Mapping.make()) })
 * const result = convert(JSON.parse(line)) // { _tag: "Ok", value } or { _tag: "Rejected", path, message }
 * ```
 *
 * @since 0.1.0
 */
import { Mapping, MappingError } from "@parley/intercom"
import { Drift, Intercom, JsonPath } from "@parley/schema"
import { Cause, Exit, Result, Schema, SchemaIssue } from "effect"
import * as Vocabulary from "./internal/vocabulary.ts"

/**
 * The shapes.
 *
 * @since 0.1.0
 */
export const shapes: typeof Vocabulary.shapes = Vocabulary.shapes

/**
 * A shape.
 *
 * @since 0.1.0
 */
export type Shape = typeof shapes[number]

/**
 * Recognizes the shape of a parsed JSON record from its keys, or `undefined`.
 *
 * @example
 * ```ts
 * import { Formats } from "@parley/cli"
 *
 * Formats.detect({ conversation: {}, messages: [] }) // "drift"
 * Formats.detect({ type: "conversation", conversation_message: {} }) // "intercom"
 * Formats.detect({ id: "1", source: {}, contacts: {} }) // "intercom-2.11"
 * ```
 *
 * @since 0.1.0
 */
export const detect = (record: unknown): Shape | undefined => {
  if (typeof record !== "object" || record === null || Array.isArray(record)) return undefined
  if ("conversation" in record && "messages" in record) return "drift"
  if ("conversation_message" in record) return "intercom"
  if ("source" in record || "contacts" in record || "custom_attributes" in record) return "intercom-2.11"
  return undefined
}

/**
 * A JSON path as Effect's schema errors print it: `["conversation"]["createdAt"]`, `[3]["id"]`; `(root)` when
 * empty (`JsonPath.format` of `@parley/schema`).
 *
 * @example
 * ```ts
 * import { Formats } from "@parley/cli"
 *
 * Formats.formatPath(["messages", 3, "body"]) // `["messages"][3]["body"]`
 * ```
 *
 * @since 0.1.0
 */
export const formatPath = (path: ReadonlyArray<PropertyKey>): string => JsonPath.format(path)

/**
 * The result of converting one record.
 *
 * @since 0.1.0
 */
export type Result =
  | { readonly _tag: "Ok"; readonly value: unknown; readonly messages: number }
  | {
    readonly _tag: "Rejected"
    readonly path: ReadonlyArray<PropertyKey>
    readonly message: string
    readonly issues: ReadonlyArray<{ readonly path: string; readonly message: string }>
  }

const formatter = SchemaIssue.makeFormatterStandardSchemaV1()

const valueAt = (input: unknown, path: ReadonlyArray<PropertyKey>): unknown => {
  let value = input
  for (const key of path) {
    if (typeof value !== "object" || value === null) return undefined
    value = (value as Record<PropertyKey, unknown>)[key]
  }
  return value
}

const shortJson = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 80 ? `${text.slice(0, 77)}...` : text
}

const withActual = (message: string, input: unknown, path: ReadonlyArray<PropertyKey>): string => {
  if (message.includes(", got ")) return message
  const actual = valueAt(input, path)
  return actual === undefined ? message : `${message}, got ${shortJson(actual)}`
}

const rejectedFromIssue = (issue: SchemaIssue.Issue, input: unknown): Result => {
  const issues = formatter(issue).issues.map((i) => ({
    path: JsonPath.format(JsonPath.keys(i.path)),
    rawPath: JsonPath.keys(i.path),
    message: i.message
  })).map((i) => ({ ...i, message: withActual(i.message, input, i.rawPath) }))
  const first = issues[0]
  return {
    _tag: "Rejected",
    path: first?.rawPath ?? [],
    message: first?.message ?? "invalid record",
    issues: issues.map(({ message, path }) => ({ path, message }))
  }
}

const decodeThread = Schema.decodeUnknownExit(Drift.Thread, { errors: "all" })
const decodeClassic = Schema.decodeUnknownExit(Intercom.Conversation, { errors: "all" })
const decodeV2 = Schema.decodeUnknownExit(Intercom.ConversationV2, { errors: "all" })
const encodeThread = Schema.encodeExit(Drift.Thread)
const encodeClassic = Schema.encodeExit(Intercom.Conversation)
const encodeV2 = Schema.encodeExit(Intercom.ConversationV2)

type Step<A> = { readonly _tag: "Ok"; readonly value: A } | Extract<Result, { _tag: "Rejected" }>

const fromExit = <A>(exit: Exit.Exit<A, Schema.SchemaError>, input: unknown): Step<A> => {
  if (Exit.isSuccess(exit)) return { _tag: "Ok", value: exit.value }
  const failure = exit.cause.reasons.find(Cause.isFailReason)
  if (failure !== undefined) {
    return rejectedFromIssue(failure.error.issue, input) as Extract<Result, { _tag: "Rejected" }>
  }
  throw exit.cause
}

const fromMapping = <A>(result: Result.Result<A, MappingError.MappingError>): Step<A> => {
  if (Result.isSuccess(result)) return { _tag: "Ok", value: result.success }
  const e = result.failure
  return {
    _tag: "Rejected",
    path: e.path,
    message: e.reason + (e.actual === undefined ? "" : `, got ${JSON.stringify(e.actual) ?? String(e.actual)}`),
    issues: [{ path: formatPath(e.path), message: e.message }]
  }
}

/**
 * Decodes a record of shape `from` into a Drift thread.
 *
 * @since 0.1.0
 */
export const toThread = (from: Shape, mapper: Mapping.Mapper) => (record: unknown): Step<Drift.Thread> => {
  switch (from) {
    case "drift":
      return fromExit(decodeThread(record), record)
    case "intercom": {
      const decoded = fromExit(decodeClassic(record), record)
      return decoded._tag === "Ok" ? fromMapping(mapper.fromIntercom(decoded.value)) : decoded
    }
    case "intercom-2.11": {
      const decoded = fromExit(decodeV2(record), record)
      return decoded._tag === "Ok" ? fromMapping(mapper.fromIntercomV2(decoded.value)) : decoded
    }
  }
}

/**
 * Encodes a Drift thread as a record of shape `to` (wire JSON).
 *
 * @since 0.1.0
 */
export const fromThread = (to: Shape, mapper: Mapping.Mapper) => (thread: Drift.Thread): Step<unknown> => {
  switch (to) {
    case "drift":
      return fromExit(encodeThread(thread), undefined)
    case "intercom":
      return fromExit(encodeClassic(mapper.toIntercom(thread)), undefined)
    case "intercom-2.11":
      return fromExit(encodeV2(mapper.toIntercomV2(thread)), undefined)
  }
}

/**
 * A record converter from `from` to `to` (through the Drift thread).
 *
 * @since 0.1.0
 */
export const converter = (options: {
  readonly from: Shape
  readonly to: Shape
  readonly mapper: Mapping.Mapper
}): (record: unknown) => Result => {
  const decode = toThread(options.from, options.mapper)
  const encode = fromThread(options.to, options.mapper)
  return (record) => {
    const thread = decode(record)
    if (thread._tag !== "Ok") return thread
    const out = encode(thread.value)
    if (out._tag !== "Ok") return out
    return { _tag: "Ok", value: out.value, messages: thread.value.messages.length }
  }
}
