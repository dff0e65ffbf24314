/**
 * An Intercom-compatible API server (the subset `IntercomApi` declares), in memory, with Intercom's rate-limit
 * headers and deterministic faults.
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
 * The in-memory workspace: the `SandboxStore` service.
 *
 * @since 0.1.0
 */
export * as Store from "./Store.ts"

/**
 * The rate limit (10-second windows, `X-RateLimit-*` headers) and the faults.
 *
 * @since 0.1.0
 */
export * as Faults from "./Faults.ts"

/**
 * Access tokens: the server side of `IntercomApi.Authorization`.
 *
 * @since 0.1.0
 */
export * as Auth from "./Auth.ts"

/**
 * The `IntercomApi` handlers and Intercom's error lists for request errors.
 *
 * @since 0.1.0
 */
export * as Handlers from "./Handlers.ts"

/**
 * The admin view under `/_sandbox/`.
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
 * The command line (`effect/cli`), for the `parley-intercom-sandbox` binary.
 *
 * @since 0.1.0
 */
export * as SandboxCommand from "./SandboxCommand.ts"
