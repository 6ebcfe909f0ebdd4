#!/usr/bin/env node
// The README's test command: build everything, run every vitest project (unit, integration, e2e) in one
// run, then the supervisord conformance sample, and print one line `N passed, N failed` summing them all.
// Exit status is non-zero if anything failed or did not run.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
let passed = 0;
let failed = 0;
let ok = true;

function run(cmd, args, opts = {}) {
  console.log(`\n$ ${cmd} ${args.join(" ")}`);
  return spawnSync(cmd, args, { cwd: root, stdio: ["ignore", "inherit", "inherit"], ...opts });
}

// 1. Build (turbo caches, so a second run is quick).
const build = run("pnpm", ["exec", "turbo", "run", "build"]);
if (build.status !== 0) {
  console.log("build failed");
  console.log(`${passed} passed, ${failed + 1} failed`);
  process.exit(1);
}

// 2. Every vitest project, one JSON report.
const report = join(mkdtempSync(join(tmpdir(), "tsup-test-")), "vitest.json");
const vitest = run("pnpm", ["exec", "vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`]);
if (existsSync(report)) {
  const json = JSON.parse(readFileSync(report, "utf8"));
  passed += json.numPassedTests ?? 0;
  failed += json.numFailedTests ?? 0;
  // A file that failed to load has no tests counted: count it as one failure so it cannot hide.
  for (const file of json.testResults ?? []) {
    if (file.status === "failed" && (file.assertionResults ?? []).length === 0) failed += 1;
  }
  console.log(`vitest: ${json.numPassedTests} passed, ${json.numFailedTests} failed, ${json.numPendingTests ?? 0} skipped`);
} else {
  failed += 1;
}
if (vitest.status !== 0) ok = false;

// 3. The conformance sample against the built daemon and tsctl (shared/ sits beside the checkout).
const runner = resolve(root, "..", "shared", "conformance", "runner.py");
if (process.env.SKIP_CONFORMANCE !== "1" && existsSync(runner)) {
  const conf = spawnSync("python3", [runner, "compare", "-j", "2"], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, TSUP_REPO: root },
    stdio: ["ignore", "pipe", "inherit"],
  });
  process.stdout.write(conf.stdout ?? "");
  const m = /(\d+) passed, (\d+) failed/.exec(conf.stdout ?? "");
  if (m) {
    passed += Number(m[1]);
    failed += Number(m[2]);
    console.log(`conformance: ${m[1]} passed, ${m[2]} failed`);
  } else {
    failed += 1;
    console.log("conformance: runner printed no summary");
  }
  if (conf.status !== 0) ok = false;
} else {
  console.log(`conformance: skipped (${existsSync(runner) ? "SKIP_CONFORMANCE=1" : `no ${runner}`})`);
}

console.log(`\n${passed} passed, ${failed} failed`);
process.exit(ok && failed === 0 ? 0 : 1);
