/**
 * Drift's user directory as a file: `parley export --with-users` writes it (`<out>.users.json`, the same JSON as
 * Drift's `GET /users/list` answer: `{"data": [User, ...]}`), `parley convert --users FILE` reads it (or a saved
 * `/users/list` answer, or a bare array of users) so that authors get their real names and emails instead of
 * `user-<id>@drift.invalid`.
 *
 * @example
 * ```ts
 * import { Users } from "@parley/cli"
 * import { Drift } from "@parley/schema"
 * import { Effect } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   yield* Users.write("users.json", [{ id: Drift.UserId.make(7), name: "Chris", email: "chris@example.com" }])
 *   const users = yield* Users.load("users.json") // [{ id: 7, name: "Chris", ... }]
 * })
 * ```
 *
 * @since 0.1.0
 */
import { Drift, Text } from "@parley/schema"
import { Effect, Schema } from "effect"
import { readFile, rename, writeFile } from "node:fs/promises"
import { resolve } from "node:path"
import { FileError, UsageError } from "./Errors.ts"
import type { Shape } from "./Formats.ts"

const Directory = Schema.Union([Drift.UsersResponse, Schema.Array(Drift.User)])

/**
 * Reads a user directory file: `{"data": [...]}` (Drift's `/users/list` answer, as `export --with-users` writes
 * it) or `[...]`. A file that is not one is a {@link UsageError} naming the file and the JSON path.
 *
 * @since 0.1.0
 */
export const load = Effect.fn("Users.load")(function*(path: string) {
  const text = yield* Effect.tryPromise({
    try: () => readFile(path, "utf8"),
    catch: (cause) => FileError.from(path, "read", cause)
  })
  const json = yield* Effect.try({
    try: () => JSON.parse(text) as unknown,
    catch: (e) =>
      new UsageError({
        reason: `--users ${resolve(path)} is not JSON (${
          e instanceof Error ? e.message : String(e)
        }); give the file \`parley export --with-users\` writes, or a saved Drift /users/list answer`
      })
  })
  const decoded = yield* Schema.decodeUnknownEffect(Directory)(json).pipe(
    Effect.mapError((e) =>
      new UsageError({
        reason: `--users ${resolve(path)} is not a Drift user directory: ${
          Text.oneLine(e.message)
        }; give the file \`parley export --with-users\` writes ({"data": [users]}), or a saved Drift /users/list answer`
      })
    )
  )
  return "data" in decoded ? decoded.data : decoded
})

/**
 * Writes `users` as Drift's `/users/list` answer (`{"data": [...]}`) to `path`, atomically (a temporary file
 * renamed over it).
 *
 * @since 0.1.0
 */
export const write = Effect.fn("Users.write")(function*(path: string, users: ReadonlyArray<Drift.User>) {
  const encoded = yield* Schema.encodeEffect(Drift.UsersResponse)({ data: users }).pipe(Effect.orDie)
  const temporary = `${path}.${process.pid}.tmp`
  yield* Effect.tryPromise({
    try: async () => {
      await writeFile(temporary, `${JSON.stringify(encoded)}\n`)
      await rename(temporary, path)
    },
    catch: (cause) => FileError.from(path, "write", cause)
  })
})

/**
 * What a conversion from `from` to `to` loses, as lines to tell the user at run time (empty when nothing is lost).
 * `users` says whether a user directory was given.
 *
 * @example
 * ```ts
 * import { Users } from "@parley/cli"
 *
 * Users.lossNotes({ from: "drift", to: "intercom", users: true }).length // 1: the classic shape drops fields
 * ```
 *
 * @since 0.1.0
 */
export const lossNotes = (options: {
  readonly from: Shape
  readonly to: Shape
  readonly users: boolean
}): ReadonlyArray<string> => {
  const { from, to } = options
  const notes: Array<string> = []
  if (from === to) return notes
  if (to === "intercom") {
    notes.push(
      "note: Intercom's classic shape has no place for some Drift fields (the first message's time and type, participants after the first, bulk_sent, tag colors, attachment ids, the contact): they are lost; --to intercom-2.11 keeps them (see the mapping table in @parley/intercom's README)"
    )
  }
  if (from === "intercom") {
    notes.push(
      "note: Intercom's classic shape holds less than a Drift thread: fields it has no place for come back as the mapping table's \"lossless\" column says (first message type chat, bulk_sent as closed, no contact, ...)"
    )
  }
  if (!options.users && from === "drift") {
    notes.push(
      "note: no user directory (--users FILE): Drift users are written as user-<id>@drift.invalid, without their names; `parley export --with-users --out FILE` writes the directory"
    )
  }
  return notes
}
