import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import { SqlClient } from "effect/sql"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { NodeSqlite } from "../src/index.ts"

const memory = NodeSqlite.layer({ filename: ":memory:" })

describe("NodeSqlite: effect/sql over node:sqlite, tested like a driver", () => {
  it.effect("parameters, inserts, rows, values and raw results", () =>
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      yield* sql`CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, score REAL, data BLOB)`
      yield* sql`INSERT INTO t ${
        sql.insert([{ id: 1, name: "a", score: 1.5, data: new Uint8Array([1, 2]) }, {
          id: 2,
          name: "it's \"quoted\"",
          score: null,
          data: null
        }])
      }`
      const rows = yield* sql<
        { id: number; name: string; score: number | null }
      >`SELECT id, name, score FROM t ORDER BY id`
      expect(rows.map((r) => ({ ...r }))).toStrictEqual([{ id: 1, name: "a", score: 1.5 }, {
        id: 2,
        name: "it's \"quoted\"",
        score: null
      }])
      const values = yield* sql`SELECT id, name FROM t ORDER BY id`.values
      expect(values).toStrictEqual([[1, "a"], [2, "it's \"quoted\""]])
      const raw = (yield* sql`UPDATE t SET score = ${2} WHERE id = ${2}`.raw) as { changes: number }
      expect(raw.changes).toBe(1)
      const blob = yield* sql<{ data: Uint8Array }>`SELECT data FROM t WHERE id = 1`
      expect([...blob[0]!.data]).toStrictEqual([1, 2])
      const inList = yield* sql<{ id: number }>`SELECT id FROM t WHERE ${sql.in("id", [1, 2, 3])} ORDER BY id`
      expect(inList.map((r) => r.id)).toStrictEqual([1, 2])
      const unprepared = yield* sql.unsafe<{ n: number }>("SELECT COUNT(*) AS n FROM t")
      expect(unprepared[0]!.n).toBe(2)
    }).pipe(Effect.provide(memory)))

  it.effect("transactions commit, roll back on failure, and nest as savepoints", () =>
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      yield* sql`CREATE TABLE k (v INTEGER)`
      yield* sql.withTransaction(sql`INSERT INTO k VALUES (1)`)
      const failed = yield* sql.withTransaction(
        Effect.andThen(sql`INSERT INTO k VALUES (2)`, Effect.fail("boom" as const))
      ).pipe(Effect.exit)
      expect(Exit.isFailure(failed)).toBe(true)
      yield* sql.withTransaction(Effect.gen(function*() {
        yield* sql`INSERT INTO k VALUES (3)`
        yield* sql.withTransaction(Effect.andThen(sql`INSERT INTO k VALUES (4)`, Effect.fail("inner" as const))).pipe(
          Effect.ignore
        )
        yield* sql`INSERT INTO k VALUES (5)`
      }))
      const rows = yield* sql<{ v: number }>`SELECT v FROM k ORDER BY v`
      expect(rows.map((r) => r.v)).toStrictEqual([1, 3, 5])
    }).pipe(Effect.provide(memory)))

  it.effect("SQLite errors are classified SqlErrors (constraint, syntax), never defects", () =>
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      yield* sql`CREATE TABLE u (id INTEGER PRIMARY KEY)`
      yield* sql`INSERT INTO u VALUES (1)`
      const duplicate = yield* sql`INSERT INTO u VALUES (1)`.pipe(Effect.flip)
      expect(duplicate._tag).toBe("SqlError")
      expect(duplicate.reason._tag).toBe("ConstraintError")
      const syntax = yield* sql.unsafe("SELEC 1").pipe(Effect.flip)
      expect(syntax._tag).toBe("SqlError")
    }).pipe(Effect.provide(memory)))

  it.effect("integers beyond 2^53 read exactly as bigint under SafeIntegers", () =>
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      yield* sql`CREATE TABLE b (v INTEGER)`
      yield* sql`INSERT INTO b VALUES (${9007199254740993n})`
      const rows = yield* sql<{ v: bigint }>`SELECT v FROM b`.pipe(Effect.provideService(SqlClient.SafeIntegers, true))
      expect(rows[0]!.v).toBe(9007199254740993n)
    }).pipe(Effect.provide(memory)))

  it.effect("a file database keeps its rows across a close and a reopen (WAL)", () =>
    Effect.gen(function*() {
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "parley-sqlite-")), "db.sqlite")
      yield* Effect.gen(function*() {
        const sql = yield* SqlClient.SqlClient
        yield* sql`CREATE TABLE f (v TEXT)`
        yield* sql`INSERT INTO f VALUES ('kept')`
      }).pipe(Effect.provide(NodeSqlite.layer({ filename: file })))
      const rows = yield* Effect.gen(function*() {
        const sql = yield* SqlClient.SqlClient
        return yield* sql<{ v: string; mode: string }>`SELECT v FROM f`
      }).pipe(Effect.provide(NodeSqlite.layer({ filename: file })))
      expect(rows.map((r) => r.v)).toStrictEqual(["kept"])
      const mode = yield* Effect.gen(function*() {
        const sql = yield* SqlClient.SqlClient
        return yield* sql<{ journal_mode: string }>`PRAGMA journal_mode`
      }).pipe(Effect.provide(NodeSqlite.layer({ filename: file })))
      expect(mode[0]!.journal_mode).toBe("wal")
    }))

  it.effect("a database that cannot be opened is a typed SqlError naming the file", () =>
    Effect.gen(function*() {
      const error = yield* Effect.gen(function*() {
        yield* SqlClient.SqlClient
      }).pipe(Effect.provide(NodeSqlite.layer({ filename: "/nonexistent-folder/x/db.sqlite" })), Effect.flip)
      expect(error._tag).toBe("SqlError")
      expect(error.message).toContain("/nonexistent-folder/x/db.sqlite")
    }))
})
