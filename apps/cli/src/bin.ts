#!/usr/bin/env node
/**
 * The `parley` binary: runs {@link Cli.main} on the command line and exits with its code.
 *
 * ```sh
 * parley export --sandbox --to intercom --out parley-export.ndjson
 * node apps/cli/src/bin.ts --help
 * ```
 *
 * It first turns on Node's module compile cache (`module.enableCompileCache`, Node >= 22.1; a no-op where absent or
 * when `NODE_DISABLE_COMPILE_CACHE=1`), then loads the program: later runs reuse the compiled code instead of
 * compiling it again. The published binary is the bundle `dist/bundle/parley.js` (`scripts/bundle.ts`).
 *
 * @since 0.1.0
 */
import * as Module from "node:module"

Module.enableCompileCache?.()

const Main = await import("./main.ts")
Main.run()
