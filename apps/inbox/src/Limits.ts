/**
 * Bounds on the work one input may cost the Inbox. Sanitizing runs on the server's only thread, so one huge message
 * body would stall every other request while it is sanitized: a body longer than {@link MAX_BODY_CHARS} is cut to
 * that length (and says so) before it is decoded, so sanitizing any one body costs at most the sanitizer's time for
 * that many characters. Cutting HTML anywhere is safe: the sanitizer takes any string.
 *
 * @example
 * ```ts
 * import { Limits } from "@parley/inbox"
 *
 * const json = { messages: [{ body: "x".repeat(200_000) }] }
 * Limits.clipBodies(json.messages, 1000) // 1 (one body was cut)
 * ```
 *
 * @since 0.2.0
 */
import * as Text from "@parley/schema/Text"
import { Effect } from "effect"
import { HttpClient, HttpClientResponse } from "effect/http"

/**
 * The longest message body the Inbox sanitizes and shows: 128 Ki characters.
 *
 * @since 0.2.0
 */
export const MAX_BODY_CHARS = 128 * 1024

/**
 * The note that ends a cut body.
 *
 * @since 0.2.0
 */
export const cutNote = (length: number, max: number): string =>
  `<p>[Parley Inbox: this body has ${Text.count(length)} characters; only the first ${Text.count(max)} are shown]</p>`

/**
 * Cuts, in place, the `body` of every message (wire shape) longer than `max`; returns how many were cut.
 *
 * @since 0.2.0
 */
export const clipBodies = (messages: unknown, max: number = MAX_BODY_CHARS): number => {
  if (!Array.isArray(messages)) return 0
  let cut = 0
  for (const message of messages) {
    if (typeof message !== "object" || message === null) continue
    const m = message as { body?: unknown }
    if (typeof m.body === "string" && m.body.length > max) {
      m.body = m.body.slice(0, max) + cutNote(m.body.length, max)
      cut++
    }
  }
  return cut
}

/**
 * An `HttpClient` whose message pages (`/conversations/{id}/messages`) come back with their long bodies cut, before
 * the client decodes (and so sanitizes) them.
 *
 * @since 0.2.0
 */
export const clipMessagePages =
  (max: number = MAX_BODY_CHARS) => (client: HttpClient.HttpClient): HttpClient.HttpClient =>
    client.pipe(
      HttpClient.transformResponse(Effect.flatMap((response) => {
        if (!/\/conversations\/[^/]+\/messages$/.test(new URL(response.request.url).pathname)) {
          return Effect.succeed(response)
        }
        // The body is read here, so the response handed on is always a new one of the (possibly cut) text.
        return response.text.pipe(
          Effect.map((text) => {
            let out = text
            // Only a body this long can hold a body over the limit.
            if (text.length > max) {
              try {
                const json = JSON.parse(text) as { data?: { messages?: unknown } } | null
                if (clipBodies(json?.data?.messages, max) > 0) out = JSON.stringify(json)
              } catch {
                // not JSON: the client reports it
              }
            }
            const headers = new globalThis.Headers()
            for (const [k, v] of Object.entries(response.headers)) {
              if (k !== "content-length" && k !== "content-encoding") headers.set(k, v)
            }
            const status = response.status
            const body = status === 204 || status === 304 ? null : out
            return HttpClientResponse.fromWeb(response.request, new Response(body, { status, headers }))
          })
        )
      }))
    )
