/**
 * Writes `openapi.json`, the OpenAPI 3.1 document of the Intercom API subset as `IntercomApi` declares it, into
 * the package (shipped, and importable as `@parley/intercom-client/openapi.json`). Run by `pnpm build`;
 * `--check` fails when the file is out of date.
 */
import { OpenApi } from "effect/http-api"
import { readFileSync, writeFileSync } from "node:fs"
import { IntercomApi } from "../src/IntercomApi.ts"

const file = new URL("../openapi.json", import.meta.url)
const text = JSON.stringify(OpenApi.fromApi(IntercomApi), null, 2) + "\n"

if (process.argv.includes("--check")) {
  let current = ""
  try {
    current = readFileSync(file, "utf8")
  } catch {
    current = ""
  }
  if (current !== text) {
    console.error("openapi.json is out of date; run pnpm --filter @parley/intercom-client openapi")
    process.exit(1)
  }
  console.log("openapi.json is up to date")
} else {
  writeFileSync(file, text)
  console.log(`wrote openapi.json (${Object.keys(JSON.parse(text).paths).length} paths)`)
}
