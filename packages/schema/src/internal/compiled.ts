/**
 * A compiled fast path for the hot wire schemas, generated from their ASTs.
 *
 * `register(schema)` installs, through Effect's own schema compiler registry (`effect/schema` `SchemaCompiler.set`),
 * a synchronous `decode` operation for the schema's exact AST, so `Schema.decodeUnknownSync(schema)` (and every
 * other parser API, and every parent schema's interpreter reaching this AST) uses it. The decoder is generated from
 * the AST when it is first needed, never written by hand, so a schema change cannot leave a stale decoder.
 *
 * The generated code accepts exactly what the interpreter accepts and produces the same value. For any input it
 * does not accept it returns `SchemaCompiler.invalid`, and the registry then runs Effect's interpreter
 * (`decodeEffect`) on the same input, which produces the detailed issue: failures are never reported by this
 * module. Effect's own filters (`isInt`, `isGreaterThanOrEqualTo`, `isBetween`, `isPattern`) and
 * `Schema.DateTimeUtc`'s guard are emitted inline, recognized by their `representation` annotation, and only after
 * the inline form gives the filter's (declaration's) own verdict on a set of probe values; a look-alike with another
 * predicate keeps running as itself. AST nodes it cannot compile (suspensions, tuples, effectful or optional-value
 * transformations, middleware, non-string keys, `oneOf` unions) leave the whole schema on the interpreter. A flipped
 * schema (an encoder) compiles the same way: its declarations' encoding checks run on their input, as in the
 * interpreter.
 *
 * The registry is `@stability unstable` in Effect 4.1, and the interpreter hook used for `decodeEffect`
 * (`effect/schema/SchemaCompiler/runtime`) is the one Effect's own JIT and AOT compilers use. If either is missing,
 * `register` installs nothing and every schema stays on the interpreter (slower, same results).
 *
 * @internal
 */
import { DateTime, Effect, Exit, type Schema, type SchemaAST } from "effect"
import { SchemaCompiler } from "effect/schema"
import * as CompilerRuntime from "effect/schema/SchemaCompiler/runtime"

/** A compiled decode operation: the decoded value, or `SchemaCompiler.invalid`. */
export type Decode = (input: unknown, options: SchemaAST.ParseOptions) => unknown

type DetailedParser = (input: unknown, options: SchemaAST.ParseOptions) => unknown

interface Runtime {
  readonly decode: (ast: SchemaAST.AST, resolve: unknown) => DetailedParser
  readonly resolve: unknown
}

/** Effect's runtime for generated schema modules (not in its type declarations; checked at run time). */
const runtime: Runtime | undefined = (() => {
  const candidate = (CompilerRuntime as unknown as { readonly runtime?: Partial<Runtime> }).runtime
  return candidate !== undefined && typeof candidate.decode === "function" && typeof candidate.resolve === "function"
    ? candidate as Runtime
    : undefined
})()

class Unsupported extends Error {}

const unsupported = (ast: SchemaAST.AST, why: string): never => {
  throw new Unsupported(`${ast._tag}: ${why}`)
}

interface Emitter {
  readonly functions: Array<string>
  readonly constants: Array<unknown>
  readonly constantIndex: Map<unknown, number>
  readonly names: Map<SchemaAST.AST, string>
}

const constant = (e: Emitter, value: unknown): string => {
  let index = e.constantIndex.get(value)
  if (index === undefined) {
    index = e.constants.length
    e.constants.push(value)
    e.constantIndex.set(value, index)
  }
  return `c${index}`
}

const isOptional = (ast: SchemaAST.AST): boolean => ast.context?.isOptional ?? false

const encodingChecksOf = (ast: SchemaAST.AST): SchemaAST.Checks | undefined =>
  "encodingChecks" in ast
    ? (ast as { readonly encodingChecks: SchemaAST.Checks | undefined }).encodingChecks
    : undefined

const flattenChecks = (checks: ReadonlyArray<SchemaAST.Check<unknown>>, out: Array<SchemaAST.Filter<unknown>>) => {
  for (const check of checks) {
    if (check._tag === "Filter") out.push(check)
    else flattenChecks(check.checks, out)
  }
  return out
}

/** A literal as source: JSON for strings, booleans and finite numbers, a bound constant otherwise. */
const literalSource = (e: Emitter, literal: SchemaAST.LiteralValue): string =>
  typeof literal === "string" || typeof literal === "boolean" ||
    (typeof literal === "number" && Number.isFinite(literal) && !Object.is(literal, -0))
    ? JSON.stringify(literal)
    : constant(e, literal)

/** Emits statements that turn `v` (a present value) into the node's decoded value, or return `I`. */
const emitLocal = (e: Emitter, ast: SchemaAST.AST): Array<string> => {
  const out: Array<string> = []
  switch (ast._tag) {
    case "String":
      out.push(`if (typeof v !== "string") return I`)
      break
    case "Number":
      out.push(`if (typeof v !== "number") return I`)
      break
    case "Boolean":
      out.push(`if (typeof v !== "boolean") return I`)
      break
    case "Null":
      out.push(`if (v !== null) return I`)
      break
    case "Undefined":
    case "Void":
      out.push(`if (v !== undefined) return I`)
      break
    case "Unknown":
    case "Any":
      break
    case "Literal":
      out.push(`if (v !== ${literalSource(e, ast.literal)}) return I`)
      break
    case "Declaration": {
      if (ast.typeParameters.length > 0) unsupported(ast, "type parameters")
      const parse = ast.run(ast.typeParameters)
      const known = knownDeclaration(ast, parse)
      if (known !== undefined) out.push(`if (!(${known})) return I`)
      else out.push(`v = X(${constant(e, parse)}(v, ${constant(e, ast)}, o))`, `if (v === I) return I`)
      break
    }
    case "Objects":
      out.push(...emitObjects(e, ast))
      break
    case "Arrays": {
      if (ast.elements.length !== 0 || ast.rest.length !== 1) unsupported(ast, "tuple elements")
      const element = ast.rest[0]!
      const f = emit(e, element)
      out.push(
        `if (!Array.isArray(v)) return I`,
        `{ const n = v.length; const a = new Array(n)`,
        // A hole reads as `undefined`, as in the interpreter.
        `for (let i = 0; i < n; i++) {`,
        `const r = ${f}(v[i], F, o); if (r === I) return I; a[i] = r }`,
        `v = a }`
      )
      break
    }
    case "Union": {
      if (ast.options?.mode === "oneOf") unsupported(ast, "oneOf")
      if (ast.types.length === 0) {
        out.push(`return I`)
        break
      }
      const simple = ast.types.every((t) => t._tag === "Literal" && t.checks === undefined && t.encoding === undefined)
      if (simple) {
        const tests = ast.types.map((t) => `v !== ${literalSource(e, (t as SchemaAST.Literal).literal)}`)
        out.push(`if (${tests.join(" && ")}) return I`)
        break
      }
      const members = ast.types.map((t) => emit(e, t))
      out.push(`{ let r = I`)
      for (const m of members) out.push(`if (r === I) r = ${m}(v, F, o)`)
      out.push(`if (r === I) return I; v = r }`)
      break
    }
    default:
      unsupported(ast, "node kind")
  }
  const encodingChecks = encodingChecksOf(ast)
  if (encodingChecks !== undefined) {
    // Checks of the other direction (a flipped schema's own checks): the interpreter runs them on this node's input
    // once its parse succeeded.
    const filters = flattenChecks(encodingChecks, [])
    const self = constant(e, ast)
    out.unshift(`const u = v`)
    out.push(
      `if ((F & 1) === 0) {`,
      ...filters.map((f) => `if (${constant(e, f)}.run(u, ${self}, o) !== undefined) return I`),
      `}`
    )
  }
  if (ast.checks !== undefined) {
    const filters = flattenChecks(ast.checks, [])
    const self = constant(e, ast)
    out.push(
      `if ((F & 1) === 0) {`,
      ...filters.map((f) => `if (${failsSource(e, ast, f, self)}) return I`),
      `}`
    )
  }
  return out
}

/** `Predicate.hasProperty(v, key)`, as Effect's guards test their type ids. */
const hasPropertySource = (key: string) =>
  `((typeof v === "object" && v !== null || typeof v === "function") && ${JSON.stringify(key)} in v)`

/**
 * The guard of one of Effect's own declarations (recognized by its `representation` annotation) as inline source,
 * when it gives the declaration's own verdict on a set of probe values; else `undefined`. Such a declaration
 * succeeds with its input as it is: the inline form only tests.
 */
const knownDeclaration = (
  ast: SchemaAST.Declaration,
  parse: (input: unknown, self: SchemaAST.Declaration, options: SchemaAST.ParseOptions) => unknown
): string | undefined => {
  const id = (ast.annotations?.representation as { readonly id?: unknown } | undefined)?.id
  if (id !== "effect/schema/DateTimeUtc") return undefined
  const source = `${hasPropertySource("~effect/DateTime")} && v._tag === "Utc"`
  // oxlint-disable-next-line no-new-func -- the same source the decoder gets, to check it before use
  const test = new Function("v", `return ${source}`) as (v: unknown) => boolean
  const utc = DateTime.makeUnsafe(0)
  const probes: ReadonlyArray<unknown> = [
    utc,
    DateTime.makeUnsafe(1_548_700_064_840),
    DateTime.makeZonedUnsafe(0, { timeZone: DateTime.zoneMakeOffset(3_600_000) }),
    Object.create(utc),
    new Date(0),
    { _tag: "Utc", epochMilliseconds: 0 },
    {},
    null,
    undefined,
    0,
    "1970-01-01T00:00:00.000Z"
  ]
  const agrees = probes.every((probe) => {
    try {
      const verdict = exitValue(parse(probe, ast, {}))
      return test(probe) ? verdict === probe : verdict === SchemaCompiler.invalid
    } catch {
      return false
    }
  })
  return agrees ? source : undefined
}

/** A predicate Effect's filter of that representation runs, as a function and as source over `v`. */
interface Known {
  readonly test: (v: unknown) => boolean
  readonly source: string
  /** The filter's own bounds, probed too (with their neighbours). */
  readonly bounds?: ReadonlyArray<number>
}

/** Values a number filter is tried on before its inline form is trusted. */
const NUMBER_PROBES: ReadonlyArray<number> = [
  Number.NaN,
  Number.NEGATIVE_INFINITY,
  Number.POSITIVE_INFINITY,
  -1,
  -0,
  0,
  0.5,
  1,
  2 ** 53 - 1,
  2 ** 53,
  -(2 ** 53),
  253_402_300_799_999,
  253_402_300_800_000
]

const STRING_PROBES: ReadonlyArray<string> = ["", "a", "0", "#33aaff", "33aaff", "#33aaf", "\n", "#33AAFF\n"]

const numberPayload = (payload: unknown, key: string): number | undefined => {
  const n = (payload as Record<string, unknown> | null | undefined)?.[key]
  return typeof n === "number" && Number.isFinite(n) ? n : undefined
}

/**
 * The inline form of one of Effect's own filters (recognized by its `representation` annotation, on the node kind
 * it is written for), or `undefined`. Effect's number filters compare through `Order.Number`, which for a number
 * input and a finite bound is JavaScript's own comparison (NaN fails every lower bound).
 */
const knownFilter = (e: Emitter, ast: SchemaAST.AST, filter: SchemaAST.Filter<unknown>): Known | undefined => {
  const representation = filter.annotations?.representation as
    | { readonly id?: unknown; readonly payload?: unknown }
    | undefined
  if (representation === undefined || typeof representation.id !== "string") return undefined
  const payload = representation.payload
  if (ast._tag === "Number") {
    switch (representation.id) {
      case "effect/schema/isInt":
        return { test: (v) => Number.isSafeInteger(v), source: `Number.isSafeInteger(v)` }
      case "effect/schema/isGreaterThanOrEqualTo": {
        const min = numberPayload(payload, "minimum")
        if (min === undefined) return undefined
        return { test: (v) => (v as number) >= min, source: `v >= ${min}`, bounds: [min] }
      }
      case "effect/schema/isBetween": {
        const min = numberPayload(payload, "minimum")
        const max = numberPayload(payload, "maximum")
        if (min === undefined || max === undefined) return undefined
        const p = payload as { readonly exclusiveMinimum?: unknown; readonly exclusiveMaximum?: unknown }
        const exMin = p.exclusiveMinimum === true
        const exMax = p.exclusiveMaximum === true
        return {
          test: (v) =>
            (exMin ? (v as number) > min : (v as number) >= min) &&
            (exMax ? (v as number) < max : (v as number) <= max),
          source: `v ${exMin ? ">" : ">="} ${min} && v ${exMax ? "<" : "<="} ${max}`,
          bounds: [min, max]
        }
      }
    }
    return undefined
  }
  if (ast._tag === "String" && representation.id === "effect/schema/isPattern") {
    const p = payload as { readonly source?: unknown; readonly flags?: unknown } | undefined
    if (typeof p?.source !== "string" || typeof p.flags !== "string") return undefined
    const re = new RegExp(p.source, p.flags)
    const stateful = re.global || re.sticky
    const name = constant(e, re)
    return {
      test: (v) => {
        re.lastIndex = 0
        return re.test(v as string)
      },
      source: stateful ? `(${name}.lastIndex = 0, ${name}.test(v))` : `${name}.test(v)`
    }
  }
  return undefined
}

/**
 * Source that is true when `filter` rejects `v`: Effect's own filters inline (each first checked to agree with the
 * filter itself on a set of probe values), any other filter through its `run`.
 */
const failsSource = (e: Emitter, ast: SchemaAST.AST, filter: SchemaAST.Filter<unknown>, self: string): string => {
  const known = knownFilter(e, ast, filter)
  if (known !== undefined) {
    const probes: ReadonlyArray<unknown> = ast._tag === "Number"
      ? [...NUMBER_PROBES, ...(known.bounds ?? []).flatMap((b) => [b, b - 1, b - 0.5, b + 0.5, b + 1])]
      : STRING_PROBES
    const agrees = probes.every((probe) => {
      try {
        return known.test(probe) === (filter.run(probe, ast, {}) === undefined)
      } catch {
        return false
      }
    })
    if (agrees) return `!(${known.source})`
  }
  return `${constant(e, filter)}.run(v, ${self}, o) !== undefined`
}

const emitObjects = (e: Emitter, ast: SchemaAST.Objects): Array<string> => {
  const out: Array<string> = []
  if (ast.propertySignatures.length === 0 && ast.indexSignatures.length === 0) {
    // `{}`: any non-nullish value, returned as it came.
    out.push(`if (v === null || v === undefined) return I`)
    return out
  }
  for (const index of ast.indexSignatures) {
    const p = index.parameter
    if (p._tag !== "String" || p.checks !== undefined || p.encoding !== undefined) {
      unsupported(ast, "index signature key other than string")
    }
  }
  const names: Array<string> = []
  for (const property of ast.propertySignatures) {
    if (typeof property.name !== "string") unsupported(ast, "non-string property name")
    names.push(property.name as string)
  }
  const expected = constant(e, new Set<PropertyKey>(names))
  const hasStringIndex = ast.indexSignatures.length > 0
  out.push(
    `if (typeof v !== "object" || v === null || Array.isArray(v)) return I`,
    `{ const w = v`,
    // `onExcessProperty: "error"`: any enumerable own key not covered fails (the interpreter reports which).
    `if ((F & 2) !== 0) { const ks = Reflect.ownKeys(w); for (let i = 0; i < ks.length; i++) { const k = ks[i]; ` +
      `if (!${expected}.has(k) ${
        hasStringIndex ? `&& typeof k !== "string" ` : ""
      }&& Object.prototype.propertyIsEnumerable.call(w, k)) return I } }`,
    `const out = {}`
  )
  ast.propertySignatures.forEach((property) => {
    const name = property.name as string
    const key = JSON.stringify(name)
    const f = emit(e, property.type)
    const otherwise = isOptional(property.type) ? "" : ` else return I`
    if (name === "__proto__") {
      out.push(
        `if (Object.hasOwn(w, ${key})) { const r = ${f}(w[${key}], F, o); if (r === I) return I; ` +
          `Object.defineProperty(out, ${key}, { value: r, writable: true, enumerable: true, configurable: true }) }` +
          otherwise
      )
    } else {
      // One read of the key; `in` (the interpreter's presence test) only when it reads `undefined`.
      out.push(
        `{ const x = w[${key}]; if (x !== undefined || ${key} in w) { const r = ${f}(x, F, o); if (r === I) return I; ` +
          `out[${key}] = r }${otherwise} }`
      )
    }
  })
  for (const index of ast.indexSignatures) {
    const f = emit(e, index.type)
    out.push(
      `{ const ks = Object.keys(w); for (let i = 0; i < ks.length; i++) { const k = ks[i]; ` +
        `const r = ${f}(w[k], F, o); if (r === I) return I; if (r === M || ${expected}.has(k)) continue; ` +
        `if (k === "__proto__") Object.defineProperty(out, k, { value: r, writable: true, enumerable: true, configurable: true }); ` +
        `else out[k] = r } }`
    )
  }
  out.push(`v = out }`)
  return out
}

/** Emits a function for `ast` (memoized per AST node) and returns its name. */
const emit = (e: Emitter, ast: SchemaAST.AST): string => {
  const known = e.names.get(ast)
  if (known !== undefined) return known
  const name = `f${e.names.size}`
  e.names.set(ast, name)
  const body: Array<string> = []
  const links = ast.encoding
  if (links !== undefined) {
    // Decoding runs the links from the encoded end: parse the last link's target, then each transformation, then
    // the next link's target, and finally this node itself.
    body.push(`let v = ${emit(e, links[links.length - 1]!.to)}(x, F, o)`, `if (v === I) return I`)
    for (let i = links.length - 1; i >= 0; i--) {
      const transformation = links[i]!.transformation
      if (transformation._tag !== "Transformation") unsupported(ast, "middleware")
      const getter = (transformation as { readonly decode: { readonly _tag: string; readonly transform?: unknown } })
        .decode
      if (getter._tag === "Transform") body.push(`v = ${constant(e, getter.transform)}(v)`)
      else if (getter._tag !== "Passthrough") unsupported(ast, `${getter._tag} getter`)
      if (i !== 0) body.push(`v = ${emit(e, links[i - 1]!.to)}(v, F, o)`, `if (v === I) return I`)
    }
  } else {
    body.push(`let v = x`)
  }
  body.push(...emitLocal(e, ast), `return v`)
  e.functions.push(`function ${name}(x, F, o) {\n${body.join("\n")}\n}`)
  return name
}

/** The prototype of Effect's successful `Exit`s (what `Effect.succeed` returns), to recognize them quickly. */
const successPrototype: unknown = Object.getPrototypeOf(Exit.succeed(0))

/** A Declaration's result: the value of a synchronous success, else `I`. */
const exitValue = (effect: unknown): unknown => {
  if (
    typeof effect === "object" && effect !== null && Object.getPrototypeOf(effect) === successPrototype &&
    (effect as Exit.Exit<unknown>)._tag === "Success"
  ) {
    const value = (effect as Exit.Success<unknown>).value
    return value === SchemaCompiler.missing ? SchemaCompiler.invalid : value
  }
  return Exit.isExit(effect) && Exit.isSuccess(effect) && effect.value !== SchemaCompiler.missing
    ? effect.value
    : SchemaCompiler.invalid
}

const compiledCache = new WeakMap<SchemaAST.AST, Decode | undefined>()
const sources = new WeakMap<SchemaAST.AST, string>()

/** The source generated for `ast` by {@link compile} (for tests: which checks went inline). */
export const generatedSource = (ast: SchemaAST.AST): string | undefined => {
  compile(ast)
  return sources.get(ast)
}

/**
 * The generated decode operation for `ast`, or `undefined` when some node of it is not supported (or dynamic code
 * is not allowed here): the interpreter is used then.
 */
export const compile = (ast: SchemaAST.AST): Decode | undefined => {
  if (compiledCache.has(ast)) return compiledCache.get(ast)
  let decode: Decode | undefined
  try {
    const e: Emitter = { functions: [], constants: [], constantIndex: new Map(), names: new Map() }
    const root = emit(e, ast)
    const bindings = e.constants.map((_, i) => `const c${i} = C[${i}]`).join("\n")
    const source = `"use strict"\n${bindings}\n${e.functions.join("\n")}\n` +
      `return function decode(x, o) {\n` +
      `const F = (o.disableChecks === true ? 1 : 0) | (o.onExcessProperty === "error" ? 2 : 0)\n` +
      `return ${root}(x, F, o)\n}`
    sources.set(ast, source)
    // oxlint-disable-next-line no-new-func -- the decoder is generated from the schema's AST, never from input
    decode = new Function("C", "I", "M", "X", source)(
      e.constants,
      SchemaCompiler.invalid,
      SchemaCompiler.missing,
      exitValue
    ) as Decode
  } catch (error) {
    if (!(error instanceof Unsupported) && !(error instanceof EvalError)) throw error
    decode = undefined
  }
  compiledCache.set(ast, decode)
  return decode
}

/** Whether the compiled fast path can be installed in this Effect version. */
export const available: boolean = runtime !== undefined && typeof SchemaCompiler.set === "function"

/**
 * Installs the generated decoder for each schema's AST. The code is generated when a parser first needs it.
 */
export const register = (...schemas: ReadonlyArray<Schema.Top>): void => {
  if (runtime === undefined || !available) return
  const rt = runtime
  for (const schema of schemas) {
    const ast = schema.ast
    SchemaCompiler.set(ast, {
      get decode() {
        return compile(ast)
      },
      get decodeEffect() {
        return rt.decode(ast, rt.resolve) as SchemaCompiler.DecodeEffect
      }
    })
  }
}

interface Entry {
  readonly ast: SchemaAST.AST
  readonly compiled: undefined
  readonly parser: DetailedParser
  readonly decodeEffect: DetailedParser
}

/**
 * Effect's interpreter alone for `ast` and every AST under it: no compiled fast path anywhere (children resolve
 * through a registry of interpreted entries of its own). The oracle of the differential tests.
 */
export const interpreted = (
  ast: SchemaAST.AST
): ((input: unknown, options?: SchemaAST.ParseOptions) => Exit.Exit<unknown, unknown>) | undefined => {
  if (runtime === undefined) return undefined
  const rt = runtime
  const entries = new WeakMap<SchemaAST.AST, Entry>()
  const resolve = (node: SchemaAST.AST): Entry => {
    let entry = entries.get(node)
    if (entry === undefined) {
      let parser: DetailedParser | undefined
      const get = () => (parser ??= rt.decode(node, resolve))
      entry = {
        ast: node,
        compiled: undefined,
        get parser() {
          return get()
        },
        get decodeEffect() {
          return get()
        }
      }
      entries.set(node, entry)
    }
    return entry
  }
  const parser = rt.decode(ast, resolve)
  return (input, options = {}) => {
    const exit = Effect.runSyncExit(parser(input, options) as Effect.Effect<unknown, unknown>)
    // A success that is the input itself is reported with the "missing" marker.
    return Exit.isSuccess(exit) && exit.value === SchemaCompiler.missing ? Exit.succeed(input) : exit
  }
}
