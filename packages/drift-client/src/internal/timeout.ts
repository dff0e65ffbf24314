/**
 * The per-attempt timeout, on one child fiber.
 *
 * `Effect.timeoutOrElse` races the effect against `Effect.sleep`: two fibers forked per call, and the loser
 * interrupted. An export makes thousands of attempts, and that race was about a seventh of a cold export's time. Here
 * the effect runs in one child fiber and the wait is a timer: the child's exit resumes the caller (and clears the
 * timer), or the timer interrupts the child, waits for it to stop, and runs `orElse`. Interrupting the caller clears
 * the timer and interrupts the child, as the race would.
 *
 * The timer is the runtime's default clock (`setTimeout`, as `Effect.sleep` uses on it). Under any other `Clock`
 * (`TestClock`, say) this is `Effect.timeoutOrElse` itself, so a test that moves time moves this timeout too.
 *
 * @internal
 */
import { Clock, Effect, Fiber } from "effect"

/** The longest delay `setTimeout` keeps (about 24.8 days); longer ones take `Effect.timeoutOrElse`. */
const MAX_TIMER_MILLIS = 2 ** 31 - 1

let defaultClock: Function | undefined

/** Whether `clock` is the runtime's default clock (a `TestClock` or a user's clock is not). */
const isDefaultClock = (clock: Clock.Clock): boolean => {
  // A program run with nothing provided sees the default clock.
  defaultClock ??= Effect.runSync(Clock.clockWith((c) => Effect.succeed(c.constructor)))
  return clock.constructor === defaultClock
}

/** Whether a timer of `millis` on `fiber` can be a plain `setTimeout` (the default clock, a delay it keeps). */
export const usesTimer = (fiber: Fiber.Fiber<unknown, unknown>, millis: number): boolean =>
  millis > 0 && millis <= MAX_TIMER_MILLIS && isDefaultClock(fiber.getRef(Clock.Clock))

/**
 * `self`, or `orElse()` when `self` has not finished after `millis` (its fiber is interrupted first). Same outcome as
 * `Effect.timeoutOrElse(self, { duration: millis, orElse })`.
 */
export const timeoutOrElse = <A, E, R, A2, E2, R2>(
  self: Effect.Effect<A, E, R>,
  millis: number,
  orElse: () => Effect.Effect<A2, E2, R2>
): Effect.Effect<A | A2, E | E2, R | R2> =>
  Effect.withFiber((parent) => {
    if (!usesTimer(parent, millis)) {
      return Effect.timeoutOrElse(self, { duration: millis, orElse })
    }
    return Effect.flatMap(
      Effect.forkChild(self, { startImmediately: true }),
      (child) =>
        Effect.callback<A | A2, E | E2, R2>((resume) => {
          let timer: ReturnType<typeof setTimeout> | undefined = setTimeout(() => {
            timer = undefined
            resume(Effect.andThen(Fiber.interrupt(child), Effect.suspend(orElse)))
          }, millis)
          child.addObserver((exit) => {
            // After the timer fired, the exit is the interruption it caused: `orElse` answers.
            if (timer === undefined) return
            clearTimeout(timer)
            timer = undefined
            resume(exit)
          })
          return Effect.suspend(() => {
            if (timer !== undefined) clearTimeout(timer)
            timer = undefined
            return Fiber.interrupt(child)
          })
        })
    )
  })
