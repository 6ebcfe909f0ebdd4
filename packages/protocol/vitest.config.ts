import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Child processes, not worker threads: the socket tests set process.umask(), which threads may not.
    pool: "forks",
    include: ["test/**/*.test.ts"],
    testTimeout: 20_000,
  },
});
