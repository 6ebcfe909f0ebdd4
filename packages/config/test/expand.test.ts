/** The %-expansion engine, spec §1.3 (EXP-01…EXP-06). */
import { describe, expect, it } from "vitest";
import { expand } from "../src/index.js";
import { BASE, onlyProcess, read, readWithBase } from "./helpers.js";

const names = new Map<string, string | number>([
  ["a", "x"],
  ["n", 7],
  ["here", "/etc"],
]);

describe("EXP-01 python %-formatting", () => {
  it.each([
    ["%(a)s", "x"],
    ["%%", "%"],
    ["100%%", "100%"],
    ["%(n)d", "7"],
    ["%(n)02d", "07"],
    ["%(n)05d", "00007"],
    ["%(n)+d", "+7"],
    ["%(n) d", " 7"],
    ["%(n)x", "7"],
    ["%(n)#o", "0o7"],
    ["%(a)5s|", "    x|"],
    ["%(a)-5s|", "x    |"],
    ["%(a)r", "'x'"],
    ["%(a)ls", "x"],
    ["%(n)s", "7"],
    ["no percent", "no percent"],
  ])("%j -> %j", (fmt, out) => expect(expand(fmt, names, "w")).toBe(out));

  it.each([
    ["%", "incomplete format"],
    ["abc%", "incomplete format"],
    ["%(a", "incomplete format key"],
    ["%z", "unsupported format character 'z' (0x7a) at index 1"],
    ["%(a)z", "unsupported format character 'z' (0x7a) at index 4"],
    ["%(a)%", "unsupported format character '%' (0x25) at index 4"],
    ["%(a)d", "%d format: a real number is required, not str"],
    ["%d", "%d format: a real number is required, not dict"],
    ["%(n)*d", "not enough arguments for format string"],
    ["%*d", "* wants int"],
    ["%(a)s%d", "not enough arguments for format string"],
    ["%(a)s %s", "not enough arguments for format string"],
    ["%(a)s-%p)d", "not enough arguments for format string"],
  ])("%j is badly formatted: %s", (fmt, msg) => {
    expect(() => expand(fmt, names, "program:a.command")).toThrow(
      `Format string '${fmt}' for 'program:a.command' is badly formatted: ${msg}`,
    );
  });

  it("EXP-01 a positional %s is refused (python would print the whole dictionary)", () => {
    expect(() => expand("%s", names, "w")).toThrow(/badly formatted: positional format %s is not supported/);
  });
});

describe("EXP-02 unknown names", () => {
  it("lists the available names sorted by code point", () => {
    expect(() => expand("%(nope)s", names, "program:a.command")).toThrow(
      "Format string '%(nope)s' for 'program:a.command' contains names ('nope') which cannot be expanded. " +
        "Available names: a, here, n",
    );
  });
});

describe("EXP-03 available names in a program", () => {
  it("here, program_name, group_name, process_num, numprocs, host_node_name, ENV_*", () => {
    const c = read(
      BASE +
        "[program:web]\n" +
        "command=run %(here)s %(program_name)s %(group_name)s %(process_num)d/%(numprocs)d %(host_node_name)s %(ENV_HOME)s\n" +
        "[group:g]\nprograms=web\n",
    );
    expect(onlyProcess(c).command).toBe(`run ${c.here} web g 0/1 testhost /root`);
  });

  it("ENV_ names include [supervisord] environment= keys and the program's own environment= (program wins)", () => {
    const c = read(
      "[supervisord]\nlogfile=%(here)s/sd.log\npidfile=%(here)s/sd.pid\nchildlogdir=%(here)s\n" +
        "environment=TIER=staging,CMD=global\n" +
        "[program:a]\ncommand=%(ENV_CMD)s %(ENV_TIER)s\nenvironment=CMD=local\n",
    );
    expect(onlyProcess(c).command).toBe("local staging");
    expect(onlyProcess(c).environment).toEqual({ TIER: "staging", CMD: "local" });
  });

  it("EXP-05 values inherited from the process environment are never expanded", () => {
    const c = readWithBase("[program:a]\ncommand=echo %(ENV_X)s\n", { env: { X: "100%" } });
    expect(onlyProcess(c).command).toBe("echo 100%");
  });
});

describe("EXP-04 which names each option sees", () => {
  it("environment sees process_num and numprocs", () => {
    const c = readWithBase("[program:a]\ncommand=x\nenvironment=N=%(process_num)d/%(numprocs)d\n");
    expect(onlyProcess(c).environment).toEqual({ N: "0/1" });
  });
  it("%% in environment gives % (quoted: % is not a shlex word character, so unquoted it ends the value)", () => {
    const c = readWithBase('[program:a]\ncommand=x\nenvironment=P="100%%",Q=100%%\n');
    expect(onlyProcess(c).environment).toEqual({ P: "100%", Q: "100" });
  });
  it("*_logfile is expanded twice: a literal % is written %%%%", () => {
    const c = readWithBase("[program:a]\ncommand=x\nstdout_logfile=%(here)s/100%%%%.log\n");
    expect(onlyProcess(c).stdout.logfile).toEqual({ kind: "file", path: `${c.here}/100%.log` });
  });
  it("[supervisord] environment is expanded twice [4.2.5]: %%%% gives %", () => {
    const c = read(BASE.replace("childlogdir=%(here)s\n", 'childlogdir=%(here)s\nenvironment=P="100%%%%"\n'));
    expect(c.supervisord.environment).toEqual({ P: "100%" });
  });
  it("directory and command see the program's own ENV_ keys", () => {
    const c = readWithBase("[program:a]\ncommand=%(ENV_BIN)s\ndirectory=/srv/%(ENV_APP)s\nenvironment=BIN=/bin/x,APP=web\n");
    expect(onlyProcess(c)).toMatchObject({ command: "/bin/x", directory: "/srv/web" });
  });
  it("[supervisord] options see here and ENV_*", () => {
    const c = read(BASE.replace("childlogdir=%(here)s\n", "childlogdir=%(here)s\nidentifier=%(ENV_HOME)s-%(here)s\n"));
    expect(c.supervisord.identifier).toBe(`/root-${c.here}`);
  });
});

describe("EXP-06 / CFG-09 %(here)s", () => {
  it("is the main file's directory without [include]", () => {
    const c = readWithBase("[program:a]\ncommand=%(here)s/bin\n");
    expect(onlyProcess(c).command).toBe(`${c.here}/bin`);
  });
  it("a [DEFAULT] value with %(here)s means the directory of the file each section comes from", () => {
    const c = read("[DEFAULT]\nserverurl=unix://%(here)s/run.sock\n" + BASE + "[program:m]\ncommand=m\n[include]\nfiles=sub/*.conf\n", {}, {
      "sub/x.conf": "[program:s]\ncommand=s\n",
    });
    const urls = Object.fromEntries(c.groups.map((g) => [g.name, g.processes[0]?.serverurl]));
    expect(urls).toEqual({ m: `unix://${c.here}/run.sock`, s: `unix://${c.here}/sub/run.sock` });
  });

  it("in an included file it is that file's directory", () => {
    const c = read(BASE + "[program:m]\ncommand=%(here)s/m\n[include]\nfiles=sub/*.conf\n", {}, {
      "sub/x.conf": "[program:s]\ncommand=%(here)s/s\n",
    });
    const cmds = Object.fromEntries(c.groups.map((g) => [g.name, g.processes[0]?.command]));
    expect(cmds).toEqual({ m: `${c.here}/m`, s: `${c.here}/sub/s` });
  });
});
