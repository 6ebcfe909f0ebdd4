import { defineConfig } from "vitest/config";

// One run over every package's tests and the end-to-end suite (`pnpm test:all` reads its JSON report to
// print the single `N passed, N failed` line CI needs).
export default defineConfig({
  test: {
    projects: [
      "packages/errors",
      "packages/pycompat",
      "packages/testkit",
      "packages/config",
      "packages/logs",
      "packages/engine",
      "packages/protocol",
      "packages/tui",
      "packages/xmlrpc",
      "packages/reaper",
      "apps/daemon",
      "apps/ctl",
      "test",
      "bench",
    ],
  },
});
