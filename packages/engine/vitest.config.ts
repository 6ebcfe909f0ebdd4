import { defineConfig } from "vitest/config";

// The package's own config, so `npx vitest run` here does not pick up the monorepo's projects list.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
