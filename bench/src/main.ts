/**
 * `pnpm bench` (or `node bench/src/main.ts`): runs the benchmarks, prints a markdown report, and writes the results
 * to `bench/results/latest.json` and `latest.md` (`--quick`: `quick.tmp.json` and `quick.tmp.md`, git-ignored).
 *
 * Flags: `--quick` (smaller inputs, fewer repeats: under a minute, for CI smoke runs), `--only sanitizer,codec`
 * (any of sanitizer, codec, mapper, export, migrate, fleet; the other sections of the results file are kept).
 */
import { readFileSync } from "node:fs"
import * as Codec from "./codec.ts"
import * as Export from "./export.ts"
import * as Fleet from "./fleet.ts"
import * as Mapper from "./mapper.ts"
import * as Migrate from "./migrate.ts"
import type { Options, Section } from "./options.ts"
import * as Report from "./report.ts"
import * as Sanitizer from "./sanitizer.ts"

const BENCHMARKS = {
  sanitizer: Sanitizer.run,
  codec: Codec.run,
  mapper: Mapper.run,
  export: Export.run,
  migrate: Migrate.run,
  fleet: Fleet.run
} as const
type Name = keyof typeof BENCHMARKS
const NAMES = Object.keys(BENCHMARKS) as Array<Name>

const usage = `usage: node bench/src/main.ts [--quick] [--only ${NAMES.join(",")}]`

const parseArgs = (argv: ReadonlyArray<string>): { quick: boolean; only: ReadonlyArray<Name> } => {
  let quick = false
  let only: Array<Name> = NAMES
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === "--") continue
    if (arg === "--quick") quick = true
    else if (arg === "--only" || arg.startsWith("--only=")) {
      const value = arg === "--only" ? argv[++i] : arg.slice("--only=".length)
      const names = (value ?? "").split(",").map((s) => s.trim()).filter((s) => s !== "")
      const unknown = names.filter((n) => !(NAMES as Array<string>).includes(n))
      if (names.length === 0 || unknown.length > 0) throw new Error(`--only: unknown benchmark ${unknown}\n${usage}`)
      only = NAMES.filter((n) => names.includes(n))
    } else if (arg === "--help" || arg === "-h") {
      console.log(usage)
      process.exit(0)
    } else throw new Error(`unknown argument ${arg}\n${usage}`)
  }
  return { quick, only }
}

const main = async () => {
  const started = performance.now()
  const { only, quick } = parseArgs(process.argv.slice(2))
  const options: Options = {
    quick,
    log: (line) => process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(1)}s] ${line}\n`)
  }
  const environment = Report.environment()
  options.log(
    `${quick ? "QUICK mode (smaller inputs, fewer repeats; numbers are indicative only)" : "full run"}: ${
      only.join(", ")
    } on ${environment.cpu}, ${environment.cores} cores, Node ${environment.node}`
  )
  const sections: Record<string, Section> = {}
  for (const name of only) {
    const section = await BENCHMARKS[name](options)
    sections[name] = section
    console.log(`${section.markdown}\n`)
  }
  const seconds = (performance.now() - started) / 1000
  const file = quick ? "quick.tmp" : "latest"
  const json: Record<string, unknown> = {
    environment: { ...environment, mode: quick ? "quick" : "full" }
  }
  for (const [name, section] of Object.entries(sections)) {
    json[name] = { ...section.data, markdown: section.markdown }
  }
  const jsonPath = Report.writeResults(`${file}.json`, json)
  // The markdown report of every section the file now holds, in benchmark order.
  const merged = JSON.parse(readFileSync(jsonPath, "utf8")) as Record<
    string,
    { markdown?: string }
  >
  const header = `Node ${environment.node}, ${environment.cpu}, ${environment.cores} cores, ${environment.platform}.`
  const markdown = [header, "", ...NAMES.flatMap((n) => (merged[n]?.markdown ? [merged[n].markdown, ""] : []))].join(
    "\n"
  )
  const mdPath = Report.writeMarkdown(`${file}.md`, markdown)
  options.log(`done in ${seconds.toFixed(1)} s${quick ? " (quick mode)" : ""}; results: ${jsonPath}, ${mdPath}`)
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error)
  process.exit(1)
})
