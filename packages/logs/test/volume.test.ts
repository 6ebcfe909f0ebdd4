import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { createProcessLogs } from "../src/index.js";
import { tempDir } from "./helpers.js";

const MiB = 1024 * 1024;
// 256 MiB by default; TSUP_LOGS_BIG=1 pushes 1 GiB (several rotations discard data: the accounting must hold).
const TOTAL = process.env.TSUP_LOGS_BIG === "1" ? 1024 * MiB : 256 * MiB;

describe("volume", () => {
  it(`LOG-01 / ROT-02: ${TOTAL / MiB} MiB from a real child through a 50 MiB x 10 rotating log: every byte accounted for, RSS bounded`, async () => {
    const dir = tempDir();
    const file = path.join(dir, "big.log");
    const logs = createProcessLogs({
      processName: "big",
      stdout: { logfile: { kind: "file", path: file }, maxbytes: 50 * MiB, backups: 10, captureMaxbytes: 0, eventsEnabled: false, syslog: false },
      stderr: { logfile: { kind: "none" }, maxbytes: 0, backups: 0, captureMaxbytes: 0, eventsEnabled: false, syslog: false },
      redirectStderr: false,
      childlogdir: dir,
      identifier: "supervisor",
      stripAnsi: false,
    });
    await logs.ready;
    global.gc?.();
    const rssBefore = process.memoryUsage.rss();
    let rssPeak = rssBefore;
    let chunks = 0;
    const started = process.hrtime.bigint();
    const child = spawn("head", ["-c", String(TOTAL), "/dev/zero"], { stdio: ["ignore", "pipe", "ignore"] });
    child.stdout.on("data", () => {
      chunks += 1;
      if (chunks % 32 === 0) rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
    });
    child.stdout.pipe(logs.stdout, { end: false });
    await new Promise((resolve) => child.on("close", resolve));
    await logs.flush();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    rssPeak = Math.max(rssPeak, process.memoryUsage.rss());

    const counters = logs.counters().stdout!;
    const retained = fs
      .readdirSync(dir)
      .filter((n) => n.startsWith("big.log"))
      .reduce((sum, n) => sum + fs.statSync(path.join(dir, n)).size, 0);
    console.log(
      `volume: ${TOTAL / MiB} MiB in ${seconds.toFixed(2)} s = ${(TOTAL / MiB / seconds).toFixed(0)} MiB/s, ` +
        `${counters.rotations} rotations, RSS growth ${((rssPeak - rssBefore) / MiB).toFixed(1)} MiB`,
    );
    expect(counters.bytesWritten).toBe(TOTAL);
    expect(counters.bytesDropped).toBe(0);
    expect(retained + counters.bytesRotatedAway).toBe(TOTAL);
    expect(fs.existsSync(`${file}.11`)).toBe(false);
    for (let i = 1; i <= Math.min(10, counters.rotations); i += 1) {
      expect(fs.statSync(`${file}.${i}`).size).toBeGreaterThanOrEqual(50 * MiB);
    }
    expect(rssPeak - rssBefore).toBeLessThan(64 * MiB);
    await logs.close();
  }, 300_000);
});
