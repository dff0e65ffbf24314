/**
 * Every Drift conversation, message and thread as a resumable, rate-aware Effect Stream.
 *
 * @since 0.1.0
 */

/**
 * The stream service: conversations, messages, threads, incremental sync, checkpointed exports.
 *
 * @since 0.1.0
 */
export * as DriftStream from "./DriftStream.ts"

/**
 * Checkpoints: where an export stands, in memory or in a file written atomically.
 *
 * @since 0.1.0
 */
export * as Checkpoint from "./Checkpoint.ts"

/**
 * The errors a Drift stream ends with, each naming where to resume.
 *
 * @since 0.1.0
 */
export * as DriftStreamError from "./DriftStreamError.ts"

/**
 * The output guard: no output replaced unasked, no two paths the same file, inputs readable before anything is
 * truncated, one writer per output (a lock file).
 *
 * @since 0.2.0
 */
export * as OutputGuard from "./OutputGuard.ts"

/**
 * Where an export's records go: files written with the exactly-once protocol, stdout, stderr, memory.
 *
 * @since 0.2.0
 */
export * as RecordSink from "./RecordSink.ts"
