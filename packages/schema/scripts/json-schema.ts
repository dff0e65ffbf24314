/**
 * Writes a JSON Schema document (draft 2020-12, the wire side) for every Drift and Intercom wire model into
 * `json-schema/`, for consumers that do not use TypeScript. Run by `pnpm build`; `--check` fails when the
 * shipped files are out of date.
 */
import { Schema } from "effect"
import { mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { jsonSchemaModels } from "../src/internal/models.ts"

const outDir = new URL("../json-schema/", import.meta.url)
const check = process.argv.includes("--check")
mkdirSync(outDir, { recursive: true })
let stale = 0
for (const [name, schema] of Object.entries(jsonSchemaModels)) {
  const { definitions, schema: root } = Schema.toJsonSchemaDocument(schema)
  const document = {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    title: name,
    ...root,
    ...(Object.keys(definitions).length > 0 ? { $defs: definitions } : {})
  }
  const text = JSON.stringify(document, null, 2) + "\n"
  const file = new URL(`${name}.json`, outDir)
  if (check) {
    let current = ""
    try {
      current = readFileSync(file, "utf8")
    } catch {
      current = ""
    }
    if (current !== text) {
      stale++
      console.error(`json-schema/${name}.json is out of date; run pnpm --filter @parley/schema json-schema`)
    }
  } else {
    writeFileSync(file, text)
  }
}
if (stale > 0) process.exit(1)
console.log(`${check ? "checked" : "wrote"} ${Object.keys(jsonSchemaModels).length} JSON Schema documents`)
