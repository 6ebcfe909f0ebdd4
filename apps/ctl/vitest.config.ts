import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    name: "ctl",
    include: ["test/**/*.test.ts"],
  },
});
