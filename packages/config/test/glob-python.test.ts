/**
 * INC-02: the `[include] files=` glob must match exactly what Python 3's `fnmatch`/`glob` match. The
 * expectations are computed by the machine's python3 (one process per table), not written by hand.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { pyGlob } from "../src/index.js";
import { segmentToRegExp } from "../src/glob.js";

function python<T>(script: string, input: unknown): T {
  const out = execFileSync("python3", ["-c", script], { input: JSON.stringify(input), encoding: "utf8" });
  return JSON.parse(out) as T;
}

const PATTERNS = [
  "site-*.ini", "site-?.ini", "site*.ini", "a-b", "*-*", "[a-c]", "[!a-c]", "[]]", "[]a]", "[!]]", "[!]a]",
  "[!]", "[]", "[", "a[", "[a-]", "[-a]", "[--]", "[a-c-e]", "[z-a]", "[!z-a]", "[a-cz-x]", "[\\]", "[\\-z]",
  "[^a]", "[[]", "[a&&b]", "[~]", "[|]", "a.b", "a+b", "(a)", "a$", "^a", "\\", "a\\b", "{a,b}", "a{1}",
  "*.conf", "?", "**", "[!!]", "[a-a]", "[.]", "[*]", "[?]", "x/y", "[é-ü]", "€*", "[0-9][0-9]-*.conf",
];
const NAMES = [
  "site-a.ini", "site-ab.ini", "sitea.ini", "site-.ini", "a-b", "ab", "-", "a", "b", "c", "d", "e", "x", "y",
  "z", "]", "!", "[", "^", "&", "~", "|", "\\", "a.b", "axb", "a+b", "aab", "(a)", "a$", "^a", "a\\b", "{a,b}",
  "a{1}", "aa", "x.conf", ".conf", "", "*", "?", ".", "ö", "é", "ü", "€uro", "10-x.conf", "1-x.conf", "a[", "a\nb",
];

describe("INC-02 glob segment matching equals Python fnmatch.fnmatchcase", () => {
  const expected = python<boolean[][]>(
    "import sys,json,fnmatch\nd=json.load(sys.stdin)\nprint(json.dumps([[fnmatch.fnmatchcase(n,p) for n in d['n']] for p in d['p']]))",
    { p: PATTERNS, n: NAMES },
  );
  PATTERNS.forEach((pat, pi) => {
    it(`INC-02 pattern ${JSON.stringify(pat)}`, () => {
      const re = segmentToRegExp(pat);
      const got = NAMES.map((n) => (re ? re.test(n) : false));
      const want = expected[pi] ?? [];
      const diffs = NAMES.flatMap((n, ni) => (got[ni] === want[ni] ? [] : [`${JSON.stringify(n)}: python ${String(want[ni])}`]));
      expect(diffs).toEqual([]);
    });
  });
});

describe("INC-02 pyGlob on real files equals Python glob.glob", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tsv-glob-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const files = [
    "conf.d/10-group.conf", "conf.d/20-override.conf", "conf.d/notes.txt", "conf.d/.hidden.conf",
    "sites/site-a.ini", "sites/site-b.ini", "sites/site.ini", "sites/siteX.ini", "sites-2/site-c.ini",
    "we(ird)/a+b.conf", "we(ird)/a.b.conf", "br[ack]/x.conf", "dash-dir/x-1.conf", "]x/y.conf",
  ];
  for (const f of files) {
    mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    writeFileSync(path.join(dir, f), "");
  }
  const globs = [
    "conf.d/*.conf", "sites/site-*.ini", "sites/site-?.ini", "sites*/site-*.ini", "sites/site[-X]*.ini",
    "sites/site[!-]*.ini", "we(ird)/a+b.conf", "we(ird)/a.*.conf", "we(*)/*", "br[[]ack]/*.conf", "br[ack]/*",
    "dash-*/x-[0-9].conf", "*/.*", "[]]x/*", "conf.d/[0-9][0-9]-*.conf", "*-dir/*", "nothing-*/x",
  ];
  const expected = python<string[][]>(
    "import sys,json,glob,os\nd=json.load(sys.stdin)\nos.chdir(d['dir'])\nprint(json.dumps([sorted(glob.glob(g)) for g in d['g']]))",
    { dir, g: globs },
  );
  globs.forEach((g, gi) => {
    it(`INC-02 glob ${JSON.stringify(g)}`, () => {
      const got = pyGlob(path.join(dir, g)).map((f) => path.relative(dir, f)).sort();
      expect(got).toEqual([...(expected[gi] ?? [])].sort());
    });
  });
  it("INC-02 the include-edge-cases pattern sites/site-*.ini finds its file (regression)", () => {
    expect(pyGlob(path.join(dir, "sites/site-*.ini")).length).toBe(2);
  });
});
