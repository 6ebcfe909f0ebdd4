import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { listZombieChildren, parseProcStat } from "../src/index.js";

describe("/proc scanning", () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it("parses stat lines whose command name holds spaces and parentheses", () => {
    expect(parseProcStat("42 (sleep) Z 7 42 42 0 -1 4194560")).toMatchObject({ pid: 42, state: "Z", ppid: 7, pgrp: 42, utime: 0 });
    expect(parseProcStat("43 (a) Z 9 (b)) S 1 43 43 0")).toMatchObject({ pid: 43, state: "S", ppid: 1 });
    expect(parseProcStat("garbage")).toBeUndefined();
  });

  it("reads the CPU, thread, start-time and RSS fields the engine's stats use from a real stat line", () => {
    const stat = parseProcStat(readFileSync("/proc/self/stat", "latin1"));
    expect(stat).toMatchObject({ pid: process.pid, ppid: process.ppid, state: "R" });
    expect(stat?.numThreads).toBeGreaterThanOrEqual(1);
    expect(stat?.rssPages).toBeGreaterThan(0);
    expect(stat?.starttime).toBeGreaterThan(0);
    expect((stat?.utime ?? 0) + (stat?.stime ?? 0)).toBeGreaterThan(0);
  });

  it("lists only zombies whose parent is the given pid (real files laid out like /proc)", () => {
    dir = mkdtempSync(join(tmpdir(), "reaper-proc-"));
    const stat = (pid: number, line: string) => {
      mkdirSync(join(dir!, String(pid)));
      writeFileSync(join(dir!, String(pid), "stat"), `${line}\n`);
    };
    stat(10, "10 (zombie ours) Z 5 10 10 0");
    stat(11, "11 (running ours) S 5 11 11 0");
    stat(12, "12 (zombie theirs) Z 6 12 12 0");
    stat(13, "13 (x) Z 5) Z 5 13 13 0"); // name contains ") Z 5": the real fields say Z, parent 5
    mkdirSync(join(dir, "14")); // vanished between readdir and read
    mkdirSync(join(dir, "self"));
    writeFileSync(join(dir, "uptime"), "1 1\n");
    expect(listZombieChildren(5, dir).sort()).toEqual([10, 13]);
    expect(listZombieChildren(6, dir)).toEqual([12]);
    expect(listZombieChildren(7, join(dir, "missing"))).toEqual([]);
  });

  it("finds nothing on the real /proc for a pid with no zombie children", () => {
    expect(listZombieChildren(process.pid)).toEqual([]);
  });
});
