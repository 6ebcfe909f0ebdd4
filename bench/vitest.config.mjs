import { defineConfig } from 'vitest/config';

// The harness's own pure parts; the benchmark itself is checked by `node run.mjs --smoke`.
export default defineConfig({ test: { include: ['test/**/*.test.mjs'] } });
