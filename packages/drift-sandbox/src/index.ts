/**
 * A Drift-compatible conversation API server on deterministic seeded data, with switchable faults.
 *
 * @since 0.1.0
 */

/**
 * The server: `Sandbox.layer(options)`, `Sandbox.start(options)`.
 *
 * @since 0.1.0
 */
export * as Sandbox from "./Sandbox.ts"

/**
 * The seeded PRNG and the data generators.
 *
 * @since 0.1.0
 */
export * as Seed from "./Seed.ts"

/**
 * The data, its ordering, the list cursor and the mutations: the `SandboxStore` service.
 *
 * @since 0.1.0
 */
export * as Store from "./Store.ts"

/**
 * The list cursor: snapshot keyset, opaque to clients.
 *
 * @since 0.1.0
 */
export * as Cursor from "./Cursor.ts"

/**
 * Switchable faults: rate limit, 5xx, latency, truncated and malformed bodies, page timeouts.
 *
 * @since 0.1.0
 */
export * as Faults from "./Faults.ts"

/**
 * Bearer tokens and scopes: the server side of `DriftApi.Authorization`.
 *
 * @since 0.1.0
 */
export * as Auth from "./Auth.ts"

/**
 * The `DriftApi` handlers and Drift's envelopes for request errors.
 *
 * @since 0.1.0
 */
export * as Handlers from "./Handlers.ts"

/**
 * The admin surface under `/_sandbox/`.
 *
 * @since 0.1.0
 */
export * as Admin from "./Admin.ts"

/**
 * The store's errors.
 *
 * @since 0.1.0
 */
export * as SandboxError from "./SandboxError.ts"

/**
 * The sandbox's command line (`effect/cli`), for the `parley-drift-sandbox` binary and `parley sandbox`.
 *
 * @since 0.1.0
 */
export * as SandboxCommand from "./SandboxCommand.ts"
