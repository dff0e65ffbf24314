/**
 * The web page's bundle: where it lives (`dist/web`, built by `vite build` from `web/`), building it when it is
 * missing (or, for tests, older than its sources), and reading its `index.html` for the server (the assets are
 * served from disk by `HttpStaticServer`).
 *
 * @example
 * ```ts
 * import { Bundle } from "@parley/inbox"
 * import { Effect } from "effect"
 *
 * import { NodeFileSystem } from "@effect/platform-node"
 *
 * const page = await Effect.runPromise(
 *   Effect.andThen(Bundle.ensure(), Bundle.load()).pipe(Effect.provide(NodeFileSystem.layer))
 * )
 * page.indexHtml // "<!doctype html>..."
 * ```
 *
 * @since 0.1.0
 */
import { Effect, FileSystem, type PlatformError, Schema } from "effect"
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
 * Whether the bundle is missing, or older than the page sources (`web/`, `src/Model.ts`, `src/InboxApi.ts`, `vite.config.ts`).
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
    ...["src/Model.ts", "src/InboxApi.ts", "vite.config.ts"].map((f) => {
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
 * The page: the bundle's folder (its `assets/` are served from disk by `effect/http`'s `HttpStaticServer`) and
 * its `index.html`, read once (the server writes this run's token into it; see `Server.page`).
 *
 * @since 0.3.0
 */
export interface Page {
  /** The bundle's folder (`dist/web`). */
  readonly directory: string
  /** The text of `index.html`. */
  readonly indexHtml: string
}

const readReason = (error: PlatformError.PlatformError): string => {
  switch (error.reason._tag) {
    case "NotFound":
      return "index.html is missing"
    case "PermissionDenied":
      return "index.html cannot be read (permission denied)"
    default:
      return error.message
  }
}

/**
 * Reads the bundle's `index.html`. The assets are not read here: the server serves them from
 * `<directory>/assets` with `HttpStaticServer` (which keeps every request inside that folder).
 *
 * @since 0.3.0
 */
export const load = Effect.fn("Bundle.load")(function*(
  dir: string = directory
): Effect.fn.Return<Page, BundleMissing, FileSystem.FileSystem> {
  const fs = yield* FileSystem.FileSystem
  const indexHtml = yield* fs.readFileString(path.join(dir, "index.html")).pipe(
    Effect.mapError((error) => new BundleMissing({ reason: readReason(error) }))
  )
  return { directory: dir, indexHtml }
})
