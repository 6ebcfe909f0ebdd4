// The conformance runner lives in this repository (test/conformance/runner), so a fresh clone runs the project's
// cases without ../shared/conformance; the shared sample is an extra when it is there. Checked here on a few
// cases (the whole set runs in `pnpm test:all`): run.sh without the shared sample runs ours and says it skipped
// the other, and a transcript that differs from the record fails (the runner can fail).

import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const here = fileURLToPath(new URL(".", import.meta.url));
const root = join(here, "..", "..");
const hasPython = spawnSync("python3", ["--version"]).status === 0;
const built = existsSync(join(root, "apps/daemon/dist/main.js")) && existsSync(join(root, "apps/ctl/dist/main.js"));
const reason = !hasPython ? "python3 is not installed" : !built ? "run pnpm build first" : null;

describe.skipIf(reason !== null)(`conformance runner in the repo${reason === null ? "" : ` — skipped: ${reason}`}`, { timeout: 120_000 }, () => {
  const scratch = mkdtempSync(join(tmpdir(), "tsconf-test-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it("run.sh without ../shared/conformance runs the project's cases and reports the shared sample as skipped", () => {
    const r = spawnSync("bash", [join(here, "run.sh"), "ctl-version", "invalid-bad-umask"], {
      encoding: "utf8",
      env: { ...process.env, CONF_SHARED: join(scratch, "no-shared"), CONF_RESULTS: join(scratch, "results") },
    });
    expect(r.stdout).toMatch(/^PASS\s+ctl-version\s/m);
    expect(r.stdout).toMatch(/^PASS\s+invalid-bad-umask\s/m);
    expect(r.stdout).toContain("project: 2 passed, 0 failed");
    expect(r.stdout).toMatch(/^shared: skipped \(no .*no-shared\/cases/m);
    expect(r.status).toBe(0);
    // A glob that matches no case anywhere is an error, not an empty run.
    const typo = spawnSync("bash", [join(here, "run.sh"), "ctl-versoin"], {
      encoding: "utf8",
      env: { ...process.env, CONF_SHARED: join(scratch, "no-shared") },
    });
    expect(typo.stderr).toContain("conformance: no case matches 'ctl-versoin'");
    expect(typo.status).toBe(2);
  });

  it("a transcript that differs from the recorded one fails, with the diff", () => {
    const cases = join(scratch, "cases");
    cpSync(join(here, "cases", "ctl-version"), join(cases, "ctl-version"), { recursive: true });
    const expected = join(cases, "ctl-version", "expected.txt");
    writeFileSync(expected, readFileSync(expected, "utf8").replace("\n4.2.5\n", "\n4.2.6\n"));
    const r = spawnSync("python3", [join(here, "runner"), "compare", "--cases-dir", cases, "--results", join(scratch, "r2"), "-v"], {
      encoding: "utf8",
    });
    expect(r.stdout).toMatch(/^FAIL\s+ctl-version\s/m);
    expect(r.stdout).toContain("-4.2.6");
    expect(r.stdout).toContain("+4.2.5");
    expect(r.stdout).toContain("0 passed, 1 failed");
    expect(r.status).toBe(1);
  });
});
