// Moved to test/lib/ports.ts (shared by every e2e suite); this path stays for existing imports.
export * from "../../lib/ports.js";
