/** Small formatting helpers for the page: times, numbers, names, JSON paths. */
import type { Drift } from "@parley/schema"
import type { DateTime } from "effect"

const dateTime = new Intl.DateTimeFormat("en-GB", {
  year: "numeric",
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  timeZone: "UTC"
})

const shortDate = new Intl.DateTimeFormat("en-GB", { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" })

/** `28 Jan 2019, 18:27:44 UTC` */
export const time = (dt: DateTime.Utc): string => `${dateTime.format(new Date(dt.epochMilliseconds))} UTC`

/** `28 Jan 2019` */
export const day = (dt: DateTime.Utc): string => shortDate.format(new Date(dt.epochMilliseconds))

/** `2019-01-28T18:27:44.840Z` */
export const iso = (dt: DateTime.Utc): string => new Date(dt.epochMilliseconds).toISOString()

/** `2,000` */
export const count = (n: number): string => n.toLocaleString("en-US")

/** `1 message`, `2 messages` */
export const plural = (n: number, one: string, many = `${one}s`): string => `${count(n)} ${n === 1 ? one : many}`

/** The contact's name, email, or `Contact <id>`. */
export const contactName = (thread: Drift.Thread): string => {
  const name = thread.contact?.attributes.name?.trim()
  if (name !== undefined && name !== "") return name
  const email = thread.contact?.attributes.email?.trim()
  if (email !== undefined && email !== "") return email
  return `Contact ${thread.conversation.contactId}`
}

/** Who wrote a message, and as what. */
export const author = (
  message: Drift.Message,
  thread: Drift.Thread,
  users: ReadonlyMap<number, Drift.User>
): { readonly name: string; readonly role: "contact" | "agent" | "bot" } => {
  if (message.author.type === "contact") return { name: contactName(thread), role: "contact" }
  const user = users.get(message.author.id)
  const bot = message.author.bot ?? user?.bot ?? false
  const name = user?.name ?? user?.alias ?? `User ${message.author.id}`
  return { name, role: bot ? "bot" : "agent" }
}

/** `conversation.createdAt`, `messages[3].buttons` */
export const path = (segments: ReadonlyArray<string | number>): string =>
  segments.map((s, i) => typeof s === "number" ? `[${s}]` : i === 0 ? s : `.${s}`).join("") || "(the thread)"

/** Status labels. */
export const statusLabel: Record<Drift.ConversationStatus, string> = {
  open: "Open",
  pending: "Pending",
  closed: "Closed",
  bulk_sent: "Bulk sent"
}

/** An http(s) URL to link to, or undefined (attachment URLs are not sanitized: never link other schemes). */
export const safeHttpUrl = (raw: string): string | undefined => {
  try {
    const url = new URL(raw)
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : undefined
  } catch {
    return undefined
  }
}
