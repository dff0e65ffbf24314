import { defineProject } from "vitest/config"

/** Shared per-package vitest settings: tests live in `test/`, run in Node. */
export const project = (name: string) =>
  defineProject({
    test: {
      name,
      include: ["test/**/*.test.ts"],
      environment: "node",
      testTimeout: 60_000,
      hookTimeout: 60_000,
      sequence: { concurrent: false }
    }
  })
