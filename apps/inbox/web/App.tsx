/** The page: header, banners, and three columns (list, transcript, Intercom mapping). */
import type { Drift } from "@parley/schema"
import { Component, type ComponentChildren } from "preact"
import { useEffect, useMemo, useRef, useState } from "preact/hooks"
import type * as Model from "../src/Model.ts"
import * as api from "./api.ts"
import * as format from "./format.ts"
import { IntercomPane } from "./IntercomPane.tsx"
import * as route from "./route.ts"
import { Filters, ThreadList } from "./ThreadList.tsx"
import { Transcript } from "./Transcript.tsx"
import { Banner, ErrorPanel } from "./ui.tsx"

/** Never a blank screen: a rendering error shows what happened and how to get back. */
export class ErrorBoundary extends Component<{ readonly children: ComponentChildren }, { error: string | undefined }> {
  override state = { error: undefined as string | undefined }
  override componentDidCatch(error: unknown) {
    this.setState({ error: error instanceof Error ? error.message : String(error) })
  }
  override render() {
    if (this.state.error === undefined) return this.props.children
    return (
      <div class="error-panel" role="alert" data-testid="render-error">
        <h3>This view could not be shown</h3>
        <p class="error-message">{this.state.error}</p>
        <a class="action" href="#/" onClick={() => this.setState({ error: undefined })}>Back to the list</a>
      </div>
    )
  }
}

/** The latest answer wins: an older request finishing late is ignored. */
const useLatest = () => {
  const counter = useRef(0)
  return () => {
    const mine = ++counter.current
    return () => mine === counter.current
  }
}

const IndexBanners = (props: { readonly workspace: Model.Workspace; readonly reload: () => void }) => {
  const { index, unreadable, source, migration } = props.workspace
  const banners: Array<ComponentChildren> = []
  if (migration?.error !== undefined) {
    banners.push(
      <Banner kind="warning" testId="migration-error" key="migration">
        The migration database could not be read again (the states shown are from the read before): {migration.error}
      </Banner>
    )
  }
  if (unreadable.count > 0) {
    const first = unreadable.lines[0]
    banners.push(
      <Banner kind="warning" testId="unreadable-banner" key="unreadable">
        <strong>
          {format.plural(unreadable.count, "line")} could not be read
          {first === undefined ? "" : ` (line ${first.line}: ${first.message})`}
        </strong>
        {unreadable.lines.length > 1
          ? (
            <details>
              <summary>
                Show {unreadable.lines.length === unreadable.count ? "all" : `the first ${unreadable.lines.length}`}
              </summary>
              <ul>
                {unreadable.lines.map((l) => <li key={l.line}>line {l.line}: {l.message}</li>)}
              </ul>
            </details>
          )
          : null}
      </Banner>
    )
  }
  if (index.state === "loading") {
    const total = index.expected ?? index.conversations
    banners.push(
      <Banner kind="info" testId="loading-banner" key="loading">
        <span>
          Reading {source.kind === "file" ? "the export" : "Drift"}: {format.count(index.conversations)}
          {index.expected === null ? "" : ` of about ${format.count(index.expected)}`} conversations listed,{" "}
          {format.count(index.threads)} read in full. The list fills in as they arrive.
        </span>
        <progress max={Math.max(1, total)} value={index.threads} />
      </Banner>
    )
  }
  if (index.state === "failed") {
    banners.push(
      <Banner kind="error" testId="index-error" key="failed">
        <strong>
          The index stopped after {format.plural(index.conversations, "conversation")}:
        </strong>{" "}
        {index.error ?? "the source failed"}{" "}
        <button type="button" class="action" onClick={props.reload} data-testid="reload">Try again</button>
      </Banner>
    )
  } else if (index.error !== undefined) {
    banners.push(<Banner kind="warning" testId="index-warning" key="warning">{index.error}</Banner>)
  }
  return <>{banners}</>
}

const Header = (props: { readonly workspace: api.Loaded<Model.Workspace>; readonly reload: () => void }) => {
  const ws = props.workspace._tag === "Ok" ? props.workspace.value : undefined
  return (
    <header class="top">
      <h1>
        <a href="#/">Parley Inbox</a>
      </h1>
      <span class="source" data-testid="source-label" title={ws?.source.label}>{ws?.source.label ?? ""}</span>
      {ws === undefined ? null : (
        <span class="counts" data-testid="counts">
          {format.plural(ws.counts.conversations, "conversation")} · {format.count(ws.counts.byStatus.open)} open ·{" "}
          {format.count(ws.counts.byStatus.pending)} pending · {format.count(ws.counts.byStatus.closed)} closed
          {ws.counts.byStatus.bulk_sent > 0 ? ` · ${format.count(ws.counts.byStatus.bulk_sent)} bulk sent` : ""} ·{" "}
          {format.plural(ws.counts.messages, "message")} ({format.plural(ws.counts.privateNotes, "private note")})
        </span>
      )}
      {ws?.migration === undefined ?
        null :
        (
          <span class="counts" data-testid="migration-counts" title={ws.migration.database}>
            Migration: {format.count(ws.migration.counts.migrated)} migrated ·{" "}
            {format.count(ws.migration.counts.mismatch)} mismatch · {format.count(ws.migration.counts.rejected)}{" "}
            rejected · {format.count(ws.migration.counts.pending)} pending · {format.count(ws.migration.counts.none)}
            {" "}
            not migrated
          </span>
        )}
      <button
        type="button"
        class="refresh"
        onClick={props.reload}
        data-testid="refresh"
        title={`Read the workspace again from ${ws?.source.kind === "file" ? "the file" : "Drift"}`}
      >
        Refresh
      </button>
      <a class="docs" href="/docs" target="_blank" rel="noopener">API</a>
    </header>
  )
}

export const App = () => {
  const [r, setRoute] = useState(route.current())
  useEffect(() => {
    const onHash = () => setRoute(route.current())
    window.addEventListener("hashchange", onHash)
    return () => window.removeEventListener("hashchange", onHash)
  }, [])

  const [workspace, setWorkspace] = useState<api.Loaded<Model.Workspace>>(api.loading)
  const [page, setPage] = useState<api.Loaded<Model.ThreadsPage>>(api.loading)
  const [thread, setThread] = useState<api.Loaded<Model.ThreadResponse> | undefined>(undefined)
  const [view, setView] = useState<api.Loaded<Model.IntercomView> | undefined>(undefined)
  const [tick, setTick] = useState(0)
  const [threadTick, setThreadTick] = useState(0)
  const latestWorkspace = useLatest()
  const latestPage = useLatest()
  const latestThread = useLatest()

  const refreshWorkspace = () => {
    const isLatest = latestWorkspace()
    void api.workspace().then((w) => isLatest() && setWorkspace(w))
  }
  const listQuery: Model.ThreadsQuery = {
    ...(r.status !== undefined ? { status: r.status } : {}),
    ...(r.tag !== undefined ? { tag: r.tag } : {}),
    ...(r.q !== undefined ? { q: r.q } : {}),
    ...(r.migration !== undefined ? { migration: r.migration } : {}),
    page: r.page
  }
  const refreshList = (reset: boolean) => {
    const isLatest = latestPage()
    if (reset) setPage(api.loading)
    void api.threads(listQuery).then((p) => isLatest() && setPage(p))
  }

  useEffect(refreshWorkspace, [tick])
  const listKey = `${r.status}|${r.tag}|${r.q}|${r.migration}|${r.page}`
  useEffect(() => refreshList(true), [listKey])
  useEffect(() => {
    if (tick > 0) refreshList(false)
  }, [tick])

  // While the index is loading, poll: the list, the counts and the progress grow.
  const indexState = workspace._tag === "Ok" ? workspace.value.index.state : undefined
  useEffect(() => {
    if (indexState !== "loading") return
    const timer = setInterval(() => setTick((t) => t + 1), 1000)
    return () => clearInterval(timer)
  }, [indexState])
  useEffect(() => {
    if (indexState === "ready" || indexState === "failed") refreshList(false)
  }, [indexState])

  const threadKey = r.thread
  const checked = useMemo(() => threadKey === undefined ? undefined : route.threadId(threadKey), [threadKey])
  useEffect(() => {
    if (checked === undefined || checked._tag === "Invalid") {
      setThread(undefined)
      setView(undefined)
      return
    }
    const isLatest = latestThread()
    setThread(api.loading)
    setView(api.loading)
    void api.thread(checked.id).then((t) => isLatest() && setThread(t))
    void api.intercom(checked.id).then((v) => isLatest() && setView(v))
  }, [checked, threadTick])

  const reload = () => {
    void api.reload().then(() => {
      setTick((t) => t + 1)
      refreshList(true)
    })
  }

  const users = useMemo(
    () => new Map<number, Drift.User>(workspace._tag === "Ok" ? workspace.value.users.map((u) => [u.id, u]) : []),
    [workspace]
  )
  const counts = workspace._tag === "Ok" ? workspace.value.counts : undefined
  const migration = workspace._tag === "Ok" ? workspace.value.migration : undefined

  return (
    <div class="page">
      <Header workspace={workspace} reload={reload} />
      <div class="banners">
        {workspace._tag === "Failed"
          ? (
            <ErrorPanel
              error={workspace.error}
              testId="workspace-error"
              what="The workspace could not be loaded."
              retry={() => setTick((t) => t + 1)}
            />
          )
          : workspace._tag === "Ok"
          ? <IndexBanners workspace={workspace.value} reload={reload} />
          : null}
      </div>
      <main class="columns">
        <section class="column list-column" aria-label="Conversations">
          <Filters route={r} counts={counts} migration={migration} />
          <ErrorBoundary>
            <ThreadList route={r} page={page} retry={reload} migration={migration !== undefined} />
          </ErrorBoundary>
        </section>
        <section class="column thread-column" aria-label="Transcript">
          <ErrorBoundary>
            {checked === undefined
              ? <p class="placeholder" data-testid="no-thread">Select a conversation to read it.</p>
              : checked._tag === "Invalid"
              ? (
                <ErrorPanel
                  error={{ kind: "http", status: null, tag: "BadRequest", message: checked.message }}
                  testId="thread-error"
                  what="The address names no conversation."
                />
              )
              : thread === undefined || thread._tag === "Loading"
              ? <p class="placeholder" data-testid="thread-loading">Loading conversation {checked.id}…</p>
              : thread._tag === "Failed"
              ? (
                <ErrorPanel
                  error={thread.error}
                  testId="thread-error"
                  what={`Conversation ${checked.id} could not be shown.`}
                  retry={() => setThreadTick((t) => t + 1)}
                />
              )
              : <Transcript response={thread.value} users={users} migration={migration !== undefined} />}
          </ErrorBoundary>
        </section>
        <section class="column intercom-column" aria-label="Intercom mapping">
          <ErrorBoundary>
            {view === undefined || checked === undefined || checked._tag === "Invalid"
              ? <p class="placeholder">The Intercom mapping of the selected conversation appears here.</p>
              : view._tag === "Loading"
              ? <p class="placeholder">Mapping to Intercom…</p>
              : view._tag === "Failed"
              ? (
                <ErrorPanel
                  error={view.error}
                  testId="intercom-error"
                  what="The Intercom mapping could not be shown."
                />
              )
              : <IntercomPane view={view.value} shape={r.shape} />}
          </ErrorBoundary>
        </section>
      </main>
    </div>
  )
}
