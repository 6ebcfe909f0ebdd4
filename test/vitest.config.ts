import { defineConfig } from "vitest/config";

// End-to-end tests start real daemons and wait for real children: generous timeouts, and files run in
// parallel only two at a time (the CI machine has 2 cores).
export default defineConfig({
  test: {
    name: "e2e",
    include: ["**/*.test.ts"],
    exclude: ["**/node_modules/**"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    maxWorkers: 2,
    // Run after the unit projects (a distinct group is required for a distinct maxWorkers).
    sequence: { groupOrder: 1 },
  },
});
