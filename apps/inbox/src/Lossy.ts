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
 * import type { Drift } from "@parley/schema"
 * import { Result } from "effect"
 *
 * declare const thread: Drift.Thread
 *
 * const view = Lossy.intercomView(Result.getOrThrow(Mapping.make()), thread)
 * view.lossesV2 // []
 * view.lossesClassic.map((l) => l.rule) // ["milliseconds are floored to whole seconds", ...]
 * ```
 *
 * @since 0.1.0
 */
import { type Mapping, type MappingError, MappingRules } from "@parley/intercom"
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
 * it: read from the mapping rules data of `@parley/intercom` (`MappingRules.locate`).
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
export const classicPath = (path: Path): Path | null => MappingRules.locate("classic", path)

/**
 * Where a Drift thread path lands in the Intercom API 2.11 JSON (most Drift-only fields are carried in
 * `custom_attributes`), from the mapping rules data.
 *
 * @since 0.1.0
 */
export const v2Path = (path: Path): Path | null => MappingRules.locate("v2", path)

/**
 * The mapping table's rule for a Drift field that did not come back: read from the mapping rules data of
 * `@parley/intercom` (`MappingRules`), the same data the README's mapping table is generated from.
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
export const ruleOf = (path: Path): string => MappingRules.lossAt(path)

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
