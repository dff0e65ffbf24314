/**
 * Test support: validates values against `components.schemas.<name>` of Intercom's OpenAPI 2.11 description
 * with ajv (JSON Schema 2020-12), after converting the OpenAPI 3.0 schema objects to JSON Schema.
 *
 * The spec is read from `@parley/schema`'s vendored copy (MIT, see its `test/fixtures/intercom-api-2.11.*`).
 * The conversion: `nullable: true` becomes `type: [t, "null"]` (or `anyOf: [schema, { type: "null" }]` beside a
 * `$ref` / `allOf`), `#/components/schemas/X` becomes `#/$defs/X`, and `example` / `x-*` annotations are dropped.
 * `custom_attributes`, referenced by `conversation` but never defined in the spec, is supplied as an open object.
 * Nothing else is relaxed: `teammates`, `statistics`, ... are validated as the spec declares them.
 */
import addFormats from "ajv-formats"
import Ajv2020 from "ajv/dist/2020.js"
import { readFileSync } from "node:fs"
import { parse } from "yaml"

type Json = null | boolean | number | string | ReadonlyArray<Json> | { readonly [key: string]: Json }
type JsonObject = { readonly [key: string]: Json }

const specUrl = new URL("../../../schema/test/fixtures/intercom-api-2.11.yaml", import.meta.url)

const isObject = (value: Json | undefined): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value)

let schemas: JsonObject | undefined
const components = (): JsonObject => {
  if (schemas === undefined) {
    const spec = parse(readFileSync(specUrl, "utf8")) as JsonObject
    const c = spec["components"]
    if (!isObject(c) || !isObject(c["schemas"])) throw new Error("spec has no components.schemas")
    schemas = c["schemas"]
  }
  return schemas
}

const missing: Readonly<Record<string, JsonObject>> = { custom_attributes: { type: "object" } }
const prefix = "#/components/schemas/"

const convert = (schema: Json): Json => {
  if (Array.isArray(schema)) return schema.map(convert)
  if (!isObject(schema)) return schema
  const out: Record<string, Json> = {}
  for (const [key, value] of Object.entries(schema)) {
    if (key === "nullable" || key === "example" || key === "examples" || key.startsWith("x-")) continue
    if (key === "$ref" && typeof value === "string") {
      out[key] = value.startsWith(prefix) ? `#/$defs/${value.slice(prefix.length)}` : value
    } else if (key === "properties" && isObject(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convert(v)]))
    } else {
      out[key] = convert(value)
    }
  }
  if (schema["nullable"] !== true) return out
  if (!("$ref" in out || "allOf" in out) && typeof out["type"] === "string") {
    const values = out["enum"]
    return {
      ...out,
      type: [out["type"], "null"],
      ...(Array.isArray(values) && !values.includes(null) ? { enum: [...values, null] } : {})
    }
  }
  return { anyOf: [out, { type: "null" }] }
}

const refs = (schema: Json, into: Set<string>): void => {
  if (Array.isArray(schema)) schema.forEach((s) => refs(s, into))
  else if (isObject(schema)) {
    for (const [key, value] of Object.entries(schema)) {
      if (key === "$ref" && typeof value === "string" && value.startsWith(prefix)) into.add(value.slice(prefix.length))
      else refs(value, into)
    }
  }
}

/** The JSON Schema document for `components.schemas[name]`, every component it reaches under `$defs`. */
export const jsonSchemaFor = (name: string): JsonObject => {
  const all = components()
  const defs: Record<string, Json> = {}
  const queue = [name]
  while (queue.length > 0) {
    const n = queue.pop()!
    if (n in defs) continue
    const schema = all[n] ?? missing[n]
    if (!isObject(schema)) throw new Error(`components.schemas.${n} is referenced but not defined`)
    defs[n] = convert(schema)
    const found = new Set<string>()
    refs(schema, found)
    queue.push(...found)
  }
  return { $schema: "https://json-schema.org/draft/2020-12/schema", $ref: `#/$defs/${name}`, $defs: defs }
}

/** A validator for `components.schemas[name]`: `errors` lists `"<instance path> <message>"`. */
export const validatorFor = (name: string): (value: unknown) => { valid: boolean; errors: Array<string> } => {
  const ajv = new Ajv2020.default({ allErrors: true, strict: true, strictTypes: false, strictRequired: false })
  addFormats.default(ajv)
  const validate = ajv.compile(jsonSchemaFor(name))
  return (value) => {
    const valid = validate(value)
    return {
      valid,
      errors: (validate.errors ?? []).map((e) =>
        `${e.instancePath === "" ? "/" : e.instancePath} ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`
      )
    }
  }
}
