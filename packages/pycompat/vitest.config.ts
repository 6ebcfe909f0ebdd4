import { defineConfig } from "vitest/config";

export default defineConfig({ test: { name: "pycompat", include: ["test/**/*.test.ts"] } });
