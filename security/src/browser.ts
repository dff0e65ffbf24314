/**
 * The browser harness: hostile bodies rendered the way users render them (assigned to `innerHTML`) in headless
 * Chromium, driven by `playwright-core`, on a page that records everything a payload could do.
 *
 * The page is served from a loopback HTTP server without an enforcing Content Security Policy, so a payload that
 * gets through WOULD run; a report-only policy (`script-src 'nonce-…'`, `object-src 'none'`, ...) turns every
 * inline script, event handler, `javascript:` URL, `eval`, plugin and frame into a `securitypolicyviolation` event
 * without blocking it. Recorded, per batch of bodies:
 *
 * - execution: `alert`/`confirm`/`prompt`/`print` (overridden on the page) and `__xss.push(...)` calls, dialogs from
 *   other frames, uncaught errors from payload code (`pageerror`), console messages mentioning "xss", CSP
 *   violations, popups;
 * - navigation: any frame attached or navigated, any request but the page itself and, when the policy keeps
 *   images, `http(s)` image loads (every request leaving the test origin is aborted);
 * - the DOM after insertion: every element must be an HTML element the policy keeps, with only its attributes, URLs
 *   only with allowed schemes, no comments; no attribute anywhere in the document may hold a `javascript:`,
 *   `vbscript:` or `data:` URL.
 *
 * Inline handlers need an event: each inserted element gets synthetic mouse, pointer and focus events, and an `<a>`
 * whose URL parses as `javascript:` is clicked.
 */
import * as Fs from "node:fs"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core"
import type { AllowList, Tree } from "./policy.ts"

/** Where Chromium is looked for: `PARLEY_CHROMIUM`, then Debian's and Ubuntu's paths. */
export const chromiumCandidates = (): ReadonlyArray<string> =>
  [process.env.PARLEY_CHROMIUM, "/usr/bin/chromium", "/usr/bin/chromium-browser"].filter(
    (p): p is string => p !== undefined && p !== ""
  )

/** The Chromium executable, or undefined when none is installed. */
export const findChromium = (): string | undefined =>
  chromiumCandidates().find((p) => {
    try {
      Fs.accessSync(p, Fs.constants.X_OK)
      return true
    } catch {
      return false
    }
  })

/** One thing a body did or left behind that a sanitized body must not. */
export interface Finding {
  readonly kind:
    | "script"
    | "dialog"
    | "page-error"
    | "console"
    | "csp"
    | "popup"
    | "frame"
    | "navigation"
    | "request"
    | "element"
    | "attribute"
    | "url"
    | "node"
  readonly detail: string
}

/** The result of rendering one batch. */
export interface BatchResult {
  /** Findings attributable to one body (from its container's DOM), by body index. */
  readonly perBody: ReadonlyArray<ReadonlyArray<Finding>>
  /** Findings of the page as a whole (execution, requests, navigation, dangerous URLs anywhere). */
  readonly page: ReadonlyArray<Finding>
  /** Each container's DOM in the canonical form of `policy.treeOf`. */
  readonly trees: ReadonlyArray<Tree>
}

const LAUNCH_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage"
]

const pageHtml = (nonce: string): string =>
  `<!doctype html>
<html><head><meta charset="utf-8"><title>parley xss harness</title>
<script nonce="${nonce}">
  window.__xss = [];
  window.__csp = [];
  const record = (name) => function (...args) { window.__xss.push(name + "(" + args.map(String).join(",") + ")") };
  window.alert = record("alert");
  window.confirm = record("confirm");
  window.prompt = record("prompt");
  window.print = record("print");
  window.open = record("open");
  document.addEventListener("securitypolicyviolation", (e) => {
    window.__csp.push(e.effectiveDirective + " " + (e.blockedURI || "") + " " + (e.sample || ""));
  });
</script></head><body><div id="root"></div></body></html>`

const cspReportOnly = (nonce: string): string =>
  [
    "default-src 'self'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    "img-src * data: blob:",
    "media-src 'none'",
    "object-src 'none'",
    "frame-src 'none'",
    "child-src 'none'",
    "base-uri 'none'",
    "form-action 'none'"
  ].join("; ")

/**
 * In the page: insert each body into its own container, poke it, wait until what it loads has settled (plus an
 * optional `waitMs`), then inspect the DOM.
 */
const inPage = async (
  { allow, bodies, waitMs }: {
    readonly allow: AllowList | null
    readonly bodies: ReadonlyArray<string>
    readonly waitMs: number
  }
) => {
  const HTML = "http://www.w3.org/1999/xhtml"
  const w = window as unknown as { __xss: Array<string>; __csp: Array<string> }
  const root = document.getElementById("root")!
  const containers = bodies.map((html, i) => {
    const div = document.createElement("div")
    div.dataset.i = String(i)
    root.appendChild(div)
    div.innerHTML = html
    return div
  })
  // Every load the bodies started, settled (its load or error event dispatched): a payload on `onerror` of a
  // broken image or on `onload` of a frame has had its chance to run, however long the machine takes to fetch.
  // The listeners go on before this script yields, so no event can be missed. Lazy images may never load, and a
  // bound of 10 s keeps a batch from waiting on them forever.
  const loads: Array<Promise<void>> = []
  for (const div of containers) {
    for (const el of Array.from(div.querySelectorAll("img, iframe, link[href], input[type=image]"))) {
      const pending = el instanceof HTMLImageElement
        ? !el.complete && el.loading !== "lazy"
        : el instanceof HTMLLinkElement
        ? /\bstylesheet\b/i.test(el.rel)
        : el instanceof HTMLInputElement
        ? el.src !== ""
        // A frame without a URL loads `about:blank` during the insertion itself: its load event is already past.
        : el.hasAttribute("src") || el.hasAttribute("srcdoc")
      if (!pending) continue
      loads.push(
        new Promise<void>((resolve) => {
          el.addEventListener("load", () => resolve(), { once: true })
          el.addEventListener("error", () => resolve(), { once: true })
        })
      )
    }
  }
  const settled = Promise.all(loads)
  for (const div of containers) {
    for (const el of Array.from(div.querySelectorAll("*"))) {
      for (const type of ["mouseover", "mouseenter", "mousemove", "pointerover", "pointerenter", "focusin"]) {
        el.dispatchEvent(new Event(type, { bubbles: true }))
      }
      if (el instanceof HTMLElement) el.focus()
      if (el instanceof HTMLAnchorElement && el.protocol === "javascript:") el.click()
    }
  }
  await Promise.race([settled, new Promise((resolve) => setTimeout(resolve, 10_000))])
  if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs))
  // Then two rendering frames (animation events such as SVG `onbegin`) and a task (queued `toggle` events).
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))
  await new Promise((resolve) => setTimeout(resolve, 0))

  type Found = { kind: string; detail: string }
  type T = Array<string | [string, Array<[string, string]>, T]>
  const short = (ns: string | null) =>
    ns === HTML ? "html" : ns === "http://www.w3.org/2000/svg" ? "svg" : ns === "http://www.w3.org/1998/Math/MathML"
      ? "math"
      : String(ns)
  const treeOf = (nodes: NodeListOf<ChildNode>): T => {
    const out: T = []
    for (const node of Array.from(nodes)) {
      if (node.nodeType === Node.TEXT_NODE) {
        const value = node.nodeValue ?? ""
        const last = out.length - 1
        if (last >= 0 && typeof out[last] === "string") out[last] = (out[last] as string) + value
        else out.push(value)
      } else if (node.nodeType === Node.COMMENT_NODE) {
        out.push(["#comment", [["data", node.nodeValue ?? ""]], []])
      } else if (node.nodeType === Node.ELEMENT_NODE) {
        const el = node as Element
        const attrs = Array.from(el.attributes)
          .map((a): [string, string] => [a.name, a.value])
          .toSorted((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0))
        const children = el instanceof HTMLTemplateElement ? el.content.childNodes : el.childNodes
        out.push([`${short(el.namespaceURI)}:${el.localName}`, attrs, treeOf(children)])
      } else {
        out.push([`#node${node.nodeType}`, [], []])
      }
    }
    return out
  }

  const perBody: Array<Array<Found>> = []
  const trees: Array<T> = []
  for (const div of containers) {
    const found: Array<Found> = []
    if (allow !== null) {
      const walker = document.createTreeWalker(div, NodeFilter.SHOW_ALL)
      for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
        if (node.nodeType === Node.TEXT_NODE) continue
        if (node.nodeType !== Node.ELEMENT_NODE) {
          found.push({ kind: "node", detail: `${node.nodeName} node` })
          continue
        }
        const el = node as Element
        const rules = el.namespaceURI === HTML ? allow.elements[el.localName] : undefined
        if (rules === undefined) {
          found.push({ kind: "element", detail: `<${el.localName}> (${el.namespaceURI})` })
          continue
        }
        for (const a of Array.from(el.attributes)) {
          const schemes = a.namespaceURI === null ? rules[a.name] : undefined
          if (schemes === undefined) found.push({ kind: "attribute", detail: `${a.name} on <${el.localName}>` })
          else if (schemes !== null) {
            const url = URL.canParse(a.value) ? new URL(a.value) : null
            if (url === null || !schemes.includes(url.protocol.slice(0, -1))) {
              found.push({ kind: "url", detail: `${a.name}=${JSON.stringify(a.value)} on <${el.localName}>` })
            }
          }
        }
      }
    }
    perBody.push(found)
    trees.push(treeOf(div.childNodes))
  }

  const page: Array<Found> = []
  for (const entry of w.__xss) page.push({ kind: "script", detail: entry })
  for (const entry of w.__csp) page.push({ kind: "csp", detail: entry })
  // A dangerous URL anywhere in the document, whoever put it there.
  for (const el of Array.from(document.querySelectorAll("*"))) {
    for (const a of Array.from(el.attributes)) {
      // oxlint-disable-next-line no-control-regex
      const squashed = a.value.replace(/[\u0000-\u0020\u007f-\u009f]/g, "").toLowerCase()
      if (/^(javascript|vbscript|livescript|data):/.test(squashed)) {
        page.push({ kind: "url", detail: `${a.name}=${JSON.stringify(a.value.slice(0, 80))} on <${el.localName}>` })
      }
    }
  }
  return { perBody, page, trees }
}

/** A running browser and the loopback server of its test page. */
export class Harness {
  readonly browser: Browser
  readonly context: BrowserContext
  readonly server: Http.Server
  readonly origin: string

  private constructor(browser: Browser, context: BrowserContext, server: Http.Server, origin: string) {
    this.browser = browser
    this.context = context
    this.server = server
    this.origin = origin
  }

  /** Starts the page server and Chromium (at `executablePath`). */
  static async launch(executablePath: string): Promise<Harness> {
    const nonce = Math.random().toString(36).slice(2)
    const html = pageHtml(nonce)
    const server = Http.createServer((req, res) => {
      if (req.url === "/" || req.url === "/index.html") {
        res.writeHead(200, {
          "content-type": "text/html; charset=utf-8",
          "content-security-policy-report-only": cspReportOnly(nonce),
          "cache-control": "no-store"
        })
        res.end(html)
      } else {
        res.writeHead(404, { "content-type": "text/plain" })
        res.end("")
      }
    })
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    let browser: Browser
    try {
      // Playwright gives every launch a fresh temporary profile (it refuses --user-data-dir).
      browser = await chromium.launch({ executablePath, args: LAUNCH_ARGS, timeout: 60_000 })
    } catch (error) {
      server.close()
      throw error
    }
    const context = await browser.newContext({ javaScriptEnabled: true, serviceWorkers: "block" })
    // Nothing leaves the test origin.
    await context.route(
      "**/*",
      (route) => route.request().url().startsWith(`${origin}/`) ? route.continue() : route.abort("blockedbyclient")
    )
    return new Harness(browser, context, server, origin)
  }

  /**
   * Renders `bodies` on one fresh page, each into its own container, and reports what happened. `allow` is the
   * policy the bodies were sanitized with (its elements are checked, and http(s) images are allowed to load when
   * it keeps `img`); `null` skips the allow-list check (raw bodies, for the controls).
   */
  async render(
    bodies: ReadonlyArray<string>,
    allow: AllowList | null,
    options: { readonly waitMs?: number } = {}
  ): Promise<BatchResult> {
    const page: Page = await this.context.newPage()
    const pageUrl = `${this.origin}/`
    const events: Array<Finding> = []
    const imagesAllowed = allow !== null && allow.elements.img !== undefined
    page.on("dialog", (dialog) => {
      events.push({ kind: "dialog", detail: `${dialog.type()}: ${dialog.message()}` })
      void dialog.dismiss().catch(() => undefined)
    })
    page.on("pageerror", (error) => events.push({ kind: "page-error", detail: error.message }))
    page.on("console", (message) => {
      if (/xss/i.test(message.text())) events.push({ kind: "console", detail: message.text() })
    })
    page.on("popup", (popup) => events.push({ kind: "popup", detail: popup.url() }))
    page.on("frameattached", (frame) => events.push({ kind: "frame", detail: `frame attached: ${frame.name()}` }))
    page.on("framenavigated", (frame) => {
      const url = frame.url()
      if (frame === page.mainFrame() ? url !== pageUrl : url !== "about:blank") {
        events.push({ kind: "navigation", detail: url })
      }
    })
    page.on("request", (request) => {
      const url = request.url()
      const type = request.resourceType()
      if (url === pageUrl && type === "document") return
      if (url === `${this.origin}/favicon.ico`) return
      if (imagesAllowed && type === "image" && /^https?:/.test(url)) return
      events.push({ kind: "request", detail: `${type} ${url.slice(0, 120)}` })
    })
    try {
      await page.goto(pageUrl, { waitUntil: "load" })
      const result = await page.evaluate(inPage, { allow, bodies, waitMs: options.waitMs ?? 0 })
      return {
        perBody: result.perBody as ReadonlyArray<ReadonlyArray<Finding>>,
        page: [...events, ...(result.page as ReadonlyArray<Finding>)],
        trees: result.trees as ReadonlyArray<Tree>
      }
    } catch (error) {
      // A payload that tears the page down (navigation, a crash) is a finding too.
      return {
        perBody: bodies.map(() => []),
        page: [...events, { kind: "navigation", detail: `the page did not survive: ${String(error).split("\n")[0]}` }],
        trees: []
      }
    } finally {
      await page.close().catch(() => undefined)
    }
  }

  async close(): Promise<void> {
    await this.browser.close().catch(() => undefined)
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }
}
