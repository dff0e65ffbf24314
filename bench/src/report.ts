/**
 * Output: markdown tables for the terminal and the README, and the results as JSON in `bench/results/` with a
 * deterministic key order (keys sorted at every level), so a results file diffs cleanly from run to run.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs"
import * as os from "node:os"
import { fileURLToPath } from "node:url"

/** `bench/results/`. */
export const RESULTS_DIR = fileURLToPath(new URL("../results/", import.meta.url))

const line = (cells: ReadonlyArray<string>): string => `| ${cells.join(" | ")} |`

/** A markdown table. `align` per column: "l" (default for the first column) or "r". */
export const table = (
  header: ReadonlyArray<string>,
  rows: ReadonlyArray<ReadonlyArray<string>>,
  align?: ReadonlyArray<"l" | "r">
): string => {
  const aligns = header.map((_, i) => align?.[i] ?? (i === 0 ? "l" : "r"))
  return [
    line(header),
    `|${aligns.map((a) => (a === "r" ? "---:" : ":---")).join("|")}|`,
    ...rows.map(line)
  ].join("\n")
}

/** A number with thousands separators and `digits` significant-ish decimals. */
export const num = (n: number, digits = 0): string =>
  Number.isFinite(n)
    ? n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : "n/a"

/** A duration in milliseconds, as µs or ms with 3 significant digits. */
export const duration = (ms: number): string => {
  if (!Number.isFinite(ms)) return "n/a"
  if (ms < 0.001) return `${(ms * 1e6).toPrecision(3)} ns`
  if (ms < 1) return `${(ms * 1000).toPrecision(3)} µs`
  if (ms < 1000) return `${ms.toPrecision(3)} ms`
  return `${(ms / 1000).toPrecision(3)} s`
}

/** A ratio as `12.3×` (two significant digits below 10). */
export const ratio = (r: number): string =>
  !Number.isFinite(r) ? "n/a" : r >= 100 ? `${Math.round(r)}×` : r >= 10 ? `${r.toFixed(1)}×` : `${r.toFixed(2)}×`

/** A measured ratio as `median× (min× to max× over N rounds)`. */
export const ratioWithRange = (
  r: { readonly median: number; readonly min: number; readonly max: number; readonly rounds: number }
): string => `${ratio(r.median)} (${ratio(r.min)} to ${ratio(r.max)}, ${r.rounds} rounds)`

/** A target and whether the run met it. */
export interface Target {
  readonly target: string
  readonly measured: string
  readonly met: boolean
}

export const targets = (list: ReadonlyArray<Target>): string =>
  table(
    ["target", "measured", "met"],
    list.map((t) => [t.target, t.measured, t.met ? "yes" : "**no**"]),
    ["l", "l", "l"]
  )

/** The machine and runtime a run happened on. */
export const environment = () => {
  const cpus = os.cpus()
  return {
    node: process.version,
    v8: process.versions.v8,
    platform: `${process.platform} ${process.arch}`,
    cpu: cpus[0]?.model.trim() ?? "unknown",
    cores: os.availableParallelism(),
    memoryGiB: Math.round(os.totalmem() / 2 ** 30)
  }
}

const sortKeys = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {}
    for (const key of Object.keys(value).toSorted()) {
      const v = (value as Record<string, unknown>)[key]
      if (v !== undefined) out[key] = sortKeys(v)
    }
    return out
  }
  if (typeof value === "number" && !Number.isInteger(value)) return Number(value.toPrecision(6))
  return value
}

/** JSON with keys sorted at every level and non-integers rounded to 6 significant digits. */
export const stableJson = (value: unknown): string => `${JSON.stringify(sortKeys(value), null, 2)}\n`

/**
 * Writes `sections` into `bench/results/<file>`, replacing those sections and keeping the others the file already
 * has (so `--only codec` refreshes the codec results alone).
 */
export const writeResults = (file: string, sections: Record<string, unknown>): string => {
  mkdirSync(RESULTS_DIR, { recursive: true })
  const path = `${RESULTS_DIR}${file}`
  let previous: Record<string, unknown> = {}
  if (existsSync(path)) {
    try {
      previous = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>
    } catch {
      previous = {}
    }
  }
  writeFileSync(path, stableJson({ ...previous, ...sections }))
  return path
}

/** Writes the markdown report next to the JSON (`<file>.md`). */
export const writeMarkdown = (file: string, markdown: string): string => {
  mkdirSync(RESULTS_DIR, { recursive: true })
  const path = `${RESULTS_DIR}${file}`
  writeFileSync(path, markdown.endsWith("\n") ? markdown : `${markdown}\n`)
  return path
}
