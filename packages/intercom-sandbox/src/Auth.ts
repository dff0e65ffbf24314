/**
 * The server side of `IntercomApi.Authorization`: bearer access tokens, each belonging to one admin.
 *
 * A missing or unknown token is answered 401 `{ type: "error.list", errors: [{ code: "unauthorized",
 * message: "Access Token Invalid" }] }`, as Intercom does.
 *
 * @example
 * ```ts
 * import { Auth } from "@parley/intercom-sandbox"
 *
 * const layer = Auth.layer([
 *   { token: Auth.DEFAULT_TOKEN, adminId: "991267001" }, // the first default admin
 *   { token: "ada-token", adminId: "991267002" }
 * ])
 * ```
 *
 * @since 0.1.0
 */
import { IntercomApi, IntercomApiError } from "@parley/intercom-client"
import { Effect, Layer, Redacted } from "effect"
import type { HttpServerRequest } from "effect/http"

/**
 * The default access token (the first admin's).
 *
 * @since 0.1.0
 */
export const DEFAULT_TOKEN = "sandbox-token"

/**
 * A token and the admin it acts as (`GET /me`).
 *
 * @since 0.1.0
 */
export interface TokenGrant {
  readonly token: string
  readonly adminId: string
}

/**
 * Whether the request carries one of these tokens (used by the rate limiter, which only counts authenticated
 * requests, like Intercom).
 *
 * @since 0.1.0
 */
export const authenticated = (grants: ReadonlyArray<TokenGrant>) => {
  const tokens = new Set(grants.map((g) => g.token))
  return (request: HttpServerRequest.HttpServerRequest): boolean => {
    const header = request.headers["authorization"] ?? ""
    const match = /^Bearer\s+(.+)$/i.exec(header)
    return match !== null && tokens.has(match[1]!.trim())
  }
}

/**
 * The `IntercomApi.Authorization` middleware for these tokens; provides `IntercomApi.Caller`.
 *
 * @since 0.1.0
 */
export const layer = (grants: ReadonlyArray<TokenGrant>): Layer.Layer<IntercomApi.Authorization> => {
  const byToken = new Map(grants.map((g) => [g.token, g.adminId]))
  return Layer.succeed(
    IntercomApi.Authorization,
    IntercomApi.Authorization.of({
      bearer: (httpEffect, { credential }) => {
        const adminId = byToken.get(Redacted.value(credential))
        return adminId === undefined
          ? Effect.fail(
            new IntercomApiError.Unauthorized({
              errors: [{ code: "unauthorized", message: "Access Token Invalid" }],
              requestId: crypto.randomUUID()
            })
          )
          : Effect.provideService(httpEffect, IntercomApi.Caller, { adminId })
      }
    })
  )
}
