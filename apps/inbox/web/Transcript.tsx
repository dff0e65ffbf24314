/**
 * The middle column: one thread as a chat transcript. Message bodies are the decoded `Drift.Message.body`
 * values, which `@parley/schema` sanitized on decode (`Html.sanitize`: only `b`, `em` and `a[href]` with
 * http/https/mailto survive); they are the only HTML the page ever inserts.
 */
import type { Drift } from "@parley/schema"
import type * as Model from "../src/Model.ts"
import * as format from "./format.ts"
import { Banner, MigrationBadge, StatusBadge, TagChip } from "./ui.tsx"

const roleLabel = { contact: "Contact", agent: "Agent", bot: "Bot" } as const

/**
 * A sanitized message body. `body` comes only from a `Drift.Message` decoded with `Drift.Message` (its `body`
 * field is `Html.SanitizedBody`), never from raw JSON.
 */
const Body = (props: { readonly message: Drift.Message }) =>
  props.message.body === undefined || props.message.body === ""
    ? <div class="body muted">(no text)</div>
    : <div class="body" data-testid="message-body" dangerouslySetInnerHTML={{ __html: props.message.body }} />

const Buttons = (props: { readonly buttons: ReadonlyArray<Drift.MessageButton> }) => (
  <div class="buttons" data-testid="message-buttons">
    {props.buttons.map((b, i) => (
      <button
        type="button"
        disabled
        key={i}
        class={`chat-button${b.style === undefined ? "" : ` chat-button-${b.style}`}`}
        title={b.value === undefined ? "A reply button shown to the contact" : `Sends “${b.value}”`}
      >
        {b.label}
      </button>
    ))}
  </div>
)

const Attachments = (props: { readonly attachments: ReadonlyArray<Drift.Attachment> }) => (
  <ul class="attachments">
    {props.attachments.map((a) => {
      const url = format.safeHttpUrl(a.url)
      return (
        <li key={a.id}>
          📎 {url === undefined
            ? <span title="Not an http(s) link: not linked">{a.fileName}</span>
            : <a href={url} rel="noopener noreferrer" target="_blank">{a.fileName}</a>}
          <span class="muted">{` ${a.mimeType}`}</span>
        </li>
      )
    })}
  </ul>
)

const Message = (props: {
  readonly message: Drift.Message
  readonly thread: Drift.Thread
  readonly users: ReadonlyMap<number, Drift.User>
}) => {
  const m = props.message
  const who = format.author(m, props.thread, props.users)
  const note = m.type === "private_note"
  return (
    <article
      class={`message role-${who.role}${note ? " private-note" : ""}`}
      data-testid="message"
      data-message-id={m.id}
      data-type={m.type}
    >
      <header class="message-head">
        <span class="author">{who.name}</span>
        <span class={`role role-badge-${who.role}`}>{roleLabel[who.role]}</span>
        {note ? <span class="note-badge" data-testid="private-note-badge">Private note</span> : null}
        <time dateTime={format.iso(m.createdAt)} title={format.iso(m.createdAt)}>{format.time(m.createdAt)}</time>
      </header>
      <Body message={m} />
      {m.buttons !== undefined && m.buttons.length > 0 ? <Buttons buttons={m.buttons} /> : null}
      {m.attachments !== undefined && m.attachments.length > 0 ? <Attachments attachments={m.attachments} /> : null}
    </article>
  )
}

/** The thread's migration state: the Intercom id, why it was rejected, or the fields a verify found different. */
const Migration = (props: { readonly state: Model.MigrationState | undefined }) => {
  const { state } = props
  return (
    <section class="migration-panel" data-testid="migration" data-migration={state?.status ?? "none"}>
      <div class="thread-meta">
        <MigrationBadge state={state} />
        {state === undefined
          ? <span class="muted">Not in the migration database.</span>
          : <span class="muted" title={format.iso(state.updatedAt)}>Recorded {format.time(state.updatedAt)}</span>}
      </div>
      {state?.intercomId === null || state === undefined ? null : (
        <p data-testid="migration-intercom-id">
          Intercom conversation <code>{state.intercomId}</code>
        </p>
      )}
      {state?.status === "rejected"
        ? <p class="migration-reason" data-testid="migration-reason">{state.reason ?? "No reason was recorded."}</p>
        : null}
      {state?.status === "mismatch"
        ? state.mismatches.length === 0
          ? <p class="migration-reason" data-testid="migration-reason">{state.reason ?? "No field was recorded."}</p>
          : (
            <table class="mismatches" data-testid="mismatches">
              <thead>
                <tr>
                  <th>field</th>
                  <th>expected</th>
                  <th>in Intercom</th>
                </tr>
              </thead>
              <tbody>
                {state.mismatches.map((m, i) => (
                  <tr key={i} data-field={m.field}>
                    <td>{m.field}</td>
                    <td>{m.expected}</td>
                    <td>{m.actual}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        : null}
    </section>
  )
}

export const Transcript = (props: {
  readonly response: Model.ThreadResponse
  readonly users: ReadonlyMap<number, Drift.User>
  /** Whether the Inbox reads a migration database (the state is then shown). */
  readonly migration?: boolean | undefined
}) => {
  const { thread } = props.response
  const c = thread.conversation
  const participants = (c.participants ?? []).map((id) => props.users.get(id)?.name ?? `User ${id}`)
  const email = thread.contact?.attributes.email
  return (
    <div class="transcript" data-testid="transcript" data-id={c.id}>
      <header class="thread-head">
        <h2>
          {format.contactName(thread)}
          {email !== undefined && email !== null && email !== format.contactName(thread)
            ? <span class="muted">{` · ${email}`}</span>
            : null}
        </h2>
        <div class="thread-meta">
          <StatusBadge status={c.status} />
          <span>Conversation #{c.id}</span>
          <span>Inbox {c.inboxId}</span>
          <span title={format.iso(c.createdAt)}>Started {format.time(c.createdAt)}</span>
          <span title={format.iso(c.updatedAt)}>Updated {format.time(c.updatedAt)}</span>
        </div>
        <div class="thread-meta">
          {participants.length > 0
            ? <span>Participants: {participants.join(", ")}</span>
            : <span class="muted">Unassigned</span>}
          {(c.conversationTags ?? []).map((t) => <TagChip tag={t} key={t.name} />)}
        </div>
      </header>
      {props.response.warning === undefined
        ? null
        : <Banner kind="warning" testId="thread-warning">{props.response.warning}</Banner>}
      {props.migration ? <Migration state={props.response.migration} /> : null}
      <div class="messages" data-testid="messages">
        {thread.messages.length === 0
          ? <p class="muted pad">This conversation has no messages.</p>
          : thread.messages.map((m) => <Message message={m} thread={thread} users={props.users} key={m.id} />)}
      </div>
    </div>
  )
}
