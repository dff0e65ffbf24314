/**
 * `parley sandbox`: runs the Drift sandbox server (`@parley/drift-sandbox`) until Ctrl-C. It is the sandbox's own
 * command (the one behind its `parley-drift-sandbox` binary), mounted under `parley`, so the flags cannot drift
 * apart. A port in use is one line naming the port and what to do (`SandboxError.ListenFailed`).
 *
 * @since 0.1.0
 */
import * as SandboxCommand from "@parley/drift-sandbox/SandboxCommand"

/**
 * `parley sandbox`.
 *
 * @since 0.1.0
 */
export const command: ReturnType<typeof SandboxCommand.make> = SandboxCommand.make("sandbox")
