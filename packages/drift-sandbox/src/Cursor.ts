/**
 * The `next` cursor of `GET /conversations/list`: an opaque string to clients, a snapshot keyset cursor to the
 * sandbox.
 *
 * A cursor names the listing it belongs to (the store `snapshot` version at which its first page was served),
 * the sort key of the last conversation it emitted (`updatedAt`, `id`, as they were at that snapshot) and the
 * number of the page it leads to. The next page holds the conversations that existed at the snapshot and sort
 * strictly after that key, in the order of the snapshot. See the README for what this guarantees while
 * conversations move to the front during an export.
 *
 * @example
 * ```ts
 * import { Cursor } from "@parley/drift-sandbox"
 *
 * const next = Cursor.encode({ snapshot: 3, updatedAt: 1738281600000, id: 1234567890, page: 2 })
 * Cursor.decode(next) // { snapshot: 3, updatedAt: 1738281600000, id: 1234567890, page: 2 }
 * ```
 *
 * @since 0.1.0
 */

/**
 * A decoded list cursor.
 *
 * @since 0.1.0
 */
export interface ListCursor {
  /** The store version at which the listing started (its first page was served). */
  readonly snapshot: number
  /** `updatedAt` of the last conversation emitted, as it was at the snapshot. */
  readonly updatedAt: number
  /** `id` of the last conversation emitted. */
  readonly id: number
  /** The 1-based number of the page this cursor leads to (the first page is 1, so a cursor's page is >= 2). */
  readonly page: number
}

/**
 * Writes a cursor as an opaque, URL-safe string.
 *
 * @since 0.1.0
 */
export const encode = (cursor: ListCursor): string =>
  `c${cursor.snapshot.toString(36)}.${cursor.updatedAt.toString(36)}.${cursor.id.toString(36)}.${
    cursor.page.toString(36)
  }`

const pattern = /^c([0-9a-z]{1,11})\.([0-9a-z]{1,11})\.([0-9a-z]{1,11})\.([0-9a-z]{1,11})$/

/**
 * Reads a cursor written by {@link encode}; `undefined` for anything else.
 *
 * @since 0.1.0
 */
export const decode = (input: string): ListCursor | undefined => {
  const match = pattern.exec(input)
  if (match === null) return undefined
  const [snapshot, updatedAt, id, page] = [match[1]!, match[2]!, match[3]!, match[4]!].map((s) => parseInt(s, 36))
  if (![snapshot, updatedAt, id, page].every((n) => Number.isSafeInteger(n) && n! >= 0)) return undefined
  if (page! < 2) return undefined
  return { snapshot: snapshot!, updatedAt: updatedAt!, id: id!, page: page! }
}

/**
 * The page number a list request asks for: 1 without a cursor, the cursor's page with one, `undefined` for a
 * cursor the sandbox did not write.
 *
 * @since 0.1.0
 */
export const pageOf = (next: string | undefined): number | undefined =>
  next === undefined || next === "" ? 1 : decode(next)?.page
