/**
 * The sandbox's defaults, in a module of their own: the command line shows them in its flags, and `--help` must
 * not load the server to print them.
 *
 * @internal
 */

/** The default token for local use: every scope. */
export const DEFAULT_TOKEN = "sandbox-token"

/** The default read-only token: every scope but `conversation_write`. */
export const DEFAULT_READONLY_TOKEN = "sandbox-readonly"

/** Whether a workspace seeds Drift's undocumented message types and contact fields unless told otherwise. */
export const DEFAULT_ODDITIES = true

/** See `Sandbox.defaults`. */
export const defaults = {
  host: "127.0.0.1",
  port: 4010,
  seed: 1,
  conversations: 2000,
  token: DEFAULT_TOKEN,
  readonlyToken: DEFAULT_READONLY_TOKEN,
  /** The largest request body read: 1 MiB (a message is at most a few KB); a larger one is answered 413. */
  maxBodyBytes: 1024 * 1024
} as const
