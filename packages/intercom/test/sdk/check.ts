/**
 * Type-level test support: the official Intercom SDK's (`intercom-client`, pinned in devDependencies; API 2.11)
 * `Conversation` type, which every API 2.11 conversation Parley writes must satisfy. `outputs.generated.ts`
 * passes each generated output through {@link conversation}; `pnpm typecheck` (tsc) fails when one does not fit.
 *
 * One relaxation, stated here once: the SDK's generated types drop the spec's `nullable: true` (they spell a
 * nullable field as a plain value, optional or not), while the API sends `null` there and the spec requires
 * `null` for a required field without a value. So `null` is admitted exactly at the fields the 2.11 spec marks
 * `nullable` and Parley writes as `null`: `title`, `waiting_since`, `snoozed_until`, `admin_assignee_id`,
 * `team_assignee_id`, an author's `name`, a tag's `applied_at` and `applied_by`. Everything else (names, types,
 * required keys, literal types such as `teammates.type: "admin.list"` and `teammates.admins`) is the SDK's.
 */
import type { Intercom as Sdk } from "intercom-client"

type Admit<T, K extends keyof T> = { [P in keyof T]: P extends K ? T[P] | null : T[P] }

type Author = Admit<Sdk.ConversationPartAuthor, "name">
type Part = Omit<Sdk.ConversationPart, "author"> & { author: Author }
type Source = Omit<Sdk.ConversationSource, "author"> & { author: Author }
type Tag = Admit<Sdk.Tag, "applied_at" | "applied_by">

/** The SDK's `Conversation`, with `null` admitted at the spec's nullable fields (see above). */
export type Conversation =
  & Omit<
    Admit<Sdk.Conversation, "title" | "waiting_since" | "snoozed_until" | "admin_assignee_id" | "team_assignee_id">,
    "source" | "conversation_parts" | "tags"
  >
  & {
    source: Source
    conversation_parts?: Omit<Sdk.ConversationParts, "conversation_parts"> & { conversation_parts: Array<Part> }
    tags?: Omit<Sdk.Tags, "tags"> & { tags: Array<Tag> }
  }

/** Compiles only when `value` is a {@link Conversation} (literal types are inferred from the constraint). */
export const conversation = <T extends Conversation>(value: T): T => value
