/**
 * Building blocks shared by the Drift and Intercom models: safe integer ids and epoch timestamps.
 *
 * @internal
 */
import { DateTime, Schema, SchemaGetter } from "effect"
import { utcFromEpochMillis } from "./fastDateTime.ts"

/** The last millisecond of year 9999, the upper bound of timestamps Parley accepts. */
export const MAX_EPOCH_MILLIS = 253_402_300_799_999

/** A non-negative integer no larger than 2^53 - 1: the numbers JSON can carry without rounding. */
export const SafeId = Schema.Number.check(
  Schema.isInt({
    expected: "a non-negative integer id of at most 2^53 - 1",
    message:
      "Expected a non-negative integer id of at most 2^53 - 1 (9007199254740991); larger ids cannot be held without rounding"
  }),
  Schema.isGreaterThanOrEqualTo(0, { message: "Expected a non-negative integer id, got a negative number" })
)

const isTimestampInRange = (min: number, max: number) =>
  Schema.makeFilter((dt: DateTime.Utc) => {
    const ms = dt.epochMilliseconds
    return ms >= min && ms <= max
  }, {
    expected: "a date between 1970-01-01 and 9999-12-31",
    arbitraryConstraint: { minimum: DateTime.makeUnsafe(min), maximum: DateTime.makeUnsafe(max) }
  })

/**
 * Epoch milliseconds on the wire (a non-negative integer), `DateTime.Utc` decoded.
 * Encoding gives back the exact number of milliseconds.
 */
export const EpochMillis = Schema.Number.check(
  Schema.isInt({
    expected: "an epoch timestamp in milliseconds (a non-negative integer)",
    message: "Expected an epoch timestamp in milliseconds: a non-negative integer no later than year 9999"
  }),
  Schema.isBetween({ minimum: 0, maximum: MAX_EPOCH_MILLIS }, {
    message: "Expected an epoch timestamp in milliseconds: a non-negative integer no later than year 9999"
  })
).pipe(
  Schema.decodeTo(Schema.DateTimeUtc.check(isTimestampInRange(0, MAX_EPOCH_MILLIS)), {
    decode: SchemaGetter.transform(utcFromEpochMillis),
    encode: SchemaGetter.transform((dt: DateTime.Utc) => dt.epochMilliseconds)
  })
)
