import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { PidFile } from "../src/runtime/pidfile.js";
import { checkLimits, readLimits } from "../src/runtime/rlimits.js";
import { SignalQueue, type HandledSignal } from "../src/runtime/signal-queue.js";
import { resolveUser } from "../src/runtime/privileges.js";

let tmp: string | null = null;
afterEach(() => {
  if (tmp !== null) fs.rmSync(tmp, { recursive: true, force: true });
  tmp = null;
});
function tempFile(name: string): string {
  tmp ??= fs.mkdtempSync(path.join(os.tmpdir(), "tsupd-unit-"));
  return path.join(tmp, name);
}

describe("D-DMN-03 pid file", () => {
  it("writes <pid>\\n and removes it at exit", () => {
    const file = tempFile("a.pid");
    const pidfile = new PidFile(file, 4242);
    expect(pidfile.write()).toBeNull();
    expect(fs.readFileSync(file, "utf8")).toBe("4242\n");
    pidfile.remove();
    expect(fs.existsSync(file)).toBe(false);
  });

  it("leaves a pid file another instance rewrote", () => {
    const file = tempFile("b.pid");
    const pidfile = new PidFile(file, 4242);
    pidfile.write();
    fs.writeFileSync(file, "777\n");
    pidfile.remove();
    expect(fs.readFileSync(file, "utf8")).toBe("777\n");
  });

  it("reports a pid file it cannot write with supervisord's message", () => {
    const pidfile = new PidFile("/nonexistent-dir/x.pid", 1);
    expect(pidfile.write()).toBe("could not write pidfile /nonexistent-dir/x.pid");
  });
});

describe("D-RL-01 limits", () => {
  const LIMITS = [
    "Limit                     Soft Limit           Hard Limit           Units",
    "Max processes             500                  1000                 processes",
    "Max open files            1024                 unlimited            files",
  ].join("\n");

  it("parses /proc/self/limits", () => {
    expect(readLimits(LIMITS)).toEqual({ nofile: { soft: 1024, hard: Infinity }, nproc: { soft: 500, hard: 1000 } });
  });

  it("accepts limits at or above the minimum, refuses below with supervisord's text", () => {
    expect(checkLimits(1024, 200, readLimits(LIMITS))).toBeNull();
    expect(checkLimits(4096, 200, readLimits(LIMITS))).toMatch(
      /^The minimum number of file descriptors required to run this process is 4096 as per the "minfds" command-line argument or config file setting\. The current environment will only allow you to open 1024 file descriptors\./,
    );
    expect(checkLimits(1024, 600, readLimits(LIMITS))).toMatch(
      /^The minimum number of available processes required to run this program is 600 .* only allow you to open 500 processes\./,
    );
  });
});

describe("D-SIG-01 signal queue", () => {
  it("handles one signal at a time, in order, and does not queue a pending duplicate", async () => {
    const handled: HandledSignal[] = [];
    let release: () => void = () => undefined;
    const queue = new SignalQueue(async (s) => {
      handled.push(s);
      if (handled.length === 1) await new Promise<void>((r) => (release = r));
    });
    queue.push("SIGHUP");
    queue.push("SIGUSR2");
    queue.push("SIGUSR2");
    queue.push("SIGTERM");
    expect(handled).toEqual(["SIGHUP"]);
    release();
    await queue.idle();
    expect(handled).toEqual(["SIGHUP", "SIGUSR2", "SIGTERM"]);
  });
});

describe("user resolution for -u", () => {
  it("accepts a name or a uid and rejects unknown ones with supervisord's messages", () => {
    expect(resolveUser("root")).toMatchObject({ name: "root", uid: 0, gid: 0 });
    expect(resolveUser("0").name).toBe("root");
    expect(() => resolveUser("no-such-user-xyz")).toThrow("Invalid user name no-such-user-xyz");
    expect(() => resolveUser("987654")).toThrow("Invalid user id 987654");
  });
});
