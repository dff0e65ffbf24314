/**
 * `parley inbox`: Parley Inbox (`@parley/inbox`), the review tool, on the embedded sandbox, a Drift workspace
 * (`DRIFT_TOKEN`) or an export file (`--file`). It is the Inbox's own command, mounted under `parley`.
 *
 * @since 0.1.0
 */
import { Inbox } from "@parley/inbox"

/**
 * `parley inbox`.
 *
 * @since 0.1.0
 */
export const command: typeof Inbox.command = Inbox.command
