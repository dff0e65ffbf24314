/**
 * Differential test of the compiled wire-page decoders (src/internal/compiled.ts) against Effect's interpreter:
 * valid pages (fixtures and generated), every single-leaf mutation, every key removed, an excess key at every
 * object level, each under every parse option set. For every case the compiled decoder either returns the same
 * value as the interpreter or `invalid` exactly when the interpreter fails, and `Schema.decodeUnknownExit` (which
 * uses the compiled path, like `Schema.decodeUnknownSync`) gives the interpreter's exact issue.
 */
import { describe, expect, it } from "@effect/vitest"
import { Drift } from "@parley/schema"
import { Arbitrary, Cause, DateTime, Effect, Exit, Schema, type SchemaAST, SchemaGetter, SchemaParser } from "effect"
import { SchemaCompiler } from "effect/schema"
import { readFileSync } from "node:fs"
import * as Compiled from "../src/internal/compiled.ts"

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8"))

const OPTION_SETS: ReadonlyArray<SchemaAST.ParseOptions> = [
  {},
  { onExcessProperty: "ignore" },
  { onExcessProperty: "error" },
  { errors: "all" },
  { errors: "all", onExcessProperty: "error" },
  { disableChecks: true },
  { disableChecks: true, onExcessProperty: "error" },
  { concurrency: 2 },
  { reportInput: true, onExcessProperty: "error" }
]

/** A comparable picture of a decoded value: key order kept, DateTimes by their instant and zone tag. */
const normalize = (u: unknown): unknown => {
  if (DateTime.isDateTime(u)) return { "<DateTime>": u._tag, ms: u.epochMilliseconds }
  if (Array.isArray(u)) return u.map(normalize)
  if (typeof u === "object" && u !== null) {
    return Object.keys(u).map((k) => [k, normalize((u as Record<string, unknown>)[k])])
  }
  return u
}

/** Whether `v` is an array or a plain object (a `DateTime` or another class instance is a leaf). */
const isPlain = (v: unknown): v is object =>
  Array.isArray(v) ||
  (typeof v === "object" && v !== null &&
    (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null))

/** A deep copy of the arrays and plain objects of `u`, sharing its leaves (and its `DateTime`s). */
const clone = (u: unknown): unknown => {
  if (Array.isArray(u)) return u.map(clone)
  if (!isPlain(u)) return u
  const out: Record<PropertyKey, unknown> = {}
  for (const k of Object.keys(u)) out[k] = clone((u as Record<string, unknown>)[k])
  return out
}

/** Every leaf path of a JSON value, and every object path (for excess keys and removals). */
const paths = (u: unknown, at: ReadonlyArray<string | number> = []) => {
  const leaves: Array<ReadonlyArray<string | number>> = []
  const objects: Array<ReadonlyArray<string | number>> = []
  const keys: Array<ReadonlyArray<string | number>> = []
  const walk = (v: unknown, path: ReadonlyArray<string | number>) => {
    if (Array.isArray(v)) {
      leaves.push(path) // replacing a whole array is a mutation too
      v.forEach((x, i) => walk(x, [...path, i]))
    } else if (isPlain(v)) {
      objects.push(path)
      leaves.push(path)
      for (const k of Object.keys(v)) {
        keys.push([...path, k])
        walk((v as Record<string, unknown>)[k], [...path, k])
      }
    } else {
      leaves.push(path)
    }
  }
  walk(u, at)
  return { leaves, objects, keys }
}

/** A JSON object or array, to mutate. */
type Bag = Record<PropertyKey, unknown>

const update = (u: unknown, path: ReadonlyArray<string | number>, f: (parent: Bag, key: string | number) => void) => {
  const copy = clone(u)
  if (path.length === 0) return copy
  let parent = copy as Bag
  for (const step of path.slice(0, -1)) parent = parent[step] as Bag
  f(parent, path[path.length - 1]!)
  return copy
}

const REPLACEMENTS: ReadonlyArray<unknown> = [
  null,
  undefined,
  "",
  "open",
  "#33aaff",
  "<b>x</b>",
  0,
  -1,
  1.5,
  2 ** 53,
  Number.NaN,
  253_402_300_800_000,
  true,
  {},
  [],
  [1],
  // Typed values, for the encoder: instants in and out of the schema's range (1970 to 9999).
  DateTime.makeUnsafe(0),
  DateTime.makeUnsafe(-1),
  DateTime.makeUnsafe(253_402_300_800_000)
]

const extra = (o: Bag) => (o["zzExtra"] = 1)

const mutations = (page: unknown): Array<unknown> => {
  const out: Array<unknown> = [page]
  const { keys, leaves, objects } = paths(page)
  for (const path of leaves) {
    for (const r of REPLACEMENTS) {
      out.push(path.length === 0 ? r : update(page, path, (p, k) => (p[k] = r)))
    }
  }
  for (const path of keys) out.push(update(page, path, (p, k) => delete p[k]))
  for (const path of objects) {
    out.push(
      path.length === 0 ?
        (() => {
          const c = clone(page) as Bag
          extra(c)
          return c
        })() :
        update(page, path, (p, k) => extra(p[k] as Bag))
    )
  }
  // A symbol key and an inherited key are never excess / never read.
  if (typeof page === "object" && page !== null && !Array.isArray(page)) {
    const withSymbol = clone(page) as Bag
    withSymbol[Symbol.for("x")] = 1
    out.push(withSymbol, Object.assign(Object.create({ data: [] }), {}))
  }
  return out
}

const differential = (schema: Schema.Codec<unknown, unknown>, inputs: ReadonlyArray<unknown>) => {
  const compiled = Compiled.compile(schema.ast)
  const interpreted = Compiled.interpreted(schema.ast)
  expect(compiled, "the schema compiles").toBeDefined()
  expect(interpreted).toBeDefined()
  const publicExit = SchemaParser.decodeUnknownExit(schema)
  let accepted = 0
  let rejected = 0
  for (const input of inputs) {
    for (const options of OPTION_SETS) {
      const expected = interpreted!(input, options)
      const viaPublic = publicExit(input, options)
      let fast: unknown
      try {
        fast = compiled!(input, options)
      } catch (error) {
        // A transformation that throws (e.g. `disableChecks` letting NaN reach `DateTime.makeUnsafe`) is a
        // defect in both paths.
        expect(Exit.isFailure(expected) && Cause.hasDies(expected.cause), String(error)).toBe(true)
        expect(Exit.isFailure(viaPublic) && Cause.hasDies(viaPublic.cause)).toBe(true)
        continue
      }
      if (Exit.isSuccess(expected)) {
        accepted++
        expect(fast, "compiled must accept what the interpreter accepts").not.toBe(SchemaCompiler.invalid)
        expect(normalize(fast)).toStrictEqual(normalize(expected.value))
        expect(Exit.isSuccess(viaPublic)).toBe(true)
        if (Exit.isSuccess(viaPublic)) expect(normalize(viaPublic.value)).toStrictEqual(normalize(expected.value))
      } else {
        rejected++
        expect(fast, "compiled must reject what the interpreter rejects").toBe(SchemaCompiler.invalid)
        expect(Exit.isFailure(viaPublic)).toBe(true)
        if (Exit.isFailure(viaPublic)) {
          expect(String(Cause.squash(viaPublic.cause))).toBe(String(Cause.squash(expected.cause)))
        }
      }
    }
  }
  return { accepted, rejected }
}

const sample = <S extends Schema.Codec<unknown, unknown>>(schema: S, count: number) =>
  Effect.map(
    Arbitrary.sampleEffect(Arbitrary.schema(schema), { count, size: 4 }),
    (values) => values.map((v) => Schema.encodeSync(schema)(v))
  )

/** A filter that claims one of Effect's representations and runs another predicate. */
const forged = <A>(
  id: string,
  predicate: (a: A) => boolean,
  payload: { readonly [k: string]: string | number } | null = null
) => Schema.makeFilter(predicate, { representation: { id, payload } })

describe("compiled wire-page decoders agree with Effect's interpreter", () => {
  it("the fast path is installed for the hot pages (else this test would prove nothing)", () => {
    expect(Compiled.available).toBe(true)
    expect(Compiled.compile(Drift.ConversationsPage.ast)).toBeTypeOf("function")
    expect(Compiled.compile(Drift.MessagesPage.ast)).toBeTypeOf("function")
  })

  it.effect(
    "ConversationsPage: fixtures and generated pages, every single-leaf mutation, every option set",
    () =>
      Effect.gen(function*() {
        const generated = yield* sample(Drift.ConversationsPage, 8)
        const pages = [
          fixture("drift-conversations-page.json"),
          fixture("drift-conversations-last-page.json"),
          ...generated
        ]
        const { accepted, rejected } = differential(Drift.ConversationsPage, pages.flatMap(mutations))
        expect(accepted).toBeGreaterThan(100)
        expect(rejected).toBeGreaterThan(100)
      }),
    { timeout: 240_000 }
  )

  it.effect(
    "MessagesPage (sanitized bodies): fixtures and generated pages, every mutation, every option set",
    () =>
      Effect.gen(function*() {
        const generated = yield* sample(Drift.MessagesPage, 3)
        const pages = [
          fixture("drift-messages-page.json"),
          fixture("drift-messages-page-nested-pagination.json"),
          ...generated
        ]
        const { accepted, rejected } = differential(Drift.MessagesPage, pages.flatMap(mutations))
        expect(accepted).toBeGreaterThan(100)
        expect(rejected).toBeGreaterThan(100)
      }),
    { timeout: 240_000 }
  )

  it.effect(
    "Conversation and Message items (registered too: other codecs, e.g. HttpApi's, reach them)",
    () =>
      Effect.gen(function*() {
        const conversations = (fixture("drift-conversations-page.json") as { data: Array<unknown> }).data.slice(0, 3)
        const messages = (fixture("drift-messages-page.json") as { data: { messages: Array<unknown> } }).data.messages
          .slice(0, 4)
        const c = differential(
          Drift.Conversation,
          [...conversations, ...(yield* sample(Drift.Conversation, 6))].flatMap(mutations)
        )
        const m = differential(Drift.Message, [...messages, ...(yield* sample(Drift.Message, 6))].flatMap(mutations))
        expect(Math.min(c.accepted, c.rejected, m.accepted, m.rejected)).toBeGreaterThan(50)
      }),
    { timeout: 240_000 }
  )

  it.effect(
    "the Thread encoder (the flipped schema, `parley export --to drift`): decoded threads, every mutation, every option set",
    () =>
      Effect.gen(function*() {
        const page = fixture("drift-messages-page.json") as { data: { messages: Array<unknown> } }
        const conversation = (fixture("drift-conversations-page.json") as { data: Array<unknown> }).data[0]
        const fromFixtures = Schema.decodeUnknownSync(Drift.Thread)({
          conversation,
          messages: page.data.messages.slice(0, 3)
        })
        const generated = yield* Arbitrary.sampleEffect(Arbitrary.schema(Drift.Thread), { count: 4, size: 3 })
        const encoder = Schema.flip(Drift.Thread)
        const { accepted, rejected } = differential(
          encoder as unknown as Schema.Codec<unknown, unknown>,
          [fromFixtures, ...generated].flatMap(mutations)
        )
        expect(accepted).toBeGreaterThan(50)
        expect(rejected).toBeGreaterThan(50)
        // `Schema.encodeExit(Drift.Thread)`, as the CLI calls it, takes the same path and gives the same wire JSON.
        const viaEncode = Schema.encodeExit(Drift.Thread)(fromFixtures)
        expect(Exit.isSuccess(viaEncode)).toBe(true)
        expect(normalize(Exit.isSuccess(viaEncode) ? viaEncode.value : undefined)).toStrictEqual(
          normalize(Compiled.compile(encoder.ast)!(fromFixtures, {}))
        )
      }),
    { timeout: 240_000 }
  )

  it("a flipped declaration's checks (its encoding checks) reject what the interpreter rejects", () => {
    const After1970 = Schema.Struct({
      d: Schema.Date.check(Schema.makeFilter((d: Date) => d.getTime() > 0)),
      all: Schema.optionalKey(Schema.Array(Schema.Date.check(Schema.makeFilter((d: Date) => d.getTime() > 0))))
    })
    const inputs: ReadonlyArray<unknown> = [
      { d: new Date(5) },
      { d: new Date(0) },
      { d: new Date(-5) },
      { d: 5 },
      { d: new Date(5), all: [new Date(1), new Date(2)] },
      { d: new Date(5), all: [new Date(1), new Date(0)] }
    ]
    const { accepted, rejected } = differential(
      Schema.flip(After1970) as unknown as Schema.Codec<unknown, unknown>,
      inputs.flatMap(mutations)
    )
    expect(accepted).toBeGreaterThan(3)
    expect(rejected).toBeGreaterThan(3)
  })

  it("other shapes the generator handles: literals, records, unions, null, unknown arrays, __proto__ keys", () => {
    const Shapes = Schema.Struct({
      zero: Schema.Literal(0),
      many: Schema.optionalKey(Schema.Union([Schema.Literal(1), Schema.Literal("1"), Schema.Literal(true)])),
      name: Schema.optionalKey(Schema.NullOr(Schema.String)),
      counts: Schema.optionalKey(Schema.Record(Schema.String, Schema.Number.check(Schema.isInt()))),
      anything: Schema.optionalKey(Schema.Array(Schema.Unknown)),
      __proto__: Schema.optionalKey(Schema.String)
    })
    const proto = JSON.parse(`{"zero":0,"__proto__":"x"}`) as unknown
    const protoInRecord = JSON.parse(`{"zero":0,"counts":{"__proto__":1,"a":2}}`) as unknown
    // oxlint-disable-next-line no-sparse-arrays -- a hole is one of the cases
    const holes = { zero: 0, anything: [1, , 3] }
    const inputs: ReadonlyArray<unknown> = [
      { zero: 0 },
      { zero: -0 },
      { zero: 0, many: 1 },
      { zero: 0, many: "1" },
      { zero: 0, many: true },
      { zero: 0, many: false },
      { zero: 0, name: null },
      { zero: 0, name: undefined },
      { zero: 0, counts: { a: 1, b: 2 } },
      { zero: 0, counts: { a: 1.5 } },
      { zero: 0, anything: [undefined, null, {}] },
      holes,
      proto,
      protoInRecord,
      { zero: 1 },
      null,
      [],
      "x"
    ]
    const { accepted, rejected } = differential(Shapes as Schema.Codec<unknown, unknown>, inputs.flatMap(mutations))
    expect(Math.min(accepted, rejected)).toBeGreaterThan(20)
  })

  it("Effect's own filters and DateTimeUtc go inline; look-alikes (same representation, other predicate) do not", () => {
    const Checked = Schema.Struct({
      exMin: Schema.optionalKey(
        Schema.Number.check(Schema.isBetween({ minimum: -1, maximum: 1, exclusiveMinimum: true }))
      ),
      exMax: Schema.optionalKey(
        Schema.Number.check(Schema.isBetween({ minimum: 0, maximum: 10, exclusiveMaximum: true }))
      ),
      gte: Schema.optionalKey(Schema.Number.check(Schema.isGreaterThanOrEqualTo(2.5))),
      int: Schema.optionalKey(Schema.Number.check(Schema.isInt())),
      global: Schema.optionalKey(Schema.String.check(Schema.isPattern(/a+/g))),
      sticky: Schema.optionalKey(Schema.String.check(Schema.isPattern(/^x/y))),
      plain: Schema.optionalKey(Schema.String.check(Schema.isPattern(/^[0-9]+$/))),
      forgedInt: Schema.optionalKey(Schema.Number.check(forged("effect/schema/isInt", (n: number) => n > 100))),
      forgedGte: Schema.optionalKey(
        Schema.Number.check(forged("effect/schema/isGreaterThanOrEqualTo", (n: number) => n >= 7, { minimum: 0 }))
      ),
      forgedPattern: Schema.optionalKey(
        Schema.String.check(
          forged("effect/schema/isPattern", (s: string) => s.length > 2, { source: "^.*$", flags: "" })
        )
      ),
      at: Schema.optionalKey(Schema.Number.pipe(
        Schema.decodeTo(Schema.DateTimeUtc, {
          decode: SchemaGetter.transform((ms: number) => DateTime.makeUnsafe(ms)),
          encode: SchemaGetter.transform((dt: DateTime.Utc) => dt.epochMilliseconds)
        })
      )),
      // A look-alike of Schema.DateTimeUtc (its representation, another guard).
      notUtc: Schema.optionalKey(Schema.Number.pipe(
        Schema.decodeTo(
          Schema.declare((u): u is number => typeof u === "number", {
            representation: { id: "effect/schema/DateTimeUtc", payload: null }
          }),
          { decode: SchemaGetter.transform((n: number) => n), encode: SchemaGetter.transform((n: number) => n) }
        )
      ))
    })
    const source = Compiled.generatedSource(Checked.ast)!
    expect(source).toContain("v > -1 && v <= 1")
    expect(source).toContain("v >= 0 && v < 10")
    expect(source).toContain("v >= 2.5")
    expect(source).toContain("Number.isSafeInteger(v)")
    expect(source).toContain(".lastIndex = 0")
    expect(source).toContain(`v._tag === "Utc"`)
    // The three forged filters and the forged declaration run as themselves.
    expect(source.match(/\.run\(v, /g)?.length).toBe(3)
    expect(source.match(/v = X\(/g)?.length).toBe(1)
    const numbers = [Number.NaN, -1, -0, 0, 0.5, 1, 2.5, 2.4, 7, 10, 9.99, 101, 2 ** 53, -(2 ** 53)]
    const strings = ["", "a", "baa", "x", "yx", "12", "12a", "abc"]
    const inputs: Array<unknown> = []
    for (const n of numbers) {
      inputs.push(
        { exMin: n },
        { exMax: n },
        { gte: n },
        { int: n },
        { forgedInt: n },
        { forgedGte: n },
        { at: n },
        { notUtc: n }
      )
    }
    for (const s of strings) inputs.push({ global: s }, { sticky: s }, { plain: s }, { forgedPattern: s })
    const { accepted, rejected } = differential(Checked as Schema.Codec<unknown, unknown>, inputs)
    expect(Math.min(accepted, rejected)).toBeGreaterThan(50)
  })

  it("a schema with nodes the generator does not support stays on the interpreter", () => {
    const Tree: Schema.Codec<unknown> = Schema.Struct({ children: Schema.Array(Schema.suspend(() => Tree)) })
    expect(Compiled.compile(Tree.ast)).toBeUndefined()
  })
})
