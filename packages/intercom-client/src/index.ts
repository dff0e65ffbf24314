/**
 * `@parley/intercom-client`: the Intercom API subset a migration needs, declared once with `effect/http-api`, and
 * `IntercomClient`, the service over it.
 *
 * @since 0.1.0
 */

/**
 * The API declaration: groups `admins`, `contacts`, `dataAttributes`, `tags`, `conversations`, and the
 * `Authorization` middleware.
 *
 * @since 0.1.0
 */
export * as IntercomApi from "./IntercomApi.ts"

/**
 * The request and response shapes.
 *
 * @since 0.1.0
 */
export * as Models from "./Models.ts"

/**
 * The errors Intercom answers with, and their wire form (`error.list`).
 *
 * @since 0.1.0
 */
export * as IntercomApiError from "./IntercomApiError.ts"

/**
 * Every error a client method fails with, `isRetryable` and `outcomeUnknown`.
 *
 * @since 0.1.0
 */
export * as IntercomError from "./IntercomError.ts"

/**
 * The rate limiter driven by `X-RateLimit-*` headers.
 *
 * @since 0.1.0
 */
export * as RateLimit from "./RateLimit.ts"

/**
 * The `IntercomClient` service, its options and layers.
 *
 * @since 0.1.0
 */
export * as IntercomClient from "./IntercomClient.ts"
