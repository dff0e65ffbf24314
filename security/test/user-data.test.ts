/**
 * Data a user already has: `parley export` and `parley convert` never destroy a file they were not asked to
 * replace, one run writes an output at a time, a resume trusts nothing it has not checked, and a failed write ends
 * with one plain line and a non-zero code. Each `describe` is a class; each case is the real binary on real files.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { spawn } from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { BIN, environment } from "../../test-support/cli.ts"
import { countLines, type Ran, runCli, tempDir } from "../src/cli.ts"

const N = 40
const sandbox = (n = N, seed = 1) => ["--sandbox", "--sandbox-conversations", String(n), "--sandbox-seed", String(seed)]
const exportTo = (out: string, ...more: Array<string>) =>
  runCli(["export", ...sandbox(), "--out", out, "--quiet", ...more])

const snapshot = (path: string): string => Fs.readFileSync(path, "utf8")
const oneLine = (ran: Ran): string => {
  const lines = ran.stderr.trim().split("\n")
  assert.strictEqual(lines.length, 1, `one line expected, got: ${ran.stderr}`)
  assert.notInclude(ran.stderr, "internal error")
  assert.notInclude(ran.stderr, "Unknown")
  return lines[0]!
}

/** A finished export in a fresh directory. */
const finished = Effect.gen(function*() {
  const dir = tempDir("parley-userdata-")
  const out = Path.join(dir, "x.ndjson")
  const ran = yield* exportTo(out)
  assert.strictEqual(ran.code, 0, ran.stderr)
  assert.strictEqual(countLines(out), N)
  return { dir, out, before: snapshot(out), checkpoint: `${out}.checkpoint.json` }
})

describe("no output replaced unasked", () => {
  it.live(
    "re-running a finished export without --resume is refused; the output stays; --overwrite replaces it",
    () =>
      Effect.gen(function*() {
        const { before, out } = yield* finished
        const again = yield* exportTo(out)
        assert.strictEqual(again.code, 2)
        assert.match(oneLine(again), /already holds .* bytes .*--resume.*--overwrite/)
        assert.strictEqual(snapshot(out), before)
        const replaced = yield* exportTo(out, "--overwrite")
        assert.strictEqual(replaced.code, 0, replaced.stderr)
        assert.strictEqual(countLines(out), N)
      }),
    { timeout: 240_000 }
  )

  it.live(
    "--out at any existing file (export and convert) is refused and the file is untouched",
    () =>
      Effect.gen(function*() {
        const { dir, out } = yield* finished
        const precious = Path.join(dir, "notes.txt")
        Fs.writeFileSync(precious, "my notes\n")
        for (
          const args of [
            ["export", ...sandbox(), "--out", precious, "--quiet"],
            ["convert", out, "--to", "intercom", "--out", precious, "--quiet"]
          ]
        ) {
          const ran = yield* runCli(args)
          assert.strictEqual(ran.code, 2, ran.stderr)
          oneLine(ran)
          assert.strictEqual(snapshot(precious), "my notes\n")
        }
      }),
    { timeout: 240_000 }
  )

  it.live("--resume without a checkpoint does not empty an existing output", () =>
    Effect.gen(function*() {
      const { before, checkpoint, out } = yield* finished
      Fs.rmSync(checkpoint)
      Fs.rmSync(`${checkpoint}.ids`)
      const ran = yield* exportTo(out, "--resume")
      assert.strictEqual(ran.code, 2, ran.stderr)
      assert.strictEqual(snapshot(out), before)
    }), { timeout: 240_000 })
})

describe("no two paths the same file (resolved to the real file)", () => {
  it.live(
    "convert --out equal to the input, by the same path, a symlink, a hard link or ./..: refused",
    () =>
      Effect.gen(function*() {
        const { before, dir, out } = yield* finished
        Fs.symlinkSync(out, Path.join(dir, "link.ndjson"))
        Fs.linkSync(out, Path.join(dir, "hard.ndjson"))
        Fs.mkdirSync(Path.join(dir, "sub"))
        for (
          const target of [
            out,
            Path.join(dir, "link.ndjson"),
            Path.join(dir, "hard.ndjson"),
            Path.join(dir, "sub", "..", "x.ndjson")
          ]
        ) {
          const ran = yield* runCli(["convert", out, "--to", "drift", "--out", target, "--overwrite", "--quiet"])
          assert.strictEqual(ran.code, 2, ran.stderr)
          assert.match(oneLine(ran), /same file/)
          assert.strictEqual(snapshot(out), before)
        }
      }),
    { timeout: 240_000 }
  )

  it.live("export --checkpoint equal to --out (or to its rejects file) is refused", () =>
    Effect.gen(function*() {
      const dir = tempDir("parley-userdata-")
      const out = Path.join(dir, "y.ndjson")
      const same = yield* runCli(["export", ...sandbox(), "--out", out, "--checkpoint", out, "--quiet"])
      assert.strictEqual(same.code, 2, same.stderr)
      assert.match(oneLine(same), /same file/)
      const rejects = yield* runCli([
        "export",
        ...sandbox(),
        "--out",
        out,
        "--checkpoint",
        `${out}.rejects.ndjson`,
        "--quiet"
      ])
      assert.strictEqual(rejects.code, 2, rejects.stderr)
      assert.isFalse(Fs.existsSync(out))
    }), { timeout: 240_000 })

  it.live("convert --rejects equal to the input or the output is refused", () =>
    Effect.gen(function*() {
      const { before, dir, out } = yield* finished
      const ran = yield* runCli([
        "convert",
        out,
        "--to",
        "drift",
        "--out",
        Path.join(dir, "o.ndjson"),
        "--rejects",
        out
      ])
      assert.strictEqual(ran.code, 2, ran.stderr)
      assert.strictEqual(snapshot(out), before)
    }), { timeout: 240_000 })
})

describe("inputs known readable before anything is truncated", () => {
  it.live(
    "a directory, a missing file or an unreadable file as input leaves the existing output alone",
    () =>
      Effect.gen(function*() {
        const { before, dir, out } = yield* finished
        const locked = Path.join(dir, "locked.ndjson")
        Fs.writeFileSync(locked, "{}\n", { mode: 0o000 })
        const inputs = [dir, Path.join(dir, "missing.ndjson"), ...(Os.userInfo().uid === 0 ? [] : [locked])]
        for (const input of inputs) {
          const ran = yield* runCli(["convert", input, "--to", "drift", "--out", out, "--overwrite", "--quiet"])
          assert.strictEqual(ran.code, 1, ran.stderr)
          assert.match(oneLine(ran), /cannot read input/)
          assert.strictEqual(snapshot(out), before)
        }
      }),
    { timeout: 240_000 }
  )

  it.live("convert --rejects FILE is not deleted when nothing is rejected", () =>
    Effect.gen(function*() {
      const { dir, out } = yield* finished
      const rejects = Path.join(dir, "keep.ndjson")
      Fs.writeFileSync(rejects, "kept\n")
      const ran = yield* runCli([
        "convert",
        out,
        "--to",
        "drift",
        "--out",
        Path.join(dir, "o.ndjson"),
        "--rejects",
        rejects
      ])
      assert.strictEqual(ran.code, 2, ran.stderr)
      assert.strictEqual(snapshot(rejects), "kept\n")
      const empty = Path.join(dir, "empty.rejects")
      Fs.writeFileSync(empty, "")
      const clean = yield* runCli([
        "convert",
        out,
        "--to",
        "drift",
        "--out",
        Path.join(dir, "p.ndjson"),
        "--rejects",
        empty,
        "--quiet"
      ])
      assert.strictEqual(clean.code, 0, clean.stderr)
      assert.isTrue(Fs.existsSync(empty))
    }), { timeout: 240_000 })
})

describe("one writer per output (lock file with pid and host, stale locks detected)", () => {
  it.live(
    "an output locked by a live process is refused with its owner; the lock is left alone",
    () =>
      Effect.gen(function*() {
        const dir = tempDir("parley-userdata-")
        const out = Path.join(dir, "z.ndjson")
        const lock = JSON.stringify({ pid: process.pid, host: Os.hostname(), startedAt: new Date().toISOString() })
        Fs.writeFileSync(`${out}.lock`, lock)
        const ran = yield* exportTo(out)
        assert.strictEqual(ran.code, 1, ran.stderr)
        assert.include(oneLine(ran), `pid ${process.pid}`)
        assert.isFalse(Fs.existsSync(out))
        assert.strictEqual(snapshot(`${out}.lock`), lock)
        const convert = yield* runCli(["convert", "-", "--to", "drift", "--out", out], { input: "" })
        assert.strictEqual(convert.code, 1, convert.stderr)
      }),
    { timeout: 240_000 }
  )

  it.live(
    "a stale lock (its process is gone) is taken over, and every lock is removed at the end",
    () =>
      Effect.gen(function*() {
        const dir = tempDir("parley-userdata-")
        const out = Path.join(dir, "s.ndjson")
        const gone = yield* Effect.callback<number>((resume) => {
          const child = spawn(process.execPath, ["-e", ""])
          child.on("exit", () => resume(Effect.succeed(child.pid!)))
        })
        Fs.writeFileSync(`${out}.lock`, JSON.stringify({ pid: gone, host: Os.hostname(), startedAt: "2020-01-01" }))
        const ran = yield* exportTo(out)
        assert.strictEqual(ran.code, 0, ran.stderr)
        assert.strictEqual(countLines(out), N)
        assert.isFalse(Fs.existsSync(`${out}.lock`))
      }),
    { timeout: 240_000 }
  )

  it.live(
    "two exports started together on one output: one writes it whole, the other is refused",
    () =>
      Effect.gen(function*() {
        const dir = tempDir("parley-userdata-")
        const out = Path.join(dir, "c.ndjson")
        const args = ["export", ...sandbox(300), "--out", out, "--quiet"]
        const [a, b] = yield* Effect.all([runCli(args), runCli(args)], { concurrency: 2 })
        const codes = [a.code, b.code].toSorted()
        // The second either met the lock (1) or, if the first had already finished, the finished output (2).
        assert.strictEqual(codes[0], 0, `${a.stderr}${b.stderr}`)
        assert.include([1, 2], codes[1])
        assert.strictEqual(countLines(out), 300)
        for (const line of snapshot(out).trimEnd().split("\n")) JSON.parse(line)
      }),
    { timeout: 240_000 }
  )
})

/** Rewrites the saved checkpoint's state. */
interface SavedState {
  sink?: { bytes: number; lines: number }
}
const editCheckpoint = (path: string, edit: (state: SavedState) => void) => {
  const state = JSON.parse(snapshot(path)) as SavedState
  edit(state)
  Fs.writeFileSync(path, JSON.stringify(state) + "\n")
}

describe("--resume trusts nothing unchecked", () => {
  it.live(
    "resuming against another workspace (sandbox seed or size) is refused; the checkpoint names no token",
    () =>
      Effect.gen(function*() {
        const { before, checkpoint, out } = yield* finished
        const saved = snapshot(checkpoint)
        assert.include(saved, "sha256:")
        for (const other of [sandbox(N, 2), sandbox(N + 1, 1)]) {
          const ran = yield* runCli(["export", ...other, "--out", out, "--resume", "--quiet"])
          assert.strictEqual(ran.code, 2, ran.stderr)
          assert.match(oneLine(ran), /belongs to an export of the embedded sandbox/)
          assert.strictEqual(snapshot(out), before)
        }
      }),
    { timeout: 240_000 }
  )

  it.live("a forged or damaged sink record is refused instead of cutting the output", () =>
    Effect.gen(function*() {
      const { before, checkpoint, out } = yield* finished
      const original = snapshot(checkpoint)
      const forgeries: Array<(s: SavedState) => void> = [
        (s) => (s.sink!.bytes = 0, s.sink!.lines = 0), // 0 bytes, "done"
        (s) => (s.sink!.lines = s.sink!.lines - 5), // lines and bytes disagree
        (s) => (s.sink!.bytes = s.sink!.bytes + 100), // beyond the file
        (s) => (s.sink!.bytes = s.sink!.bytes - 3), // mid-line
        (s) => (s.sink!.bytes = -1),
        (s) => delete s.sink
      ]
      for (const forge of forgeries) {
        Fs.writeFileSync(checkpoint, original)
        editCheckpoint(checkpoint, forge)
        const ran = yield* exportTo(out, "--resume")
        assert.strictEqual(ran.code, 2, ran.stderr)
        assert.match(oneLine(ran), /does not match/)
        assert.strictEqual(snapshot(out), before)
      }
    }), { timeout: 240_000 })

  it.live("--with-contacts changed on resume is refused like the other flags", () =>
    Effect.gen(function*() {
      const { before, out } = yield* finished
      const ran = yield* exportTo(out, "--resume", "--with-contacts")
      assert.strictEqual(ran.code, 2, ran.stderr)
      assert.match(oneLine(ran), /--with-contacts/)
      assert.strictEqual(snapshot(out), before)
    }), { timeout: 240_000 })
})

describe("a failed write ends with one plain line and a non-zero code", () => {
  it.live("disk full (/dev/full): 'disk full; free space and run again with --resume'", () =>
    Effect.gen(function*() {
      if (!Fs.existsSync("/dev/full")) return
      const dir = tempDir("parley-userdata-")
      const ran = yield* runCli([
        "export",
        ...sandbox(),
        "--out",
        "/dev/full",
        "--checkpoint",
        Path.join(dir, "cp.json")
      ])
      assert.strictEqual(ran.code, 1, ran.stderr)
      assert.match(
        ran.stderr,
        /^parley: cannot write \/dev\/full: .*disk is full.*run again with --resume\n$/m
      )
      assert.notInclude(ran.stderr, "Unknown")
    }), { timeout: 240_000 })

  it.live("export | head (the reader closes the pipe): exit non-zero with a plain line", () =>
    Effect.gen(function*() {
      const ran = yield* Effect.callback<{ code: number | null; stderr: string }>((resume) => {
        const child = spawn(process.execPath, [BIN, "export", ...sandbox(400), "--quiet"], {
          env: environment(),
          stdio: ["ignore", "pipe", "pipe"]
        })
        let stderr = ""
        child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c))
        child.stdout.once("data", () => child.stdout.destroy())
        child.on("close", (code) => resume(Effect.succeed({ code, stderr })))
      })
      assert.notStrictEqual(ran.code, 0)
      assert.match(ran.stderr, /^parley: cannot write stdout: the reader closed it before the end/)
      assert.notInclude(ran.stderr, "Unknown")
    }), { timeout: 240_000 })
})

describe("convert: every input record is written or rejected with a reason", () => {
  it.live(
    "first line an array, data after an array, a record over the limit: records = converted + rejected",
    () =>
      Effect.gen(function*() {
        const { dir, out } = yield* finished
        const threads = snapshot(out).trimEnd().split("\n").slice(0, 6)
        const cases: Array<[string, string, number]> = [
          // [name, input, records in it]
          ["ndjson, first line an array", [`[${threads[0]}]`, ...threads.slice(1)].join("\n") + "\n", 6],
          ["array, then ndjson", `[\n${threads.slice(0, 3).join(",\n")}\n]\n${threads.slice(3).join("\n")}\n`, 6],
          [
            "a record over the limit between two",
            [threads[0], `{"x":"${"y".repeat(300_000)}"}`, threads[1]].join("\n"),
            3
          ],
          [
            "an array element over the limit",
            `[${threads[0]},${JSON.stringify({ x: "y".repeat(300_000) })},${threads[1]}]`,
            3
          ]
        ]
        for (const [name, input, expected] of cases) {
          const file = Path.join(dir, "in.json")
          Fs.writeFileSync(file, input)
          const target = Path.join(dir, `${expected}-${name.length}.ndjson`)
          const ran = yield* runCli([
            "convert",
            file,
            "--to",
            "drift",
            "--out",
            target,
            "--max-record-chars",
            "200000",
            "--overwrite",
            "--json"
          ])
          const summary = JSON.parse(ran.stdout) as { records: number; converted: number; rejected: number }
          assert.strictEqual(summary.records, expected, name)
          assert.strictEqual(summary.converted + summary.rejected, expected, name)
          assert.strictEqual(countLines(target), summary.converted, name)
          assert.strictEqual(countLines(`${target}.rejects.ndjson`), summary.rejected, name)
          for (
            const line of Fs.existsSync(`${target}.rejects.ndjson`)
              ? snapshot(`${target}.rejects.ndjson`).trimEnd().split("\n")
              : []
          ) {
            const reject = JSON.parse(line) as { error: string }
            assert.isString(reject.error)
            assert.notInclude(reject.error, "internal error")
          }
          if (name.includes("limit")) {
            assert.strictEqual(ran.code, 3, ran.stderr)
            assert.strictEqual(summary.converted, 2, name)
            assert.include(snapshot(`${target}.rejects.ndjson`), "over the limit")
          }
        }
      }),
    { timeout: 240_000 }
  )
})
