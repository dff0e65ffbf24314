/** A loopback `node:http` server for the wire conditions the sandbox cannot produce. */
import { Effect } from "effect"
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"

/** A loopback server answering every request with `answer`, for the scope; counts the requests. */
export const serve = (answer: (request: IncomingMessage, response: ServerResponse) => void) =>
  Effect.acquireRelease(
    Effect.callback<{ readonly url: string; readonly hits: () => number; readonly server: Server }>((resume) => {
      let hits = 0
      const server = createServer((request, response) => {
        hits++
        answer(request, response)
      })
      server.listen(0, "127.0.0.1", () => {
        const { port } = server.address() as AddressInfo
        resume(Effect.succeed({ url: `http://127.0.0.1:${port}`, hits: () => hits, server }))
      })
    }),
    ({ server }) =>
      Effect.sync(() => {
        server.closeAllConnections()
        server.close()
      })
  )
