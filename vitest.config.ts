import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Two cores: run two files at once, each test file owns its databases.
    maxWorkers: 2,
    setupFiles: ["test/setup/no-network.ts"],
    globalSetup: ["test/setup/global.ts"],
  },
});
