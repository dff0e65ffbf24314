/**
 * `@parley/drift-client`: Drift's conversation API declared once with `effect/http-api`, and `DriftClient`,
 * the service over it (auth, retries, rate limits, typed errors).
 *
 * @since 0.1.0
 */

/**
 * Drift's conversation API as an `HttpApi`: the groups `conversations`, `contacts` and `users`, the
 * `Authorization` middleware, and `Limit`, `MAX_PAGE_SIZE`, `DEFAULT_PAGE_SIZE`.
 *
 * @since 0.1.0
 */
export * as DriftApi from "./DriftApi.ts"

/**
 * The errors Drift answers with (`Unauthorized`, `Forbidden`, `NotFound`, `ValidationError`, `RateLimited`,
 * `ServerError`) and their wire declarations.
 *
 * @since 0.1.0
 */
export * as DriftApiError from "./DriftApiError.ts"

/**
 * The `DriftClient` service, its options and layers.
 *
 * @since 0.1.0
 */
export * as DriftClient from "./DriftClient.ts"

/**
 * Every error a `DriftClient` method fails with: the `DriftError` union, and the client-side
 * `TransportError`, `Timeout` and `DecodeError`.
 *
 * @since 0.1.0
 */
export * as DriftError from "./DriftError.ts"

/**
 * Scrubbing the token (whole, cut, encoded, split) from any text: the one helper every package and app uses.
 * Defined in `@parley/schema` (`Secret`) and re-exported here unchanged.
 *
 * @since 0.2.0
 */
export { Secret } from "@parley/schema"
