/**
 * Both sandboxes in this process on loopback ports, the clients over undici, and readers of what the Intercom
 * sandbox holds (its admin view), for the migration tests.
 */
import { NodeHttpClient } from "@effect/platform-node"
import { DriftClient, type DriftError } from "@parley/drift-client"
import { Sandbox as DriftSandbox } from "@parley/drift-sandbox"
import { DriftStream } from "@parley/drift-stream"
import { IntercomClient } from "@parley/intercom-client"
import { Sandbox as IntercomSandbox } from "@parley/intercom-sandbox"
import { Duration, Effect, Layer, Redacted } from "effect"
import { adminsFor } from "../../../test-support/admins.ts"
import { Engine, MigrateWorkflow } from "../src/index.ts"

export interface Sandboxes {
  readonly drift: DriftSandbox.Running
  readonly intercom: IntercomSandbox.Running
}

export const startSandboxes = (options: {
  readonly conversations: number
  readonly seed?: number
  readonly intercom?: Omit<IntercomSandbox.Options, "port" | "admins">
}) =>
  Effect.gen(function*() {
    const drift = yield* DriftSandbox.start({ port: 0, conversations: options.conversations, seed: options.seed ?? 1 })
    const intercom = yield* IntercomSandbox.start({ ...options.intercom, port: 0, admins: yield* adminsFor(drift) })
    return { drift, intercom } satisfies Sandboxes
  })

/**
 * Clients for both sandboxes, the Drift stream, and the engine on `database`. The search settle window is 0 by
 * default: the sandbox's search sees writes at once unless it was started with a lag.
 */
export const migrationLayer = (
  sandboxes: Sandboxes,
  database = ":memory:",
  settle: Duration.Duration = Duration.zero,
  client: Pick<IntercomClient.Options, "retry" | "rateLimit"> = {}
): Layer.Layer<
  | Layer.Success<ReturnType<typeof Engine.layer>>
  | DriftStream.DriftStream
  | DriftClient.DriftClient
  | IntercomClient.IntercomClient,
  Layer.Error<ReturnType<typeof Engine.layer>> | DriftError.InvalidOptions
> =>
  Engine.layer({ database }).pipe(
    Layer.provide(Layer.succeed(MigrateWorkflow.SearchSettle, settle)),
    Layer.provideMerge(
      Layer.mergeAll(
        DriftStream.DriftStream.layer.pipe(
          Layer.provideMerge(DriftClient.DriftClient.layer({
            token: Redacted.make(sandboxes.drift.token),
            baseUrl: sandboxes.drift.url,
            rateLimit: false
          }))
        ),
        IntercomClient.IntercomClient.layer({
          token: Redacted.make(sandboxes.intercom.token),
          baseUrl: sandboxes.intercom.url,
          retry: { times: 5, baseDelay: "20 millis", maxDelay: "2 seconds" },
          ...client
        })
      ).pipe(Layer.provide(NodeHttpClient.layerUndici))
    )
  )

export interface StoredPart {
  readonly id: string
  readonly part_type: string
  readonly body: string | null
  readonly created_at: number
  readonly author: { readonly type: string; readonly id: string }
}

export interface StoredConversation {
  readonly id: string
  readonly created_at: number
  readonly state: string
  readonly source: { readonly body: string; readonly author: { readonly type: string; readonly id: string } }
  readonly custom_attributes?: Record<string, unknown>
  readonly contacts: { readonly contacts: ReadonlyArray<{ readonly id: string }> }
  readonly conversation_parts: { readonly conversation_parts: ReadonlyArray<StoredPart> }
}

const admin = <A>(sandboxes: Sandboxes, path: string) =>
  Effect.promise(() => fetch(`${sandboxes.intercom.url}/_sandbox/${path}`).then((r) => r.json() as Promise<A>))

/** Every conversation the Intercom sandbox holds, with its parts. */
export const storedConversations = (sandboxes: Sandboxes) =>
  admin<{ readonly conversations: ReadonlyArray<StoredConversation> }>(sandboxes, "conversations").pipe(
    Effect.map((r) => r.conversations)
  )

/** Every contact the Intercom sandbox holds. */
export const storedContacts = (sandboxes: Sandboxes) =>
  admin<{ readonly contacts: ReadonlyArray<{ readonly id: string; readonly external_id?: string | null }> }>(
    sandboxes,
    "contacts"
  ).pipe(Effect.map((r) => r.contacts))

/**
 * The duplicates in what Intercom holds: Drift conversations landed more than once, contacts with the same
 * external id. (Parts posted twice are found by `Migration.verify`, which checks that a conversation holds exactly
 * its planned parts: Drift threads can hold two equal messages in one second, so equal parts are not duplicates.)
 */
export const duplicates = (sandboxes: Sandboxes) =>
  Effect.gen(function*() {
    const conversations = yield* storedConversations(sandboxes)
    const contacts = yield* storedContacts(sandboxes)
    const byDrift = new Map<string, number>()
    // A conversation not yet tagged with its Drift id (killed between create and attributes) is keyed by its
    // contact and opening second, which a duplicate would share.
    for (const c of conversations) {
      const key = String(
        c.custom_attributes?.["drift_conversation_id"] ?? `${c.contacts.contacts[0]?.id}@${c.created_at}`
      )
      byDrift.set(key, (byDrift.get(key) ?? 0) + 1)
    }
    const byExternal = new Map<string, number>()
    for (const c of contacts) {
      if (c.external_id) byExternal.set(c.external_id, (byExternal.get(c.external_id) ?? 0) + 1)
    }
    return {
      conversations: [...byDrift.values()].filter((n) => n > 1).length,
      contacts: [...byExternal.values()].filter((n) => n > 1).length,
      total: conversations.length
    }
  })
