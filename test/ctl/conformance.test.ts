/**
 * tsctl against the built tsupervisord, replaying the CLI steps of the conformance cases and comparing each
 * command's output and exit status with what supervisorctl 4.2.5 printed against supervisord (expected.txt),
 * normalised as the conformance runner does.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { daemonUnavailableReason, prepareCase, startDaemon, waitFor, type RunningDaemon } from "./lib/daemon.js";
import { normalizeCtl, shlexSplit } from "./lib/normalize.js";
import { CONFORMANCE } from "./lib/paths.js";
import { caseEnv } from "./lib/run.js";
import { readExpectedCtl, readSettle, readSteps } from "./lib/transcript.js";

const unavailable = existsSync(CONFORMANCE) ? await daemonUnavailableReason() : `no conformance cases at ${CONFORMANCE}`;
if (unavailable !== null) console.warn(`[ctl e2e] conformance replay skipped: ${unavailable}`);

const CASES = [
  "ctl-error-paths",
  "basic-lifecycle",
  "laravel-queue-workers",
  "priority-ordering",
  "redirect-stderr-noisy",
  "stopwaitsecs-escalation",
  "autorestart-policies",
];

/** One transcript block as the runner records it: no output line when the command printed nothing. */
function block(b: { args: string; output: string; exit: string }): string {
  return [`$ ctl ${b.args}`, ...(b.output.trim() === "" ? [] : [b.output]), `[exit ${b.exit}]`].join("\n");
}

let daemon: RunningDaemon | null = null;
afterEach(async () => {
  await daemon?.stop();
  daemon = null;
});

describe.skipIf(unavailable !== null)("conformance transcripts through tsctl (CMD-*, EXIT-*)", () => {
  it.each(CASES)("%s", async (caseName) => {
    const dir = prepareCase({ caseName });
    daemon = await startDaemon(dir);
    const d = daemon;
    await new Promise((r) => setTimeout(r, readSettle(caseName) * 1000));
    const paths: [string, string][] = [[dir, "<CASE>"]];
    const expected = readExpectedCtl(caseName);
    const actual: { args: string; output: string; exit: string }[] = [];
    for (const step of readSteps(caseName)) {
      if (step.kind === "ctl") {
        const r = await d.ctl(shlexSplit(step.args.replace(/\$CASE_DIR/g, dir)), { timeoutMs: 60_000 });
        actual.push({ args: step.args, output: normalizeCtl(step.args, r.output, paths), exit: String(r.code) });
      } else if (step.kind === "wait") {
        await waitFor(
          `${step.args} until ${step.until.join(" & ")}`,
          async () => {
            const r = await d.ctl(shlexSplit(step.args));
            return (
              step.until.every((u) => new RegExp(u, "m").test(r.output)) &&
              !step.absent.some((a) => new RegExp(a, "m").test(r.output))
            );
          },
          step.timeout * 1000,
          500,
        );
      } else if (step.kind === "sh") {
        // Shell steps inspect the daemon's work (files, logs); they run for their side effects only.
        spawnSync("bash", ["-c", step.cmd], { cwd: dir, env: caseEnv({ CASE_DIR: dir }), stdio: "ignore" });
      } else {
        await new Promise((r) => setTimeout(r, step.seconds * 1000));
      }
    }
    expect(actual.map(block).join("\n")).toBe(expected.map(block).join("\n"));
  });
});

// Keeps the file meaningful when the daemon is missing: the transcripts themselves parse.
describe("conformance transcripts parse", () => {
  it.skipIf(!existsSync(join(CONFORMANCE, "ctl-error-paths")))("ctl-error-paths has its ctl blocks", () => {
    const blocks = readExpectedCtl("ctl-error-paths");
    expect(blocks[0]).toMatchObject({ args: "status", exit: "3" });
    expect(blocks.find((b) => b.args === "start")?.exit).toBe("2");
    expect(readSteps("ctl-error-paths").filter((s) => s.kind === "ctl")).toHaveLength(blocks.length);
  });
});
