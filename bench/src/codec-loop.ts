/**
 * Decodes the codec benchmark's pages with Parley's schema in a loop, alone, for profiling:
 *
 * ```sh
 * node --cpu-prof --cpu-prof-dir=/tmp/prof bench/src/codec-loop.ts messages 5
 * ```
 *
 * Arguments: the page kind (`conversations`, the default, or `messages`) and the seconds to run (4). Prints the
 * median time per page.
 */
import { Drift } from "@parley/schema"
import { Schema } from "effect"
import * as Corpus from "./corpus.ts"

const kind = process.argv[2] ?? "conversations"
if (kind !== "conversations" && kind !== "messages") throw new Error(`unknown page kind ${kind}`)
const seconds = Number(process.argv[3] ?? 4)
const ws = Corpus.workspace(2000)
const pages = kind === "conversations" ? Corpus.conversationsPages(ws, 20) : Corpus.messagesPages(ws, 20)
const decode: (u: unknown) => unknown = kind === "conversations"
  ? Schema.decodeUnknownSync(Drift.ConversationsPage)
  : Schema.decodeUnknownSync(Drift.MessagesPage)
let sink = 0
const times: Array<number> = []
const end = performance.now() + seconds * 1000
while (performance.now() < end) {
  const t0 = performance.now()
  for (const page of pages) sink += decode(page) === undefined ? 0 : 1
  times.push(performance.now() - t0)
}
times.sort((a, b) => a - b)
const median = times[times.length >> 1]! / pages.length
console.log(`${kind}: ${times.length} passes, ${(median * 1000).toFixed(1)} µs per page (median) [${sink}]`)
