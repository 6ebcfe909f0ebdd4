// Shared flat config for every package: typescript-eslint's recommended rules, the type-aware rules that catch
// real bugs around promises and unions, and the layering of design.md (no-restricted-imports from layering.js).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import { ALLOWED_IMPORTS, FORBIDDEN_EXTERNAL } from "./layering.js";

/** The package being linted: every package runs `eslint src test` from its own directory. */
function currentPackage() {
  try {
    const { name } = JSON.parse(readFileSync(join(process.cwd(), "package.json"), "utf8"));
    return typeof name === "string" ? name.replace(/^@tsupervisord\//, "") : null;
  } catch {
    return null;
  }
}

function escape(text) {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/** no-restricted-imports for this package: any @tsupervisord/* not in its allowed list, and its forbidden externals. */
function layeringRule(pkg) {
  const allowed = pkg === null ? undefined : ALLOWED_IMPORTS[pkg];
  const patterns = [];
  if (allowed !== undefined) {
    const ok = allowed.map(escape).join("|");
    patterns.push({
      regex: ok === "" ? "^@tsupervisord/" : `^@tsupervisord/(?!(?:${ok})$)`,
      message: `layering (design.md, packages/eslint-config/layering.js): @tsupervisord/${pkg} may import only ${allowed.length === 0 ? "nothing of ours" : allowed.map((a) => `@tsupervisord/${a}`).join(", ")}; arrows point down.`,
    });
  }
  const forbidden = pkg === null ? undefined : FORBIDDEN_EXTERNAL[pkg];
  if (forbidden !== undefined) {
    patterns.push({
      regex: `^(?:${forbidden.map(escape).join("|")})(?:/|$)`,
      message: `layering (design.md): @tsupervisord/${pkg} must not depend on the wire or the daemon's logger.`,
    });
  }
  return patterns.length === 0 ? "off" : ["error", { patterns }];
}

const pkg = currentPackage();

export default tseslint.config(
  { ignores: ["dist/**", "src/gen/**", "node_modules/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "no-constant-condition": ["error", { checkLoops: false }],
    },
  },
  {
    files: ["src/**/*.ts", "src/**/*.tsx"],
    rules: { "no-restricted-imports": layeringRule(pkg) },
  },
  {
    // Type-aware: a promise nobody awaits loses its rejection (child exits, streams, timers); a switch over a
    // union that forgets a member silently does nothing for a new state or error code.
    files: ["**/*.ts", "**/*.tsx"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: process.cwd() } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/switch-exhaustiveness-check": ["error", { considerDefaultExhaustiveForUnions: true }],
    },
  },
);
