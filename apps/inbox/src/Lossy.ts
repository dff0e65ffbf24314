/**
 * The Intercom view of a thread and what each Intercom shape loses, found the honest way: map the thread with
 * `@parley/intercom`, map it back, and compare the two Drift threads as wire JSON. Every difference is one
 * {@link Model.Loss}, with the mapping table's rule and the place in the Intercom JSON that holds the value (or
 * `null` when the shape has no place for it). With the default config the API 2.11 shape loses nothing; the
 * classic shape loses what the mapping table lists.
 *
 * @example
 * ```ts
 * import { Lossy } from "@parley/inbox"
 * import { Mapping } from "@parley/intercom"
 *
 * const view = Lossy.intercomView(Mapping.make(), thread)
 * view.lossesV2 // []
 * view.lossesClassic.map((l) => l.rule) // ["milliseconds are floored to whole seconds", ...]
 * ```
 *
 * @since 0.1.0
 */
import type { Mapping, MappingError } from "@parley/intercom"
import { Drift } from "@parley/schema"
import { Result, Schema } from "effect"
import type * as Model from "./Model.ts"

type Json = null | boolean | number | string | ReadonlyArray<Json> | { readonly [key: string]: Json }
type Path = ReadonlyArray<string | number>

const encodeThread = Schema.encodeSync(Drift.Thread)

const isObject = (u: Json | undefined): u is { readonly [key: string]: Json } =>
  typeof u === "object" && u !== null && !Array.isArray(u)

const same = (a: Json | undefined, b: Json | undefined): boolean => JSON.stringify(a) === JSON.stringify(b)

const diff = (
  a: Json | undefined,
  b: Json | undefined,
  path: Path,
  out: Array<[Path, Json | undefined, Json | undefined]>
) => {
  if (same(a, b)) return
  if (isObject(a) && isObject(b)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) diff(a[key], b[key], [...path, key], out)
    return
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    a.forEach((x, i) => diff(x, (b as ReadonlyArray<Json>)[i], [...path, i], out))
    return
  }
  out.push([path, a, b])
}

const show = (u: Json | undefined): string => {
  if (u === undefined) return "absent"
  const s = JSON.stringify(u)
  return s.length > 120 ? `${s.slice(0, 119)}…` : s
}

/**
 * Where a Drift thread path lands in the Intercom classic JSON, or `null` when the classic shape has no place for
 * it.
 *
 * @example
 * ```ts
 * import { Lossy } from "@parley/inbox"
 *
 * Lossy.classicPath(["messages", 3, "createdAt"]) // ["conversation_parts", "conversation_parts", 2, "created_at"]
 * Lossy.classicPath(["conversation", "inboxId"]) // null
 * ```
 *
 * @since 0.1.0
 */
export const classicPath = (path: Path): Path | null => {
  const [head, second, third, ...rest] = path
  if (head === "contact") return ["user"]
  if (head === "conversation") {
    switch (second) {
      case "createdAt":
        return ["created_at"]
      case "updatedAt":
        return ["updated_at"]
      case "participants":
        return ["assignee"]
      case "status":
        return ["state"]
      case "contactId":
        return ["user"]
      case "conversationTags":
        return typeof third === "number" ? ["tags", "tags", third] : ["tags"]
      default:
        return null
    }
  }
  if (head === "messages" && typeof second === "number") {
    const base: Path = second === 0
      ? ["conversation_message"]
      : ["conversation_parts", "conversation_parts", second - 1]
    switch (third) {
      case "createdAt":
        // The first message has no time of its own in the classic shape: the conversation's created_at stands for it.
        return second === 0 ? ["created_at"] : [...base, "created_at"]
      case "type":
        return second === 0 ? base : [...base, "part_type"]
      case "body":
        return [...base, "body"]
      case "author":
        return [...base, "author"]
      case "attachments":
        return rest.length > 0 && typeof rest[0] === "number"
          ? [...base, "attachments", rest[0]]
          : [...base, "attachments"]
      case "id":
        return [...base, "id"]
      case undefined:
        return base
      default:
        return null
    }
  }
  return null
}

/**
 * Where a Drift thread path lands in the Intercom API 2.11 JSON (most Drift-only fields are carried in
 * `custom_attributes`).
 *
 * @since 0.1.0
 */
export const v2Path = (path: Path): Path | null => {
  const [head, second, third] = path
  if (head === "contact") return ["contacts"]
  if (head === "conversation") {
    switch (second) {
      case "createdAt":
        return ["created_at"]
      case "updatedAt":
        return ["updated_at"]
      case "participants":
        return ["teammates"]
      case "status":
        return ["state"]
      case "contactId":
        return ["contacts"]
      case "conversationTags":
        return ["tags"]
      default:
        return ["custom_attributes"]
    }
  }
  if (head === "messages" && typeof second === "number") {
    const base: Path = second === 0 ? ["source"] : ["conversation_parts", "conversation_parts", second - 1]
    return third === undefined ? base : ["body", "author", "attachments", "id"].includes(String(third))
      ? [...base, String(third)]
      : base
  }
  return null
}

/**
 * The mapping table's rule for a Drift field that did not come back.
 *
 * @example
 * ```ts
 * import { Lossy } from "@parley/inbox"
 *
 * Lossy.ruleOf(["conversation", "inboxId"]) // "no place in Intercom: the inboxId option (0) comes back"
 * ```
 *
 * @since 0.1.0
 */
export const ruleOf = (path: Path): string => {
  const [head, second, third, , fifth] = path
  if (head === "contact") return "the Drift contact has no place: it comes back absent"
  if (head === "conversation") {
    switch (second) {
      case "createdAt":
      case "updatedAt":
        return "milliseconds are floored to whole seconds"
      case "participants":
        return "only the first participant is kept, as the assignee"
      case "status":
        return "bulk_sent comes back closed"
      case "inboxId":
        return "no place in Intercom: the inboxId option (0) comes back"
      case "orgId":
        return "no place in Intercom: comes back absent"
      case "relatedPlaybookId":
        return "no place in Intercom: comes back absent"
      case "conversationTags":
        return "tag colors have no place: the tagColor option comes back"
      default:
        return "not kept by this shape"
    }
  }
  if (head === "messages") {
    switch (third) {
      case "createdAt":
        return second === 0
          ? "the first message's time: the conversation's created_at comes back"
          : "milliseconds are floored to whole seconds"
      case "type":
        return "the first message comes back as chat"
      case "body":
        return "an absent first-message body comes back as \"\""
      case "author":
        return "author.bot comes back as the mapped author type's value"
      case "orgId":
        return "no place in Intercom: the orgId option (0) comes back"
      case "conversationId":
        return "comes back as the conversation's id"
      case "buttons":
      case "context":
      case "attributes":
        return `no place in Intercom: ${third} comes back absent`
      case "attachments":
        return fifth === "id" || path.length === 5
          ? "attachment ids: positions come back"
          : "attachments: [] comes back absent"
      default:
        return "not kept by this shape"
    }
  }
  return "not kept by this shape"
}

/**
 * The differences between a thread and the thread its Intercom mapping maps back to, as {@link Model.Loss}es.
 *
 * @since 0.1.0
 */
export const losses = (
  thread: Drift.Thread,
  back: Drift.Thread,
  where: (path: Path) => Path | null
): ReadonlyArray<Model.Loss> => {
  const out: Array<[Path, Json | undefined, Json | undefined]> = []
  diff(encodeThread(thread) as Json, encodeThread(back) as Json, [], out)
  return out.map(([path, sent, came]) => ({
    drift: path,
    intercom: where(path),
    rule: ruleOf(path),
    sent: show(sent),
    back: show(came)
  }))
}

const roundTrip = (
  thread: Drift.Thread,
  back: Result.Result<Drift.Thread, MappingError.MappingError>,
  where: (path: Path) => Path | null
): ReadonlyArray<Model.Loss> =>
  Result.isSuccess(back)
    ? losses(thread, back.success, where)
    : [{
      drift: [],
      intercom: null,
      rule: `mapping back failed: ${back.failure.message}`,
      sent: "the thread",
      back: "absent"
    }]

/**
 * The thread in both Intercom shapes, with what each loses.
 *
 * @since 0.1.0
 */
export const intercomView = (mapper: Mapping.Mapper, thread: Drift.Thread): Model.IntercomView => {
  const v2 = mapper.toIntercomV2(thread)
  const classic = mapper.toIntercom(thread)
  return {
    v2,
    classic,
    lossesV2: roundTrip(thread, mapper.fromIntercomV2(v2), v2Path),
    lossesClassic: roundTrip(thread, mapper.fromIntercom(classic), classicPath)
  }
}
