/** Shared bits of the page: banners, error panels, status badges, tag chips. */
import type { Drift } from "@parley/schema"
import type { ComponentChildren } from "preact"
import type * as Model from "../src/Model.ts"
import type { Failure } from "./api.ts"
import { statusLabel } from "./format.ts"

export const Banner = (props: {
  readonly kind: "info" | "warning" | "error"
  readonly testId: string
  readonly children: ComponentChildren
}) => (
  <div
    class={`banner banner-${props.kind}`}
    role={props.kind === "info" ? "status" : "alert"}
    data-testid={props.testId}
  >
    {props.children}
  </div>
)

const titles: Record<string, string> = {
  ThreadNotFound: "No such conversation",
  SourceUnavailable: "The source is not answering",
  BadRequest: "The request was rejected",
  network: "The Inbox server is not answering",
  decode: "An answer did not match its schema",
  http: "The request failed"
}

/** A failed request as a panel: what happened, in the server's words, and a way to try again. */
export const ErrorPanel = (props: {
  readonly error: Failure
  readonly testId: string
  readonly what: string
  readonly retry?: (() => void) | undefined
}) => (
  <div class="error-panel" role="alert" data-testid={props.testId} data-error-tag={props.error.tag ?? props.error.kind}>
    <h3>{titles[props.error.tag ?? props.error.kind] ?? titles["http"]}</h3>
    <p class="error-what">{props.what}</p>
    <p class="error-message">{props.error.message}</p>
    {props.retry === undefined ? null : <button type="button" class="action" onClick={props.retry}>Try again</button>}
  </div>
)

export const StatusBadge = (props: { readonly status: Drift.ConversationStatus }) => (
  <span class={`status status-${props.status}`}>{statusLabel[props.status]}</span>
)

export const TagChip = (props: { readonly tag: Drift.ConversationTag }) => (
  <span class="tag">
    <span
      class="tag-dot"
      style={{ background: props.tag.color.startsWith("#") ? props.tag.color : `#${props.tag.color}` }}
    />
    {props.tag.name}
  </span>
)

/** `text` with every occurrence of the search words marked (as text nodes: never HTML). */
export const Highlighted = (props: { readonly text: string; readonly words: ReadonlyArray<string> }) => {
  const words = props.words.filter((w) => w !== "")
  if (words.length === 0) return <>{props.text}</>
  const pattern = new RegExp(`(${words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")})`, "giu")
  const parts = props.text.split(pattern)
  return <>{parts.map((part, i) => i % 2 === 1 ? <mark key={i}>{part}</mark> : part)}</>
}

/** What each migration state is called on the page. */
export const migrationLabel: Record<Model.MigrationStatus | "none", string> = {
  pending: "Migration pending",
  migrated: "Migrated",
  rejected: "Rejected",
  mismatch: "Verify mismatch",
  none: "Not migrated"
}

/** The migration state of a thread, as a badge (text only). */
export const MigrationBadge = (props: { readonly state: Model.MigrationState | undefined }) => {
  const status = props.state?.status ?? "none"
  return (
    <span
      class={`migration migration-${status}`}
      data-testid="migration-badge"
      data-migration={status}
      title={props.state?.reason ?? undefined}
    >
      {migrationLabel[status]}
      {props.state?.status === "migrated" && props.state.intercomId !== null ? ` · ${props.state.intercomId}` : ""}
    </span>
  )
}
