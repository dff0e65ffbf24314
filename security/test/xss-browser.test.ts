/**
 * The XSS corpus in a real browser: every hostile body sanitized with both policies, assigned to `innerHTML` in
 * headless Chromium on an instrumented page, must run nothing, load nothing, navigate nowhere, and leave only the
 * policy's elements, attributes and URL schemes in the DOM, which must be the very tree parse5 builds. Controls
 * show that the same harness catches the bodies when they are NOT sanitized.
 *
 * Chromium: `/usr/bin/chromium` (Debian's package; `.ci/run` installs it) or `PARLEY_CHROMIUM`. Missing, the
 * suite fails when `CI` is set and is skipped, with a message, otherwise.
 */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Html } from "@parley/schema"
import * as fc from "fast-check"
import { chromiumCandidates, findChromium, type Finding, Harness } from "../src/browser.ts"
import { classes, corpus } from "../src/corpus/xss/index.ts"
import { htmlish } from "../src/htmlish.ts"
import { allowList, policies, treeOf } from "../src/policy.ts"

const executable = findChromium()
const missing = `Chromium is not installed (looked for ${
  chromiumCandidates().join(", ")
}): run \`apt-get install -y chromium\` or set PARLEY_CHROMIUM to a Chromium binary`
const skip = executable === undefined && !process.env.CI
if (skip) console.warn(`SKIPPING the browser XSS tests: ${missing} (they fail instead when CI is set)`)

const BATCH = 100

interface Failure {
  readonly body: string
  readonly findings: ReadonlyArray<Finding | string>
}

const describeFindings = (failures: ReadonlyArray<Failure>): string =>
  failures.map((f) => `${JSON.stringify(f.body).slice(0, 200)}: ${JSON.stringify(f.findings)}`).join("\n")

describe.skipIf(skip)("XSS corpus in headless Chromium", () => {
  let harness: Harness

  beforeAll(async () => {
    if (executable === undefined) throw new Error(missing)
    harness = await Harness.launch(executable)
  }, 90_000)

  afterAll(async () => {
    await harness?.close()
  })

  /**
   * Renders sanitized bodies in batches; page-level findings (execution, requests) of a failing batch are
   * attributed by rendering its bodies one by one. Returns every body with a finding and a tree mismatch.
   */
  const renderAll = async (bodies: ReadonlyArray<string>, policy: Html.Policy) => {
    const allow = allowList(policy)
    const failures: Array<Failure> = []
    for (let i = 0; i < bodies.length; i += BATCH) {
      const batch = bodies.slice(i, i + BATCH)
      const result = await harness.render(batch, allow)
      batch.forEach((body, j) => {
        const findings: Array<Finding | string> = [...(result.perBody[j] ?? [])]
        const expected = JSON.stringify(treeOf(body))
        const actual = JSON.stringify(result.trees[j])
        if (expected !== actual) findings.push(`Chromium's tree ${actual} differs from parse5's ${expected}`)
        if (findings.length > 0) failures.push({ body, findings })
      })
      if (result.page.length > 0) {
        for (const body of batch) {
          const alone = await harness.render([body], allow)
          if (alone.page.length > 0) failures.push({ body, findings: alone.page })
        }
        if (!failures.some((f) => batch.includes(f.body))) {
          failures.push({ body: `batch ${i / BATCH}`, findings: result.page })
        }
      }
    }
    return failures
  }

  it("has at least 150 hostile bodies in every class", () => {
    const sizes = Object.fromEntries(Object.entries(classes).map(([kind, bodies]) => [kind, bodies.length]))
    console.log(`XSS corpus: ${corpus.length} bodies`, sizes)
    expect(corpus.length).toBeGreaterThanOrEqual(150)
    expect(Object.keys(sizes)).toHaveLength(7)
    for (const size of Object.values(sizes)) expect(size).toBeGreaterThanOrEqual(15)
    expect(new Set(corpus.map((e) => e.html)).size).toBe(corpus.length)
  })

  for (const policy of policies) {
    it(`${policy.name}: sanitized, the corpus runs nothing, loads nothing and keeps only allowed markup`, async () => {
      const started = performance.now()
      const failures = await renderAll(corpus.map((e) => Html.sanitize(e.html, policy)), policy)
      console.log(
        `Chromium, ${policy.name} policy: ${corpus.length} sanitized bodies, ${failures.length} with findings (${
          Math.round(performance.now() - started)
        } ms)`
      )
      expect(failures, describeFindings(failures)).toEqual([])
    })
  }

  it("controls: the harness catches known-bad bodies inserted without sanitizing", async () => {
    const allow = allowList(Html.drift)
    const controls: ReadonlyArray<readonly [string, Finding["kind"]]> = [
      ["<img src=x onerror=__xss.push(1)>", "script"],
      ["<a href=\"javascript:__xss.push(2)\">click</a>", "script"],
      ["<a href=\"javascript:void 0\">x</a>", "url"],
      ["<b onmouseover=alert(3)>hover</b>", "script"],
      ["<svg><animate onbegin=alert(4) attributeName=x dur=1s>", "script"],
      ["<details open ontoggle=alert(5)>x</details>", "script"],
      ["<iframe srcdoc=\"<script>alert(6)</script>\"></iframe>", "dialog"],
      ["<iframe srcdoc=\"x\"></iframe>", "frame"],
      ["<img src=x onerror=\"throw new Error('boom')\">", "page-error"],
      ["<img src=x onerror=\"console.log('XSS')\">", "console"],
      ["<img src=x onerror=\"void 0\">", "csp"],
      ["<link rel=stylesheet href=http://xss.invalid/x.css>", "request"],
      ["<img src=https://xss.invalid/pixel.png>", "request"]
    ]
    const missed: Array<string> = []
    for (const [body, kind] of controls) {
      const result = await harness.render([body], allow)
      const kinds = new Set([...result.page, ...result.perBody.flat()].map((f) => f.kind))
      if (!kinds.has(kind)) missed.push(`${body}: expected ${kind}, got ${JSON.stringify([...kinds])}`)
    }
    // DOM checks: each inserted raw into the allow-list check
    const dom: ReadonlyArray<readonly [string, Finding["kind"]]> = [
      ["<b onclick=x>y</b>", "attribute"],
      ["<math><mi>x</mi></math>", "element"],
      ["<i>x</i>", "element"],
      ["<!-- c --><b>x</b>", "node"],
      ["<a href=\"/relative\">x</a>", "url"],
      ["<a href=\"data:text/html,x\">x</a>", "url"]
    ]
    const result = await harness.render(dom.map(([body]) => body), allow)
    dom.forEach(([body, kind], i) => {
      if (!result.perBody[i]!.some((f) => f.kind === kind)) {
        missed.push(`${body}: expected ${kind}, got ${JSON.stringify(result.perBody[i])}`)
      }
    })
    expect(missed).toEqual([])
  })

  it("controls: unsanitized, the corpus breaks the allow-list in the DOM and runs script", async () => {
    const allow = allowList(Html.drift)
    const size = 50
    let flagged = 0
    let executing = 0
    let batches = 0
    for (let i = 0; i < corpus.length; i += size) {
      const batch = corpus.slice(i, i + size)
      const result = await harness.render(batch.map((e) => e.html), allow)
      batches++
      flagged += result.perBody.filter((findings) => findings.length > 0).length
      if (result.page.some((f) => f.kind === "script" || f.kind === "dialog" || f.kind === "csp")) executing++
    }
    console.log(
      `Chromium, raw corpus: ${flagged}/${corpus.length} bodies break the Drift allow-list in the DOM; script ran in ${executing}/${batches} batches`
    )
    expect(flagged / corpus.length).toBeGreaterThan(0.8)
    expect(executing).toBe(batches)
  })

  it("generated bodies: sanitized output renders in Chromium exactly as parse5 parses it", async () => {
    const bodies = fc.sample(htmlish, { numRuns: 1000, seed: 20_240_611 })
    for (const policy of policies) {
      const failures = await renderAll(bodies.map((body) => Html.sanitize(body, policy)), policy)
      expect(failures, describeFindings(failures)).toEqual([])
    }
  })
})
