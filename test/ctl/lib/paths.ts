// Moved to test/lib/paths.ts (shared by every e2e suite); this path stays for existing imports.
export * from "../../lib/paths.js";
