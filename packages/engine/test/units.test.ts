/** Pure helpers: shlex (SPN-03), command resolution (SPN-04/05), descriptions (CMD-STATUS-4), signals, namespecs, diff. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CommandError} from "../src/command.js";
import { resolveCommand, searchPath, shlexSplit } from "../src/command.js";
import { diffGroups } from "@tsupervisord/config";
import { describeProcess, formatLocalStopTime, formatTimedelta, makeNamespec, pyRepr, splitNamespec } from "@tsupervisord/pycompat";
import { describeExit, parseSignal, signame } from "../src/signals.js";
import { group, proc, program } from "./helpers.js";

describe("SPN-03 shlex.split (posix, no comments)", () => {
  it.each([
    ["a b  c", ["a", "b", "c"]],
    ["/bin/sh -c 'echo a; echo b'", ["/bin/sh", "-c", "echo a; echo b"]],
    ['say "hello \\"world\\""', ["say", 'hello "world"']],
    ['x "a\\nb"', ["x", "a\\nb"]],
    ["x a\\ b", ["x", "a b"]],
    ["x ''", ["x", ""]],
    ["x # not a comment", ["x", "#", "not", "a", "comment"]],
    ["a\n  b\tc", ["a", "b", "c"]],
    ["pre'quoted'post", ["prequotedpost"]],
  ])("%j", (input, expected) => {
    expect(shlexSplit(input)).toEqual(expected);
  });

  it("errors have Python's messages", () => {
    expect(() => shlexSplit("echo 'x")).toThrow("No closing quotation");
    expect(() => shlexSplit('echo "x')).toThrow("No closing quotation");
    expect(() => shlexSplit("echo x\\")).toThrow("No escaped character");
  });
});

describe("SPN-04/SPN-05 command resolution", () => {
  it("keeps argv[0] as written and resolves through PATH to the first entry where the name exists", () => {
    expect(resolveCommand("sh -c true", ["/nonexistent", "/bin", "/usr/bin"])).toEqual({
      file: "/bin/sh",
      argv: ["sh", "-c", "true"],
    });
  });

  it("a directory in PATH with the name stops the search (supervisord quirk)", () => {
    // /usr is a directory named "usr" inside "/": the search stops there and reports it.
    expect(() => resolveCommand("usr", ["/", "/usr/bin"])).toThrow("command at '/usr' is a directory");
  });

  it("PATH: program environment first, then the daemon's, then the default", () => {
    expect(searchPath({ PATH: "/a:/b" }, { PATH: "/c" })).toEqual(["/a", "/b"]);
    expect(searchPath({}, { PATH: "/c" })).toEqual(["/c"]);
    expect(searchPath({}, {})).toEqual(["/bin", "/usr/bin", "/usr/local/bin"]);
  });

  it("error kinds drive NO_FILE vs NOT_EXECUTABLE", () => {
    const kind = (cmd: string): string => {
      try {
        resolveCommand(cmd, ["/bin"]);
        return "ok";
      } catch (err) {
        return (err as CommandError).kind;
      }
    };
    expect(kind("/no/such")).toBe("missing");
    expect(kind("/tmp")).toBe("directory");
    expect(kind("")).toBe("empty");
    expect(kind("'")).toBe("unparsable");
    const dir = mkdtempSync(join(tmpdir(), "engine-units-"));
    try {
      writeFileSync(join(dir, "data"), "x", { mode: 0o644 });
      expect(kind(join(dir, "data"))).toBe("not-executable");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("messages quote like Python repr", () => {
    expect(pyRepr("a'b")).toBe(`"a'b"`);
    expect(pyRepr("plain")).toBe("'plain'");
    expect(pyRepr("a'b\"c")).toBe(`'a\\'b"c'`);
  });
});

describe("CMD-STATUS-4 descriptions", () => {
  it("Python timedelta text", () => {
    expect(formatTimedelta(5)).toBe("0:00:05");
    expect(formatTimedelta(3600 + 61)).toBe("1:01:01");
    expect(formatTimedelta(86400 + 3605)).toBe("1 day, 1:00:05");
    expect(formatTimedelta(3 * 86400 + 7)).toBe("3 days, 0:00:07");
    expect(formatTimedelta(-4)).toBe("0:00:00");
  });

  it("stop time in local time as %b %d %I:%M %p", () => {
    const t = new Date(2026, 10, 23, 19, 40, 12).getTime() / 1000;
    expect(formatLocalStopTime(t)).toBe("Nov 23 07:40 PM");
    const midnight = new Date(2026, 0, 5, 0, 7).getTime() / 1000;
    expect(formatLocalStopTime(midnight)).toBe("Jan 05 12:07 AM");
  });

  it("per state", () => {
    const base = { name: "web", pid: 0, start: 100, stop: 200, now: 300, spawnerr: "" };
    expect(describeProcess({ ...base, state: "RUNNING", pid: 42 })).toBe("pid 42, uptime 0:03:20");
    expect(describeProcess({ ...base, state: "RUNNING", pid: 42, start: 400 })).toBe("pid 42, uptime 0:00:00");
    expect(describeProcess({ ...base, state: "FATAL" })).toBe('unknown error (try "tail web")');
    expect(describeProcess({ ...base, state: "BACKOFF", spawnerr: "Exited too quickly (process log may have details)" })).toBe(
      "Exited too quickly (process log may have details)",
    );
    expect(describeProcess({ ...base, state: "STOPPED", start: 0 })).toBe("Not started");
    expect(describeProcess({ ...base, state: "STARTING" })).toBe("");
  });
});

describe("signals (RAP-03)", () => {
  it("names and parsing like Python's signal module", () => {
    expect(signame(15)).toBe("SIGTERM");
    expect(signame(6)).toBe("SIGABRT");
    expect(signame(17)).toBe("SIGCHLD");
    expect(signame(29)).toBe("SIGPOLL");
    expect(signame(40)).toBe("signal 40");
    expect(parseSignal("term")).toBe(15);
    expect(parseSignal("SIGHUP")).toBe(1);
    expect(parseSignal("9")).toBe(9);
    expect(parseSignal(10.7)).toBe(10);
    expect(parseSignal("IOT")).toBe(6);
    expect(parseSignal("NOPE")).toBeUndefined();
    expect(parseSignal(40)).toBeUndefined();
    // CMD-SIGNAL-2: 0 (the null signal) is accepted as supervisord's SIGNUMS contains it.
    expect(parseSignal("0")).toBe(0);
    expect(parseSignal(0)).toBe(0);
    expect(parseSignal("-1")).toBeUndefined();
    expect(describeExit(3, null)).toEqual({ exitstatus: 3, how: "exit status 3" });
    expect(describeExit(null, "SIGIO")).toEqual({ exitstatus: -1, how: "terminated by SIGPOLL" });
  });
});

describe("NUM-04 / SEL-02 namespecs", () => {
  it("split and make", () => {
    expect(splitNamespec("foo")).toEqual({ group: "foo", process: "foo" });
    expect(splitNamespec("foo:bar")).toEqual({ group: "foo", process: "bar" });
    expect(splitNamespec("foo:")).toEqual({ group: "foo", process: null });
    expect(splitNamespec("foo:*")).toEqual({ group: "foo", process: null });
    expect(splitNamespec("a:b:c")).toEqual({ group: "a", process: "b:c" });
    expect(makeNamespec("foo", "foo")).toBe("foo");
    expect(makeNamespec("g", "p")).toBe("g:p");
  });
});

describe("EQ-01/EQ-02 group diff", () => {
  it("ignores source locations and AUTO logfiles on either side; sees any other change", () => {
    const a = program("a", "/bin/true");
    const moved = { ...a, processes: a.processes.map((p) => ({ ...p, source: { file: "/other.conf", line: 9 } })) };
    const concrete = {
      ...a,
      processes: a.processes.map((p) => ({ ...p, stdout: { ...p.stdout, logfile: { kind: "file" as const, path: "/x" } } })),
    };
    const auto = { ...a, processes: a.processes.map((p) => ({ ...p, stdout: { ...p.stdout, logfile: { kind: "auto" as const } } })) };
    expect(diffGroups([a], [moved])).toEqual({ added: [], changed: [], removed: [] });
    expect(diffGroups([auto], [concrete])).toEqual({ added: [], changed: [], removed: [] });
    expect(diffGroups([a], [concrete]).changed).toEqual(["a"]);
    const env = { ...a, processes: a.processes.map((p) => ({ ...p, environment: { X: "1" } })) };
    expect(diffGroups([a], [env]).changed).toEqual(["a"]);
    const more = group("a", [proc("a", "/bin/true"), proc("b", "/bin/true")]);
    expect(diffGroups([a, program("gone", "/bin/true")], [more, program("new", "/bin/true")])).toEqual({
      added: ["new"],
      changed: ["a"],
      removed: ["gone"],
    });
  });
});
