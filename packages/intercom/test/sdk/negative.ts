/**
 * The type-level test can fail: each value below breaks the SDK's `Conversation` type in one way Parley once
 * wrote (or could write), and `@ts-expect-error` makes `pnpm typecheck` fail if it were accepted.
 */
import { conversation } from "./check.ts"

const base = conversation({
  type: "conversation",
  id: "1",
  title: null,
  created_at: 1,
  updated_at: 1,
  waiting_since: null,
  snoozed_until: null,
  open: true,
  state: "open",
  read: true,
  admin_assignee_id: null,
  team_assignee_id: null,
  source: {
    type: "conversation",
    id: "1",
    delivered_as: "customer_initiated",
    subject: "",
    author: { type: "lead", id: "2", name: null, email: "" },
    redacted: false
  },
  contacts: { type: "contact.list", contacts: [{ type: "contact", id: "2" }] },
  teammates: { type: "admin.list", admins: [] },
  custom_attributes: {}
})

// the spec's `teammates.teammates` (what Parley wrote before): the SDK reads `admins`
// @ts-expect-error teammates.admins is missing
export const specTeammates = conversation({ ...base, teammates: { type: "admin.list", teammates: [] } })

// `url: null` on the source: the SDK types url as an optional string
// @ts-expect-error null is not a string
export const nullUrl = conversation({ ...base, source: { ...base.source, url: null } })

// a numeric contact id
const numericIds = { type: "contact.list" as const, contacts: [{ type: "contact" as const, id: 2 }] }
// @ts-expect-error id is a string
export const numericContact = conversation({ ...base, contacts: numericIds })
