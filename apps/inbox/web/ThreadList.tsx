/** The left column: filters, the thread list, the pager. */
import type { Drift } from "@parley/schema"
import { useEffect, useState } from "preact/hooks"
import type * as Model from "../src/Model.ts"
import type { Loaded } from "./api.ts"
import * as format from "./format.ts"
import * as route from "./route.ts"
import { ErrorPanel, Highlighted, MigrationBadge, migrationLabel, StatusBadge, TagChip } from "./ui.tsx"

const migrationFilters: ReadonlyArray<route.MigrationFilter> = ["pending", "migrated", "rejected", "mismatch", "none"]

const statuses: ReadonlyArray<Drift.ConversationStatus> = ["open", "pending", "closed", "bulk_sent"]

export const Filters = (props: {
  readonly route: route.Route
  readonly counts: Model.Counts | undefined
  /** With a migration database: its counts, and the migration filter is shown. */
  readonly migration?: Model.MigrationInfo | undefined
}) => {
  const [q, setQ] = useState(props.route.q ?? "")
  useEffect(() => setQ(props.route.q ?? ""), [props.route.q])
  const submit = (e: Event) => {
    e.preventDefault()
    route.go({ q: q.trim() === "" ? undefined : q.trim(), page: 1 })
  }
  return (
    <form class="filters" onSubmit={submit} role="search" data-testid="filters">
      <input
        type="search"
        name="q"
        placeholder="Search messages, contacts, tags…"
        aria-label="Search"
        value={q}
        onInput={(e) => setQ((e.currentTarget as HTMLInputElement).value)}
        data-testid="search"
      />
      <div class="filter-row">
        <select
          aria-label="Status"
          data-testid="status-filter"
          value={props.route.status ?? ""}
          onChange={(e) => {
            const v = (e.currentTarget as HTMLSelectElement).value
            route.go({ status: v === "" ? undefined : v as Drift.ConversationStatus, page: 1 })
          }}
        >
          <option value="">All statuses</option>
          {statuses.map((s) => (
            <option value={s} key={s}>
              {format.statusLabel[s]}
              {props.counts === undefined ? "" : ` (${format.count(props.counts.byStatus[s])})`}
            </option>
          ))}
        </select>
        <select
          aria-label="Tag"
          data-testid="tag-filter"
          value={props.route.tag ?? ""}
          onChange={(e) => {
            const v = (e.currentTarget as HTMLSelectElement).value
            route.go({ tag: v === "" ? undefined : v, page: 1 })
          }}
        >
          <option value="">All tags</option>
          {(props.counts?.tags ?? []).map((t) => (
            <option value={t.name} key={t.name}>{t.name} ({format.count(t.count)})</option>
          ))}
          {props.route.tag !== undefined && !(props.counts?.tags ?? []).some((t) => t.name === props.route.tag)
            ? <option value={props.route.tag}>{props.route.tag}</option>
            : null}
        </select>
        {props.migration === undefined ? null : (
          <select
            aria-label="Migration"
            data-testid="migration-filter"
            value={props.route.migration ?? ""}
            onChange={(e) => {
              const v = (e.currentTarget as HTMLSelectElement).value
              route.go({ migration: v === "" ? undefined : v as route.MigrationFilter, page: 1 })
            }}
          >
            <option value="">All migration states</option>
            {migrationFilters.map((m) => (
              <option value={m} key={m}>
                {migrationLabel[m]} ({format.count(props.migration!.counts[m])})
              </option>
            ))}
          </select>
        )}
        <button type="submit" class="action">Search</button>
      </div>
      {props.route.status !== undefined || props.route.tag !== undefined || props.route.q !== undefined ||
          props.route.migration !== undefined
        ? (
          <a
            class="clear"
            href={route.href({ status: undefined, tag: undefined, q: undefined, migration: undefined, page: 1 })}
          >
            Clear filters
          </a>
        )
        : null}
    </form>
  )
}

const Item = (
  props: {
    readonly item: Model.ThreadSummary
    readonly selected: boolean
    readonly words: ReadonlyArray<string>
    readonly migration: boolean
  }
) => {
  const { item } = props
  const c = item.conversation
  return (
    <li>
      <a
        class={`thread-item${props.selected ? " selected" : ""}`}
        href={route.href({ thread: String(c.id) })}
        data-testid="thread-item"
        data-id={c.id}
        aria-current={props.selected ? "true" : undefined}
      >
        <div class="item-top">
          <span class="item-contact">{item.contact}</span>
          <time class="item-time" dateTime={format.iso(c.updatedAt)} title={format.time(c.updatedAt)}>
            {format.day(c.updatedAt)}
          </time>
        </div>
        <div class="item-preview">
          {item.snippet !== undefined
            ? <Highlighted text={item.snippet} words={props.words} />
            : item.preview === ""
            ? <em class="muted">(no text)</em>
            : item.preview}
        </div>
        <div class="item-meta">
          <StatusBadge status={c.status} />
          {props.migration ? <MigrationBadge state={item.migration} /> : null}
          <span class="muted">#{c.id}</span>
          {item.messageCount === null
            ? <span class="muted">messages loading…</span>
            : <span class="muted">{format.plural(item.messageCount, "message")}</span>}
          {item.privateNotes > 0 ? <span class="note-count">{format.plural(item.privateNotes, "note")}</span> : null}
          {(c.conversationTags ?? []).map((t) => <TagChip tag={t} key={t.name} />)}
        </div>
      </a>
    </li>
  )
}

export const ThreadList = (props: {
  readonly route: route.Route
  readonly page: Loaded<Model.ThreadsPage>
  readonly retry: () => void
  /** Whether the Inbox reads a migration database (each line then shows its state). */
  readonly migration?: boolean | undefined
}) => {
  const { page } = props
  if (page._tag === "Loading") return <p class="muted pad" data-testid="list-loading">Loading conversations…</p>
  if (page._tag === "Failed") {
    return (
      <ErrorPanel
        error={page.error}
        testId="list-error"
        what="The conversation list could not be loaded."
        retry={props.retry}
      />
    )
  }
  const p = page.value
  const words = props.route.q === undefined ? [] : props.route.q.toLowerCase().split(/\s+/)
  const from = p.total === 0 ? 0 : (p.page - 1) * p.pageSize + 1
  const to = Math.min(p.total, p.page * p.pageSize)
  const partial = p.index.state === "loading" && props.route.q !== undefined && p.index.threads < p.index.conversations
  return (
    <div class="list-body">
      <p class="list-summary" data-testid="list-summary">
        {p.total === 0
          ? "No conversations match."
          : `${format.count(from)}–${format.count(to)} of ${format.count(p.total)}`}
        {partial
          ? ` (searched ${format.count(p.index.threads)} of ${format.count(p.index.conversations)} loaded so far)`
          : ""}
      </p>
      <ul class="thread-list" data-testid="thread-list">
        {p.items.map((item) => (
          <Item
            item={item}
            key={item.conversation.id}
            words={words}
            selected={props.route.thread === String(item.conversation.id)}
            migration={props.migration === true}
          />
        ))}
      </ul>
      <nav class="pager" aria-label="Pages" data-testid="pager">
        {p.page > 1
          ? <a class="action" href={route.href({ page: p.page - 1 })} data-testid="prev-page">‹ Previous</a>
          : <span class="action disabled">‹ Previous</span>}
        <span data-testid="page-label">Page {format.count(p.page)} of {format.count(p.pages)}</span>
        {p.page < p.pages
          ? <a class="action" href={route.href({ page: p.page + 1 })} data-testid="next-page">Next ›</a>
          : <span class="action disabled">Next ›</span>}
      </nav>
    </div>
  )
}
