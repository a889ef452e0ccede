import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 60_000,
    // beforeAll hooks start real servers and wait for real runs; on a loaded machine they outlast 10 s.
    hookTimeout: 60_000,
  },
})
