import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { FIXTURE, SKIP_REASON, runFixture } from "./helpers.js";

// Real PID 1: a fresh pid namespace (with its own /proc) via util-linux unshare, which needs root. Optional:
// the subreaper tests cover the same code path; this one proves the container case end to end.
function pidNamespaceUnavailable(): string | undefined {
  if (SKIP_REASON !== undefined) return SKIP_REASON;
  if (process.getuid?.() !== 0) return "needs root for unshare --pid";
  const probe = spawnSync("unshare", ["--pid", "--fork", "--mount-proc", "true"], { stdio: "ignore", timeout: 10_000 });
  if (probe.error !== undefined || probe.status !== 0) return "unshare --pid --fork --mount-proc is not usable here";
  return undefined;
}
const UNAVAILABLE = pidNamespaceUnavailable();
if (UNAVAILABLE !== undefined) console.warn(`PID 1 reaper test skipped: ${UNAVAILABLE}`);

describe.skipIf(UNAVAILABLE !== undefined)("orphan reaper as real PID 1 (container)", () => {
  it("RAP-01: as PID 1 the daemon reaps orphans and its own children still report their exits", async () => {
    const run = await runFixture("unshare", ["--pid", "--fork", "--mount-proc", process.execPath, FIXTURE, "pid1"]);
    expect(run.result.error, JSON.stringify(run.result)).toBeUndefined();
    expect(run.result.pid).toBe(1);
    expect(run.result.reaped).toEqual(["exit status 0", "exit status 7", "terminated by SIGTERM"]);
    expect(run.result.zombiesLeft).toEqual([]);
    const exits = run.result.exits as { code: number | null; signal: string | null; expectedCode: number | null; expectedSignal: string | null }[];
    expect(exits).toHaveLength(15);
    for (const exit of exits) expect([exit.code, exit.signal]).toEqual([exit.expectedCode, exit.expectedSignal]);
  });
});
