import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import { call, start } from "./support.ts"

const errorList = (text: string) =>
  JSON.parse(text) as { type: string; errors: Array<{ code: string; message: string; field?: string }> }

const statuses = (url: string, token: string) =>
  Effect.forEach(Array.from({ length: 40 }), () => Effect.map(call(`${url}/admins`, { token }), (r) => r.status))

describe("the sandbox on the wire", () => {
  it.live("sends X-RateLimit-* for authenticated requests only, counts down in 10-second windows, 429s beyond", () =>
    Effect.gen(function*() {
      const sandbox = yield* start({ limits: { perMinute: 60 } })
      const anonymous = yield* call(`${sandbox.url}/admins`)
      assert.strictEqual(anonymous.status, 401)
      assert.strictEqual(errorList(anonymous.text).errors[0]!.code, "unauthorized")
      assert.isNull(anonymous.headers.get("x-ratelimit-limit"))

      const seen: Array<{ status: number; remaining: number; reset: number }> = []
      for (let k = 0; k < 12; k++) {
        const response = yield* call(`${sandbox.url}/admins`, { token: sandbox.token })
        seen.push({
          status: response.status,
          remaining: Number(response.headers.get("x-ratelimit-remaining")),
          reset: Number(response.headers.get("x-ratelimit-reset"))
        })
        assert.strictEqual(response.headers.get("x-ratelimit-limit"), "10")
        if (response.status === 429) {
          const body = errorList(response.text)
          assert.deepStrictEqual(body.errors[0], {
            code: "rate_limit_exceeded",
            message: "Exceeded rate limit of 10 in 10_seconds"
          })
        }
      }
      for (const s of seen) assert.strictEqual(s.reset % 10, 0, "windows end on 10-second boundaries")
      // Within one window remaining counts down by one per request; a new window starts again from 9.
      for (let k = 1; k < seen.length; k++) {
        const [a, b] = [seen[k - 1]!, seen[k]!]
        if (a.reset === b.reset && b.status === 200) assert.strictEqual(b.remaining, a.remaining - 1)
      }
      const windows = new Set(seen.map((s) => s.reset)).size
      const refused = seen.filter((s) => s.status === 429).length
      assert.isAtLeast(refused, 12 - 10 * windows)
    }))

  it.live("answers bad payloads, unknown routes and search fields with Intercom's error list", () =>
    Effect.gen(function*() {
      const sandbox = yield* start()
      const badBody = yield* call(`${sandbox.url}/conversations`, {
        method: "POST",
        token: sandbox.token,
        body: { from: { type: "robot", id: "x" }, body: "hi" }
      })
      assert.strictEqual(badBody.status, 400)
      const body = errorList(badBody.text)
      assert.strictEqual(body.type, "error.list")
      assert.strictEqual(body.errors[0]!.code, "parameter_invalid")
      assert.strictEqual(body.errors[0]!.field, "from.type")
      const route = yield* call(`${sandbox.url}/no/such/route`, { token: sandbox.token })
      assert.strictEqual(route.status, 404)
      assert.strictEqual(errorList(route.text).errors[0]!.code, "not_found")
      const field = yield* call(`${sandbox.url}/contacts/search`, {
        method: "POST",
        token: sandbox.token,
        body: { query: { field: "shoe_size", operator: "=", value: 42 } }
      })
      assert.strictEqual(field.status, 400)
      assert.include(errorList(field.text).errors[0]!.message, "shoe_size")
    }))

  it.live("seeded fault rates are deterministic: two sandboxes with one seed fault the same requests", () =>
    Effect.gen(function*() {
      const faults = { seed: 42, serverError: { rate: 0.3, statuses: [503 as const] } }
      const a = yield* start({ faults })
      const b = yield* start({ faults })
      const c = yield* start({ faults: { ...faults, seed: 43 } })
      const [sa, sb, sc] = [
        yield* statuses(a.url, a.token),
        yield* statuses(b.url, b.token),
        yield* statuses(c.url, c.token)
      ]
      assert.deepStrictEqual(sa, sb)
      assert.notDeepEqual(sa, sc)
      const faulted = sa.filter((s) => s === 503).length
      assert.isTrue(faulted > 0 && faulted < 40, `${faulted} of 40 faulted`)
    }))

  it.live("the admin view lists what the store holds, sets faults and limits, and resets", () =>
    Effect.gen(function*() {
      const sandbox = yield* start()
      const created = yield* call(`${sandbox.url}/contacts`, {
        method: "POST",
        token: sandbox.token,
        body: { email: "view@example.com" }
      })
      const contact = JSON.parse(created.text) as { id: string }
      yield* call(`${sandbox.url}/conversations`, {
        method: "POST",
        token: sandbox.token,
        body: { from: { type: "user", id: contact.id }, body: "one" }
      })
      const view = JSON.parse((yield* call(`${sandbox.url}/_sandbox/conversations`)).text) as {
        count: number
        conversations: Array<{ source: { body: string }; conversation_parts: { total_count: number } }>
      }
      assert.strictEqual(view.count, 1)
      assert.strictEqual(view.conversations[0]!.source.body, "<p>one</p>")
      assert.strictEqual(view.conversations[0]!.conversation_parts.total_count, 0)
      const contacts = JSON.parse((yield* call(`${sandbox.url}/_sandbox/contacts`)).text) as { count: number }
      assert.strictEqual(contacts.count, 1)

      const set = yield* call(`${sandbox.url}/_sandbox/faults`, { method: "PUT", body: { lostAnswer: { every: 1 } } })
      assert.strictEqual(set.status, 200)
      const lost = yield* call(`${sandbox.url}/conversations`, {
        method: "POST",
        token: sandbox.token,
        body: { from: { type: "user", id: contact.id }, body: "two" }
      })
      assert.strictEqual(lost.status, 504)
      const stats = JSON.parse((yield* call(`${sandbox.url}/_sandbox/stats`)).text) as {
        store: { conversations: number }
        traffic: { faults: { lostAnswer: number } }
      }
      assert.strictEqual(stats.store.conversations, 2, "the write happened although its answer was lost")
      assert.strictEqual(stats.traffic.faults.lostAnswer, 1)
      const badFaults = yield* call(`${sandbox.url}/_sandbox/faults`, {
        method: "PUT",
        body: { lostAnswer: { every: 0 } }
      })
      assert.strictEqual(badFaults.status, 400)

      const limits = yield* call(`${sandbox.url}/_sandbox/limits`, { method: "PUT", body: { perMinute: 600 } })
      assert.strictEqual(limits.status, 200)
      const limited = yield* call(`${sandbox.url}/admins`, { token: sandbox.token })
      assert.strictEqual(limited.headers.get("x-ratelimit-limit"), "100")

      const reset = yield* call(`${sandbox.url}/_sandbox/reset`, { method: "POST" })
      assert.strictEqual(reset.status, 200)
      const after = JSON.parse((yield* call(`${sandbox.url}/_sandbox/stats`)).text) as {
        store: { conversations: number; contacts: number; admins: number }
      }
      assert.deepStrictEqual([after.store.conversations, after.store.contacts, after.store.admins], [0, 0, 3])
    }))

  it.live("the bin starts on --port 0 --json, prints where it listens, and stops on SIGTERM", () =>
    Effect.gen(function*() {
      const bin = fileURLToPath(new URL("../src/bin.ts", import.meta.url))
      const child = spawn(process.execPath, [bin, "--port", "0", "--json", "--per-minute", "600"], {
        stdio: ["ignore", "pipe", "pipe"]
      })
      yield* Effect.addFinalizer(() => Effect.sync(() => child.kill("SIGKILL")))
      const line = yield* Effect.callback<string, Error>((resume) => {
        let out = ""
        child.stdout.on("data", (chunk: Buffer) => {
          out += chunk.toString("utf8")
          const newline = out.indexOf("\n")
          if (newline >= 0) resume(Effect.succeed(out.slice(0, newline)))
        })
        child.once("exit", (code) => resume(Effect.fail(new Error(`exited with ${code} before printing`))))
      })
      const started = JSON.parse(line) as { url: string; token: string; adminId: string }
      const admins = yield* call(`${started.url}/admins`, { token: started.token })
      assert.strictEqual(admins.status, 200)
      assert.strictEqual(admins.headers.get("x-ratelimit-limit"), "100")
      const code = yield* Effect.callback<number | null>((resume) => {
        child.once("exit", (exitCode) => resume(Effect.succeed(exitCode)))
        child.kill("SIGTERM")
      })
      assert.isTrue(code === 0 || code === 130 || code === 143 || code === null, `exit code ${code}`)
    }))

  it.live("--search-lag: search trails writes as Intercom's index does, while GET and duplicate checks see them", () =>
    Effect.gen(function*() {
      const search = (url: string, token: string, path: string, field: string, value: string) =>
        Effect.map(
          call(`${url}/${path}/search`, {
            method: "POST",
            token,
            body: { query: { field, operator: "=", value } }
          }),
          (r) => JSON.parse(r.text) as { total_count: number }
        )
      // A lag far beyond the test: what was just created is not searchable yet.
      const slow = yield* start({ searchLagMillis: 600_000 })
      const created = yield* call(`${slow.url}/contacts`, {
        method: "POST",
        token: slow.token,
        body: { role: "user", email: "lag@example.com", external_id: "lag-1" }
      })
      assert.strictEqual(created.status, 200)
      const id = (JSON.parse(created.text) as { id: string }).id
      assert.strictEqual((yield* search(slow.url, slow.token, "contacts", "email", "lag@example.com")).total_count, 0)
      assert.strictEqual((yield* call(`${slow.url}/contacts/${id}`, { token: slow.token })).status, 200)
      const again = yield* call(`${slow.url}/contacts`, {
        method: "POST",
        token: slow.token,
        body: { role: "user", email: "lag@example.com", external_id: "lag-1" }
      })
      assert.strictEqual(again.status, 409)
      assert.include(again.text, id)
      const opened = yield* call(`${slow.url}/conversations`, {
        method: "POST",
        token: slow.token,
        body: { from: { type: "user", id }, body: "hello" }
      })
      assert.strictEqual(opened.status, 200)
      assert.strictEqual((yield* search(slow.url, slow.token, "conversations", "contact_ids", id)).total_count, 0)

      // A short lag: the record shows up once it has passed.
      const quick = yield* start({ searchLagMillis: 200 })
      yield* call(`${quick.url}/contacts`, {
        method: "POST",
        token: quick.token,
        body: { role: "user", email: "soon@example.com" }
      })
      let found = 0
      for (let k = 0; k < 300 && found === 0; k++) {
        found = (yield* search(quick.url, quick.token, "contacts", "email", "soon@example.com")).total_count
        if (found === 0) yield* Effect.sleep("100 millis")
      }
      assert.strictEqual(found, 1)
    }))
})
