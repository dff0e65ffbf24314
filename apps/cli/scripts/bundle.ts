/**
 * Builds the published `parley` binary: `dist/bundle/parley.js`, one tree-shaken ES module bundle of `src/bin.ts` and
 * everything it imports (Node built-ins stay imports), made with rolldown (https://rolldown.rs).
 *
 * Why: from source, `parley --help` loads over a thousand module files (the `@effect/platform-node` index alone
 * pulls in a redis client); the bundle holds only the code reachable from the binary, in one file.
 *
 * Modules that find their own files through `import.meta.url` (the Inbox finds its web page that way) would see
 * the bundle's location instead; the plugin below rewrites that expression to the module's original place,
 * resolved at run time from its package (`import.meta.resolve("<package>/package.json")`), so it holds in the
 * repository and in an installed package alike.
 *
 * `node scripts/bundle.ts [outDir]` (default `dist/bundle`; the entry is `<outDir>/parley.js`). `PARLEY_BUNDLE_MINIFY=0`
 * leaves names readable (for profiles), `PARLEY_BUNDLE_SOURCEMAP=1` adds source maps.
 */
import * as fs from "node:fs"
import { builtinModules, createRequire } from "node:module"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { build, type Plugin } from "rolldown"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")

/** The nearest package.json above `file`, with its package name. */
const packageOf = (file: string): { readonly dir: string; readonly name: string } | undefined => {
  let dir = path.dirname(file)
  while (dir !== path.dirname(dir)) {
    const manifest = path.join(dir, "package.json")
    if (fs.existsSync(manifest)) {
      const name = (JSON.parse(fs.readFileSync(manifest, "utf8")) as { name?: string }).name
      return name === undefined ? undefined : { dir, name }
    }
    dir = path.dirname(dir)
  }
  return undefined
}

const importMetaUrl: Plugin = {
  name: "parley:import-meta-url",
  transform(code, id) {
    // Only the workspace's own packages: dependencies get the bundle's URL, as with any bundler.
    if (!code.includes("import.meta.url") || id.startsWith("\0") || id.includes("/node_modules/")) return null
    const pkg = packageOf(id)
    if (pkg === undefined) return null
    const relative = path.relative(pkg.dir, id).split(path.sep).join("/")
    // Where the package cannot be resolved from the bundle, the bundle's own URL (as without this plugin).
    const replacement = `(() => { try { return new URL(${JSON.stringify(`./${relative}`)}, import.meta.resolve(${
      JSON.stringify(`${pkg.name}/package.json`)
    })).href } catch { return import.meta.url } })()`
    return { code: code.replaceAll("import.meta.url", replacement), map: null }
  }
}

const builtins = new Set(builtinModules.flatMap((m) => (m.startsWith("node:") ? [m] : [m, `node:${m}`])))

/**
 * Node built-ins through `process.getBuiltinModule` instead of `import`: an ES import of a built-in builds its ES
 * module facade by reading every export, and reading `node:http`'s lazy exports (`WebSocket`, ...) loads Node's
 * whole bundled fetch implementation, a tenth of `parley --help`'s time. `getBuiltinModule` (Node >= 22.3) returns
 * the module object without that.
 */
const builtinImports: Plugin = {
  name: "parley:builtin-imports",
  renderChunk(code) {
    const pattern = /^import\s*(?:\*\s*as\s*([\w$]+)|\{([^}]*)\}|([\w$]+))\s*from\s*["']([^"']+)["'];?[ \t]*$/gm
    let changed = false
    const out = code.replace(pattern, (whole, namespace?: string, named?: string, dflt?: string, source?: string) => {
      if (source === undefined || !builtins.has(source)) return whole
      changed = true
      const get = `process.getBuiltinModule(${JSON.stringify(source)})`
      if (namespace !== undefined) return `const ${namespace} = ${get};`
      if (dflt !== undefined) return `const ${dflt} = ${get};`
      const bindings = named!.split(",").map((b) => b.trim()).filter((b) => b !== "").map((b) => {
        const [imported, local] = b.split(/\s+as\s+/)
        return local === undefined ? imported : `${imported}: ${local}`
      })
      return `const { ${bindings.join(", ")} } = ${get};`
    })
    return changed ? { code: out, map: null } : null
  }
}

/**
 * `export * from "<CommonJS module>"` has no static names for the bundler to re-export (Node finds them at run
 * time), so the bundle would lose them: `@effect/platform-node/Undici` re-exports undici that way. Such a module
 * (only an `import X from "m"`, `export * from "m"` and `export default X`) is rewritten to name every export
 * `m` has when the bundle is built.
 */
const commonJsReexports: Plugin = {
  name: "parley:commonjs-reexports",
  transform(code, id) {
    if (!id.includes("/node_modules/")) return null
    const stripped = code.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\/\/.*$/gm, "").trim()
    const match = /^import (\w+) from "([^"]+)";\s*export \* from "\2";\s*export default \1;$/.exec(stripped)
    if (match === null) return null
    const [, local, source] = match as unknown as [string, string, string]
    const required = createRequire(id)(source) as Record<string, unknown>
    const names = Object.keys(required).filter((name) => name !== "default" && /^[A-Za-z_$][\w$]*$/.test(name))
    return {
      code: `import ${local} from ${JSON.stringify(source)};\n` +
        `export const { ${names.join(", ")} } = ${local};\n` +
        `export default ${local};\n`,
      map: null
    }
  }
}

/** Bundles `src/bin.ts` into `outDir` and returns the entry file. */
export const bundle = async (outDir: string = path.join(root, "dist", "bundle")): Promise<string> => {
  // A fresh directory: chunk names carry content hashes, old ones would pile up.
  fs.rmSync(outDir, { recursive: true, force: true })
  await build({
    input: path.join(root, "src", "bin.ts"),
    platform: "node",
    cwd: root,
    logLevel: "warn",
    plugins: [importMetaUrl, commonJsReexports, builtinImports],
    // Prefer ES module builds: a UMD `main` (jsonc-parser) hides its requires from the bundler.
    resolve: { mainFields: ["module", "main"] },
    treeshake: true,
    output: {
      dir: outDir,
      format: "esm",
      minify: process.env["PARLEY_BUNDLE_MINIFY"] !== "0",
      sourcemap: process.env["PARLEY_BUNDLE_SOURCEMAP"] === "1",
      // Dynamic imports stay separate chunks, loaded when used: Effect loads the 3 MB Scalar API reference page
      // (`/docs` of the sandbox and the Inbox) with `import()`.
      entryFileNames: "parley.js",
      chunkFileNames: "chunk-[hash].js"
    }
  })
  return path.join(outDir, "parley.js")
}

if (import.meta.main) {
  const out = await bundle(process.argv[2] === undefined ? undefined : path.resolve(process.argv[2]))
  const dir = path.dirname(out)
  const files = fs.readdirSync(dir)
  const kib = files.reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0) / 1024
  console.log(`bundled ${path.relative(process.cwd(), out)} (${files.length} files, ${kib.toFixed(0)} KiB)`)
}
