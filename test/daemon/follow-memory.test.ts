import { execFile } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * TLF over gRPC, memory bound: one client following a `yes`-flooding program's log as fast as it can must not
 * make the daemon keep what it sent. Before the fix the daemon grew by ~60 MB per second of following (every
 * message stayed reachable until the stream ended). The bound here is deliberately generous (a regression is
 * hundreds of MB within seconds); the script prints the numbers (run it by hand for longer phases).
 */
const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), "scripts/follow-memory.mjs");

describe("TailProcessLogFollow memory (TLF-01)", () => {
  it("following a flooding log keeps the daemon's RSS growth under 200 MB", async () => {
    const out = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, [SCRIPT, "3", "150"], { timeout: 170_000 }, (err, stdout, stderr) =>
        err === null ? resolve(stdout) : reject(new Error(`${err.message}\n${stderr}`)),
      ),
    );
    const m = /one follower : RSS start (\d+) MB, peak (\d+) MB, end \d+ MB; followed (\d+) MB/.exec(out);
    expect(m, out).not.toBeNull();
    const [, start, peak, followed] = (m ?? []).map(Number) as [number, number, number, number];
    // The phase lasts until 150 MB were followed (several 50 MB rotations): no timing in the assertion. Before
    // issue 21's fix a follow that began during a rotation got NO_FILE and nothing (the flaky failure).
    expect(followed, "the follower received what it waited for").toBeGreaterThanOrEqual(150);
    expect(peak - start, out).toBeLessThan(200);
  }, 180_000);
});
