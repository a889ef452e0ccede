import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 120_000,
    // beforeAll hooks run real CLI processes too; on a loaded machine they outlast the 10 s default.
    hookTimeout: 120_000,
  },
})
