/**
 * `parley export` as real Drift servers answer: a conversation that cannot be decoded is quarantined (exit 3,
 * the rejects file holds its answer), `--strict` stops at it, an export that comes up short of Drift's counts
 * fails naming them, both list APIs export everything, every message type is exported, and the encodings
 * (`--format json`, `--format csv`). The odd answers come from a loopback proxy in front of the sandbox that
 * rewrites what the sandbox really answered.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Stream } from "effect"
import { Csv } from "effect/encoding"
import { existsSync, readFileSync } from "node:fs"
import { createServer } from "node:http"
import { join } from "node:path"
import { startSandbox } from "../../../test-support/sandbox.ts"
import { driftEnv, readNdjson, runCli, tempDir } from "./cli.ts"

/** A proxy on 127.0.0.1 forwarding GETs to `target`; `rewrite` may replace an answer's body. */
const proxy = (target: string, rewrite: (path: string, body: string) => string | undefined) =>
  Effect.acquireRelease(
    Effect.callback<{ readonly url: string; readonly close: () => void }>((resume) => {
      const server = createServer((req, res) => {
        void fetch(`${target}${req.url}`, {
          method: req.method ?? "GET",
          headers: { authorization: req.headers.authorization ?? "", accept: "application/json" }
        }).then(async (upstream) => {
          const text = await upstream.text()
          const body = rewrite(new URL(req.url ?? "/", "http://proxy").pathname, text) ?? text
          res.writeHead(upstream.status, { "content-type": "application/json" })
          res.end(body)
        }, (error: unknown) => {
          res.writeHead(502)
          res.end(String(error))
        })
      })
      server.listen(0, "127.0.0.1", () => {
        const address = server.address()
        const port = typeof address === "object" && address !== null ? address.port : 0
        resume(Effect.succeed({ url: `http://127.0.0.1:${port}`, close: () => server.close() }))
      })
    }),
    ({ close }) => Effect.sync(close)
  )

const badMessages = (id: number) =>
  JSON.stringify({
    data: {
      messages: [{
        id: 1,
        orgId: 2,
        author: { type: "contact", id: 3, bot: false },
        type: "chat",
        conversationId: id,
        createdAt: "yesterday"
      }]
    },
    pagination: { more: false }
  })

describe("parley export: never abort, never silently short", () => {
  it.live("a conversation Drift answers undecodably goes to the rejects file; the rest is exported; exit 3", () =>
    Effect.gen(function*() {
      const sandbox = yield* startSandbox({ conversations: 120, seed: 5 })
      const all = yield* sandbox.admin.ids()
      const victim = all[40]!
      const front = yield* proxy(
        sandbox.url,
        (path) => path === `/conversations/${victim}/messages` ? badMessages(victim) : undefined
      )
      const dir = tempDir()
      const out = join(dir, "out.ndjson")
      const ran = yield* runCli(["export", "--out", out, "--page-size", "20", "--json"], {
        env: driftEnv(front.url, sandbox.token)
      })
      assert.strictEqual(ran.code, 3, ran.stderr)
      assert.match(ran.stderr, /finished with rejects: 1 conversations/)
      const ids = readNdjson(out).map((t) => (t as { conversation: { id: number } }).conversation.id)
      assert.deepStrictEqual(ids.toSorted(), all.filter((id) => id !== victim).toSorted())
      const rejects = readNdjson(`${out}.rejects.ndjson`) as Array<Record<string, unknown>>
      assert.strictEqual(rejects.length, 1)
      assert.deepInclude(rejects[0], {
        conversationId: victim,
        request: `GET /conversations/${victim}/messages`,
        path: `["data"]["messages"][0]["createdAt"]`,
        answer: JSON.parse(badMessages(victim))
      })
      const summary = JSON.parse(ran.stdout) as Record<string, unknown>
      assert.deepInclude(summary, { status: "rejects", exitCode: 3, rejects: 1, totalRejects: 1, ok: false })
      assert.strictEqual((summary["completeness"] as { read: number }).read, all.length)

      // --strict stops at it instead (exit 1), naming the conversation and the path.
      const strict = yield* runCli(["export", "--out", join(dir, "strict.ndjson"), "--page-size", "20", "--strict"], {
        env: driftEnv(front.url, sandbox.token)
      })
      assert.strictEqual(strict.code, 1, strict.stderr)
      assert.include(strict.stderr, String(victim))
      assert.match(strict.stderr, /createdAt/)
    }))

  it.live("an export that comes up short of Drift's counts exits 1 naming the numbers", () =>
    Effect.gen(function*() {
      const sandbox = yield* startSandbox({ conversations: 90, seed: 6 })
      let lists = 0
      // The second list page says it is the last one: the walk would end after 20 conversations.
      const front = yield* proxy(sandbox.url, (path, body) => {
        if (path !== "/conversations/list" || ++lists !== 2) return undefined
        const { pagination: _, ...rest } = JSON.parse(body) as { pagination?: unknown }
        return JSON.stringify(rest)
      })
      const dir = tempDir()
      const out = join(dir, "out.ndjson")
      const ran = yield* runCli(["export", "--out", out, "--page-size", "10", "--json"], {
        env: driftEnv(front.url, sandbox.token)
      })
      assert.strictEqual(ran.code, 1, ran.stderr)
      assert.match(ran.stderr, /came up short: Drift counts \d+ conversations .* but 20 were read .* \d+ missing/)
      assert.deepInclude(JSON.parse(ran.stdout) as object, { status: "incomplete", ok: false })
      assert.strictEqual(readNdjson(out).length, 20)
    }))

  it.live("Drift's newer list API (page_token, links.next): all 5 of 5 conversations at 2 per page", () =>
    Effect.gen(function*() {
      const sandbox = yield* startSandbox({ conversations: 5, seed: 2, extraArgs: ["--list-api", "new"] })
      const dir = tempDir()
      const out = join(dir, "out.ndjson")
      const ran = yield* runCli(["export", "--out", out, "--page-size", "2"], {
        env: driftEnv(sandbox.url, sandbox.token)
      })
      assert.strictEqual(ran.code, 0, ran.stderr)
      const ids = readNdjson(out).map((t) => (t as { conversation: { id: number } }).conversation.id)
      assert.deepStrictEqual(ids.toSorted(), [...(yield* sandbox.admin.ids())].toSorted())
      assert.isFalse(existsSync(`${out}.rejects.ndjson`))
    }))
})

describe("parley export: every message type, every encoding", () => {
  it.live("the sandbox's odd message types are exported (Drift shape and Intercom 2.11), none rejected", () =>
    Effect.gen(function*() {
      const dir = tempDir()
      const out = join(dir, "drift.ndjson")
      const ran = yield* runCli(["export", "--sandbox", "--sandbox-conversations", "300", "--out", out, "--quiet"])
      assert.strictEqual(ran.code, 0, ran.stderr)
      const types = new Set(
        readNdjson(out).flatMap((t) => (t as { messages: Array<{ type: string }> }).messages.map((m) => m.type))
      )
      for (const type of ["chat", "private_note", "edit", "private_prompt", "suggestion", "conversation_summary"]) {
        assert.isTrue(types.has(type), `no ${type} message exported (types: ${[...types].join(", ")})`)
      }
      const v2 = yield* runCli([
        "export",
        "--sandbox",
        "--sandbox-conversations",
        "300",
        "--to",
        "intercom-2.11",
        "--out",
        join(dir, "v2.ndjson"),
        "--quiet"
      ])
      assert.strictEqual(v2.code, 0, v2.stderr)
      assert.strictEqual(readNdjson(join(dir, "v2.ndjson")).length, 300)
    }))

  it.live("--format json writes one array; --format csv one row per message with the documented header", () =>
    Effect.gen(function*() {
      const dir = tempDir()
      const json = join(dir, "all.json")
      const ran = yield* runCli([
        "export",
        "--sandbox",
        "--sandbox-conversations",
        "120",
        "--format",
        "json",
        "--page-size",
        "25",
        "--out",
        json,
        "--quiet"
      ])
      assert.strictEqual(ran.code, 0, ran.stderr)
      const threads = JSON.parse(readFileSync(json, "utf8")) as Array<{ messages: Array<unknown> }>
      assert.strictEqual(threads.length, 120)
      const messages = threads.reduce((n, t) => n + t.messages.length, 0)

      const csv = join(dir, "all.csv")
      const ranCsv = yield* runCli([
        "export",
        "--sandbox",
        "--sandbox-conversations",
        "120",
        "--format",
        "csv",
        "--out",
        csv,
        "--quiet"
      ])
      assert.strictEqual(ranCsv.code, 0, ranCsv.stderr)
      const rows = yield* Stream.make(readFileSync(csv, "utf8")).pipe(
        Stream.pipeThroughChannel(Csv.decodeString()),
        Stream.runCollect
      )
      const [header, ...body] = rows as unknown as Array<ReadonlyArray<string>>
      assert.deepStrictEqual(header!.slice(0, 3), ["conversation_id", "conversation_status", "conversation_created_at"])
      assert.strictEqual(body.length, messages)
      assert.isTrue(body.every((row) => row.length === header!.length))

      const refused = yield* runCli(["export", "--sandbox", "--format", "csv", "--to", "intercom", "--quiet"])
      assert.strictEqual(refused.code, 2)
      assert.match(refused.stderr, /--format csv writes Drift's shape only/)
    }))
})
