/**
 * The mapping rules as data: for each Drift field, where it goes in the Intercom classic and API 2.11 shapes and
 * what comes back from each. One source: the README's mapping table is generated from it
 * (`scripts/mapping-table.ts`, with a test that the committed table is the generated one), the mapper's tests
 * check every loss a round trip shows against it, and the Inbox's loss highlighting reads its texts.
 *
 * @example
 * ```ts
 * import { MappingRules } from "@parley/intercom"
 *
 * MappingRules.ruleAt(["conversation", "inboxId"])?.classic.back // "→ `inboxId` option (0)"
 * MappingRules.lossAt(["messages", 3, "createdAt"]) // "milliseconds are floored to whole seconds"
 * ```
 *
 * @since 0.1.0
 */

/**
 * A path pattern into a Drift thread's wire JSON: `"*"` matches any key or index. A pattern matches a path that
 * starts with it.
 *
 * @since 0.1.0
 */
export type Pattern = ReadonlyArray<string | number>

/**
 * Where a Drift value sits in one Intercom shape's JSON: a path whose segments are keys, or `"$msg"` (the message's
 * place: `conversation_message` / `source` for the first message, else its part) or `"$1"`, `"$2"` (the key the
 * first, second `"*"` of the loss pattern matched). `null`: the shape has no place for it.
 *
 * @since 0.1.0
 */
export type Locator = ReadonlyArray<string> | null

/**
 * Where a field goes in one Intercom shape and what comes back: `back` is `"lossless"` when the field comes back
 * exactly, else what comes back instead (Markdown).
 *
 * @since 0.1.0
 */
export interface Target {
  /** The Intercom field(s), Markdown; `"—"` when the shape has no place for it. */
  readonly to: string
  readonly back: "lossless" | string
}

/**
 * One mapping rule.
 *
 * @since 0.1.0
 */
export interface Rule {
  /** The table the rule is listed in. */
  readonly section: "conversation" | "messages" | "contact"
  /** The Drift field(s), Markdown. */
  readonly drift: string
  readonly classic: Target
  /** API 2.11 with the default config (every Drift-only field carried). */
  readonly v2: Target
  /** How the value is mapped, Markdown (may be empty). */
  readonly how: string
  /**
   * The Drift paths the rule covers, most specific first, each with the one-line loss the Inbox shows when a
   * round trip through a shape that cannot hold it gives something else back.
   */
  readonly losses: ReadonlyArray<Loss>
}

/**
 * One Drift path pattern of a rule: its loss text and where the value sits in each Intercom shape.
 *
 * @since 0.1.0
 */
export interface Loss {
  readonly at: Pattern
  readonly text: string
  readonly classic: Locator
  readonly v2: Locator
}

const lossless = "lossless" as const

/**
 * Every rule, in the order of the README's mapping table.
 *
 * @since 0.1.0
 */
export const rules: ReadonlyArray<Rule> = [
  // ---------------------------------------------------------------------------------------------------------------
  // Conversation
  // ---------------------------------------------------------------------------------------------------------------
  {
    section: "conversation",
    drift: "`id`",
    classic: { to: "`id`", back: lossless },
    v2: { to: "`id`", back: lossless },
    how: "decimal string / parsed",
    losses: [{
      at: ["conversation", "id"],
      text: "ids become decimal strings and come back",
      classic: ["id"],
      v2: ["id"]
    }]
  },
  {
    section: "conversation",
    drift: "`participants`",
    classic: { to: "`assignee` (first)", back: "first participant only; `[]` → absent" },
    v2: {
      to:
        "`admin_assignee_id` (first), `teammates.admins[]` (all, `admin`; the API's and the SDK's `admins`, not the spec's `teammates`)",
      back: lossless
    },
    how: "see Assignee",
    losses: [{
      at: ["conversation", "participants"],
      text: "only the first participant is kept, as the assignee",
      classic: ["assignee"],
      v2: ["teammates"]
    }]
  },
  {
    section: "conversation",
    drift: "`status`",
    classic: { to: "`state`, `open`", back: "`bulk_sent` → `closed`" },
    v2: { to: "`state`, `open`, `drift_status`", back: lossless },
    how: "see Status",
    losses: [{ at: ["conversation", "status"], text: "bulk_sent comes back closed", classic: ["state"], v2: ["state"] }]
  },
  {
    section: "conversation",
    drift: "`contactId`",
    classic: { to: "`user.id`, `customers[0].id`", back: lossless },
    v2: { to: "`contacts.contacts[0].id`", back: lossless },
    how: "decimal string; type `user` or `lead` (classic), `contact` (2.11)",
    losses: [{
      at: ["conversation", "contactId"],
      text: "ids become decimal strings and come back",
      classic: ["user"],
      v2: ["contacts"]
    }]
  },
  {
    section: "conversation",
    drift: "`inboxId`",
    classic: { to: "—", back: "→ `inboxId` option (0)" },
    v2: { to: "`drift_inbox_id`", back: lossless },
    how: "back: the `inboxId` option",
    losses: [{
      at: ["conversation", "inboxId"],
      text: "no place in Intercom: the inboxId option (0) comes back",
      classic: null,
      v2: ["custom_attributes"]
    }]
  },
  {
    section: "conversation",
    drift: "`orgId`",
    classic: { to: "—", back: "→ absent" },
    v2: { to: "`drift_org_id`", back: lossless },
    how: "",
    losses: [{
      at: ["conversation", "orgId"],
      text: "no place in Intercom: comes back absent",
      classic: null,
      v2: ["custom_attributes"]
    }]
  },
  {
    section: "conversation",
    drift: "`createdAt`",
    classic: { to: "`created_at`", back: "whole seconds" },
    v2: { to: "`created_at`, `drift_created_at_ms`", back: lossless },
    how: "ms floored to s",
    losses: [{
      at: ["conversation", "createdAt"],
      text: "milliseconds are floored to whole seconds",
      classic: ["created_at"],
      v2: ["created_at"]
    }]
  },
  {
    section: "conversation",
    drift: "`updatedAt`",
    classic: { to: "`updated_at`", back: "whole seconds" },
    v2: { to: "`updated_at`, `drift_updated_at_ms`", back: lossless },
    how: "ms floored to s",
    losses: [{
      at: ["conversation", "updatedAt"],
      text: "milliseconds are floored to whole seconds",
      classic: ["updated_at"],
      v2: ["updated_at"]
    }]
  },
  {
    section: "conversation",
    drift: "`relatedPlaybookId`",
    classic: { to: "—", back: "→ absent" },
    v2: { to: "`drift_playbook_id`", back: lossless },
    how: "",
    losses: [{
      at: ["conversation", "relatedPlaybookId"],
      text: "no place in Intercom: comes back absent",
      classic: null,
      v2: ["custom_attributes"]
    }]
  },
  {
    section: "conversation",
    drift: "`conversationTags[].color`",
    classic: { to: "—", back: "→ `tagColor` option" },
    v2: { to: "`drift_thread`", back: lossless },
    how: "back: the `tagColor` option; a color with or without `#` is kept as sent",
    losses: [{
      at: ["conversation", "conversationTags", "*", "color"],
      text: "tag colors have no place: the tagColor option comes back",
      classic: ["tags", "tags", "$1"],
      v2: ["tags"]
    }]
  },
  {
    section: "conversation",
    drift: "`conversationTags[].name`",
    classic: { to: "`tags.tags[]` `{ type: \"tag\", id, name }`", back: "✓ (`[]` → absent)" },
    v2: { to: "`tags.tags[]` `+ applied_at: null, applied_by: null`", back: lossless },
    how: "`id = tagId(name)`",
    losses: [{
      at: ["conversation", "conversationTags"],
      text: "conversationTags: [] comes back absent",
      classic: ["tags"],
      v2: ["tags"]
    }]
  },
  // ---------------------------------------------------------------------------------------------------------------
  // Messages
  // ---------------------------------------------------------------------------------------------------------------
  {
    section: "messages",
    drift: "`messages[0]`",
    classic: { to: "`conversation_message`", back: lossless },
    v2: { to: "`source`", back: lossless },
    how: "first message",
    losses: []
  },
  {
    section: "messages",
    drift: "`messages[1..]`",
    classic: { to: "`conversation_parts.conversation_parts[]`", back: lossless },
    v2: { to: "`conversation_parts.conversation_parts[]`", back: lossless },
    how: "in order; `total_count` = count",
    losses: []
  },
  {
    section: "messages",
    drift: "`id`",
    classic: { to: "`id`", back: lossless },
    v2: { to: "`id`", back: lossless },
    how: "decimal string / parsed",
    losses: [{
      at: ["messages", "*", "id"],
      text: "ids become decimal strings and come back",
      classic: ["$msg", "id"],
      v2: ["$msg", "id"]
    }]
  },
  {
    section: "messages",
    drift: "`type`",
    classic: {
      to: "`part_type`: `comment` (`chat`) or `note` (every other type)",
      back: "the first message comes back `chat`; every other non-`chat` type comes back `private_note`"
    },
    v2: {
      to: "`part_type` as classic; the Drift type in `drift_thread` when `note` does not give it back",
      back: lossless
    },
    how:
      "`chat` ↔ `comment`; `private_note`, `private_prompt`, `suggestion`, `edit` and unknown types → `note` (internal: nothing the contact did not see is shown to them); `note` → `private_note`",
    losses: [
      { at: ["messages", 0, "type"], text: "the first message comes back as chat", classic: ["$msg"], v2: ["$msg"] },
      {
        at: ["messages", "*", "type"],
        text: "every type but chat comes back as private_note",
        classic: ["$msg", "part_type"],
        v2: ["$msg"]
      }
    ]
  },
  {
    section: "messages",
    drift: "`editedMessageId`, `editType` (`edit` messages)",
    classic: { to: "—", back: "→ absent" },
    v2: { to: "`drift_thread`", back: lossless },
    how:
      "an edit is carried as a note part of its own, in order, with the edit's body; the edited part keeps the body it had (its first text)",
    losses: [
      {
        at: ["messages", "*", "editedMessageId"],
        text: "no place in Intercom: editedMessageId comes back absent",
        classic: null,
        v2: ["$msg"]
      },
      {
        at: ["messages", "*", "editType"],
        text: "no place in Intercom: editType comes back absent",
        classic: null,
        v2: ["$msg"]
      }
    ]
  },
  {
    section: "messages",
    drift: "`body`",
    classic: { to: "`body`", back: "✓ (an absent first-message body comes back `\"\"`)" },
    v2: { to: "`body` (absent when Drift has none)", back: lossless },
    how: "see Bodies",
    losses: [{
      at: ["messages", "*", "body"],
      text: "an absent first-message body comes back as \"\"",
      classic: ["$msg", "body"],
      v2: ["$msg", "body"]
    }]
  },
  {
    section: "messages",
    drift: "`author.type`, `author.id`",
    classic: { to: "`author.type`, `author.id` (+ `name`, `email` when known)", back: lossless },
    v2: {
      to:
        "`author` `{ type, id, name, email }`: `name` `null` and `email` `\"\"` when unknown (what Intercom writes; no address is invented)",
      back: lossless
    },
    how: "see Authors",
    losses: []
  },
  {
    section: "messages",
    drift: "`author.bot`",
    classic: {
      to: "in `author.type`",
      back:
        "an absent `bot` comes back as the mapped value (`false` unless it mapped to a bot); a contact's `true` → `false`"
    },
    v2: { to: "in `author.type`, `drift_thread`", back: lossless },
    how: "back: `true` for `bot` authors, `false` otherwise",
    losses: [{
      at: ["messages", "*", "author"],
      text: "author.bot comes back as the mapped author type's value",
      classic: ["$msg", "author"],
      v2: ["$msg", "author"]
    }]
  },
  {
    section: "messages",
    drift: "`createdAt`",
    classic: {
      to: "parts: `created_at` (= `updated_at` = `notified_at`)",
      back: "whole seconds; the first message → the conversation's `created_at`"
    },
    v2: { to: "same, `drift_thread`", back: lossless },
    how: "ms floored to s",
    losses: [
      {
        at: ["messages", 0, "createdAt"],
        text: "the first message's time: the conversation's created_at comes back",
        classic: ["created_at"],
        v2: ["$msg"]
      },
      {
        at: ["messages", "*", "createdAt"],
        text: "milliseconds are floored to whole seconds",
        classic: ["$msg", "created_at"],
        v2: ["$msg"]
      }
    ]
  },
  {
    section: "messages",
    drift: "`orgId`",
    classic: { to: "—", back: "→ `orgId` option (0)" },
    v2: { to: "`drift_thread`", back: lossless },
    how: "back: carried, or the conversation's, or the `orgId` option",
    losses: [{
      at: ["messages", "*", "orgId"],
      text: "no place in Intercom: the orgId option (0) comes back",
      classic: null,
      v2: ["$msg"]
    }]
  },
  {
    section: "messages",
    drift: "`conversationId`",
    classic: { to: "(implied)", back: "→ the conversation's id" },
    v2: { to: "`drift_thread` when it differs", back: lossless },
    how: "back: the conversation's id",
    losses: [{
      at: ["messages", "*", "conversationId"],
      text: "comes back as the conversation's id",
      classic: null,
      v2: ["$msg"]
    }]
  },
  {
    section: "messages",
    drift: "`buttons`",
    classic: { to: "—", back: "→ absent" },
    v2: { to: "`drift_thread`", back: lossless },
    how: "",
    losses: [{
      at: ["messages", "*", "buttons"],
      text: "no place in Intercom: buttons comes back absent",
      classic: null,
      v2: ["$msg"]
    }]
  },
  {
    section: "messages",
    drift: "`context` (`ip`, `userAgent`)",
    classic: { to: "—", back: "→ absent" },
    v2: { to: "`drift_thread`", back: lossless },
    how: "",
    losses: [{
      at: ["messages", "*", "context"],
      text: "no place in Intercom: context comes back absent",
      classic: null,
      v2: ["$msg"]
    }]
  },
  {
    section: "messages",
    drift: "`attributes` (open object)",
    classic: { to: "—", back: "→ absent" },
    v2: { to: "`drift_thread`", back: lossless },
    how: "",
    losses: [{
      at: ["messages", "*", "attributes"],
      text: "no place in Intercom: attributes comes back absent",
      classic: null,
      v2: ["$msg"]
    }]
  },
  {
    section: "messages",
    drift: "`attachments[].id`",
    classic: { to: "—", back: "→ position" },
    v2: { to: "`drift_thread` when an id differs from its position", back: lossless },
    how: "back: the position",
    losses: [{
      at: ["messages", "*", "attachments", "*", "*"],
      text: "attachment ids: positions come back",
      classic: ["$msg", "attachments", "$2"],
      v2: ["$msg", "attachments"]
    }]
  },
  {
    section: "messages",
    drift: "`attachments[].fileName, mimeType, url`",
    classic: { to: "`attachments[]` `{ type: \"upload\", name, url, content_type }`", back: "✓ (`[]` → absent)" },
    v2: { to: "same `+ filesize, width, height: 0`", back: lossless },
    how: "",
    losses: [{
      at: ["messages", "*", "attachments"],
      text: "attachments: [] comes back absent",
      classic: ["$msg", "attachments"],
      v2: ["$msg", "attachments"]
    }]
  },
  // ---------------------------------------------------------------------------------------------------------------
  // Contact
  // ---------------------------------------------------------------------------------------------------------------
  {
    section: "contact",
    drift: "`contact` (`id`, `createdAt`, `attributes`)",
    classic: {
      to: "— (the email picks `user` or `lead`; name and email go on its authors)",
      back: "→ absent"
    },
    v2: { to: "`drift_thread`; name and email go on its authors", back: lossless },
    how: "",
    losses: [{
      at: ["contact"],
      text: "the Drift contact has no place: it comes back absent",
      classic: ["user"],
      v2: ["contacts"]
    }]
  },
  {
    section: "contact",
    drift: "`contact.attributes.externalId` (a string or a number)",
    classic: { to: "—", back: "→ absent" },
    v2: { to: "`contacts.contacts[0].external_id` (a number as its decimal string), `drift_thread`", back: lossless },
    how: "",
    losses: []
  }
]

const matches = (pattern: Pattern, path: ReadonlyArray<string | number>): boolean =>
  pattern.length <= path.length && pattern.every((p, i) => p === "*" || p === path[i])

/**
 * The rule covering a Drift thread path (its first loss pattern that matches), if any.
 *
 * @example
 * ```ts
 * import { MappingRules } from "@parley/intercom"
 *
 * MappingRules.ruleAt(["messages", 2, "buttons"])?.drift // "`buttons`"
 * ```
 *
 * @since 0.1.0
 */
export const ruleAt = (path: ReadonlyArray<string | number>): Rule | undefined => {
  for (const rule of rules) {
    for (const loss of rule.losses) if (matches(loss.at, path)) return rule
  }
  return undefined
}

/**
 * Where a Drift thread path sits in an Intercom shape's JSON (the {@link Loss} locator of the rule covering it,
 * expanded), or `null` when the shape has no place for it or no rule covers it.
 *
 * @example
 * ```ts
 * import { MappingRules } from "@parley/intercom"
 *
 * MappingRules.locate("classic", ["messages", 3, "createdAt"]) // ["conversation_parts", "conversation_parts", 2, "created_at"]
 * MappingRules.locate("classic", ["conversation", "inboxId"]) // null
 * MappingRules.locate("v2", ["messages", 0, "body"]) // ["source", "body"]
 * ```
 *
 * @since 0.1.0
 */
export const locate = (
  shape: "classic" | "v2",
  path: ReadonlyArray<string | number>
): ReadonlyArray<string | number> | null => {
  const loss = lossOf(path)
  const locator = loss?.[shape]
  if (loss === undefined || locator === undefined || locator === null) return null
  const wild = loss.at.flatMap((p, i) => (p === "*" ? [path[i]!] : []))
  return locator.flatMap((segment): ReadonlyArray<string | number> => {
    if (segment === "$msg") {
      const i = path[1]
      if (typeof i !== "number") return []
      if (i === 0) return [shape === "classic" ? "conversation_message" : "source"]
      return ["conversation_parts", "conversation_parts", i - 1]
    }
    const wildcard = /^\$([0-9])$/.exec(segment)
    return wildcard === null ? [segment] : [wild[Number(wildcard[1]) - 1]!]
  })
}

const lossOf = (path: ReadonlyArray<string | number>): Loss | undefined => {
  for (const rule of rules) {
    for (const loss of rule.losses) if (matches(loss.at, path)) return loss
  }
  return undefined
}

/**
 * The one-line loss text of a Drift thread path that did not come back from a round trip, or `"not kept by this
 * shape"` when no rule covers it.
 *
 * @example
 * ```ts
 * import { MappingRules } from "@parley/intercom"
 *
 * MappingRules.lossAt(["conversation", "status"]) // "bulk_sent comes back closed"
 * ```
 *
 * @since 0.1.0
 */
export const lossAt = (path: ReadonlyArray<string | number>): string => lossOf(path)?.text ?? "not kept by this shape"
