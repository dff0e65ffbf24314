/**
 * The server side of `DriftApi.Authorization`: bearer tokens, each granting a set of Drift scopes.
 *
 * A missing or unknown token is answered 401 (`{ errors: [{ type: "authentication_error", ... }] }`); a known
 * token without the scope an endpoint needs is answered 403 (`type: "insufficient_scope"`). Scopes per endpoint:
 * reading conversations and messages needs `conversation_read`, creating conversations and messages
 * `conversation_write`, contacts `contact_read`, users `user_read`.
 *
 * @example
 * ```ts
 * import { Auth } from "@parley/drift-sandbox"
 *
 * const layer = Auth.layer([
 *   { token: "sandbox-token", scopes: Auth.ALL_SCOPES },
 *   { token: "sandbox-readonly", scopes: ["conversation_read", "contact_read", "user_read"] }
 * ])
 * ```
 *
 * @since 0.1.0
 */
import { DriftApi, DriftApiError } from "@parley/drift-client"
import { Effect, Layer, Redacted } from "effect"
import * as Defaults from "./internal/defaults.ts"

/**
 * The scopes Drift tokens carry.
 *
 * @since 0.1.0
 */
export const ALL_SCOPES = ["conversation_read", "conversation_write", "contact_read", "user_read"] as const

/**
 * A Drift scope.
 *
 * @since 0.1.0
 */
export type Scope = (typeof ALL_SCOPES)[number]

/**
 * The default token for local use: every scope.
 *
 * @since 0.1.0
 */
export const DEFAULT_TOKEN: typeof Defaults.DEFAULT_TOKEN = Defaults.DEFAULT_TOKEN

/**
 * The default read-only token: every scope but `conversation_write`.
 *
 * @since 0.1.0
 */
export const DEFAULT_READONLY_TOKEN: typeof Defaults.DEFAULT_READONLY_TOKEN = Defaults.DEFAULT_READONLY_TOKEN

/**
 * A token and the scopes it grants.
 *
 * @since 0.1.0
 */
export interface TokenGrant {
  readonly token: string
  readonly scopes: ReadonlyArray<Scope>
}

/**
 * The scope an endpoint needs.
 *
 * @example
 * ```ts
 * import { Auth } from "@parley/drift-sandbox"
 * Auth.requiredScope("conversations", "create") // "conversation_write"
 * ```
 *
 * @since 0.1.0
 */
export const requiredScope = (group: string, endpoint: string): Scope => {
  switch (group) {
    case "contacts":
      return "contact_read"
    case "users":
      return "user_read"
    default:
      return endpoint === "create" || endpoint === "createMessage" ? "conversation_write" : "conversation_read"
  }
}

/**
 * The `DriftApi.Authorization` middleware for these tokens. It provides `DriftApi.Caller` (the token's scopes)
 * to the handlers.
 *
 * @since 0.1.0
 */
export const layer = (grants: ReadonlyArray<TokenGrant>): Layer.Layer<DriftApi.Authorization> => {
  const byToken = new Map(grants.map((grant) => [grant.token, new Set<string>(grant.scopes)]))
  return Layer.succeed(
    DriftApi.Authorization,
    DriftApi.Authorization.of({
      bearer: (httpEffect, { credential, endpoint, group }) => {
        const token = Redacted.value(credential)
        const scopes = byToken.get(token)
        if (scopes === undefined) {
          return Effect.fail(
            new DriftApiError.Unauthorized({
              errors: [{
                type: "authentication_error",
                message: token === "" ? "Missing bearer token" : "Invalid or expired bearer token"
              }]
            })
          )
        }
        const scope = requiredScope(group.identifier, endpoint.identifier)
        if (!scopes.has(scope)) {
          return Effect.fail(
            new DriftApiError.Forbidden({
              errors: [{ type: "insufficient_scope", message: `This token lacks the ${scope} scope` }]
            })
          )
        }
        return Effect.provideService(httpEffect, DriftApi.Caller, { scopes })
      }
    })
  )
}
