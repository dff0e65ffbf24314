/**
 * One permit per key, in this process: `withLock(key)(effect)` runs `effect` while no other effect holds `key`.
 * A key's semaphore lives while someone holds or waits for it, so keys used once (a contact, a budget) do not pile
 * up.
 */
import { Effect, Semaphore } from "effect"

/** @internal */
export const make = () => {
  const locks = new Map<string, { readonly semaphore: Semaphore.Semaphore; users: number }>()
  return (key: string) => <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.suspend(() => {
      let lock = locks.get(key)
      if (lock === undefined) {
        lock = { semaphore: Semaphore.makeUnsafe(1), users: 0 }
        locks.set(key, lock)
      }
      const held = lock
      held.users++
      return held.semaphore.withPermits(1)(effect).pipe(
        Effect.ensuring(Effect.sync(() => {
          if (--held.users === 0) locks.delete(key)
        }))
      )
    })
}
