import { describe, expect, it } from "@effect/vitest"
import { Ajv2020 } from "ajv/dist/2020.js"
import { Schema } from "effect"
import { readFileSync } from "node:fs"
import { jsonSchemaModels } from "../src/internal/models.ts"

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8"))

const validator = (name: string) => {
  const { definitions, schema } = Schema.toJsonSchemaDocument(jsonSchemaModels[name]!)
  const ajv = new Ajv2020({ strict: false, allErrors: true })
  return ajv.compile({ ...schema, $defs: definitions })
}

describe("JSON Schema documents of the wire models", () => {
  it("every model compiles to a JSON Schema a real validator accepts", () => {
    for (const name of Object.keys(jsonSchemaModels)) {
      expect(() => validator(name), name).not.toThrow()
    }
  })

  it.each([
    ["DriftConversationsPage", "drift-conversations-page.json"],
    ["DriftConversationResponse", "drift-conversation.json"],
    ["DriftMessagesPage", "drift-messages-page.json"],
    ["DriftMessagesPage", "drift-messages-page-nested-pagination.json"],
    ["DriftCreateConversationRequest", "drift-create-conversation-request.json"],
    ["DriftCreateConversationResponse", "drift-create-conversation-response.json"],
    ["DriftApiErrors", "drift-errors.json"],
    ["DriftApiErrors", "drift-error-legacy.json"],
    ["DriftConversationStats", "drift-stats.json"],
    ["DriftContactResponse", "drift-contact.json"],
    ["DriftUserResponse", "drift-user.json"],
    ["DriftUsersResponse", "drift-users.json"]
  ])("%s accepts %s", (name, file) => {
    const validate = validator(name)
    expect(validate(fixture(file)), JSON.stringify(validate.errors)).toBe(true)
  })

  it("rejects what the decoder rejects: ids beyond 2^53, negative timestamps, unknown statuses", () => {
    const validate = validator("DriftConversation")
    const ok = { id: 1, status: "open", contactId: 2, inboxId: 3, createdAt: 0, updatedAt: 0 }
    expect(validate(ok)).toBe(true)
    expect(validate({ ...ok, id: 2 ** 60 })).toBe(false)
    expect(validate({ ...ok, createdAt: -1 })).toBe(false)
    expect(validate({ ...ok, status: "archived" })).toBe(false)
    expect(validate({ ...ok, id: "1" })).toBe(false)
  })
})
