import { describe, expect, it } from "@effect/vitest"
import { readFileSync } from "node:fs"
import { outputPath, outputs, render } from "../scripts/sdk-outputs.ts"
import { validatorFor } from "./support/openapi.ts"

describe("API 2.11 outputs and the official intercom-client types", () => {
  it("the committed test/sdk/outputs.generated.ts (type-checked by pnpm typecheck) is what the script writes", () => {
    // If this fails, run `node scripts/sdk-outputs.ts` in packages/intercom and commit the file.
    expect(readFileSync(outputPath, "utf8")).toBe(render())
  })

  it("the same outputs validate against the (corrected) spec copy, and cover the shapes the SDK test is about", () => {
    const validate = validatorFor("conversation")
    const all = outputs() as Array<{ readonly conversation_parts: { readonly conversation_parts: Array<unknown> } }>
    expect(all.length).toBeGreaterThan(20)
    for (const o of all) expect(validate(o).errors).toStrictEqual([])
    const json = JSON.stringify(all)
    expect(json).toContain("\"admins\":[{")
    expect(json).toContain("\"email\":\"\"")
    expect(json).not.toContain("drift.invalid")
    expect(all.some((o) => o.conversation_parts.conversation_parts.length > 3)).toBe(true)
  })
})
