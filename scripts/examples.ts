/**
 * Extracts every `@example` code block of the JSDoc in `packages/*\/src` and `apps/*\/src` into a gitignored
 * `.examples/` folder beside each package's `src/`, one module per example, so `tsconfig.examples.json` (part of
 * `pnpm typecheck`) compiles them and an example that no longer type-checks fails the build, as Effect's docgen
 * does. Each example resolves imports like the package's own code: its dependencies, and the package itself by
 * name.
 *
 * A broken extractor cannot pass by finding nothing: the run fails (exit code 1) when it wrote fewer examples than
 * a plain count of `@example` tags directly followed by a ts fence finds in the same files, fewer than
 * {@link MIN_EXAMPLES} in all, an empty one, or none for a package.
 *
 * Usage: node scripts/examples.ts [--check] (`--check` also lists what it wrote).
 */
import * as Fs from "node:fs"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"

const root = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "..")
const OUT = ".examples"
/** Fewer examples than this in all means the extractor is broken (there are over 200). */
const MIN_EXAMPLES = 150
/** The independent count: an `@example` tag whose next comment line opens a ts fence. */
const TAGGED = /@example[^\n]*\n[ \t]*\*[ \t]*```(?:ts|typescript)\b/g

/** The `.ts` files under `dir`, recursively, in a stable order. */
const sources = (dir: string): Array<string> =>
  Fs.readdirSync(dir, { withFileTypes: true })
    .toSorted((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const path = Path.join(dir, entry.name)
      if (entry.isDirectory()) return sources(path)
      return entry.isFile() && entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [path] : []
    })

/** One example: its code and the line of the source file its block starts on. */
interface Example {
  readonly line: number
  readonly code: string
}

/** The fenced ts blocks that follow an `@example` tag inside JSDoc comments. */
export const extract = (text: string): Array<Example> => {
  const examples: Array<Example> = []
  const lines = text.split("\n")
  let inDoc = false
  let afterExample = false
  let block: { line: number; lines: Array<string> } | undefined
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!
    const trimmed = raw.trim()
    if (!inDoc) {
      if (trimmed.startsWith("/**")) {
        inDoc = !trimmed.endsWith("*/") || trimmed === "/**"
        afterExample = false
      }
      continue
    }
    if (trimmed.endsWith("*/") && block === undefined) {
      inDoc = false
      continue
    }
    const content = trimmed.replace(/^\* ?/, "").replace(/^\*$/, "")
    // Keep indentation inside the block: strip exactly the comment prefix.
    const inner = raw.replace(/^\s*\* ?/, "").replace(/^\s*\*$/, "")
    if (block !== undefined) {
      if (content.startsWith("```")) {
        examples.push({ line: block.line, code: block.lines.join("\n") + "\n" })
        block = undefined
      } else {
        block.lines.push(inner.replaceAll("*\\/", "*/"))
      }
      continue
    }
    if (content.startsWith("@example")) afterExample = true
    else if (content.startsWith("@") && !content.startsWith("@example")) afterExample = false
    else if (afterExample && /^```(ts|typescript)\b/.test(content)) block = { line: i + 2, lines: [] }
  }
  return examples
}

const packageDirs = ["packages", "apps"].flatMap((group) =>
  Fs.readdirSync(Path.join(root, group), { withFileTypes: true })
    .filter((e) => e.isDirectory() && Fs.existsSync(Path.join(root, group, e.name, "src")))
    .map((e) => Path.join(root, group, e.name))
)

let written = 0
let tagged = 0
const problems: Array<string> = []
for (const dir of packageDirs) {
  const out = Path.join(dir, OUT)
  Fs.rmSync(out, { recursive: true, force: true })
  const before = written
  for (const file of sources(Path.join(dir, "src"))) {
    const text = Fs.readFileSync(file, "utf8")
    const examples = extract(text)
    tagged += text.match(TAGGED)?.length ?? 0
    examples.forEach((example, k) => {
      if (example.code.trim() === "") {
        problems.push(`the @example at ${Path.relative(root, file)}:${example.line} is empty`)
      }
      const relative = Path.relative(Path.join(dir, "src"), file).replace(/\.ts$/, "")
      const target = Path.join(out, `${relative.replaceAll(Path.sep, "__")}.${k + 1}.ts`)
      Fs.mkdirSync(Path.dirname(target), { recursive: true })
      const origin = `${Path.relative(root, file)}:${example.line}`
      Fs.writeFileSync(target, `// The @example at ${origin} (written by scripts/examples.ts).\n${example.code}`)
      written++
      if (process.argv.includes("--check")) console.log(`${Path.relative(root, target)} <- ${origin}`)
    })
  }
  if (written === before) {
    problems.push(`no @example found in ${Path.relative(root, dir)}/src: is the extractor broken?`)
  }
}
if (written < tagged) {
  problems.push(
    `${tagged} @example tags open a ts fence, but only ${written} examples were extracted: is the extractor broken?`
  )
}
if (written < MIN_EXAMPLES) {
  problems.push(`only ${written} examples found (at least ${MIN_EXAMPLES} expected): is the extractor broken?`)
}
console.log(`scripts/examples.ts: ${written} JSDoc examples written to ${OUT}/ folders`)
if (problems.length > 0) {
  for (const problem of problems) console.error(`scripts/examples.ts: ${problem}`)
  process.exitCode = 1
}
