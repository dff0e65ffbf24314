/**
 * `parley sandbox`: runs the Drift sandbox server (`@parley/drift-sandbox`) until Ctrl-C. It is the sandbox's own
 * command (the one behind its `parley-drift-sandbox` binary), mounted under `parley`, so the flags cannot drift
 * apart.
 *
 * @since 0.1.0
 */
import { SandboxCommand } from "@parley/drift-sandbox"

/**
 * `parley sandbox`.
 *
 * @since 0.1.0
 */
export const command = SandboxCommand.make("sandbox")
