/**
 * The daemon's process output goes through @tsupervisord/logs' output port, which keeps CAP-06: an event listener's
 * stdout is its protocol channel and is never captured, so capture tokens it prints are written to its stdout log
 * as supervisord 4.2.5 does (PEventListenerDispatcher has no capture mode).
 */
import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { startDaemon, TestDir, waitFor } from "./lib/daemon.js";

describe("process output port (CAP-06)", () => {
  it("an event listener's stdout is written to its log, capture tokens included, even with stdout_capture_maxbytes", async () => {
    using dir = new TestDir();
    const out = dir.file("lsn.out");
    const plain = dir.file("plain.out");
    const line = "<!--XSUPERVISOR:BEGIN-->hello listener<!--XSUPERVISOR:END-->";
    const script = dir.file("say.sh");
    fs.writeFileSync(script, `echo '${line}'\n[ "$1" = plain ] && echo after\nexec sleep 1000\n`);
    dir.writeConfig(
      [
        "[eventlistener:lsn]",
        `command=/bin/sh ${script} listener`,
        "events=TICK_60",
        "stdout_capture_maxbytes=1MB",
        `stdout_logfile=${out}`,
        "",
        // A plain program with the same settings is captured: its tokens never reach the log (CAP-01).
        "[program:plain]",
        `command=/bin/sh ${script} plain`,
        "stdout_capture_maxbytes=1MB",
        `stdout_logfile=${plain}`,
        "startsecs=0",
      ].join("\n"),
    );
    await using _daemon = await startDaemon(dir);
    const read = (file: string): string => (fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "");
    await waitFor("the listener's line in its log", () => read(out).includes("hello listener"));
    expect(read(out)).toBe(`${line}\n`);
    await waitFor("the plain program's line after its capture", () => read(plain).includes("after"));
    expect(read(plain)).not.toContain("hello listener");
  });
});
