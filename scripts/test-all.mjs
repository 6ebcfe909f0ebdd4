#!/usr/bin/env node
// The README's test command: build everything, run every vitest project (unit, integration, e2e) in one
// run, then the conformance cases, and print one line `N passed, N failed` summing them all.
// Exit status is non-zero if anything failed or did not run.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
let passed = 0;
let failed = 0;
let ok = true;
// Names of what failed, printed again just above the summary line, so a log read from its tail (as CI
// reports are) says which test it was without scrolling back through the run.
const failedNames = [];

function run(cmd, args, opts = {}) {
  console.log(`\n$ ${cmd} ${args.join(" ")}`);
  return spawnSync(cmd, args, { cwd: root, stdio: ["ignore", "inherit", "inherit"], ...opts });
}

// 1. Build, typecheck and lint (turbo caches, so a second run is quick).
const build = run("pnpm", ["exec", "turbo", "run", "build", "typecheck", "lint"]);
if (build.status !== 0) {
  console.log("build, typecheck or lint failed");
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
    const rel = file.name ? file.name.replace(`${root}/`, "") : "(unknown file)";
    if (file.status === "failed" && (file.assertionResults ?? []).length === 0) {
      failed += 1;
      failedNames.push(`${rel}: did not load (${(file.message ?? "").split("\n")[0]})`);
    }
    for (const test of file.assertionResults ?? []) {
      if (test.status !== "failed") continue;
      const why = String(test.failureMessages?.[0] ?? "").split("\n")[0]?.slice(0, 300) ?? "";
      failedNames.push(`${rel} > ${test.fullName ?? test.title}${why ? `\n      ${why}` : ""}`);
    }
  }
  console.log(`vitest: ${json.numPassedTests} passed, ${json.numFailedTests} failed, ${json.numPendingTests ?? 0} skipped`);
} else {
  failed += 1;
}
if (vitest.status !== 0) ok = false;

// 3. Conformance: the project's own cases (test/conformance/cases) with the runner in this repo, always; the
// shared sample (supervisord's recorded transcripts in ../shared/conformance, as CI lays it out) as an extra
// when it is there. Both through test/conformance/run.sh.
const sharedConformance = resolve(root, "..", "shared", "conformance");
if (process.env.SKIP_CONFORMANCE !== "1") {
  const conf = spawnSync("bash", ["test/conformance/run.sh"], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, TSUP_REPO: root, CONF_SHARED: sharedConformance },
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 64 * 1024 * 1024,
  });
  process.stdout.write(conf.stdout ?? "");
  const sets = [...(conf.stdout ?? "").matchAll(/^(shared|project): (\d+) passed, (\d+) failed$/gm)];
  let set = "";
  for (const line of (conf.stdout ?? "").split("\n")) {
    const header = /^== (\w+) cases/.exec(line);
    if (header) set = header[1] ?? "";
    const failure = /^FAIL\s+(\S+)/.exec(line);
    if (failure) failedNames.push(`conformance ${set}: ${failure[1]}`);
  }
  for (const [, name, p, f] of sets) {
    passed += Number(p);
    failed += Number(f);
    console.log(`conformance ${name}: ${p} passed, ${f} failed`);
  }
  const expected = existsSync(join(sharedConformance, "cases")) ? ["project", "shared"] : ["project"];
  const reported = sets.map(([, name]) => name).sort();
  if (reported.join() !== expected.join()) {
    failed += 1;
    console.log(`conformance: expected results for ${expected.join(" and ")}, got ${reported.join(", ") || "none"}`);
  }
  if (!expected.includes("shared")) console.log(`conformance shared: skipped (no ${sharedConformance}/cases)`);
  if (conf.status !== 0) ok = false;
} else {
  console.log("conformance: skipped (SKIP_CONFORMANCE=1)");
}

// 4. The benchmark harness in --smoke mode (each scenario once at small N, every available system), so it
// cannot rot. It prints its own `N passed, N failed` line.
if (process.env.SKIP_BENCH_SMOKE !== "1") {
  const bench = spawnSync("node", ["bench/run.mjs", "--smoke"], {
    cwd: root,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 64 * 1024 * 1024,
  });
  process.stdout.write(bench.stdout ?? "");
  const m = [...(bench.stdout ?? "").matchAll(/^(\d+) passed, (\d+) failed$/gm)].pop();
  for (const [, what] of (bench.stdout ?? "").matchAll(/^bench failed: (.*)$/gm)) failedNames.push(`bench smoke: ${what}`);
  if (m) {
    passed += Number(m[1]);
    failed += Number(m[2]);
    console.log(`bench smoke: ${m[1]} passed, ${m[2]} failed`);
  } else {
    failed += 1;
    console.log("bench smoke: no summary line");
  }
  if (bench.status !== 0) ok = false;
}

if (failedNames.length > 0) {
  console.log(`\nfailed tests (${failedNames.length}):`);
  for (const name of failedNames) console.log(`  ${name}`);
}
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(ok && failed === 0 ? 0 : 1);
