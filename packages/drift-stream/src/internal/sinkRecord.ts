/**
 * The positions a checkpoint's sink record vouches for: the output's and the rejects file's byte lengths and
 * record counts (`bytes`/`lines`, `rejectBytes`/`rejectLines`; an absent or non-numeric entry counts as 0).
 *
 * @internal
 */
import type { State } from "../Checkpoint.ts"

const numberIn = (record: State["sink"], key: string): number =>
  typeof record?.[key] === "number" ? record[key] as number : 0

/** @internal */
export const positions = (record: State["sink"]) => ({
  output: { bytes: numberIn(record, "bytes"), records: numberIn(record, "lines") },
  rejects: { bytes: numberIn(record, "rejectBytes"), records: numberIn(record, "rejectLines") }
})
