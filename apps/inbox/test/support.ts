/**
 * Helpers shared by the Inbox tests: start an Inbox (or a sandbox) in a scope that a plain `async` test can close,
 * write an NDJSON export with hostile bodies and broken lines, find a hostile conversation in a sandbox by its raw
 * bodies, and pick a closed port.
 */
import { Sandbox } from "@parley/drift-sandbox"
import type { Drift } from "@parley/schema"
import { Effect, Exit, Redacted, Scope } from "effect"
import * as fs from "node:fs"
import * as net from "node:net"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { Inbox } from "../src/index.ts"

/** Something running in its own scope. */
export interface Started<A> {
  readonly value: A
  readonly close: () => Promise<void>
}

const inScope = async <A, E>(effect: Effect.Effect<A, E, Scope.Scope>): Promise<Started<A>> => {
  const scope = await Effect.runPromise(Scope.make())
  try {
    const value = await Effect.runPromise(Scope.provide(scope)(effect))
    return { value, close: () => Effect.runPromise(Scope.close(scope, Exit.void)) }
  } catch (error) {
    await Effect.runPromise(Scope.close(scope, Exit.void))
    throw error
  }
}

/** Starts an Inbox on a free port; `ready` waits for its index. */
export const startInbox = async (
  source: Inbox.Source,
  options: { readonly ready?: boolean } = {}
): Promise<Started<Inbox.Running>> => {
  const started = await inScope(Inbox.start({ port: 0, source }))
  if (options.ready !== false) await Effect.runPromise(started.value.source.ready)
  return started
}

/** Starts a sandbox on a free port. */
export const startSandbox = (options: Sandbox.Options = {}): Promise<Started<Sandbox.Running>> =>
  inScope(Sandbox.start({ port: 0, ...options }))

/** A `Drift` source for a sandbox (short retries, so a stopped sandbox is noticed quickly). */
export const driftSource = (url: string, token: string): Inbox.Source => ({
  _tag: "Drift",
  client: {
    token: Redacted.make(token),
    baseUrl: url,
    rateLimit: false,
    timeout: "3 seconds",
    retry: { times: 1, baseDelay: "20 millis", maxDelay: "100 millis" }
  },
  withContacts: true
})

/** A port nobody listens on. */
export const closedPort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = net.createServer()
    server.on("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })

/** Where tests keep their artifacts (gitignored). */
export const artifacts = fileURLToPath(new URL("../test-artifacts/", import.meta.url))

/** Finds, through the sandbox's raw API, a conversation whose raw bodies carry `<script` or `onerror`. */
export const findHostile = async (
  url: string,
  token: string
): Promise<{ readonly id: number; readonly messageId: number; readonly raw: ReadonlyArray<string> }> => {
  const ids = (await (await fetch(`${url}/_sandbox/ids`)).json()) as { ids: ReadonlyArray<number> }
  let best: { id: number; messageId: number; raw: ReadonlyArray<string>; score: number } | undefined
  for (const id of ids.ids) {
    const page = (await (await fetch(`${url}/conversations/${id}/messages`, {
      headers: { authorization: `Bearer ${token}` }
    })).json()) as { data: { messages: ReadonlyArray<{ id: number; body?: string }> } }
    const hostile = page.data.messages.filter((m) => /<script|onerror/i.test(m.body ?? ""))
    const raw = hostile.map((m) => m.body ?? "")
    const score = raw.length + (raw.some((b) => /<script/i.test(b)) && raw.some((b) => /onerror/i.test(b)) ? 10 : 0)
    if (raw.length > 0 && (best === undefined || score > best.score)) {
      best = { id, messageId: hostile[0]!.id, raw, score }
    }
    if (best !== undefined && best.score >= 11) break
  }
  if (best === undefined) throw new Error("No conversation with a <script or onerror body in the sandbox")
  return best
}

// -----------------------------------------------------------------------------
// An export file with hostile bodies and broken lines
// -----------------------------------------------------------------------------

/** The id of the hostile thread in {@link writeExport}'s file. */
export const HOSTILE_ID = 900_000_001

/** Bodies that would run `window.__xss(...)` if they reached the DOM unsanitized. */
export const HOSTILE_BODIES: ReadonlyArray<string> = [
  `<script>window.__xss("script")</script>Hello, I was <b>charged twice</b> for invoice 4471`,
  `<img src=x onerror="window.__xss('img')">Can you see this image?`,
  `<a href="javascript:window.__xss('href')">click me</a> and <a href="https://example.com/help" onclick="window.__xss('onclick')">the help page</a>`,
  `<svg onload="window.__xss('svg')"><circle r="10"></circle></svg>svg trick`,
  `<iframe srcdoc="<script>parent.__xss('iframe')</script>"></iframe>embedded`,
  `<details open ontoggle="window.__xss('details')"><summary>x</summary>toggle</details>`,
  `<math><mtext><table><mglyph><style><img src=x onerror="window.__xss('mxss')"></style></mglyph></table></mtext></math>math`,
  `<noscript><p title="</noscript><img src=x onerror=window.__xss('noscript')>"></noscript>noscript`,
  `<form action="javascript:window.__xss('form')"><button>go</button></form>form`,
  `<em style="background:url(javascript:window.__xss('style'))">styled</em> <iMg SrC=x OnErRoR=window.__xss('case')>`
]

const T0 = 1_700_000_000_123

const message = (
  conversationId: number,
  n: number,
  fields: Partial<Drift.MessageEncoded> & Pick<Drift.MessageEncoded, "author">
): Drift.MessageEncoded => ({
  id: conversationId * 100 + n,
  orgId: 77,
  type: "chat",
  conversationId,
  createdAt: T0 + n * 61_001,
  body: "",
  ...fields
})

const contact = (id: number) => ({ type: "contact" as const, id })
const agent = (id: number) => ({ type: "user" as const, id, bot: false })

/** The hostile thread: every hostile body, a private note, buttons, an attachment with a `javascript:` URL. */
export const hostileThread = (): Drift.ThreadEncoded => {
  const id = HOSTILE_ID
  const bodies = HOSTILE_BODIES.map((body, i) => message(id, i, { author: contact(501), body }))
  return {
    conversation: {
      id,
      status: "open",
      contactId: 501,
      inboxId: 12,
      orgId: 77,
      participants: [7001, 7002],
      createdAt: T0,
      updatedAt: T0 + 9_999_999_999,
      conversationTags: [{ name: "billing", color: "#7ed321" }, { name: "<script>tag</script>", color: "#d0021b" }]
    },
    messages: [
      ...bodies,
      message(id, 20, {
        author: agent(7001),
        type: "private_note",
        body: `Refund approved <script>window.__xss("note")</script><b>internally</b>`
      }),
      message(id, 21, {
        author: agent(7001),
        body: "Should I refund the <em>duplicate</em> charge?",
        buttons: [{ label: "Yes, refund", value: "yes", style: "primary" }, { label: "No", value: "no" }]
      }),
      message(id, 22, {
        author: agent(7002),
        body: "Here is the receipt",
        attachments: [{
          id: 9,
          fileName: "receipt.pdf",
          mimeType: "application/pdf",
          url: "javascript:window.__xss('attachment')"
        }]
      })
    ],
    contact: {
      id: 501,
      createdAt: T0 - 1000,
      attributes: { name: `<img src=x onerror="window.__xss('contact')">Mallory`, email: "mallory@example.com" }
    }
  }
}

const STATUSES = ["open", "closed", "pending"] as const
const TAGS = [{ name: "billing", color: "#7ed321" }, { name: "support", color: "#4a90e2" }, {
  name: "urgent",
  color: "#e8112d"
}]

/** A plain thread number `i` of the export. */
export const plainThread = (i: number): Drift.ThreadEncoded => {
  const id = 800_000_000 + i
  return {
    conversation: {
      id,
      status: STATUSES[i % 3]!,
      contactId: 1000 + i,
      inboxId: 12,
      participants: [7001],
      createdAt: T0 + i * 1000,
      updatedAt: T0 + i * 100_000,
      ...(i % 4 === 0 ? { conversationTags: [TAGS[(i / 4) % 3]!] } : {})
    },
    messages: [
      message(id, 0, {
        author: contact(1000 + i),
        body: i % 5 === 0 ? `Where can I find my invoices? (#${i})` : `Hello number ${i}`
      }),
      message(id, 1, { author: agent(7001), body: "Thanks for reaching out. Let me check that for you." })
    ]
  }
}

/** How many plain threads {@link writeExport} writes. */
export const PLAIN_THREADS = 60

/**
 * Writes an export: {@link PLAIN_THREADS} plain threads, the hostile thread, and three lines that cannot be read
 * (line 3: `conversation.id` is a string; line 7: not JSON; line 12: an Intercom conversation). Returns its path.
 */
export const writeExport = (): string => {
  const lines: Array<string> = []
  for (let i = 0; i < PLAIN_THREADS; i++) lines.push(JSON.stringify(plainThread(i)))
  const broken = plainThread(999) as unknown as { conversation: Record<string, unknown> }
  lines.splice(2, 0, JSON.stringify({ ...broken, conversation: { ...broken.conversation, id: "C-999" } }))
  lines.splice(6, 0, `{"conversation": {"id": 5, "status": "open"`)
  lines.splice(11, 0, JSON.stringify({ type: "conversation", id: "1", conversation_message: { body: "hi" } }))
  lines.push(JSON.stringify(hostileThread()))
  lines.push("")
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "parley-inbox-"))
  const file = path.join(dir, "export.ndjson")
  fs.writeFileSync(file, lines.join("\n"))
  return file
}
