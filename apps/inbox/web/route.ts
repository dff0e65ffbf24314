/**
 * The page's state in the URL hash, so a view can be reloaded, bookmarked and shared:
 * `#/?status=open&tag=billing&q=refund&page=2&thread=464032472&shape=classic`.
 */
import { Drift } from "@parley/schema"
import { Exit, Schema } from "effect"
import { causeMessage } from "./api.ts"

export type Shape = "v2" | "classic"

export interface Route {
  readonly status: Drift.ConversationStatus | undefined
  readonly tag: string | undefined
  readonly q: string | undefined
  readonly page: number
  /** The raw thread id from the URL (checked by {@link threadId}). */
  readonly thread: string | undefined
  readonly shape: Shape
  /** The migration filter (with a migration database). */
  readonly migration: MigrationFilter | undefined
}

export type MigrationFilter = "pending" | "migrated" | "rejected" | "mismatch" | "none"

const migrationFilters: ReadonlyArray<string> = ["pending", "migrated", "rejected", "mismatch", "none"]

const statuses: ReadonlyArray<string> = Drift.ConversationStatus.literals

const nonEmpty = (s: string | null): string | undefined => s === null || s.trim() === "" ? undefined : s

export const parse = (hash: string): Route => {
  const at = hash.indexOf("?")
  const params = new URLSearchParams(at < 0 ? "" : hash.slice(at + 1))
  const status = params.get("status")
  const page = Number(params.get("page"))
  const migration = params.get("migration")
  return {
    status: status !== null && statuses.includes(status) ? status as Drift.ConversationStatus : undefined,
    tag: nonEmpty(params.get("tag")),
    q: nonEmpty(params.get("q")),
    page: Number.isSafeInteger(page) && page >= 1 ? page : 1,
    thread: nonEmpty(params.get("thread")),
    shape: params.get("shape") === "classic" ? "classic" : "v2",
    migration: migration !== null && migrationFilters.includes(migration) ? migration as MigrationFilter : undefined
  }
}

export const format = (route: Route): string => {
  const params = new URLSearchParams()
  if (route.status !== undefined) params.set("status", route.status)
  if (route.tag !== undefined) params.set("tag", route.tag)
  if (route.q !== undefined) params.set("q", route.q)
  if (route.migration !== undefined) params.set("migration", route.migration)
  if (route.page !== 1) params.set("page", String(route.page))
  if (route.thread !== undefined) params.set("thread", route.thread)
  if (route.shape !== "v2") params.set("shape", route.shape)
  const s = params.toString()
  return s === "" ? "#/" : `#/?${s}`
}

export const current = (): Route => parse(window.location.hash)

export const go = (patch: Partial<Route>): void => {
  window.location.hash = format({ ...current(), ...patch })
}

export const href = (patch: Partial<Route>): string => format({ ...current(), ...patch })

const decodeId = Schema.decodeUnknownExit(Drift.ConversationId)

/** The thread id of the URL, checked with `Drift.ConversationId`, or why it is not one. */
export const threadId = (
  raw: string
): { readonly _tag: "Ok"; readonly id: Drift.ConversationId } | {
  readonly _tag: "Invalid"
  readonly message: string
} => {
  const n = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN
  const exit = decodeId(n)
  return Exit.isSuccess(exit)
    ? { _tag: "Ok", id: exit.value }
    : {
      _tag: "Invalid",
      message: `“${raw}” is not a Drift conversation id. ${
        Number.isNaN(n) ? "Ids are whole numbers." : causeMessage(exit.cause)
      }`
    }
}
