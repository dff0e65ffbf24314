/**
 * The sandbox's serving limit: the requests of a whole thread export (every `GET /conversations/list` page, then
 * every `GET /conversations/{id}/messages` page of every conversation, `concurrency` conversations at a time) made
 * with the least client there is: `node:http` with a keep-alive agent, `JSON.parse` of each body for the ids and
 * cursors, no schema, no retries, no Effect. Nothing a real client could drop is left in it, so threads/s here is
 * what the server (and loopback) can serve on this machine at that moment: the ceiling the CLI's export is held to.
 */
import * as http from "node:http"

/** What one minimal export read. */
export interface MinimalRun {
  readonly threads: number
  readonly messages: number
  readonly requests: number
  readonly ms: number
}

/** A list or messages page, as far as an export reads it (the ids and the cursor). */
export interface Page {
  readonly data?: unknown
  readonly pagination?:
    | { readonly more?: boolean | undefined; readonly next?: string | number | null | undefined }
    | undefined
}

/** The cursor of the next page, if there is one. */
export const nextOf = (pagination: Page["pagination"]): string | undefined =>
  pagination === undefined || pagination.more === false || pagination.next == null || pagination.next === ""
    ? undefined
    : String(pagination.next)

/** The list page after cursor `next` (the first without one), 50 conversations a page. */
export const listPath = (next: string | undefined): string =>
  `/conversations/list?limit=50${next === undefined ? "" : `&next=${encodeURIComponent(next)}`}`

/** The messages page of conversation `id` after cursor `next` (the first without one). */
export const messagesPath = (id: number, next: string | undefined): string =>
  `/conversations/${id}/messages${next === undefined ? "" : `?next=${encodeURIComponent(next)}`}`

/** Reads every thread of the sandbox at `url` the way `DriftStream.threads({ concurrency })` does. */
export const exportThreads = (url: string, token: string, concurrency: number): Promise<MinimalRun> => {
  const base = new URL(url)
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency + 1 })
  const headers = { authorization: `Bearer ${token}`, accept: "application/json" }
  let requests = 0
  const get = (path: string): Promise<Page> =>
    new Promise((resolve, reject) => {
      requests++
      const req = http.get({ host: base.hostname, port: base.port, path, headers, agent }, (res) => {
        const chunks: Array<Buffer> = []
        res.on("data", (chunk: Buffer) => chunks.push(chunk))
        res.on("end", () => {
          if (res.statusCode !== 200) return reject(new Error(`GET ${path}: ${res.statusCode}`))
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")) as Page)
          } catch (error) {
            reject(error)
          }
        })
        res.on("error", reject)
      })
      req.on("error", reject)
    })

  const started = performance.now()
  let threads = 0
  let messages = 0
  const queue: Array<number> = []
  let listed = false
  const waiting: Array<() => void> = []
  const notify = () => {
    for (const resume of waiting.splice(0)) resume()
  }

  const lister = async () => {
    let next: string | undefined
    do {
      const page = await get(listPath(next))
      for (const c of page.data as ReadonlyArray<{ readonly id: number }>) queue.push(c.id)
      notify()
      next = nextOf(page.pagination)
    } while (next !== undefined)
    listed = true
    notify()
  }

  const worker = async (): Promise<void> => {
    for (;;) {
      const id = queue.shift()
      if (id === undefined) {
        if (listed) return
        await new Promise<void>((resolve) => waiting.push(resolve))
        continue
      }
      let cursor: string | undefined
      do {
        const page = await get(messagesPath(id, cursor))
        const data = page.data as {
          readonly messages: ReadonlyArray<unknown>
          readonly pagination?: Page["pagination"]
        }
        messages += data.messages.length
        cursor = nextOf(page.pagination ?? data.pagination)
      } while (cursor !== undefined)
      threads++
    }
  }

  return Promise.all([lister(), ...Array.from({ length: concurrency }, worker)]).then(
    () => {
      agent.destroy()
      return { threads, messages, requests, ms: performance.now() - started }
    },
    (error: unknown) => {
      agent.destroy()
      throw error
    }
  )
}
