// Moved to test/lib/run.ts (shared by every e2e suite); this path stays for existing imports.
export * from "../../lib/run.js";
