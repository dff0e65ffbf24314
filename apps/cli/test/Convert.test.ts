import { assert, describe, it } from "@effect/vitest"
import { Drift, Intercom } from "@parley/schema"
import { Effect, Schema } from "effect"
import { existsSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { readNdjson, runCli, tempDir } from "./cli.ts"

/** Drift threads exported from the embedded sandbox, once for the suite. */
const fixture = Effect.runSync(Effect.cached(
  Effect.gen(function*() {
    const dir = tempDir()
    const out = join(dir, "threads.ndjson")
    const ran = yield* runCli(["export", "--sandbox", "--sandbox-conversations", "60", "--out", out, "--quiet"])
    assert.strictEqual(ran.code, 0, ran.stderr)
    return { dir, path: out, lines: readFileSync(out, "utf8").trimEnd().split("\n") }
  })
))

describe("parley convert", () => {
  it.live("drift -> intercom-2.11 -> drift gives back the same bytes (files and stdin/stdout)", () =>
    Effect.gen(function*() {
      const { dir, path } = yield* fixture
      const v2 = join(dir, "v2.ndjson")
      const there = yield* runCli(["convert", path, "--to", "intercom-2.11", "--out", v2, "--quiet"])
      assert.strictEqual(there.code, 0, there.stderr)
      const decodeV2 = Schema.decodeUnknownSync(Intercom.ConversationV2)
      for (const line of readNdjson(v2)) decodeV2(line)
      // Back, through stdin and stdout.
      const back = yield* runCli(["convert", "-", "--to", "drift", "--quiet"], { input: readFileSync(v2, "utf8") })
      assert.strictEqual(back.code, 0, back.stderr)
      assert.strictEqual(back.stdout, readFileSync(path, "utf8"))
    }))

  it.live("drift -> intercom (classic) -> drift, and a JSON array or a pretty-printed document as input", () =>
    Effect.gen(function*() {
      const { dir, lines, path } = yield* fixture
      const classic = join(dir, "classic.ndjson")
      const there = yield* runCli(["convert", path, "--to", "intercom", "-o", classic, "--quiet"])
      assert.strictEqual(there.code, 0, there.stderr)
      const decode = Schema.decodeUnknownSync(Intercom.Conversation)
      const conversations = readNdjson(classic).map((line) => decode(line))
      assert.strictEqual(conversations.length, lines.length)
      // A JSON array of the classic conversations, across lines.
      const array = join(dir, "classic.json")
      writeFileSync(array, JSON.stringify(readNdjson(classic), null, 2))
      const back = yield* runCli(["convert", array, "--to", "drift", "--json", "--quiet"])
      assert.strictEqual(back.code, 0, back.stderr)
      const decodeThread = Schema.decodeUnknownSync(Drift.Thread)
      const threads = back.stdout.trimEnd().split("\n").map((l) => decodeThread(JSON.parse(l)))
      assert.deepStrictEqual(
        threads.map((t) => t.conversation.id),
        lines.map((l) => (JSON.parse(l) as { conversation: { id: number } }).conversation.id)
      )
      assert.deepInclude(JSON.parse(back.stderr) as object, {
        syntax: "array",
        from: "intercom",
        converted: lines.length
      })
      // One pretty-printed document.
      const single = join(dir, "one.json")
      writeFileSync(single, JSON.stringify(JSON.parse(lines[0]!), null, 2))
      const one = yield* runCli(["convert", single, "--to", "intercom-2.11", "--quiet"])
      assert.strictEqual(one.code, 0, one.stderr)
      assert.strictEqual(one.stdout.trimEnd().split("\n").length, 1)
    }))

  it.live("bad records are rejected with line number and JSON path, the good ones converted, exit code 3", () =>
    Effect.gen(function*() {
      const { dir, lines } = yield* fixture
      const thread = (k: number) =>
        JSON.parse(lines[k]!) as { conversation: Record<string, unknown>; messages: Array<Record<string, unknown>> }
      const badDate = thread(3)
      badDate.conversation["createdAt"] = "yesterday"
      const input = [
        lines[0], // 1
        lines[1], // 2
        "{not json", // 3
        JSON.stringify(badDate), // 4
        "", // 5 (blank: skipped)
        lines[2], // 6
        JSON.stringify({ foo: 1 }), // 7
        JSON.stringify(thread(4)).replace(/"messages":\[\{"id":\d+/, `"messages":[{"id":9007199254740993`), // 8
        lines[5] // 9
      ].join("\n") + "\n"
      const file = join(dir, "bad.ndjson")
      writeFileSync(file, input)
      const out = join(dir, "bad-out.ndjson")
      const ran = yield* runCli(["convert", file, "--to", "intercom-2.11", "--out", out])
      assert.strictEqual(ran.code, 3, ran.stderr)
      const last = ran.stderr.trimEnd().split("\n").at(-1)!
      assert.match(last, /^parley: 4 of 8 records rejected \(written to .*bad-out\.ndjson\.rejects\.ndjson\)/)
      assert.strictEqual(readNdjson(out).length, 4)
      const rejects = readNdjson(`${out}.rejects.ndjson`) as Array<{ line: number; path: string; error: string }>
      assert.deepStrictEqual(rejects.map((r) => r.line), [3, 4, 7, 8])
      assert.deepStrictEqual(rejects.map((r) => r.path), [
        "(root)",
        `["conversation"]["createdAt"]`,
        `["conversation"]`,
        `["messages"][0]["id"]`
      ])
      assert.match(rejects[0]!.error, /not JSON/)
      assert.match(rejects[1]!.error, /got "yesterday"/)
      // Rejects to stderr when the output is stdout.
      const toStdout = yield* runCli(["convert", file, "--to", "drift", "--quiet"])
      assert.strictEqual(toStdout.code, 3)
      assert.strictEqual(toStdout.stdout.trimEnd().split("\n").length, 4)
      assert.include(toStdout.stderr, `"line":8`)
    }))

  it.live("a clean run leaves no rejects file; a stale one is refused, and removed with --overwrite", () =>
    Effect.gen(function*() {
      const { dir, path } = yield* fixture
      const out = join(dir, "clean.ndjson")
      const fresh = yield* runCli([
        "convert",
        path,
        "--from",
        "drift",
        "--to",
        "drift",
        "--out",
        join(dir, "c2.ndjson"),
        "--quiet"
      ])
      assert.strictEqual(fresh.code, 0, fresh.stderr)
      assert.isFalse(existsSync(join(dir, "c2.ndjson.rejects.ndjson")))
      writeFileSync(`${out}.rejects.ndjson`, "stale\n")
      const refused = yield* runCli(["convert", path, "--from", "drift", "--to", "drift", "--out", out, "--quiet"])
      assert.strictEqual(refused.code, 2, refused.stderr)
      assert.strictEqual(readFileSync(`${out}.rejects.ndjson`, "utf8"), "stale\n")
      const ran = yield* runCli([
        "convert",
        path,
        "--from",
        "drift",
        "--to",
        "drift",
        "--out",
        out,
        "--overwrite",
        "--quiet"
      ])
      assert.strictEqual(ran.code, 0, ran.stderr)
      assert.isFalse(existsSync(`${out}.rejects.ndjson`))
    }))
})
