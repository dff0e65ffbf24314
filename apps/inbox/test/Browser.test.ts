/// <reference lib="dom" />
/**
 * The Inbox page in real headless Chromium (Debian's `chromium`, driven by `playwright-core`): filters, paging,
 * transcripts, the Intercom mapping, hostile bodies, and every kind of bad input, each a clear message on the
 * page. Screenshots are kept in `apps/inbox/test-artifacts/`.
 *
 * Without Chromium the suite is skipped locally; with `CI` set it fails with a message saying what to install.
 */
import { Effect } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core"
import { afterAll, assert, beforeAll, describe, it } from "vitest"
import { Bundle } from "../src/index.ts"
import {
  artifacts,
  closedPort,
  driftSource,
  findHostile,
  HOSTILE_ID,
  PLAIN_THREADS,
  startInbox,
  startSandbox,
  writeExport
} from "./support.ts"

const CHROMIUM = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium"
const missing = !fs.existsSync(CHROMIUM)

/** What a page did that it should not have: dialogs, `window.__xss` calls, page errors, console lines. */
interface Watch {
  readonly page: Page
  readonly context: BrowserContext
  readonly dialogs: Array<string>
  readonly errors: Array<string>
  readonly console: Array<string>
}

let browser: Browser

const open = async (
  url: string,
  options: { readonly bypassCSP?: boolean; readonly viewport?: { width: number; height: number } } = {}
): Promise<Watch> => {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1600, height: 1000 },
    bypassCSP: options.bypassCSP ?? false
  })
  await context.addInitScript(() => {
    const w = window as unknown as { __xss: (what: unknown) => void; __xssCalls: Array<string> }
    w.__xssCalls = []
    w.__xss = (what) => w.__xssCalls.push(String(what))
  })
  const page = await context.newPage()
  const watch: Watch = { page, context, dialogs: [], errors: [], console: [] }
  page.on("dialog", (dialog) => {
    watch.dialogs.push(dialog.message())
    void dialog.dismiss()
  })
  page.on("pageerror", (error) => watch.errors.push(error.message))
  page.on("console", (message) => watch.console.push(`${message.type()}: ${message.text()}`))
  await page.goto(url)
  return watch
}

/**
 * How long a page may take to show what a step waits for. Usually well under a second; on a busy 2-core machine
 * (CI runs two test files at once, beside other work) a step has been seen to take over 15 s.
 */
const WAIT = 30_000

const text = async (page: Page, selector: string): Promise<string> => {
  await page.locator(selector).first().waitFor({ state: "attached" })
  return (await page.locator(selector).first().textContent()) ?? ""
}

const waitForText = (page: Page, selector: string, pattern: RegExp) =>
  page.waitForFunction(
    ([sel, source, flags]) => new RegExp(source!, flags).test(document.querySelector(sel!)?.textContent ?? ""),
    [selector, pattern.source, pattern.flags] as const,
    { timeout: WAIT }
  )

const ids = (page: Page) =>
  page.$$eval("[data-testid=thread-item]", (items) => items.map((i) => i.getAttribute("data-id") ?? ""))

/** Waits for the list to show something other than `before` (or anything, when not given). */
const listChanged = async (page: Page, before?: ReadonlyArray<string>) => {
  await page.waitForFunction(
    (prev) => {
      const now = [...document.querySelectorAll("[data-testid=thread-item]")].map((i) => i.getAttribute("data-id"))
      return document.querySelector("[data-testid=list-summary]") !== null &&
        (prev === null || JSON.stringify(now) !== JSON.stringify(prev))
    },
    before === undefined ? null : [...before],
    { timeout: WAIT }
  )
}

/**
 * Everything in the transcript that sanitizing should have removed: elements other than `b`, `em`, `a` inside
 * message bodies, attributes other than `a[href]` (http, https, mailto), dangerous elements anywhere in the
 * transcript, `on*` attributes anywhere in the document, scripts other than the bundle.
 */
const unsafe = (page: Page) =>
  page.evaluate(() => {
    const found: Array<string> = []
    for (const body of document.querySelectorAll("[data-testid=message-body]")) {
      for (const el of body.querySelectorAll("*")) {
        if (!["B", "EM", "A"].includes(el.tagName)) found.push(`element ${el.outerHTML}`)
        for (const attr of el.attributes) {
          if (!(el.tagName === "A" && attr.name === "href")) found.push(`attribute ${attr.name} on ${el.tagName}`)
        }
        if (el instanceof HTMLAnchorElement && !/^(https?|mailto):$/.test(el.protocol)) found.push(`link ${el.href}`)
      }
    }
    const transcript = document.querySelector("[data-testid=transcript]")
    for (
      const el of transcript?.querySelectorAll(
        "script, iframe, svg, math, img, object, embed, form, style, details, noscript, template, link, meta"
      ) ?? []
    ) found.push(`dangerous ${el.tagName}`)
    for (const el of document.querySelectorAll("*")) {
      for (const attr of el.attributes) if (/^on/i.test(attr.name)) found.push(`handler ${attr.name} on ${el.tagName}`)
    }
    for (const a of document.querySelectorAll("a[href]")) {
      if (/^\s*javascript:/i.test(a.getAttribute("href") ?? "")) found.push(`javascript: link ${a.outerHTML}`)
    }
    for (const script of document.scripts) {
      if (!/\/assets\/[^/]+\.js$/.test(script.src)) found.push(`script ${script.outerHTML.slice(0, 100)}`)
    }
    return {
      found,
      xss: (window as unknown as { __xssCalls: Array<string> }).__xssCalls,
      bodies: document.querySelectorAll("[data-testid=message-body]").length
    }
  })

const assertSafe = async (watch: Watch) => {
  // Let anything hostile fire, by condition rather than by a fixed wait: the document and every image and frame
  // in it have finished loading (a broken image's `onerror`, a frame's `onload` are dispatched with that), then
  // two rendering frames (animation events) and a task (queued `toggle` events).
  await watch.page.waitForFunction(
    () =>
      document.readyState === "complete" &&
      [...document.images].every((img) => img.complete || img.loading === "lazy") &&
      [...document.querySelectorAll("iframe")].every((frame) => frame.contentDocument?.readyState !== "loading"),
    undefined,
    { timeout: WAIT }
  )
  await watch.page.evaluate(() =>
    new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(resolve, 0))))
  )
  await watch.page.locator("[data-testid=message-body] a").first().hover().catch(() => undefined)
  const result = await unsafe(watch.page)
  assert.isAbove(result.bodies, 0)
  assert.deepStrictEqual(result.found, [])
  assert.deepStrictEqual(result.xss, [])
  assert.deepStrictEqual(watch.dialogs, [])
  assert.deepStrictEqual(watch.errors, [])
  assert.deepStrictEqual(watch.console.filter((line) => /xss|alert|error/i.test(line)), [])
}

const screenshot = async (page: Page, name: string): Promise<string> => {
  fs.mkdirSync(artifacts, { recursive: true })
  const file = path.join(artifacts, name)
  await page.screenshot({ path: file })
  console.log(`screenshot: ${file}`)
  return file
}

// Skipped without Chromium, except in CI: there every test fails with the message of `beforeAll`.
describe.skipIf(missing && process.env["CI"] === undefined)("Inbox in Chromium", { timeout: 180_000 }, () => {
  beforeAll(async () => {
    if (missing) {
      throw new Error(
        `Chromium is missing at ${CHROMIUM}, and CI is set: the browser tests cannot be skipped. ` +
          `Install it (apt-get update && apt-get install -y chromium) or point CHROMIUM_PATH at a Chromium binary.`
      )
    }
    await Effect.runPromise(Bundle.ensure({ whenStale: true }))
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync"
      ]
    })
  })
  afterAll(async () => {
    await browser?.close()
  })

  it("lists, filters, searches and pages through the embedded sandbox; opens a transcript and its mapping", async () => {
    const inbox = await startInbox({ _tag: "Sandbox", conversations: 300, seed: 1 })
    const watch = await open(inbox.value.url)
    const { page } = watch
    try {
      await waitForText(page, "[data-testid=counts]", /^300 conversations/)
      assert.include(await text(page, "[data-testid=source-label]"), "Embedded Drift sandbox")
      await listChanged(page)
      assert.strictEqual((await ids(page)).length, 25)
      assert.strictEqual(await text(page, "[data-testid=page-label]"), "Page 1 of 12")

      // Status filter.
      const closedOption = await text(page, "[data-testid=status-filter] option[value=closed]")
      const closedCount = Number(/\((\d+)\)/.exec(closedOption)![1])
      let before = await ids(page)
      await page.selectOption("[data-testid=status-filter]", "closed")
      await listChanged(page, before)
      assert.include(await text(page, "[data-testid=list-summary]"), `of ${closedCount}`)
      const statuses = await page.$$eval("[data-testid=thread-item] .status", (els) => els.map((e) => e.textContent))
      assert.isTrue(statuses.length > 0 && statuses.every((s) => s === "Closed"), statuses.join())

      // Tag filter, combined with the status.
      const tag = await page.$eval(
        "[data-testid=tag-filter] option:nth-child(2)",
        (o) => (o as HTMLOptionElement).value
      )
      before = await ids(page)
      await page.selectOption("[data-testid=tag-filter]", tag)
      await listChanged(page, before)
      const items = await page.$$eval("[data-testid=thread-item]", (els) =>
        els.map((e) => ({
          status: e.querySelector(".status")?.textContent,
          tags: [...e.querySelectorAll(".tag")].map((t) => t.textContent)
        })))
      assert.isAbove(items.length, 0)
      for (const item of items) {
        assert.strictEqual(item.status, "Closed")
        assert.include(item.tags, tag)
      }
      assert.match(page.url(), new RegExp(`status=closed&tag=${encodeURIComponent(tag)}`))

      // Text search, with the words marked in the snippets.
      // Read the list before the click: read after it, a fast update would already be in it and never "change".
      const filtered = await ids(page)
      await page.click("text=Clear filters")
      await listChanged(page, filtered)
      before = await ids(page)
      await page.fill("[data-testid=search]", "invoice")
      await page.press("[data-testid=search]", "Enter")
      await listChanged(page, before)
      const marks = await page.$$eval(
        "[data-testid=thread-item] mark",
        (els) => els.map((e) => e.textContent?.toLowerCase())
      )
      assert.isAbove(marks.length, 0)
      assert.isTrue(marks.every((m) => m === "invoice"))

      // Paging.
      const searched = await ids(page)
      await page.click("text=Clear filters")
      await listChanged(page, searched)
      const first = await ids(page)
      await page.click("[data-testid=next-page]")
      await listChanged(page, first)
      assert.strictEqual(await text(page, "[data-testid=page-label]"), "Page 2 of 12")
      const second = await ids(page)
      assert.strictEqual(second.filter((id) => first.includes(id)).length, 0)
      await page.click("[data-testid=prev-page]")
      await listChanged(page, second)
      assert.deepStrictEqual(await ids(page), first)

      // A thread with private notes: the transcript marks them; the mapping pane shows both shapes.
      const withNotes = page.locator("[data-testid=thread-item]:has(.note-count)").first()
      const noteId = await withNotes.getAttribute("data-id")
      await withNotes.click()
      await page.locator(`[data-testid=transcript][data-id="${noteId}"]`).waitFor()
      assert.isAbove(await page.locator(".message.private-note [data-testid=private-note-badge]").count(), 0)
      const author = await text(page, "[data-testid=message] .author")
      assert.notMatch(author, /^(User|Contact) \d+$/)
      await page.locator("[data-testid=intercom-pane][data-shape=v2]").waitFor()
      assert.include(await text(page, "[data-testid=loss-summary]"), "Nothing is lost")
      assert.strictEqual(await page.locator("[data-testid=intercom-json] [data-lossy=true]").count(), 0)
      await page.click("[data-testid=tab-classic]")
      await page.locator("[data-testid=intercom-pane][data-shape=classic]").waitFor()
      assert.isAbove(await page.locator("[data-testid=intercom-json] [data-lossy=true]").count(), 0)
      assert.include(await text(page, "[data-testid=loss-list]"), "milliseconds are floored to whole seconds")
      assert.deepStrictEqual(watch.errors, [])
    } finally {
      await watch.context.close()
      await inbox.close()
    }
  })

  it("at phone width (390 px) the list, a transcript and its mapping fit the screen: nothing overflows sideways", async () => {
    const inbox = await startInbox({ _tag: "Sandbox", conversations: 60, seed: 1 })
    const watch = await open(inbox.value.url, { viewport: { width: 390, height: 844 } })
    const { page } = watch
    const overflow = () =>
      page.evaluate(() => {
        const width = document.documentElement.clientWidth
        return {
          width,
          scrollWidth: document.documentElement.scrollWidth,
          wider: [...document.querySelectorAll("body *")]
            .filter((e) => e.getBoundingClientRect().right > width + 1)
            .slice(0, 5)
            .map((e) => `${e.tagName.toLowerCase()}.${e.className}`)
        }
      })
    try {
      await waitForText(page, "[data-testid=counts]", /^60 conversations/)
      await listChanged(page)
      assert.deepStrictEqual(await overflow(), { width: 390, scrollWidth: 390, wider: [] })
      const first = page.locator("[data-testid=thread-item]").first()
      const id = await first.getAttribute("data-id")
      await first.click()
      await page.locator(`[data-testid=transcript][data-id="${id}"]`).waitFor()
      await page.locator("[data-testid=intercom-pane]").waitFor()
      assert.deepStrictEqual(await overflow(), { width: 390, scrollWidth: 390, wider: [] })
      await page.locator("[data-testid=transcript]").scrollIntoViewIfNeeded()
      await screenshot(page, "inbox-phone-390.png")
      assert.deepStrictEqual(watch.errors, [])
    } finally {
      await watch.context.close()
      await inbox.close()
    }
  })

  it("renders a sandbox thread whose raw bodies carry <script and onerror without running anything", async () => {
    const sandbox = await startSandbox({ conversations: 300, seed: 1 })
    const hostile = await findHostile(sandbox.value.url, sandbox.value.token)
    const inbox = await startInbox(driftSource(sandbox.value.url, sandbox.value.token))
    // No CSP: sanitizing alone must keep the page safe.
    const watch = await open(`${inbox.value.url}/#/?thread=${hostile.id}&shape=classic`, { bypassCSP: true })
    try {
      await watch.page.locator(`[data-testid=transcript][data-id="${hostile.id}"]`).waitFor()
      await watch.page.locator("[data-testid=intercom-pane]").waitFor()
      await assertSafe(watch)
      const shown = watch.page.locator(`[data-message-id="${hostile.messageId}"]`)
      assert.strictEqual(await shown.count(), 1)
      assert.notMatch(await shown.innerHTML(), /<script|onerror/i)
      await shown.scrollIntoViewIfNeeded()
      await screenshot(watch.page, "inbox-sandbox-hostile.png")
    } finally {
      await watch.context.close()
      await inbox.close()
      await sandbox.close()
    }
  })

  it("file source: shows the unreadable lines, renders hostile bodies inert, marks notes, buttons and lossy fields", async () => {
    const inbox = await startInbox({ _tag: "File", path: writeExport() })
    const watch = await open(inbox.value.url, { bypassCSP: true })
    const { page } = watch
    try {
      assert.strictEqual(
        await text(page, "[data-testid=unreadable-banner] strong"),
        `3 lines could not be read (line 3: Expected number at ["conversation"]["id"])`
      )
      await waitForText(page, "[data-testid=counts]", new RegExp(`^${PLAIN_THREADS + 1} conversations`))
      await page.click(`[data-testid=thread-item][data-id="${HOSTILE_ID}"]`)
      await page.locator(`[data-testid=transcript][data-id="${HOSTILE_ID}"]`).waitFor()
      await assertSafe(watch)

      // What the reviewer sees: the hostile contact name and tag as text, the note marked, the buttons.
      assert.include(await text(page, ".thread-head h2"), `<img src=x onerror="window.__xss('contact')">Mallory`)
      assert.include(await text(page, ".thread-head"), "<script>tag</script>")
      assert.strictEqual(await page.locator(".message.private-note").count(), 1)
      assert.include(await text(page, ".message.private-note"), "Private note")
      assert.include(await text(page, ".message.private-note [data-testid=message-body]"), "Refund approved internally")
      const buttons = await page.$$eval("[data-testid=message-buttons] button", (els) => els.map((e) => e.textContent))
      assert.deepStrictEqual(buttons, ["Yes, refund", "No"])
      assert.strictEqual(await page.locator("a:has-text('receipt.pdf')").count(), 0)
      assert.strictEqual(
        await page.locator("[data-testid=message-body] a").first().getAttribute("href"),
        "https://example.com/help"
      )

      // The classic shape, its lossy fields highlighted.
      await page.click("[data-testid=tab-classic]")
      await page.locator("[data-testid=intercom-pane][data-shape=classic]").waitFor()
      const lossy = await page.$$eval(
        "[data-testid=intercom-json] [data-lossy=true]",
        (els) => els.map((e) => e.getAttribute("data-path"))
      )
      for (const p of ["created_at", "updated_at", "assignee", "user"]) assert.include(lossy, p)
      assert.include(await text(page, "[data-testid=loss-list]"), "no place in Intercom: buttons comes back absent")
      await page.locator("[data-testid=message-buttons]").scrollIntoViewIfNeeded()
      const file = await screenshot(page, "inbox-thread.png")
      assert.isAbove(fs.statSync(file).size, 10_000)
      await page.click("[data-testid=tab-v2]")
      await page.locator("[data-testid=intercom-pane][data-shape=v2]").waitFor()
      assert.include(await text(page, "[data-testid=loss-summary]"), "Nothing is lost")
      assert.isAbove(await page.locator("[data-testid=intercom-json] .carried").count(), 0)
      await assertSafe(watch)
    } finally {
      await watch.context.close()
      await inbox.close()
    }
  })

  it("an unknown thread id, an id that is not a number, and a stopped server are clear messages", async () => {
    const inbox = await startInbox({ _tag: "File", path: writeExport() })
    const watch = await open(`${inbox.value.url}/#/?thread=999999`)
    const { page } = watch
    try {
      await page.locator("[data-testid=thread-error]").waitFor()
      assert.include(await text(page, "[data-testid=thread-error] h3"), "No such conversation")
      assert.include(await text(page, "[data-testid=thread-error]"), "There is no conversation 999999 in")
      assert.include(await text(page, "[data-testid=intercom-error]"), "There is no conversation 999999 in")
      assert.isAbove((await ids(page)).length, 0)

      await page.goto(`${inbox.value.url}/#/?thread=12abc`)
      await waitForText(page, "[data-testid=thread-error]", /is not a Drift conversation id/)
      await page.goto(`${inbox.value.url}/#/?thread=99999999999999999999`)
      await waitForText(page, "[data-testid=thread-error]", /at most 2\^53 - 1/)

      await inbox.close()
      await page.click(`[data-testid=thread-item][data-id="${HOSTILE_ID}"]`)
      await waitForText(page, "[data-testid=thread-error]", /Cannot reach the Inbox server/)
      assert.include(await text(page, "[data-testid=thread-error] h3"), "The Inbox server is not answering")
    } finally {
      await watch.context.close()
      await inbox.close()
    }
  })

  it("Drift down: a wrong URL and a sandbox stopped mid-session are clear messages, never a blank page", async () => {
    const port = await closedPort()
    const wrong = await startInbox(driftSource(`http://127.0.0.1:${port}`, "t"))
    let watch = await open(wrong.value.url)
    try {
      await waitForText(watch.page, "[data-testid=index-error]", /Could not reach Drift at 127\.0\.0\.1/)
      await waitForText(watch.page, "[data-testid=list-error]", /Could not reach Drift/)
      assert.include(await text(watch.page, "[data-testid=list-error] h3"), "The source is not answering")
    } finally {
      await watch.context.close()
      await wrong.close()
    }

    const sandbox = await startSandbox({ conversations: 80, seed: 4 })
    const inbox = await startInbox(driftSource(sandbox.value.url, sandbox.value.token))
    watch = await open(inbox.value.url)
    const { page } = watch
    try {
      await listChanged(page)
      const [first, second] = await ids(page)
      await page.click(`[data-testid=thread-item][data-id="${first}"]`)
      await page.locator(`[data-testid=transcript][data-id="${first}"]`).waitFor()
      assert.strictEqual(await page.locator("[data-testid=thread-warning]").count(), 0)

      await sandbox.close()
      await page.click(`[data-testid=thread-item][data-id="${second}"]`)
      await page.locator(`[data-testid=transcript][data-id="${second}"]`).waitFor()
      await waitForText(page, "[data-testid=thread-warning]", /Drift did not answer/)
      assert.include(await text(page, "[data-testid=thread-warning]"), "Could not reach Drift")

      // Refreshing from a Drift that is down: the failure is shown, the last good list stays.
      await page.click("[data-testid=refresh]")
      await waitForText(page, "[data-testid=index-error]", /Could not reach Drift/)
      assert.isAbove((await ids(page)).length, 0)
    } finally {
      await watch.context.close()
      await inbox.close()
    }
  })
})
