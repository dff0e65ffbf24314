/**
 * Test support: Intercom's OpenAPI 2.11 description as JSON Schema (draft 2020-12), validated with ajv.
 *
 * OpenAPI 3.0 schemas are not JSON Schema: `nullable: true` is a keyword of its own, `$ref` siblings are
 * ignored by the 3.0 rules, and `example` / `x-*` are annotations ajv does not know. {@link toJsonSchema}
 * converts one schema object; {@link validatorFor} resolves every `#/components/schemas/...` reference
 * reachable from a named component, compiles it, and returns a validator.
 *
 * Spec quirks handled here, on purpose and visibly:
 * - `#/components/schemas/custom_attributes` is referenced (by `conversation` and others) but never defined;
 *   it is supplied as an open object (see {@link missingComponents}).
 * - `nullable: true` beside a `$ref` or an `allOf` (e.g. `sla_applied`, `ai_agent`, `tag.applied_by`) is read
 *   as "this or null", which is what the spec's authors mean, although OpenAPI 3.0 would ignore it.
 */
import addFormats from "ajv-formats"
import Ajv2020 from "ajv/dist/2020.js"
import { readFileSync } from "node:fs"
import { parse } from "yaml"

/** A JSON value as parsed from the YAML spec. */
export type Json = null | boolean | number | string | ReadonlyArray<Json> | { readonly [key: string]: Json }

/** A JSON object. */
export type JsonObject = { readonly [key: string]: Json }

/** The spec, vendored (MIT, see `fixtures/intercom-api-2.11.LICENSE.md`) from `shared/specs/`. */
export const specUrl = new URL("../fixtures/intercom-api-2.11.yaml", import.meta.url)

let cached: JsonObject | undefined

/** The parsed Intercom OpenAPI 2.11 document (parsed once). */
export const spec = (): JsonObject => {
  if (cached === undefined) {
    cached = parse(readFileSync(specUrl, "utf8")) as JsonObject
  }
  return cached
}

const isObject = (value: Json | undefined): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** `components.schemas` of the spec. */
export const components = (): JsonObject => {
  const c = spec()["components"]
  if (!isObject(c) || !isObject(c["schemas"])) throw new Error("spec has no components.schemas")
  return c["schemas"]
}

/**
 * Components the spec references but does not define, and the JSON Schema used for them. Empty by default
 * except for `custom_attributes`, which the 2.11 description leaves dangling.
 */
export const missingComponents: Readonly<Record<string, JsonObject>> = {
  custom_attributes: { type: "object", description: "(supplied by Parley's tests: undefined in the 2.11 spec)" }
}

const refPrefix = "#/components/schemas/"

/** Annotations ajv's strict mode does not know; they carry no validation meaning. */
const dropped = new Set(["example", "examples", "xml", "externalDocs", "discriminator"])

/**
 * Converts one OpenAPI 3.0 schema object to JSON Schema 2020-12: `nullable: true` becomes `type: [t, "null"]`
 * (plus `null` in an `enum`) or, beside a `$ref` / `allOf` / `oneOf` / `anyOf`, `anyOf: [schema, { type: "null" }]`;
 * `#/components/schemas/X` becomes `#/$defs/X`; `example` and `x-*` annotations are dropped.
 */
export const toJsonSchema = (schema: Json): Json => {
  if (Array.isArray(schema)) return schema.map(toJsonSchema)
  if (!isObject(schema)) return schema
  const out: Record<string, Json> = {}
  for (const [key, value] of Object.entries(schema)) {
    if (key === "nullable" || dropped.has(key) || key.startsWith("x-")) continue
    if (key === "$ref" && typeof value === "string") {
      out[key] = value.startsWith(refPrefix) ? `#/$defs/${value.slice(refPrefix.length)}` : value
    } else if (key === "properties" && isObject(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonSchema(v)]))
    } else {
      out[key] = toJsonSchema(value)
    }
  }
  if (schema["nullable"] !== true) return out
  const composite = "$ref" in out || "allOf" in out || "oneOf" in out || "anyOf" in out
  if (!composite && typeof out["type"] === "string") {
    const { description, ...rest } = out
    const enumValues = rest["enum"]
    return {
      ...(description === undefined ? {} : { description }),
      ...rest,
      type: [out["type"], "null"],
      ...(Array.isArray(enumValues) && !enumValues.includes(null) ? { enum: [...enumValues, null] } : {})
    }
  }
  const { description, ...rest } = out
  return {
    ...(description === undefined ? {} : { description }),
    anyOf: [rest, { type: "null" }]
  }
}

const refsOf = (schema: Json, into: Set<string>): void => {
  if (Array.isArray(schema)) {
    schema.forEach((s) => refsOf(s, into))
  } else if (isObject(schema)) {
    for (const [key, value] of Object.entries(schema)) {
      if (key === "$ref" && typeof value === "string" && value.startsWith(refPrefix)) {
        into.add(value.slice(refPrefix.length))
      } else {
        refsOf(value, into)
      }
    }
  }
}

/**
 * The JSON Schema document (draft 2020-12) for `components.schemas[name]`, with every component it reaches
 * under `$defs`. `overrides` replace (or supply) components by name, before conversion.
 */
export const jsonSchemaFor = (name: string, overrides: Readonly<Record<string, JsonObject>> = {}): JsonObject => {
  const all = components()
  const lookup = (n: string): JsonObject => {
    const found = overrides[n] ?? all[n] ?? missingComponents[n]
    if (!isObject(found)) throw new Error(`components.schemas.${n} is referenced but not defined`)
    return found
  }
  const defs: Record<string, Json> = {}
  const queue = [name]
  while (queue.length > 0) {
    const n = queue.pop()!
    if (n in defs) continue
    const schema = lookup(n)
    defs[n] = toJsonSchema(schema)
    const refs = new Set<string>()
    refsOf(schema, refs)
    queue.push(...refs)
  }
  return { $schema: "https://json-schema.org/draft/2020-12/schema", $ref: `#/$defs/${name}`, $defs: defs }
}

/** The outcome of one validation: `errors` are `"<instance path> <message>"` lines. */
export interface ValidationResult {
  readonly valid: boolean
  readonly errors: Array<string>
}

/**
 * A validator for `components.schemas[schemaName]` of Intercom's OpenAPI 2.11, built with ajv (draft 2020-12,
 * strict schema mode (not strictTypes: the spec omits `type: object` beside `required` in places), formats from ajv-formats, every error collected).
 *
 * @example
 * ```ts
 * const validateConversation = validatorFor("conversation")
 * validateConversation({ id: 1 }).valid // false
 * ```
 */
export const validatorFor = (
  schemaName: string,
  overrides: Readonly<Record<string, JsonObject>> = {}
): (value: unknown) => ValidationResult => {
  const ajv = new Ajv2020.default({
    allErrors: true,
    strict: true,
    strictTypes: false,
    strictRequired: false,
    validateFormats: true
  })
  addFormats.default(ajv)
  const validate = ajv.compile(jsonSchemaFor(schemaName, overrides))
  return (value) => {
    const valid = validate(value)
    return {
      valid,
      errors: (validate.errors ?? []).map((e) =>
        `${e.instancePath === "" ? "/" : e.instancePath} ${e.message ?? e.keyword}${
          e.keyword === "additionalProperties" || e.keyword === "enum" ? ` ${JSON.stringify(e.params)}` : ""
        }`
      )
    }
  }
}

/**
 * The components every conversation example of the 2.11 spec sends as `null` although the schema does not mark
 * them `nullable`: `conversation.conversation_rating`, `.teammates`, `.first_contact_reply` and `.statistics`.
 */
export const nullInExamples: ReadonlyArray<string> = [
  "conversation_rating",
  "conversation_teammates",
  "conversation_first_contact_reply",
  "conversation_statistics"
]

/**
 * Overrides (for {@link validatorFor}) that mark the named components `nullable: true`.
 *
 * @example
 * ```ts
 * const validate = validatorFor("conversation", withNullable(nullInExamples))
 * ```
 */
export const withNullable = (names: ReadonlyArray<string>): Record<string, JsonObject> => {
  const all = components()
  return Object.fromEntries(names.map((name) => {
    const schema = all[name]
    if (!isObject(schema)) throw new Error(`components.schemas.${name} is not defined`)
    return [name, { ...schema, nullable: true }]
  }))
}

/** One example value found in the spec, with where it was found. */
export interface SpecExample {
  readonly path: string
  readonly value: unknown
}

/**
 * Every value under an `examples` / `example` key of the spec's `paths` (at any depth) that satisfies `predicate`,
 * in document order. Matches nested in a match are reported too.
 */
export const findExamples = (predicate: (value: JsonObject) => boolean): Array<SpecExample> => {
  const found: Array<SpecExample> = []
  const walk = (value: Json, path: ReadonlyArray<string>, inExample: boolean): void => {
    if (Array.isArray(value)) {
      value.forEach((item, i) => walk(item, [...path, String(i)], inExample))
    } else if (isObject(value)) {
      if (inExample && predicate(value)) found.push({ path: path.join(" > "), value })
      for (const [key, item] of Object.entries(value)) {
        walk(item, [...path, key], inExample || key === "examples" || key === "example")
      }
    }
  }
  walk(spec()["paths"] ?? null, ["paths"], false)
  return found
}

const without = (list: Json | undefined, names: ReadonlyArray<string>): Array<Json> =>
  Array.isArray(list) ? list.filter((n) => typeof n !== "string" || !names.includes(n)) : []

const component = (name: string): JsonObject => {
  const schema = components()[name]
  if (!isObject(schema)) throw new Error(`components.schemas.${name} is not defined`)
  return schema
}

/**
 * Overrides (for {@link validatorFor}) describing what Parley decodes beyond the spec, as real Intercom answers
 * send it: {@link nullInExamples} nullable; `conversation.title`, `.topics`, `.admin_assignee_id`,
 * `.team_assignee_id` and `conversation_source.redacted` optional; `team_assignee_id` a string too;
 * `conversation_statistics` members nullable; `conversation_teammates` with `admins` (the corrected copy) or the
 * published `teammates`. Everything else is the spec as written.
 */
export const asRealServersSend = (): Record<string, JsonObject> => {
  const conversation = component("conversation")
  const properties = conversation["properties"] as JsonObject
  const source = component("conversation_source")
  const statistics = component("conversation_statistics")
  const teammates = component("conversation_teammates")
  const teammatesProperties = teammates["properties"] as JsonObject
  return {
    ...withNullable(nullInExamples),
    conversation: {
      ...conversation,
      required: without(conversation["required"], ["title", "topics", "admin_assignee_id", "team_assignee_id"]),
      properties: {
        ...properties,
        team_assignee_id: { anyOf: [properties["team_assignee_id"]!, { type: "string" }] }
      }
    },
    conversation_source: { ...source, required: without(source["required"], ["redacted"]) },
    conversation_statistics: {
      ...statistics,
      nullable: true,
      properties: Object.fromEntries(
        Object.entries(statistics["properties"] as JsonObject).map((
          [k, v]
        ) => [k, k === "type" ? v : { ...(v as JsonObject), nullable: true }])
      )
    },
    conversation_teammates: {
      nullable: true,
      anyOf: [
        teammates,
        {
          ...teammates,
          properties: { type: teammatesProperties["type"]!, teammates: teammatesProperties["admins"]! },
          required: ["type", "teammates"]
        }
      ]
    }
  }
}
