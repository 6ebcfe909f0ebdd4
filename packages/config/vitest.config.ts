import { defineConfig } from "vitest/config";

// Package-local config, so `npx vitest run` here does not pick up the monorepo's project list.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
  },
});
