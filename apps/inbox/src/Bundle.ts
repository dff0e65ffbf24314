/**
 * The web page's bundle: where it lives (`dist/web`, built by `vite build` from `web/`), building it when it is
 * missing (or, for tests, older than its sources), and reading it into memory for the server.
 *
 * @example
 * ```ts
 * import { Bundle } from "@parley/inbox"
 * import { Effect } from "effect"
 *
 * const files = await Effect.runPromise(Effect.andThen(Bundle.ensure(), Bundle.load()))
 * files.get("/index.html")?.contentType // "text/html; charset=utf-8"
 * ```
 *
 * @since 0.1.0
 */
import { Effect, Schema } from "effect"
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import { createRequire } from "node:module"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

/**
 * The package root (`apps/inbox`), from `src/` or `dist/` alike.
 *
 * @since 0.1.0
 */
export const packageRoot: string = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")

/**
 * Where the bundle is written and served from.
 *
 * @since 0.1.0
 */
export const directory: string = path.join(packageRoot, "dist", "web")

/**
 * The bundle is missing and could not be built.
 *
 * @since 0.1.0
 */
export class BundleMissing extends Schema.TaggedError<BundleMissing>()("BundleMissing", {
  reason: Schema.String
}) {
  override get message(): string {
    return `The Inbox web page is not built (${directory}): ${this.reason}. Run \`pnpm --filter @parley/inbox build\`.`
  }
}

const newest = (dir: string): number => {
  let latest = 0
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name)
    latest = Math.max(latest, entry.isDirectory() ? newest(full) : fs.statSync(full).mtimeMs)
  }
  return latest
}

/**
 * Whether the bundle is missing, or older than the page sources (`web/`, `src/Model.ts`, `vite.config.ts`).
 *
 * @since 0.1.0
 */
export const isStale = (): boolean => {
  const index = path.join(directory, "index.html")
  if (!fs.existsSync(index)) return true
  const web = path.join(packageRoot, "web")
  if (!fs.existsSync(web)) return false
  const sources = Math.max(
    newest(web),
    ...["src/Model.ts", "vite.config.ts"].map((f) => {
      const full = path.join(packageRoot, f)
      return fs.existsSync(full) ? fs.statSync(full).mtimeMs : 0
    })
  )
  return fs.statSync(index).mtimeMs < sources
}

/**
 * Builds the bundle with `vite build` (a development dependency: available in the repository, not in the
 * published package, which ships `dist/web`) when it is missing, or also when stale if `whenStale` is set.
 *
 * @since 0.1.0
 */
export const ensure = (
  options: { readonly whenStale?: boolean | undefined } = {}
): Effect.Effect<void, BundleMissing> =>
  Effect.suspend(() => {
    const missing = !fs.existsSync(path.join(directory, "index.html"))
    if (!missing && !(options.whenStale === true && isStale())) return Effect.void
    let vite: string
    try {
      vite = path.join(
        path.dirname(createRequire(path.join(packageRoot, "package.json")).resolve("vite/package.json")),
        "bin",
        "vite.js"
      )
    } catch {
      return Effect.fail(new BundleMissing({ reason: "vite is not installed here" }))
    }
    if (!fs.existsSync(path.join(packageRoot, "web"))) {
      return Effect.fail(new BundleMissing({ reason: "the web/ sources are not here" }))
    }
    const result = spawnSync(process.execPath, [vite, "build", "--logLevel", "warn"], {
      cwd: packageRoot,
      stdio: ["ignore", "inherit", "inherit"]
    })
    return result.status === 0
      ? Effect.void
      : Effect.fail(new BundleMissing({ reason: `vite build exited with ${result.status ?? result.signal}` }))
  })

/**
 * A file of the bundle.
 *
 * @since 0.1.0
 */
export interface File {
  readonly body: Uint8Array
  readonly contentType: string
}

const types: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon"
}

/**
 * Reads every file of the bundle into memory, keyed by URL path (`/index.html`, `/assets/index-abc.js`). Only
 * these paths are ever served: no request reaches the file system.
 *
 * @since 0.1.0
 */
export const load = (dir: string = directory): Effect.Effect<ReadonlyMap<string, File>, BundleMissing> =>
  Effect.try({
    try: () => {
      const files = new Map<string, File>()
      const walk = (sub: string) => {
        for (const entry of fs.readdirSync(path.join(dir, sub), { withFileTypes: true })) {
          const rel = path.posix.join(sub, entry.name)
          if (entry.isDirectory()) walk(rel)
          else {
            files.set(`/${rel}`, {
              body: fs.readFileSync(path.join(dir, rel)),
              contentType: types[path.extname(entry.name)] ?? "application/octet-stream"
            })
          }
        }
      }
      walk("")
      if (!files.has("/index.html")) throw new Error("index.html is missing")
      return files
    },
    catch: (error) => new BundleMissing({ reason: error instanceof Error ? error.message : String(error) })
  })
