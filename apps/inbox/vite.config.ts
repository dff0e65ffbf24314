/**
 * The web page's build: `web/` (Preact + the `@parley/schema` schemas) bundled into `dist/web`, served by the
 * Inbox server. Run by `pnpm --filter @parley/inbox build` (after `tsc -b`) and by `Bundle.ensure` on start when
 * the bundle is missing.
 */
import { fileURLToPath } from "node:url"
import { defineConfig } from "vite"

export default defineConfig({
  root: fileURLToPath(new URL("./web", import.meta.url)),
  base: "/",
  publicDir: false,
  logLevel: "warn",
  oxc: {
    jsx: { runtime: "automatic", importSource: "preact" }
  },
  build: {
    outDir: fileURLToPath(new URL("./dist/web", import.meta.url)),
    emptyOutDir: true,
    target: "es2022",
    sourcemap: true,
    modulePreload: { polyfill: false },
    reportCompressedSize: true,
    chunkSizeWarningLimit: 1024
  }
})
