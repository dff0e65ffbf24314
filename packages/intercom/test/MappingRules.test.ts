import { describe, expect, it } from "@effect/vitest"
import { Drift } from "@parley/schema"
import { Arbitrary, Effect, Result, Schema } from "effect"
import { readFileSync } from "node:fs"
import { readmePath, render, start, withTable } from "../scripts/mapping-table.ts"
import { MapperConfig, Mapping, MappingRules } from "../src/index.ts"

type Json = null | boolean | number | string | ReadonlyArray<Json> | { readonly [key: string]: Json }
type Path = ReadonlyArray<string | number>

const encodeThread = Schema.encodeSync(Drift.Thread)
const isObject = (u: Json | undefined): u is { readonly [key: string]: Json } =>
  typeof u === "object" && u !== null && !Array.isArray(u)

/** The paths where two wire threads differ (the Inbox's loss search, independently written). */
const diff = (a: Json | undefined, b: Json | undefined, path: Path = [], out: Array<Path> = []): Array<Path> => {
  if (JSON.stringify(a) === JSON.stringify(b)) return out
  if (isObject(a) && isObject(b)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) diff(a[key], b[key], [...path, key], out)
  } else if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    a.forEach((x, i) => diff(x, (b as ReadonlyArray<Json>)[i], [...path, i], out))
  } else {
    out.push(path)
  }
  return out
}

const threads = Effect.runSync(
  Arbitrary.sampleEffect(Arbitrary.schema(Drift.Thread), { count: 300, size: 20, seed: 14 })
).map((t) => Schema.decodeUnknownSync(Drift.Thread)(JSON.parse(JSON.stringify(encodeThread(t)))))

const lostPaths = (t: Drift.Thread, back: Result.Result<Drift.Thread, unknown>): Array<Path> =>
  diff(encodeThread(t) as Json, encodeThread(Result.getOrThrow(back)) as Json)

const none = Result.getOrThrow(MapperConfig.resolve({ carry: "none" }))

describe("the mapping rules as data", () => {
  it("the README's mapping table is the one generated from the rules (run scripts/mapping-table.ts)", () => {
    const readme = readFileSync(readmePath, "utf8")
    expect(readme).toContain(start)
    expect(withTable(readme)).toBe(readme)
    expect(readme).toContain(render())
  })

  it("every field the classic round trip loses is a rule the table marks lossy, with the rule's loss text", () => {
    const seen = new Set<MappingRules.Rule>()
    for (const t of threads) {
      for (const path of lostPaths(t, Mapping.fromIntercomSync(Mapping.toIntercomSync(t)))) {
        const rule = MappingRules.ruleAt(path)
        expect(rule, JSON.stringify(path)).toBeDefined()
        expect(rule!.classic.back, JSON.stringify(path)).not.toBe("lossless")
        expect(MappingRules.lossAt(path)).not.toBe("not kept by this shape")
        seen.add(rule!)
      }
    }
    // and the other way: every rule listed as lossy for classic shows up (the data is not stale)
    const lossy = MappingRules.rules.filter((r) => r.classic.back !== "lossless" && r.losses.length > 0)
    expect(lossy.filter((r) => !seen.has(r)).map((r) => r.drift)).toStrictEqual([])
  })

  it("API 2.11 with carry: \"none\" loses only rules the table marks lossy for classic", () => {
    for (const t of threads) {
      for (const path of lostPaths(t, Mapping.fromIntercomV2Sync(Mapping.toIntercomV2Sync(t, none), none))) {
        expect(MappingRules.ruleAt(path)?.classic.back, JSON.stringify(path)).not.toBe("lossless")
      }
    }
  })

  it("API 2.11 with the default config loses nothing, as every rule's 2.11 column says", () => {
    expect(MappingRules.rules.every((r) => r.v2.back === "lossless")).toBe(true)
    for (const t of threads) {
      expect(lostPaths(t, Mapping.fromIntercomV2Sync(Mapping.toIntercomV2Sync(t)))).toStrictEqual([])
    }
  })

  it("loss texts: the most specific pattern wins; an uncovered path says so", () => {
    expect(MappingRules.lossAt(["messages", 0, "createdAt"])).toContain("the conversation's created_at")
    expect(MappingRules.lossAt(["messages", 4, "createdAt"])).toBe("milliseconds are floored to whole seconds")
    expect(MappingRules.lossAt(["messages", 4, "attachments", 0, "id"])).toBe("attachment ids: positions come back")
    expect(MappingRules.lossAt(["messages", 4, "attachments"])).toBe("attachments: [] comes back absent")
    expect(MappingRules.lossAt(["somewhere"])).toBe("not kept by this shape")
  })
})

describe("locating a Drift path in each Intercom shape, from the rules data", () => {
  it.each(
    [
      ["classic", ["conversation", "createdAt"], ["created_at"]],
      ["classic", ["conversation", "participants"], ["assignee"]],
      ["classic", ["conversation", "inboxId"], null],
      ["classic", ["contact", "attributes", "email"], ["user"]],
      ["classic", ["conversation", "conversationTags", 2, "color"], ["tags", "tags", 2]],
      ["classic", ["messages", 0, "createdAt"], ["created_at"]],
      ["classic", ["messages", 3, "createdAt"], ["conversation_parts", "conversation_parts", 2, "created_at"]],
      ["classic", ["messages", 3, "type"], ["conversation_parts", "conversation_parts", 2, "part_type"]],
      ["classic", ["messages", 0, "type"], ["conversation_message"]],
      ["classic", ["messages", 2, "attachments", 1, "id"], [
        "conversation_parts",
        "conversation_parts",
        1,
        "attachments",
        1
      ]],
      ["classic", ["messages", 2, "buttons"], null],
      ["v2", ["messages", 0, "body"], ["source", "body"]],
      ["v2", ["conversation", "inboxId"], ["custom_attributes"]],
      ["v2", ["conversation", "participants"], ["teammates"]],
      ["v2", ["somewhere"], null]
    ] as const
  )("%s %j -> %j", (shape, path, expected) => {
    expect(MappingRules.locate(shape, path)).toStrictEqual(expected)
  })

  it("a rule with no classic place has no classic locator, and a rule with one has one", () => {
    // no place of their own, but what they belong to has one, and the Inbox points there: the tag of a color, the
    // attachment of an id, the customer (`user`) of the Drift contact
    const pointsAtItsContainer = new Set([
      "`conversationTags[].color`",
      "`attachments[].id`",
      "`contact` (`id`, `createdAt`, `attributes`)"
    ])
    for (const rule of MappingRules.rules) {
      const noPlace = rule.classic.to.startsWith("—") || rule.classic.to === "(implied)"
      for (const loss of rule.losses) {
        expect(loss.classic === null, rule.drift).toBe(noPlace && !pointsAtItsContainer.has(rule.drift))
      }
    }
  })
})
