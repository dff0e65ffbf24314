import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { startSandbox } from "../../../test-support/sandbox.ts"
import { call, getJson, type ListPage, walk } from "./http.ts"

const mb = (n: number) => (n / 1024 / 1024).toFixed(0)

/** The first pages of every endpoint, as raw text. */
const snapshot = (url: string, token: string) =>
  Effect.gen(function*() {
    const texts: Array<string> = []
    let next: string | undefined
    const ids: Array<number> = []
    for (let k = 0; k < 3; k++) {
      const response = yield* call(`${url}/conversations/list?limit=50${next ? `&next=${next}` : ""}`, { token })
      texts.push(response.text)
      const page = JSON.parse(response.text) as ListPage
      ids.push(...page.data.map((c) => c.id))
      next = page.pagination?.next
    }
    for (const id of ids.slice(0, 20)) {
      texts.push((yield* call(`${url}/conversations/${id}/messages`, { token })).text)
      const conversation = JSON.parse((yield* call(`${url}/conversations/${id}`, { token })).text) as {
        data: { contactId: number }
      }
      texts.push((yield* call(`${url}/contacts/${conversation.data.contactId}`, { token })).text)
    }
    texts.push((yield* call(`${url}/users/list`, { token })).text)
    texts.push((yield* call(`${url}/conversations/stats`, { token })).text)
    return texts
  })

describe("the sandbox process (test-support/sandbox.ts)", () => {
  it.live("is deterministic: the same seed and size give byte-identical answers", () =>
    Effect.gen(function*() {
      const [a, b, c] = yield* Effect.all([
        startSandbox({ conversations: 3000, seed: 7 }),
        startSandbox({ conversations: 3000, seed: 7 }),
        startSandbox({ conversations: 3000, seed: 8 })
      ], { concurrency: "unbounded" })
      const [ta, tb, tc] = yield* Effect.all([
        snapshot(a.url, a.token),
        snapshot(b.url, b.token),
        snapshot(c.url, c.token)
      ])
      assert.strictEqual(ta.length, tb.length)
      ta.forEach((text, k) => assert.strictEqual(text, tb[k], `answer ${k}`))
      assert.notStrictEqual(ta[0], tc[0])
      assert.deepStrictEqual(yield* a.admin.ids(), yield* b.admin.ids())
    }))

  it.live("while conversations move to the front, a walk emits every conversation that existed at the start once", () =>
    Effect.gen(function*() {
      const sandbox = yield* startSandbox({ conversations: 1500, seed: 21 })
      const initial = yield* sandbox.admin.ids()
      let k = 0
      const touched: Array<number> = []
      const { ids } = yield* walk(sandbox.url, sandbox.token, { limit: 50 }, (page) =>
        Effect.gen(function*() {
          // An already emitted conversation, one not yet reached, and a brand new one.
          yield* sandbox.admin.touch(page.data[0]!.id)
          const ahead = initial[Math.min(initial.length - 1, (k += 97) % initial.length)]!
          yield* sandbox.admin.touch(ahead)
          touched.push(page.data[0]!.id, ahead)
          const created = yield* call(`${sandbox.url}/conversations/new`, {
            method: "POST",
            token: sandbox.token,
            body: { email: `shift${k}@example.com`, message: { body: "new" } }
          })
          assert.strictEqual(created.status, 200)
        }))
      assert.strictEqual(ids.length, initial.length)
      assert.deepStrictEqual(new Set(ids), new Set(initial))
      // A new walk starts with what moved.
      const front = (yield* getJson(`${sandbox.url}/conversations/list?limit=2`, sandbox.token)) as ListPage
      const after = yield* sandbox.admin.ids()
      assert.strictEqual(front.data[0]!.id, after[0])
      assert.strictEqual(after.length, initial.length + 30)
      assert.include(touched, after[1])
    }))

  it.live("applies faults given at start and at run time; the admin surface is never faulted", () =>
    Effect.gen(function*() {
      const sandbox = yield* startSandbox({ conversations: 200, faults: { errorRate: 1, errorStatuses: [503] } })
      const failed = yield* call(`${sandbox.url}/conversations/list`, { token: sandbox.token })
      assert.strictEqual(failed.status, 503)
      assert.deepStrictEqual(yield* sandbox.admin.faults(), { errorRate: 1, errorStatuses: [503] })
      yield* sandbox.admin.setFaults({})
      const ok = yield* call(`${sandbox.url}/conversations/list`, { token: sandbox.token })
      assert.strictEqual(ok.status, 200)
      const stats = yield* sandbox.admin.stats()
      assert.strictEqual(stats.requests, 2)
      assert.strictEqual(stats.faults.serverError, 1)
      assert.deepStrictEqual(stats.serverErrorsByStatus, { "503": 1 })
    }))

  it.live("takes fault flags on the command line", () =>
    Effect.gen(function*() {
      const schedule = [{ fault: "serverError", path: "/conversations/stats", nth: [1], status: 502 }] as const
      const sandbox = yield* startSandbox({
        conversations: 100,
        // A bucket that drains one request per 1,000 s: the second request overflows on any machine.
        extraArgs: [
          "--rate-limit",
          "0.001",
          "--burst",
          "1",
          "--retry-after",
          "--fault-schedule",
          JSON.stringify(schedule),
          "--token",
          "other-token"
        ]
      })
      assert.strictEqual(sandbox.token, "other-token")
      const stats = yield* call(`${sandbox.url}/conversations/stats`, { token: sandbox.token })
      const second = yield* call(`${sandbox.url}/users/list`, { token: sandbox.token })
      assert.strictEqual(stats.status, 502)
      assert.strictEqual(second.status, 429)
      assert.strictEqual(second.headers.get("retry-after"), "1000")
      assert.deepStrictEqual(yield* sandbox.admin.faults(), {
        rateLimit: { perSecond: 0.001, burst: 1, retryAfter: true },
        schedule
      })
      assert.deepStrictEqual((yield* sandbox.admin.stats()).scheduled, [1])
    }))

  it.live(
    "starts 100,000 conversations in reasonable time and memory, and walks them all",
    () =>
      Effect.gen(function*() {
        const started = performance.now()
        const sandbox = yield* startSandbox({ conversations: 100_000, seed: 1 })
        const startMs = performance.now() - started
        const before = yield* sandbox.admin.stats()
        const walkStarted = performance.now()
        const { ids, pages } = yield* walk(sandbox.url, sandbox.token, { limit: 50 })
        const walkMs = performance.now() - walkStarted
        const after = yield* sandbox.admin.stats()
        assert.strictEqual(ids.length, 100_000)
        assert.strictEqual(new Set(ids).size, 100_000)
        assert.strictEqual(pages, 2000)
        assert.isBelow(before.memory.rssBytes, 1024 * 1024 * 1024, "well under 1 GiB")
        console.log(
          `100k sandbox: ready in ${startMs.toFixed(0)} ms (spawn to listening); ` +
            `rss ${mb(before.memory.rssBytes)} MiB, heap ${mb(before.memory.heapUsedBytes)} MiB; ` +
            `walked ${pages} pages of 50 in ${walkMs.toFixed(0)} ms (${((pages / walkMs) * 1000).toFixed(0)} req/s); ` +
            `rss after ${mb(after.memory.rssBytes)} MiB`
        )
        const small = yield* Effect.gen(function*() {
          const t = performance.now()
          const s = yield* startSandbox({ conversations: 2000 })
          const ms = performance.now() - t
          return { ms, stats: yield* s.admin.stats() }
        }).pipe(Effect.scoped)
        console.log(
          `2k sandbox: ready in ${small.ms.toFixed(0)} ms; rss ${mb(small.stats.memory.rssBytes)} MiB, ` +
            `heap ${mb(small.stats.memory.heapUsedBytes)} MiB`
        )
      }),
    60_000
  )

  it.live("stops the process when the scope closes", () =>
    Effect.gen(function*() {
      const child = yield* Effect.scoped(Effect.map(startSandbox({ conversations: 10 }), (s) => s.process))
      assert.isTrue(child.exitCode !== null || child.signalCode !== null)
    }))
})
