import { defineConfig } from "vitest/config"

// One root config; every workspace package with a `test/` folder is a project.
export default defineConfig({
  test: {
    projects: ["packages/*/vitest.config.ts", "apps/*/vitest.config.ts", "security/vitest.config.ts"],
    reporters: process.env.CI ? ["default"] : ["default"],
    // Two test files at once even on 2 cores: most of the suite waits on loopback servers, rate-limit windows and
    // child processes, not the CPU (one worker ran ~850 s of files back to back).
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000
  }
})
