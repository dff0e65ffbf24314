/**
 * `parley inbox`: Parley Inbox (`@parley/inbox`), the review tool, on the embedded sandbox, a Drift workspace
 * (`DRIFT_TOKEN`) or an export file (`--file`). It is the Inbox's own command, mounted under `parley`; the Inbox's
 * server is loaded when the command runs.
 *
 * @since 0.1.0
 */
import * as InboxCommand from "@parley/inbox/InboxCommand"

/**
 * `parley inbox`.
 *
 * @since 0.1.0
 */
export const command: typeof InboxCommand.command = InboxCommand.command
