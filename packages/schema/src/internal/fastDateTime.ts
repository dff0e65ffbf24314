/**
 * `DateTime.Utc` values from epoch milliseconds, built faster than `DateTime.makeUnsafe`.
 *
 * Effect 4.1 builds each `DateTime.Utc` with `Object.create` and an `Object.defineProperty` for its non-enumerable
 * `partsUtc` cache (the calendar parts, filled on first use): ~170 ns per value on a quiet machine, 13 ns without
 * the `defineProperty`, and the largest single cost of decoding a page of timestamps. Here the value is a plain
 * object whose prototype chain holds Effect's own `DateTime.Utc` prototype under one more prototype, which defines
 * `partsUtc` as an accessor: it reads `undefined` until Effect caches the parts, and the cache write defines the same
 * non-enumerable own property Effect defines, then. So every `DateTime` function, `Equal`, `Hash`, `JSON.stringify`,
 * `String` and the enumerable keys behave as for a value Effect built; only reflection (`Reflect.ownKeys` before the
 * parts are cached, `Object.getPrototypeOf`) tells them apart.
 *
 * This is checked once at load against values Effect built; if anything differs (a later Effect version), values
 * come from a constructor giving Effect's exact property layout, or from `DateTime.makeUnsafe` itself. Inputs a
 * `Date` would clip or reject always go to `DateTime.makeUnsafe`, so they give Effect's own result or error.
 *
 * @internal
 */
import { DateTime, Equal, Hash } from "effect"

/** The largest magnitude a JavaScript `Date` holds (ECMAScript TimeClip). */
const MAX_DATE_MILLIS = 8.64e15

type Make = (ms: number) => DateTime.Utc

const slow: Make = (ms) => DateTime.makeUnsafe(ms)

const ownLayout = (u: object) =>
  Reflect.ownKeys(u).map((key) => {
    const d = Object.getOwnPropertyDescriptor(u, key)!
    return [String(key), d.value, d.writable, d.enumerable, d.configurable, d.get === undefined]
  })

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b)

/** Whether values from `make` behave as Effect's own, through the public API. */
const behavesLike = (make: Make, exactLayout: boolean): boolean => {
  try {
    for (const ms of [0, 1_548_700_064_840, 253_402_300_799_999, -86_400_000]) {
      const fast = make(ms)
      const reference = DateTime.makeUnsafe(ms)
      if (exactLayout && !sameJson(ownLayout(fast), ownLayout(reference))) return false
      const same = Equal.equals(fast, reference) && Equal.equals(reference, fast) &&
        Hash.hash(fast) === Hash.hash(reference) && DateTime.isDateTime(fast) && DateTime.isUtc(fast) &&
        DateTime.formatIso(fast) === DateTime.formatIso(reference) && String(fast) === String(reference) &&
        sameJson(fast, reference) && sameJson(Object.keys(fast), Object.keys(reference)) &&
        sameJson(DateTime.toPartsUtc(fast), DateTime.toPartsUtc(reference)) &&
        // After the parts are cached: the same enumerable keys, the same zoned values.
        sameJson(Object.keys(fast), Object.keys(reference)) &&
        sameJson(ownLayout(fast), ownLayout(reference)) &&
        Equal.equals(
          DateTime.setZone(fast, DateTime.zoneMakeOffset(3_600_000)),
          DateTime.setZone(reference, DateTime.zoneMakeOffset(3_600_000))
        ) &&
        DateTime.formatIso(DateTime.add(fast, { days: 1 })) === DateTime.formatIso(DateTime.add(reference, { days: 1 }))
      if (!same) return false
    }
    return true
  } catch {
    return false
  }
}

const guarded = (make: Make): Make => (ms) =>
  // `+ 0` turns -0 into 0, as `new Date(-0).getTime()` does.
  Number.isInteger(ms) && ms >= -MAX_DATE_MILLIS && ms <= MAX_DATE_MILLIS ? make(ms + 0) : slow(ms)

const makeFast = (): Make => {
  const protoUtc = Object.getPrototypeOf(DateTime.makeUnsafe(0)) as object
  interface Utc {
    epochMilliseconds: number
  }

  // The lazily defined cache: no `defineProperty` per value.
  const lazyProto = Object.create(protoUtc, {
    partsUtc: {
      get: () => undefined,
      set(this: object, value: unknown) {
        Object.defineProperty(this, "partsUtc", { value, enumerable: false, writable: true })
      },
      enumerable: false,
      configurable: false
    }
  }) as object
  function Lazy(this: Utc, ms: number) {
    this.epochMilliseconds = ms
  }
  Lazy.prototype = lazyProto
  const lazy: Make = (ms) => new (Lazy as unknown as new(ms: number) => DateTime.Utc)(ms)
  if (behavesLike(lazy, false)) return guarded(lazy)

  // Effect's exact layout, with a constructor (a cached shape transition for the `defineProperty`).
  function Exact(this: Utc, ms: number) {
    this.epochMilliseconds = ms
    Object.defineProperty(this, "partsUtc", { value: undefined, enumerable: false, writable: true })
  }
  Exact.prototype = protoUtc
  const exact: Make = (ms) => new (Exact as unknown as new(ms: number) => DateTime.Utc)(ms)
  if (behavesLike(exact, true)) return guarded(exact)
  return slow
}

/** `DateTime.makeUnsafe(ms)` for a number, faster; an equal value (or the same error). */
export const utcFromEpochMillis: Make = makeFast()
