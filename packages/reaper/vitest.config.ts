import { defineConfig } from "vitest/config";

// Own config so `npx vitest run` inside the package does not pick up the monorepo's projects list.
export default defineConfig({
  test: {
    name: "reaper",
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
  },
});
