/**
 * Raw HTTP for wire assertions: plain `fetch`, the whole body as text.
 */
import { Effect } from "effect"

export interface WireResponse {
  readonly status: number
  readonly headers: Headers
  readonly text: string
}

export const call = (
  url: string,
  options: {
    readonly method?: string
    readonly token?: string | undefined
    readonly body?: unknown
    readonly timeoutMs?: number
  } = {}
): Effect.Effect<WireResponse, Error> =>
  Effect.tryPromise({
    try: async () => {
      const headers: Record<string, string> = {}
      if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`
      if (options.body !== undefined) headers["content-type"] = "application/json"
      const response = await fetch(url, {
        method: options.method ?? "GET",
        headers,
        ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
        ...(options.timeoutMs !== undefined ? { signal: AbortSignal.timeout(options.timeoutMs) } : {})
      })
      return { status: response.status, headers: response.headers, text: await response.text() }
    },
    catch: (cause) => (cause instanceof Error ? cause : new Error(String(cause)))
  })

export const getJson = (url: string, token?: string): Effect.Effect<unknown, Error> =>
  Effect.flatMap(call(url, { token }), (response) =>
    response.status === 200
      ? Effect.succeed(JSON.parse(response.text) as unknown)
      : Effect.fail(new Error(`GET ${url}: ${response.status} ${response.text}`)))

export interface ListPage {
  readonly data: ReadonlyArray<{ readonly id: number; readonly status: string; readonly updatedAt: number }>
  readonly pagination?: { readonly more: boolean; readonly next: string }
}

/** Walks `GET /conversations/list` to the end, calling `between` after each page. */
export const walk = (
  url: string,
  token: string,
  options: { readonly limit?: number; readonly statusIds?: ReadonlyArray<number> } = {},
  between: (page: ListPage, index: number) => Effect.Effect<void, Error> = () => Effect.void
): Effect.Effect<{ readonly ids: Array<number>; readonly pages: number }, Error> =>
  Effect.gen(function*() {
    const ids: Array<number> = []
    let next: string | undefined
    let pages = 0
    do {
      const params = new URLSearchParams()
      if (options.limit !== undefined) params.set("limit", String(options.limit))
      for (const s of options.statusIds ?? []) params.append("statusId", String(s))
      if (next !== undefined) params.set("next", next)
      const page = (yield* getJson(`${url}/conversations/list?${params}`, token)) as ListPage
      ids.push(...page.data.map((c) => c.id))
      pages++
      next = page.pagination?.next
      yield* between(page, pages)
    } while (next !== undefined)
    return { ids, pages }
  })
