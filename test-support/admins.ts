/**
 * The Intercom admins a migration test seeds its Intercom sandbox with: the token's own admin first, then every
 * non-bot Drift sandbox user by email, as in a real migration (Drift authors are matched to admins by email).
 */
import { Effect } from "effect"

/** A running Drift sandbox, in-process or a child: its base URL and token. */
export interface DriftEndpoint {
  readonly url: string
  readonly token: string
}

/** The admins for `drift`'s users (reads `GET /users/list`). */
export const adminsFor = (drift: DriftEndpoint) =>
  Effect.promise(async () => {
    const response = await fetch(`${drift.url}/users/list`, { headers: { authorization: `Bearer ${drift.token}` } })
    const users = (await response.json()) as {
      readonly data: ReadonlyArray<{ readonly email?: string | null; readonly name?: string; readonly bot?: boolean }>
    }
    return [
      { name: "Parley Migration", email: "migration@parley.invalid" },
      ...users.data.filter((u) => u.bot !== true && u.email).map((u) => ({
        name: u.name ?? "",
        email: String(u.email)
      }))
    ]
  })
