/** Config equality and the reread/update diff, spec §1.8 (EQ-01, EQ-02). */
import { describe, expect, it } from "vitest";
import { diffGroups, groupConfigEquals, processConfigEquals, type Config } from "../src/index.js";
import { readWithBase } from "./helpers.js";

const base = "[program:a]\ncommand=/bin/a\n[program:b]\ncommand=/bin/b\n";

function groups(text: string): Config["groups"] {
  return readWithBase(text).groups;
}

describe("EQ-02 process equality", () => {
  it("the same config read twice is equal", () => {
    const [x] = groups(base);
    const [y] = groups(base);
    expect(x && y && groupConfigEquals(x, y)).toBe(true);
  });

  it.each([
    ["command", "command=/bin/other"],
    ["autostart", "autostart=false"],
    ["autorestart", "autorestart=true"],
    ["priority", "priority=5"],
    ["startsecs", "startsecs=9"],
    ["startretries", "startretries=9"],
    ["stopsignal", "stopsignal=KILL"],
    ["stopwaitsecs", "stopwaitsecs=9"],
    ["stopasgroup", "stopasgroup=true"],
    ["killasgroup", "killasgroup=true"],
    ["exitcodes", "exitcodes=0,1"],
    ["redirect_stderr", "redirect_stderr=true"],
    ["directory", "directory=/tmp"],
    ["umask", "umask=077"],
    ["user (uid)", "user=nobody"],
    ["stdout_logfile (file vs none)", "stdout_logfile=NONE\n[program:zz]\ncommand=x"],
    ["stdout_logfile_maxbytes", "stdout_logfile_maxbytes=1KB"],
    ["stderr_logfile_backups", "stderr_logfile_backups=1"],
    ["stdout_capture_maxbytes", "stdout_capture_maxbytes=1KB"],
    ["stderr_events_enabled", "stderr_events_enabled=true"],
    ["stdout_syslog", "stdout_syslog=true"],
    ["environment", "environment=A=1"],
    ["serverurl", "serverurl=http://x:1"],
  ])("a change of %s makes it different", (_n, line) => {
    const before = groups("[program:a]\ncommand=/bin/a\nstdout_logfile=%(here)s/o.log\n")[0];
    const after = groups(`[program:a]\ncommand=/bin/a\nstdout_logfile=%(here)s/o.log\n${line}\n`)[0];
    const p = before?.processes[0];
    const q = after?.processes[0];
    expect(p && q && processConfigEquals(p, q)).toBe(false);
  });

  it("EQ-02 an AUTO logfile on either side is not compared", () => {
    const p = groups("[program:a]\ncommand=x\n")[0]?.processes[0];
    const q = groups("[program:a]\ncommand=x\nstdout_logfile=%(here)s/o.log\n")[0]?.processes[0];
    expect(p && q && processConfigEquals(p, q)).toBe(true);
  });

  it("EQ-02 the environment is compared after merging the global one", () => {
    const p = groups("[program:a]\ncommand=x\nenvironment=A=1\n")[0]?.processes[0];
    const q = groups("[program:a]\ncommand=x\n")[0]?.processes[0];
    expect(p && q && processConfigEquals(p, { ...q, environment: { A: "1" } })).toBe(true);
  });

  it("the user name is not compared, only the uid", () => {
    const p = groups("[program:a]\ncommand=x\nuser=root\n")[0]?.processes[0];
    const q = groups("[program:a]\ncommand=x\nuser=0\n")[0]?.processes[0];
    expect(p && q && processConfigEquals(p, q)).toBe(true);
  });
});

describe("EQ-01 group equality and diffGroups", () => {
  it("added, changed and removed groups, in config order", () => {
    const old = groups(base + "[program:c]\ncommand=/bin/c\n[program:d]\ncommand=/bin/d\n");
    const now = groups("[program:a]\ncommand=/bin/a\n[program:b]\ncommand=/bin/b2\n[program:e]\ncommand=/bin/e\n[program:d]\ncommand=/bin/d\npriority=1\n");
    expect(diffGroups(old, now)).toEqual({ added: ["e"], changed: ["d", "b"], removed: ["c"] });
  });

  it("a process added to a group (numprocs 1 -> 2) changes the group", () => {
    const old = groups("[program:w]\ncommand=x\nprocess_name=w%(process_num)d\n");
    const now = groups("[program:w]\ncommand=x\nprocess_name=w%(process_num)d\nnumprocs=2\n");
    expect(diffGroups(old, now)).toEqual({ added: [], changed: ["w"], removed: [] });
  });

  it("listener pools also compare buffer_size and events; fcgi groups their socket", () => {
    const l1 = groups("[eventlistener:e]\ncommand=x\nevents=TICK_5\n");
    const l2 = groups("[eventlistener:e]\ncommand=x\nevents=TICK_5\nbuffer_size=20\n");
    const l3 = groups("[eventlistener:e]\ncommand=x\nevents=TICK_60\n");
    const f1 = groups("[fcgi-program:f]\ncommand=x\nsocket=tcp://h:1\n");
    const f2 = groups("[fcgi-program:f]\ncommand=x\nsocket=tcp://h:2\n");
    expect(diffGroups(l1, l2).changed).toEqual(["e"]);
    expect(diffGroups(l1, l3).changed).toEqual(["e"]);
    expect(diffGroups(l1, l1).changed).toEqual([]);
    expect(diffGroups(f1, f2).changed).toEqual(["f"]);
  });

  it("moving a program into a [group:x] removes its group and adds the new one", () => {
    const old = groups(base);
    const now = groups(base + "[group:g]\nprograms=a\n");
    expect(diffGroups(old, now)).toEqual({ added: ["g"], changed: [], removed: ["a"] });
  });
});
