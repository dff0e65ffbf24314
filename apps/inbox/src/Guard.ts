/**
 * Who may talk to the Inbox. The Inbox shows every conversation of a workspace and has no accounts, so:
 *
 * - **Host names**: only loopback names (`localhost`, `*.localhost`, `127.0.0.0/8`, `[::1]`) and the configured
 *   ones (`--allow-host`) are answered; any other `Host` gets 421. A DNS-rebinding page (its own name resolving to
 *   127.0.0.1) therefore reads nothing.
 * - **State-changing requests** (anything but `GET`, `HEAD`, `OPTIONS`, such as `POST /api/reload`) must come from
 *   the Inbox's own origin (`Origin`, when the client sends one, equals the server's; `Sec-Fetch-Site`, when sent,
 *   is `same-origin`) and carry the per-run token in the `x-parley-inbox-csrf` header. The token is made at
 *   start, written into the page (a `<meta>` the page's script reads) and given to programs as `Running.csrfToken`;
 *   a cross-site form or `text/plain` POST can neither read it nor set the header.
 * - **Beyond loopback**: listening on another interface needs `--token` (or `PARLEY_INBOX_TOKEN`); every request
 *   must then carry it as `Authorization: Bearer <token>` or the `parley_inbox_token` cookie, which opening
 *   `/?token=<token>` once sets (`HttpOnly`, `SameSite=Strict`).
 *
 * @example
 * ```ts
 * import { Guard } from "@parley/inbox"
 *
 * Guard.isLoopbackHost("localhost:4020") // true
 * Guard.isLoopbackHost("attacker.example:4020") // false
 * ```
 *
 * @since 0.2.0
 */
import { Effect, Redacted, Schema } from "effect"
import { HttpRouter, HttpServerRequest, HttpServerResponse } from "effect/http"
import { randomBytes, timingSafeEqual } from "node:crypto"

/**
 * The header carrying the per-run token of state-changing requests.
 *
 * @since 0.2.0
 */
export const CSRF_HEADER = "x-parley-inbox-csrf"

/**
 * The cookie carrying the access token (`--token`).
 *
 * @since 0.2.0
 */
export const TOKEN_COOKIE = "parley_inbox_token"

/**
 * Who may talk to the Inbox.
 *
 * @since 0.2.0
 */
export interface Options {
  /** Host names answered besides the loopback ones (without port). */
  readonly allowedHosts?: ReadonlyArray<string> | undefined
  /** The access token every request must carry (`--token`); none on loopback by default. */
  readonly token?: Redacted.Redacted<string> | undefined
  /** The per-run token of state-changing requests. */
  readonly csrfToken: string
}

/**
 * Listening beyond loopback without an access token was refused.
 *
 * @since 0.2.0
 */
export class InsecureListen extends Schema.TaggedError<InsecureListen>()("InsecureListen", {
  host: Schema.String
}) {
  override get message(): string {
    return `the Inbox has no login: listening on ${this.host} (beyond loopback) needs --token <secret> (or PARLEY_INBOX_TOKEN), which every request must then carry`
  }
}

/**
 * A fresh per-run token.
 *
 * @since 0.2.0
 */
export const makeCsrfToken = (): string => randomBytes(24).toString("base64url")

const hostnameOf = (host: string): string => {
  const h = host.trim().toLowerCase()
  if (h.startsWith("[")) return h.slice(0, h.indexOf("]") + 1)
  const colon = h.lastIndexOf(":")
  return (colon === -1 ? h : h.slice(0, colon)).replace(/\.$/, "")
}

/**
 * Whether a listening interface or a `Host` header (with or without port) names this machine's loopback.
 *
 * @since 0.2.0
 */
export const isLoopbackHost = (host: string): boolean => {
  const name = hostnameOf(host)
  return name === "localhost" || name.endsWith(".localhost") || name === "[::1]" || name === "::1" ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name)
}

const same = (a: string, b: string): boolean => {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

const cookie = (header: string | undefined, name: string): string | undefined => {
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=")
    if (eq !== -1 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim())
  }
  return undefined
}

const refuse = (status: number, message: string) =>
  HttpServerResponse.jsonUnsafe({ _tag: "Forbidden", message }, {
    status,
    headers: { "cache-control": "no-store" }
  })

const safeMethods = new Set(["GET", "HEAD", "OPTIONS"])

/**
 * Checks one request against the options: `undefined` lets it through, a response refuses it.
 *
 * @since 0.2.0
 */
export const check = (
  request: HttpServerRequest.HttpServerRequest,
  options: Options
): HttpServerResponse.HttpServerResponse | undefined => {
  const host = request.headers["host"]
  const allowed = new Set((options.allowedHosts ?? []).map((h) => hostnameOf(h)))
  if (host === undefined || !(isLoopbackHost(host) || allowed.has(hostnameOf(host)))) {
    return refuse(
      421,
      `this Inbox answers only to loopback host names${
        allowed.size === 0 ? "" : ` and ${[...allowed].join(", ")}`
      }, not ${JSON.stringify(host ?? "")} (start it with --allow-host to add one)`
    )
  }
  const url = new URL(request.url, "http://inbox.invalid")
  if (options.token !== undefined) {
    const secret = Redacted.value(options.token)
    const bearer = /^Bearer\s+(.+)$/i.exec(request.headers["authorization"] ?? "")?.[1]
    const given = bearer ?? cookie(request.headers["cookie"], TOKEN_COOKIE)
    const query = url.searchParams.get("token")
    if (request.method === "GET" && url.pathname === "/" && query !== null && same(query, secret)) {
      // Opening /?token=... once sets the cookie, and drops the token from the address bar.
      return HttpServerResponse.empty({
        status: 303,
        headers: {
          location: "/",
          "set-cookie": `${TOKEN_COOKIE}=${encodeURIComponent(secret)}; HttpOnly; SameSite=Strict; Path=/`,
          "cache-control": "no-store"
        }
      })
    }
    if (given === undefined || !same(given, secret)) {
      return refuse(
        401,
        "this Inbox needs its access token: open /?token=<token>, or send Authorization: Bearer <token>"
      )
    }
  }
  if (!safeMethods.has(request.method)) {
    const origin = request.headers["origin"]
    if (origin !== undefined && origin !== `http://${host}` && origin !== `https://${host}`) {
      return refuse(403, `cross-origin ${request.method} from ${origin} refused`)
    }
    const site = request.headers["sec-fetch-site"]
    if (site !== undefined && site !== "same-origin" && site !== "none") {
      return refuse(403, `${site} ${request.method} refused`)
    }
    const csrf = request.headers[CSRF_HEADER]
    if (csrf === undefined || !same(csrf, options.csrfToken)) {
      return refuse(403, `${request.method} ${url.pathname} needs this run's token in the ${CSRF_HEADER} header`)
    }
  }
  return undefined
}

/**
 * The guard as a global router middleware.
 *
 * @since 0.2.0
 */
export const layer = (options: Options) =>
  HttpRouter.middleware(
    Effect.succeed((app) =>
      Effect.gen(function*() {
        const refused = check(yield* HttpServerRequest.HttpServerRequest, options)
        return refused === undefined ? yield* app : refused
      })
    ),
    { global: true }
  )
