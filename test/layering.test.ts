/**
 * design.md's layering, checked on the source: every import of every package and app against the table in
 * packages/eslint-config/layering.js (the same table ESLint enforces while editing). An upward arrow, a package
 * importing an app, or a relative import that leaves its package fails here with the file and the line.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
// @ts-expect-error: plain JS shared with the ESLint config (no declarations).
import { ALLOWED_IMPORTS, FORBIDDEN_EXTERNAL } from "../packages/eslint-config/layering.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const allowed = ALLOWED_IMPORTS as Record<string, string[]>;
const forbidden = FORBIDDEN_EXTERNAL as Record<string, string[]>;

const IMPORT_RE = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*["']([^"']+)["']|(?:^|[\s;(])import\s*\(\s*["']([^"']+)["']\s*\)|^\s*import\s+["']([^"']+)["']/gm;

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "gen" && entry.name !== "node_modules") out.push(...sourceFiles(full));
    } else if (/\.(ts|tsx|mts)$/.test(entry.name) && !entry.name.endsWith(".d.ts")) out.push(full);
  }
  return out;
}

interface Arrow {
  pkg: string;
  file: string;
  line: number;
  specifier: string;
}

function arrows(): Arrow[] {
  const out: Arrow[] = [];
  for (const parent of ["packages", "apps"]) {
    for (const dir of fs.readdirSync(path.join(ROOT, parent))) {
      const src = path.join(ROOT, parent, dir, "src");
      if (!fs.existsSync(src)) continue;
      const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, parent, dir, "package.json"), "utf8")) as { name: string };
      const pkg = manifest.name.replace(/^@tsupervisord\//, "");
      for (const file of sourceFiles(src)) {
        const text = fs.readFileSync(file, "utf8");
        for (const m of text.matchAll(IMPORT_RE)) {
          const specifier = (m[1] ?? m[2] ?? m[3]) as string;
          const line = text.slice(0, m.index).split("\n").length;
          out.push({ pkg, file: path.relative(ROOT, file), line, specifier });
        }
      }
    }
  }
  return out;
}

describe("layering (design.md)", () => {
  const all = arrows();

  it("finds the imports it checks (the scan itself works)", () => {
    expect(all.some((a) => a.pkg === "daemon" && a.specifier === "@tsupervisord/engine")).toBe(true);
    expect(all.some((a) => a.pkg === "engine" && a.specifier === "@tsupervisord/config")).toBe(true);
    // Every package with source has a row in the table (a new package must say what it may import).
    const withSource = ["packages", "apps"].flatMap((parent) =>
      fs
        .readdirSync(path.join(ROOT, parent))
        .filter((dir) => fs.existsSync(path.join(ROOT, parent, dir, "src")))
        .map((dir) => (JSON.parse(fs.readFileSync(path.join(ROOT, parent, dir, "package.json"), "utf8")) as { name: string }).name),
    );
    expect(withSource.map((n) => n.replace(/^@tsupervisord\//, "")).sort()).toEqual(Object.keys(allowed).sort());
  });

  it("every @tsupervisord import points down the table; nothing imports an app", () => {
    const upward = all
      .filter((a) => a.specifier.startsWith("@tsupervisord/"))
      .filter((a) => !(allowed[a.pkg] ?? []).includes(a.specifier.replace(/^@tsupervisord\//, "")))
      .map((a) => `${a.file}:${a.line} (${a.pkg}) imports ${a.specifier}`);
    expect(upward).toEqual([]);
  });

  it("no package depends on what its layer must not know (the engine and the wire, pino)", () => {
    const bad = all
      .filter((a) => (forbidden[a.pkg] ?? []).some((f) => a.specifier === f || a.specifier.startsWith(`${f}/`)))
      .map((a) => `${a.file}:${a.line} (${a.pkg}) imports ${a.specifier}`);
    expect(bad).toEqual([]);
  });

  it("relative imports stay inside their own package", () => {
    const escaping = all
      .filter((a) => a.specifier.startsWith("."))
      .filter((a) => {
        const pkgDir = a.file.split(path.sep).slice(0, 2).join(path.sep);
        const target = path.normalize(path.join(path.dirname(a.file), a.specifier));
        return !target.startsWith(`${pkgDir}${path.sep}`);
      })
      .map((a) => `${a.file}:${a.line} imports ${a.specifier}`);
    expect(escaping).toEqual([]);
  });
});
