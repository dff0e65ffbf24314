import { defineConfig } from "vitest/config"

// One root config; every workspace package with a `test/` folder is a project.
export default defineConfig({
  test: {
    projects: ["packages/*/vitest.config.ts", "apps/*/vitest.config.ts", "security/vitest.config.ts"],
    reporters: process.env.CI ? ["default"] : ["default"],
    testTimeout: 30_000,
    hookTimeout: 60_000
  }
})
