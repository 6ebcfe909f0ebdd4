/** numprocs and naming (§1.6), groups (§1.5.6, §1.7), listeners (§1.5.7), fcgi programs (§1.5.8). */
import { describe, expect, it } from "vitest";
import { makeNamespec, splitNamespec } from "../src/index.js";
import { issuesOf, read as issuesFree, readWithBase, BASE } from "./helpers.js";

function names(text: string): string[][] {
  return readWithBase(text).groups.map((g) => [g.name, ...g.processes.map((p) => p.name)]);
}

describe("§1.6 numprocs and process_name", () => {
  it("NUM-01 process_num from numprocs_start, in name, command, directory, logfiles, environment", () => {
    const c = readWithBase(
      "[program:foo]\ncommand=/bin/w %(process_num)d\nprocess_name=%(program_name)s_%(process_num)02d\nnumprocs=2\n" +
        "numprocs_start=1\ndirectory=/srv/%(process_num)d\nstdout_logfile=%(here)s/o%(process_num)d.log\n" +
        "stderr_logfile=%(here)s/e%(process_num)d.log\nenvironment=N=%(process_num)d\n",
    );
    expect(c.groups[0]?.processes.map((p) => [p.name, p.command, p.directory, p.stdout.logfile, p.stderr.logfile, p.environment, p.processNum])).toEqual([
      ["foo_01", "/bin/w 1", "/srv/1", { kind: "file", path: `${c.here}/o1.log` }, { kind: "file", path: `${c.here}/e1.log` }, { N: "1" }, 1],
      ["foo_02", "/bin/w 2", "/srv/2", { kind: "file", path: `${c.here}/o2.log` }, { kind: "file", path: `${c.here}/e2.log` }, { N: "2" }, 2],
    ]);
  });

  it("NUM-01 %(numprocs)d in command", () => {
    expect(readWithBase("[program:a]\ncommand=x %(numprocs)d\n").groups[0]?.processes[0]?.command).toBe("x 1");
  });

  it("NUM-01 %(group_name)s_%(program_name)s_%(process_num)02d inside a group", () => {
    expect(names("[program:foo]\ncommand=x\nprocess_name=%(group_name)s_%(program_name)s_%(process_num)02d\n[group:bar]\nprograms=foo\n")).toEqual([
      ["bar", "bar_foo_00"],
    ]);
  });

  it("NUM-03 processes sorted by name with string comparison (foo_10 < foo_2)", () => {
    expect(names("[program:foo]\ncommand=x\nprocess_name=foo_%(process_num)d\nnumprocs=11\n")[0]).toEqual([
      "foo", "foo_0", "foo_1", "foo_10", "foo_2", "foo_3", "foo_4", "foo_5", "foo_6", "foo_7", "foo_8", "foo_9",
    ]);
  });

  it.each(["0", "-3"])("numprocs=%s gives a group with no processes", (n) => {
    expect(names(`[program:a]\ncommand=x\nnumprocs=${n}\n`)).toEqual([["a"]]);
  });

  it("NUM-02 duplicate process names collapse to one (the last wins)", () => {
    const c = readWithBase("[program:a]\ncommand=first\n[program:b]\ncommand=x\nprocess_name=a\n[group:g]\nprograms=a,b\n");
    expect(c.groups[0]?.processes.map((p) => [p.name, p.command])).toEqual([["a", "x"]]);
  });

  it("NUM-04 namespecs", () => {
    expect(makeNamespec("foo", "foo")).toBe("foo");
    expect(makeNamespec("g", "foo_0")).toBe("g:foo_0");
    expect(splitNamespec("foo")).toEqual({ group: "foo", process: "foo" });
    expect(splitNamespec("foo:bar")).toEqual({ group: "foo", process: "bar" });
    expect(splitNamespec("foo:")).toEqual({ group: "foo", process: null });
    expect(splitNamespec("foo:*")).toEqual({ group: "foo", process: null });
    expect(splitNamespec("a:b:c")).toEqual({ group: "a", process: "b:c" });
  });
});

describe("§1.7 group construction order", () => {
  it("GRP-01 [group:x] first, then programs, listeners, fcgi; then sorted by (priority, name)", () => {
    const c = readWithBase(
      "[fcgi-program:f]\ncommand=x\nsocket=tcp://localhost:9000\npriority=1\n" +
        "[eventlistener:e]\ncommand=x\nevents=TICK_5\n" +
        "[program:b]\ncommand=x\n[program:a]\ncommand=x\npriority=999\n[program:z]\ncommand=x\npriority=2\n" +
        "[group:g]\nprograms=z\npriority=999\n",
    );
    expect(c.groups.map((g) => [g.name, g.kind, g.priority])).toEqual([
      ["e", "eventlistener", -1],
      ["f", "fcgi-program", 1],
      ["a", "program", 999],
      ["b", "program", 999],
      ["g", "heterogeneous", 999],
    ]);
  });

  it("§1.5.6 listed programs leave their own group and join g with their own priorities, in programs= order", () => {
    const c = readWithBase(
      "[program:w]\ncommand=x\nprocess_name=w%(process_num)d\nnumprocs=2\npriority=20\n[program:api]\ncommand=x\npriority=10\n" +
        "[group:backend]\nprograms=w, api\npriority=50\n",
    );
    expect(c.groups.map((g) => [g.name, g.priority, g.processes.map((p) => [p.name, p.priority, p.groupName])])).toEqual([
      ["backend", 50, [["w0", 20, "backend"], ["w1", 20, "backend"], ["api", 10, "backend"]]],
    ]);
  });

  it("§1.5.6 an empty or missing programs= gives an empty group", () => {
    expect(names("[group:empty]\n[group:also]\nprograms=\n")).toEqual([["also"], ["empty"]]);
  });

  it("§1.5.6 fcgi programs may be grouped (they become plain processes of the group)", () => {
    const c = readWithBase("[fcgi-program:f]\ncommand=x\nsocket=tcp://h:1\n[group:g]\nprograms=f\n");
    expect(c.groups.map((g) => [g.name, g.kind, g.processes.map((p) => p.name)])).toEqual([["g", "heterogeneous", ["f"]]]);
  });

  it("GRP-03 the global environment is merged under each process's own (program wins)", () => {
    const d = issuesFree(
      BASE.replace("childlogdir=%(here)s\n", "childlogdir=%(here)s\nenvironment=A=g,B=g\n") +
        "[program:a]\ncommand=x\nenvironment=B=own,C=3\n[program:b]\ncommand=x\n",
    );
    expect(d.groups.map((g) => g.processes[0]?.environment)).toEqual([{ A: "g", B: "own", C: "3" }, { A: "g", B: "g" }]);
  });
});

describe("§1.5.7 [eventlistener:x]", () => {
  it("pool options; events upper-cased and de-duplicated; process priority stays 999", () => {
    const c = readWithBase("[eventlistener:mon]\ncommand=memmon\nevents=tick_60, TICK_5,TICK_60\nbuffer_size=50\n");
    const g = c.groups[0];
    expect(g).toMatchObject({ name: "mon", kind: "eventlistener", priority: -1, pool: { events: ["TICK_60", "TICK_5"], bufferSize: 50, resultHandler: "supervisor.dispatchers:default_handler" } });
    expect(g?.processes[0]).toMatchObject({ name: "mon", kind: "eventlistener", priority: 999 });
  });
  it("the pool name is not validated at pool level but the program name is (with the section suffix)", () => {
    const { issues } = issuesOf(BASE + "[eventlistener:a b]\ncommand=x\nevents=TICK_5\n");
    expect(issues[0]?.message).toMatch(/^Invalid name: 'a b' because of character: ' ' in section 'eventlistener:a b'/);
  });
});

describe("§1.5.8 [fcgi-program:x]", () => {
  it("unix socket: absolute, default mode 0700, owner from a user= different from the daemon's", () => {
    const c = readWithBase("[fcgi-program:php]\ncommand=php-cgi\nsocket=unix:///run/../run/%(program_name)s.sock\nuser=www-data\n", { uid: 0 });
    expect(c.groups[0]?.fcgi).toEqual({ socket: "unix:///run/php.sock", backlog: null, owner: { uid: 33, gid: 33 }, mode: 0o700 });
  });
  it("unix socket with explicit owner and mode", () => {
    const c = readWithBase("[fcgi-program:php]\ncommand=x\nsocket=unix:///run/p.sock\nsocket_owner=nobody:nogroup\nsocket_mode=0666\nsocket_backlog=128\n");
    expect(c.groups[0]?.fcgi).toEqual({ socket: "unix:///run/p.sock", backlog: 128, owner: { uid: 65534, gid: 65534 }, mode: 0o666 });
  });
  it("tcp socket: host lower-cased", () => {
    const c = readWithBase("[fcgi-program:t]\ncommand=x\nsocket=tcp://LocalHost:9010\n");
    expect(c.groups[0]?.fcgi?.socket).toBe("tcp://localhost:9010");
  });
  it.each([
    ["unix://relative.sock", "is not an absolute path"],
    ["udp://localhost:1", "Bad socket format"],
    ["tcp://localhost", "Bad socket format"],
  ])("socket=%s is rejected (%s)", (socket, text) => {
    const { issues } = issuesOf(BASE + `[fcgi-program:f]\ncommand=x\nsocket=${socket}\n`);
    expect(issues[0]).toMatchObject({ section: "fcgi-program:f", option: "socket", line: 8 });
    expect(issues[0]?.message).toContain(text);
    expect(issues[0]?.message).toMatch(/ in \[fcgi-program:f\] socket$/);
  });
});

describe("collecting: every problem is reported, not only the first", () => {
  it("several bad options and sections at once, in supervisord's order", () => {
    const { issues } = issuesOf(
      BASE.replace("childlogdir=%(here)s\n", "childlogdir=%(here)s\nloglevel=loud\n") +
        "[program:a]\ncommand=x\nautostart=maybe\nstartsecs=soon\n[program:b]\nautorestart=sometimes\n[inet_http_server]\nport=nope\n",
    );
    expect(issues.map((i) => [i.line, i.option, i.message.replace(/ in section .*$/, "")])).toEqual([
      [5, "loglevel", "bad logging level name 'loud'"],
      [9, "autostart", "not a valid boolean value: 'maybe'"],
      [10, "startsecs", "invalid literal for int() with base 10: 'soon'"],
      [12, "autorestart", "invalid 'autorestart' value 'sometimes'"],
      [11, "command", "program section program:b does not specify a command"],
      [14, "port", "not a valid port number: 'nope' "],
    ]);
  });
  it("per-process errors: identical ones are reported once, different ones (per process_num) each", () => {
    const { issues } = issuesOf(BASE + "[program:a]\ncommand=x\nprocess_name=a%(process_num)d\nnumprocs=3\nstdout_logfile=/nonexistent/%(process_num)d/x.log\n");
    expect(issues.map((i) => i.message.replace(/ in section .*$/, ""))).toEqual([0, 1, 2].map((n) => `The directory named as part of the path /nonexistent/${n}/x.log does not exist`));
    const again = issuesOf(BASE + "[program:a]\ncommand=x\nprocess_name=a%(process_num)d\nnumprocs=3\nstdout_logfile=/nonexistent/x.log\n");
    expect(again.issues).toHaveLength(1);
    expect(issues.every((i) => i.option === "stdout_logfile" && i.line === 10)).toBe(true);
  });
});
