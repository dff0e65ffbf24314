/// <reference lib="dom" />
/**
 * The Inbox over a real migration database (`--migration`): a real `parley migrate` run (`@parley/migrate`) from
 * the Drift sandbox into the Intercom sandbox, both on loopback ports, of a sample of a small workspace; one
 * migrated conversation is then reopened in Intercom (through its API) before `verify`, which records a mismatch.
 * The Inbox is started on that database (read-only) over the same Drift sandbox, and its API (through
 * `HttpApiClient.make(InboxApi)`) and its page (real headless Chromium) show each thread's state: migrated with
 * its Intercom id, rejected with its reason, the mismatch with its fields, and the threads not in the ledger.
 */
import { NodeHttpClient } from "@effect/platform-node"
import { DriftClient } from "@parley/drift-client"
import { Sandbox as DriftSandbox } from "@parley/drift-sandbox"
import { DriftStream } from "@parley/drift-stream"
import { IntercomClient } from "@parley/intercom-client"
import { Sandbox as IntercomSandbox } from "@parley/intercom-sandbox"
import { Engine, LedgerReader, MigrateWorkflow, Migration } from "@parley/migrate"
import { Drift, type Intercom } from "@parley/schema"
import { Duration, Effect, Exit, Layer, Redacted, Schedule, Scope, Stream } from "effect"
import { FetchHttpClient, HttpClient, HttpClientRequest } from "effect/http"
import { HttpApiClient } from "effect/http-api"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { type Browser, chromium, type Page } from "playwright-core"
import { afterAll, assert, beforeAll, describe, it } from "vitest"
import { adminsFor } from "../../../test-support/admins.ts"
import { Bundle, Guard, Inbox, InboxApi } from "../src/index.ts"
import { artifacts, driftSource } from "./support.ts"

const CHROMIUM = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium"
const missing = !fs.existsSync(CHROMIUM)

const WORKSPACE = 40
const SAMPLE = 27
/** The first run takes this many; the second run the rest of the sample, while Intercom refuses every write. */
const FIRST = 25

const clients = (drift: DriftSandbox.Running, intercom: IntercomSandbox.Running) =>
  Layer.mergeAll(
    DriftStream.DriftStream.layer.pipe(
      Layer.provideMerge(
        DriftClient.DriftClient.layer({ token: Redacted.make(drift.token), baseUrl: drift.url, rateLimit: false })
      )
    ),
    IntercomClient.IntercomClient.layer({
      token: Redacted.make(intercom.token),
      baseUrl: intercom.url,
      retry: { times: 1, baseDelay: "10 millis", maxDelay: "50 millis" }
    })
  ).pipe(Layer.provide(NodeHttpClient.layerUndici))

interface Setup {
  readonly drift: DriftSandbox.Running
  readonly intercom: IntercomSandbox.Running
  readonly database: string
  readonly migrated: ReadonlyArray<{ readonly driftId: string; readonly intercomId: string }>
  readonly rejected: ReadonlyArray<{ readonly driftId: string; readonly detail: string }>
  /** The conversation reopened in Intercom before verify. */
  readonly tampered: { readonly driftId: string; readonly intercomId: string }
  readonly report: Migration.VerifyReport
  readonly inbox: Inbox.Running
}

let scope: Scope.Closeable
let setup: Setup

const api = Effect.suspend(() =>
  HttpApiClient.make(InboxApi.InboxApi, {
    baseUrl: setup.inbox.url,
    transformClient: HttpClient.mapRequest(HttpClientRequest.setHeader(Guard.CSRF_HEADER, setup.inbox.csrfToken))
  })
)

const run = <A, E>(effect: Effect.Effect<A, E, HttpClient.HttpClient>) =>
  Effect.runPromise(effect.pipe(Effect.provide(FetchHttpClient.layer)))

const id = (driftId: string) => Drift.ConversationId.make(Number(driftId))

beforeAll(async () => {
  scope = await Effect.runPromise(Scope.make())
  setup = await Effect.runPromise(
    Effect.gen(function*() {
      const drift = yield* DriftSandbox.start({ port: 0, conversations: WORKSPACE, seed: 1 })
      const intercom = yield* IntercomSandbox.start({
        port: 0,
        admins: yield* adminsFor(drift),
        limits: { perMinute: null }
      })
      const database = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "parley-inbox-migration-")), "migrate.db")
      // The sandbox's search sees writes at once: no search settle window (the default 60 s would make every
      // refused write wait it out before each retry).
      const engine = Engine.layer({ database }).pipe(
        Layer.provideMerge(clients(drift, intercom)),
        Layer.provide(Layer.succeed(MigrateWorkflow.SearchSettle, Duration.zero)),
        // The refused writes are retried twice, not for a minute, before their conversations are quarantined.
        Layer.provide(
          Layer.succeed(MigrateWorkflow.ActivityRetry, Schedule.spaced("20 millis").pipe(Schedule.upTo({ times: 2 })))
        )
      )

      yield* Bundle.ensure({ whenStale: true })
      // A real run of a sample (the rest of the workspace is not in the ledger).
      const first = yield* Migration.run({ sample: FIRST, concurrency: 4 }).pipe(
        Stream.runCollect,
        Effect.provide(engine)
      )
      // A second run takes the rest of the sample while Intercom answers every write with a 500 (a deterministic
      // fault schedule): those conversations are rejected with the reason; the first ones are not sent again.
      const faults = (settings: object) =>
        Effect.promise(() =>
          fetch(`${intercom.url}/_sandbox/faults`, {
            method: "PUT",
            headers: { "content-type": "application/json" },
            body: JSON.stringify(settings)
          }).then((r) => assert.strictEqual(r.status, 200))
        )
      yield* faults({ serverError: { every: 1, writesOnly: true, statuses: [500] } })
      const second = yield* Migration.run({ sample: SAMPLE, concurrency: 4 }).pipe(
        Stream.runCollect,
        Effect.provide(engine)
      )
      yield* faults({})
      const events = [...first, ...second.filter((e) => !(e._tag === "Migrated" && e.already))]
      const migrated = events.flatMap((e) =>
        e._tag === "Migrated" ? [{ driftId: e.driftId, intercomId: e.intercomId }] : []
      )
      const rejected = events.flatMap((e) => e._tag === "Rejected" ? [{ driftId: e.driftId, detail: e.detail }] : [])

      // Someone reopens a closed migrated conversation in Intercom before verify: its state no longer matches.
      const tampered = yield* Effect.gen(function*() {
        const client = yield* IntercomClient.IntercomClient
        const me = yield* client.me()
        for (const m of migrated) {
          const conversation = yield* client.getConversation(m.intercomId as Intercom.ConversationId)
          if (conversation.state === "closed") {
            yield* client.open(m.intercomId as Intercom.ConversationId, { adminId: String(me.id) })
            return m
          }
        }
        return yield* Effect.die(new Error("no closed conversation was migrated"))
      }).pipe(Effect.provide(clients(drift, intercom)))
      const report = yield* Migration.verify().pipe(Effect.provide(engine))

      const inbox = yield* Inbox.start({
        port: 0,
        source: driftSource(drift.url, drift.token),
        migration: database
      })
      yield* inbox.source.ready
      return { drift, intercom, database, migrated, rejected, tampered, report, inbox } satisfies Setup
    }).pipe(Scope.provide(scope))
  )
}, 240_000)

afterAll(async () => {
  await Effect.runPromise(Scope.close(scope, Exit.void))
})

describe("Inbox over a migration database (--migration)", () => {
  it("the migration itself: a sample of the workspace, with a rejected conversation and a verify mismatch", () => {
    assert.strictEqual(setup.migrated.length + setup.rejected.length, SAMPLE)
    assert.isAbove(setup.rejected.length, 0, "the seeded workspace holds conversations the mapping rejects")
    const tampered = setup.report.mismatches.filter((m) => m.driftId === setup.tampered.driftId)
    assert.deepStrictEqual(tampered.map((m) => [m.field, m.expected, m.actual]), [["state", "closed", "open"]])
    assert.strictEqual(setup.report.mismatches.length, tampered.length)
  })

  it("the API answers each thread's state: counts, the filter, the Intercom id, the reason, the mismatch fields", async () => {
    const before = fs.statSync(setup.database)
    const { mismatch, none, rejected, workspace, migrated, tamperedThread, rejectedThread, migratedThread } = await run(
      Effect.gen(function*() {
        const client = yield* api
        const list = (migration: "migrated" | "rejected" | "mismatch" | "none") =>
          client.threads.list({ query: { migration, pageSize: 100 } })
        return {
          workspace: yield* client.workspace.get(),
          migrated: yield* list("migrated"),
          rejected: yield* list("rejected"),
          mismatch: yield* list("mismatch"),
          none: yield* list("none"),
          tamperedThread: yield* client.threads.get({ params: { id: id(setup.tampered.driftId) } }),
          rejectedThread: yield* client.threads.get({ params: { id: id(setup.rejected[0]!.driftId) } }),
          migratedThread: yield* client.threads.get({
            params: { id: id(setup.migrated.find((m) => m.driftId !== setup.tampered.driftId)!.driftId) }
          })
        }
      })
    )

    // What the ledger says, read through @parley/migrate's read-only API, is what the Inbox serves.
    const ledger = await Effect.runPromise(LedgerReader.read(setup.database))
    assert.strictEqual(ledger.length, SAMPLE)
    assert.deepStrictEqual(workspace.migration?.counts, {
      pending: 0,
      migrated: setup.migrated.length - 1,
      rejected: setup.rejected.length,
      mismatch: 1,
      none: WORKSPACE - SAMPLE
    })
    assert.strictEqual(workspace.migration?.database, setup.database)

    const intercomIds = new Map(setup.migrated.map((m) => [m.driftId, m.intercomId]))
    assert.strictEqual(migrated.total, setup.migrated.length - 1)
    for (const item of migrated.items) {
      assert.strictEqual(item.migration?.status, "migrated")
      assert.strictEqual(item.migration?.intercomId, intercomIds.get(String(item.conversation.id)))
    }
    assert.deepStrictEqual(
      rejected.items.map((i) => String(i.conversation.id)).toSorted(),
      setup.rejected.map((r) => r.driftId).toSorted()
    )
    for (const item of rejected.items) {
      assert.strictEqual(item.migration?.status, "rejected")
      assert.isAbove(item.migration?.reason?.length ?? 0, 0)
    }
    assert.deepStrictEqual(mismatch.items.map((i) => String(i.conversation.id)), [setup.tampered.driftId])
    assert.strictEqual(none.total, WORKSPACE - SAMPLE)
    assert.isTrue(none.items.every((i) => i.migration === undefined))

    assert.strictEqual(tamperedThread.migration?.status, "mismatch")
    assert.strictEqual(tamperedThread.migration?.intercomId, setup.tampered.intercomId)
    assert.deepStrictEqual(tamperedThread.migration?.mismatches, [{
      field: "state",
      expected: "closed",
      actual: "open"
    }])
    assert.include(tamperedThread.migration?.reason, "state: expected closed, found open")
    assert.strictEqual(rejectedThread.migration?.status, "rejected")
    assert.strictEqual(
      rejectedThread.migration?.reason,
      ledger.find((row) => row.driftId === setup.rejected[0]!.driftId)?.reason
    )
    assert.match(rejectedThread.migration?.reason ?? "", /Intercom/)
    assert.strictEqual(migratedThread.migration?.status, "migrated")
    assert.match(migratedThread.migration?.intercomId ?? "", /^\d+$/)

    // Read-only: serving all that wrote nothing to the database.
    const after = fs.statSync(setup.database)
    assert.strictEqual(after.size, before.size)
    assert.strictEqual(after.mtimeMs, before.mtimeMs)
  })

  it("a database that is missing or not a migration database stops the start with one clear line", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "parley-inbox-nodb-"))
    const absent = path.join(dir, "absent.db")
    const start = (migration: string) =>
      Effect.runPromise(Effect.scoped(Effect.flip(Inbox.start({
        port: 0,
        source: driftSource(setup.drift.url, setup.drift.token),
        migration
      }))))
    const error = await start(absent)
    assert.strictEqual(error._tag, "LedgerUnreadable")
    assert.include(error.message, `There is no migration database at ${absent}`)
    assert.isFalse(fs.existsSync(absent), "a missing database is never created")
    const other = path.join(dir, "other.db")
    fs.copyFileSync(path.join(Bundle.directory, "index.html"), other)
    const notSqlite = await start(other)
    assert.strictEqual(notSqlite._tag, "LedgerUnreadable")
    assert.include(notSqlite.message, other)
  })
})

describe.skipIf(missing && process.env["CI"] === undefined)("Inbox over a migration database, in Chromium", () => {
  let browser: Browser

  beforeAll(async () => {
    if (missing) {
      throw new Error(
        `Chromium is missing at ${CHROMIUM}, and CI is set: install it (apt-get install -y chromium) or set CHROMIUM_PATH.`
      )
    }
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-sync"]
    })
  })
  afterAll(async () => {
    await browser?.close()
  })

  const waitForText = (page: Page, selector: string, pattern: RegExp) =>
    page.waitForFunction(
      ([sel, source, flags]) => new RegExp(source!, flags).test(document.querySelector(sel!)?.textContent ?? ""),
      [selector, pattern.source, pattern.flags] as const,
      { timeout: 20_000 }
    )

  it("shows the badges, filters by state, and shows the Intercom id, the reason and the mismatch fields", async () => {
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } })
    const page = await context.newPage()
    const errors: Array<string> = []
    page.on("pageerror", (error) => errors.push(error.message))
    try {
      page.on("console", (message) => errors.push(`console ${message.type()}: ${message.text()}`))
      await page.goto(`${setup.inbox.url}/#/?migration=mismatch`)
      await waitForText(page, "[data-testid=migration-counts]", /1 mismatch/).catch(async (e) => {
        throw new Error(
          `${e}; page errors: ${errors.join(" / ")}; body: ${(await page.textContent("body"))?.slice(0, 500)}`
        )
      })
      await waitForText(page, "[data-testid=list-summary]", /^1–1 of 1$/)
      assert.strictEqual(
        await page.locator("[data-testid=thread-item]").first().getAttribute("data-id"),
        setup.tampered.driftId
      )
      assert.strictEqual(await page.locator("[data-testid=migration-filter]").inputValue(), "mismatch")
      await page.locator("[data-testid=thread-item]").first().click()
      await page.locator("[data-testid=mismatches] tr[data-field=state]").waitFor({ timeout: 20_000 })
      assert.deepStrictEqual(
        await page.locator("[data-testid=mismatches] tr[data-field=state] td").allTextContents(),
        ["state", "closed", "open"]
      )
      assert.include(await page.locator("[data-testid=migration-intercom-id]").textContent(), setup.tampered.intercomId)
      await page.screenshot({ path: path.join(artifacts, "inbox-migration-mismatch.png") })

      // The filter, from the select: rejected threads, each with its reason in the thread view.
      await page.locator("[data-testid=migration-filter]").selectOption("rejected")
      await waitForText(page, "[data-testid=list-summary]", new RegExp(`of ${setup.rejected.length}$`))
      const rejectedId = setup.rejected[0]!.driftId
      await page.goto(`${setup.inbox.url}/#/?migration=rejected&thread=${rejectedId}`)
      await waitForText(page, "[data-testid=migration]", /Rejected/)
      assert.isAbove(((await page.locator("[data-testid=migration-reason]").textContent()) ?? "").length, 0)
      assert.strictEqual(
        await page.locator(`[data-testid=thread-item][data-id="${rejectedId}"] [data-testid=migration-badge]`)
          .getAttribute("data-migration"),
        "rejected"
      )

      // A migrated thread: its badge in the list carries the Intercom id.
      const migrated = setup.migrated.find((m) => m.driftId !== setup.tampered.driftId)!
      await page.goto(`${setup.inbox.url}/#/?migration=migrated&thread=${migrated.driftId}`)
      await waitForText(page, "[data-testid=migration-intercom-id]", new RegExp(migrated.intercomId))
      await waitForText(
        page,
        `[data-testid=thread-item][data-id="${migrated.driftId}"] [data-testid=migration-badge]`,
        new RegExp(`Migrated · ${migrated.intercomId}`)
      )

      // Not in the ledger.
      await page.locator("[data-testid=migration-filter]").selectOption("none")
      await waitForText(page, "[data-testid=list-summary]", new RegExp(`of ${WORKSPACE - SAMPLE}$`))
      await waitForText(page, "[data-testid=thread-item] [data-testid=migration-badge]", /Not migrated/)
      assert.deepStrictEqual(errors, [])
    } finally {
      await context.close()
    }
  })
})
