/**
 * issue 18's files, on a real temp directory: the desired-state store (load, record, corrupt files, pruning,
 * coalesced writes) and the children file: its parser, (issue 20) its journal, and where a record's start time
 * comes from. The end-to-end behaviour is in test/daemon/desired-state.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { readConfig } from "@tsupervisord/config";
import { ChildJournal, addLine, delLine } from "../src/state/child-journal.js";
import type { ProcessView } from "@tsupervisord/engine";
import { ChildRecords, parseChildRecords, type ChildRecord } from "../src/state/child-records.js";
import { readProcStat } from "../src/state/proc.js";
import { DesiredStore, parseStateFile } from "../src/state/desired-store.js";
import { writeFileDurable } from "../src/state/atomic-file.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "tsup-state-"));
  dirs.push(d);
  return d;
}

function configWith(dir: string, programs: string[]) {
  const text =
    `[supervisord]\nlogfile=%(here)s/sd.log\npidfile=%(here)s/sd.pid\nchildlogdir=%(here)s\n` +
    programs.map((p) => `[program:${p}]\ncommand=/bin/cat\n`).join("");
  fs.writeFileSync(path.join(dir, "supervisord.conf"), text);
  return readConfig(path.join(dir, "supervisord.conf"), { env: { PATH: "/usr/bin:/bin", HOME: "/root" } });
}

function recorder() {
  const lines: string[] = [];
  return { lines, log: { info: (m: string) => lines.push(`INFO ${m}`), warn: (m: string) => lines.push(`WARN ${m}`) } };
}

describe("statefile parsing", () => {
  it("accepts version 1 with started/stopped values, says why anything else is refused", () => {
    expect(parseStateFile('{"version":1,"processes":{"a:a":"stopped","b:b":"started"}}')).toEqual(
      new Map([
        ["a:a", "stopped"],
        ["b:b", "started"],
      ]),
    );
    expect(parseStateFile("{")).toMatch(/^not JSON/);
    expect(parseStateFile('{"version":2,"processes":{}}')).toBe("not a version 1 state file");
    expect(parseStateFile('{"version":1,"processes":[]}')).toBe("no `processes` object");
    expect(parseStateFile('{"version":1,"processes":{"a:a":"paused"}}')).toBe('bad state "paused" for a:a');
  });
});

describe("DesiredStore", () => {
  it("a missing file is an empty one (nothing logged); a record is on disk when it resolves", async () => {
    const dir = tempDir();
    const file = path.join(dir, "state.json");
    const { lines, log } = recorder();
    const store = new DesiredStore(file, log);
    await store.load(configWith(dir, ["a", "b"]));
    expect(lines).toEqual([]);
    expect(store.desired("a", "a")).toBeNull();
    await store.record(["a:a"], "stopped");
    expect(store.desired("a", "a")).toBe("stopped");
    expect(JSON.parse(fs.readFileSync(file, "utf8"))).toEqual({ version: 1, processes: { "a:a": "stopped" } });
    // No temp file left behind.
    expect(fs.readdirSync(dir).filter((f) => f.includes(".tmp"))).toEqual([]);
  });

  it("concurrent records are serialised and the file ends with the last word of each", async () => {
    const dir = tempDir();
    const file = path.join(dir, "state.json");
    const store = new DesiredStore(file, recorder().log);
    await store.load(configWith(dir, ["a", "b"]));
    await Promise.all([store.record(["a:a"], "stopped"), store.record(["b:b"], "started"), store.record(["a:a"], "started")]);
    expect(JSON.parse(fs.readFileSync(file, "utf8"))).toEqual({ version: 1, processes: { "a:a": "started", "b:b": "started" } });
  });

  it("a corrupt or unreadable file is logged with its path and reason, and ignored", async () => {
    const dir = tempDir();
    const file = path.join(dir, "state.json");
    fs.writeFileSync(file, "garbage");
    const { lines, log } = recorder();
    const store = new DesiredStore(file, log);
    await store.load(configWith(dir, ["a"]));
    expect(lines).toEqual([expect.stringMatching(new RegExp(`^WARN statefile ${file} ignored: not JSON .*; every program follows its autostart$`))]);
    expect(store.desired("a", "a")).toBeNull();

    const asDir = path.join(dir, "is-a-dir");
    fs.mkdirSync(asDir);
    const second = recorder();
    await new DesiredStore(asDir, second.log).load(configWith(dir, ["a"]));
    expect(second.lines).toEqual([expect.stringMatching(/^WARN statefile .*is-a-dir ignored: EISDIR/)]);
  });

  it("wishes of processes the config no longer has are dropped from the file at load; forget() drops a group's", async () => {
    const dir = tempDir();
    const file = path.join(dir, "state.json");
    await writeFileDurable(file, JSON.stringify({ version: 1, processes: { "a:a": "stopped", "gone:gone": "stopped", "b:b": "started" } }));
    const { lines, log } = recorder();
    const store = new DesiredStore(file, log);
    await store.load(configWith(dir, ["a", "b"]));
    expect(JSON.parse(fs.readFileSync(file, "utf8"))).toEqual({ version: 1, processes: { "a:a": "stopped", "b:b": "started" } });
    expect(lines).toEqual([`INFO statefile ${file}: 1 stopped by hand, 1 started by hand`]);
    await store.forget(["a:a"]);
    expect(JSON.parse(fs.readFileSync(file, "utf8"))).toEqual({ version: 1, processes: { "b:b": "started" } });
  });
});

describe("children file parsing", () => {
  it("accepts what the daemon writes and refuses malformed entries", () => {
    const good = { version: 1, daemon: { pid: 10, starttime: 5 }, children: [{ key: "a:a", program: "a", pid: 11, starttime: 6, pgid: 11 }] };
    expect(parseChildRecords(JSON.stringify(good))).toEqual(good);
    expect(parseChildRecords("{")).toMatch(/^not JSON/);
    expect(parseChildRecords('{"version":1,"children":[]}')).toBe("no daemon pid");
    const bad = { ...good, children: [{ key: "a:a", program: "a", pid: -1, starttime: 6, pgid: 11 }] };
    expect(parseChildRecords(JSON.stringify(bad))).toBe("bad child entry for a:a");
  });
});

describe("children journal (issue 20)", () => {
  const rec = (n: number): ChildRecord => ({ key: `p${n}:p${n}`, program: `p${n}`, pid: 1000 + n, starttime: 7, pgid: 1000 + n });
  const daemon = { pid: 10, starttime: 5 };

  it("replays appended spawns and exits into the live set; a respawn's old exit does not remove the new pid", () => {
    const file = path.join(tempDir(), "sd.pid.children");
    const journal = new ChildJournal(file, daemon);
    journal.compact([]);
    const live = new Map<string, ChildRecord>();
    const step = (lines: string[]): void => journal.append(lines, () => live.values(), live.size);
    for (let n = 0; n < 3; n++) live.set(rec(n).key, rec(n));
    step([addLine(rec(0)), addLine(rec(1)), addLine(rec(2))]);
    live.delete(rec(1).key);
    step([delLine(rec(1).key, rec(1).pid)]);
    const again = { ...rec(2), pid: 2002, pgid: 2002 };
    live.set(again.key, again);
    step([addLine(again), delLine(rec(2).key, rec(2).pid)]); // a stale exit line after the respawn's
    journal.close();
    expect(parseChildRecords(fs.readFileSync(file, "utf8"))).toEqual({ version: 2, daemon, children: [rec(0), again] });
  });

  it("compacts into a fresh file with only the live children once it has outgrown them", () => {
    const file = path.join(tempDir(), "sd.pid.children");
    const journal = new ChildJournal(file, daemon);
    journal.compact([]);
    const live = new Map([[rec(0).key, rec(0)]]);
    for (let i = 0; i < 200; i++) journal.append([addLine(rec(9)), delLine(rec(9).key, rec(9).pid)], () => live.values(), live.size);
    journal.close();
    const text = fs.readFileSync(file, "utf8");
    expect(text.split("\n").length).toBeLessThan(200);
    expect(parseChildRecords(text)).toEqual({ version: 2, daemon, children: [rec(0)] });
  });

  it("a torn last line is a change that never happened; a bad line before it refuses the file", () => {
    const head = `${JSON.stringify({ version: 2, daemon })}\n${addLine(rec(0))}`;
    expect(parseChildRecords(`${head}{"add":{"ke`)).toEqual({ version: 2, daemon, children: [rec(0)] });
    expect(parseChildRecords(`${head}{"add":{"ke\n${addLine(rec(1))}`)).toMatch(/^not JSON at line 3/);
  });
});

describe("children file records (issue 20)", () => {
  it("take the start the engine hands over with the pid, and read /proc only when it has none", async () => {
    const dir = tempDir();
    const config = configWith(dir, ["a", "b"]);
    const [a, b] = config.groups.map((g) => g.processes[0]);
    const file = path.join(dir, "sd.pid.children");
    const records = new ChildRecords(file, recorder().log);
    records.begin();
    const view = (proc: typeof a, pid: number, childStart: ProcessView["childStart"]): ProcessView =>
      ({ name: proc?.name, group: proc?.groupName, config: proc, state: "STARTING", pid, childStart }) as ProcessView;
    // Our own pid stands in for a child: live, so /proc has it. The handed-over start is deliberately not /proc's,
    // to show it is the one written (the spawner read it in C right after posix_spawn; the daemon must not again).
    const stat = readProcStat(process.pid);
    const settled = records.hooks().processSettled;
    settled?.(view(a, process.pid, { startTime: 12345, pgid: 678 }));
    settled?.(view(b, process.pid, null));
    await Promise.resolve(); // the records of one step are written as a microtask
    expect(parseChildRecords(fs.readFileSync(file, "utf8"))).toMatchObject({
      children: [
        { key: "a:a", pid: process.pid, starttime: 12345, pgid: 678 },
        { key: "b:b", pid: process.pid, starttime: stat?.starttime, pgid: stat?.pgrp },
      ],
    });
  });
});
