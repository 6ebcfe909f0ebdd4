import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { getopt } from "@tsupervisord/pycompat";
import { isUrl, parseCommandLine, type ParseOutcome } from "../src/options.js";
import { configSearchPaths as searchPaths, readCtlConfig } from "@tsupervisord/config/ctl";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "tsctl-opts-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function parse(argv: string[], vars: Record<string, string> = {}): ParseOutcome {
  // argv0 two levels under dir, so the <bin> search paths stay inside the temp dir.
  const argv0 = join(dir, "bin", "tsctl");
  const paths = searchPaths(argv0).filter((p) => !p.startsWith("/etc/"));
  return parseCommandLine(argv, { argv0, cwd: dir, vars, searchPaths: paths });
}

function usage(argv: string[]): string {
  const r = parse(argv);
  if (r.kind !== "usage") throw new Error(`expected a usage error, got ${r.kind}`);
  return r.message;
}

function run(argv: string[], vars: Record<string, string> = {}) {
  const r = parse(argv, vars);
  if (r.kind !== "run") throw new Error(`expected run, got ${JSON.stringify(r)}`);
  return r.options;
}

describe("Python getopt", () => {
  it("stops at the first non-option; -- ends options", () => {
    expect(getopt(["-s", "x", "status", "-s"], { short: "s:", long: [] })).toEqual({ options: [["-s", "x"]], rest: ["status", "-s"] });
    expect(getopt(["--", "-s"], { short: "s:", long: [] })).toEqual({ options: [], rest: ["-s"] });
    expect(getopt(["-sfoo", "-i"], { short: "s:i", long: [] })).toEqual({ options: [["-s", "foo"], ["-i", ""]], rest: [] });
  });
  it("long options: =value, next word, unique prefixes", () => {
    expect(getopt(["--serverurl=u"], { short: "", long: ["serverurl="] }).options).toEqual([["--serverurl", "u"]]);
    expect(getopt(["--server", "u"], { short: "", long: ["serverurl="] }).options).toEqual([["--serverurl", "u"]]);
  });
});

describe("CTL-02 option errors", () => {
  it.each([
    [["--foo"], "option --foo not recognized"],
    [["-x"], "option -x not recognized"],
    [["-s"], "option -s requires argument"],
    [["--serverurl"], "option --serverurl requires argument"],
    [["--help=1"], "option --help must not have an argument"],
    [["-s", "unix:///a", "-s", "unix:///b"], "conflicting command line option '-s'"],
    [["-i", "-i"], "conflicting command line option '-i'"],
    [["-s", "nourl"], "invalid value for -s 'nourl': value 'nourl' is not a URL"],
    [["--serverurl=http://"], "invalid value for --serverurl 'http://': value 'http://' is not a URL"],
  ])("%j → %s", (argv, message) => {
    expect(usage(argv)).toBe(message);
  });
  it("getopt errors come first, even after -h", () => {
    expect(usage(["-h", "--foo"])).toBe("option --foo not recognized");
  });
  it("-h, --help and -? print the usage, before later option values are checked", () => {
    for (const flag of ["-h", "--help", "-?"]) {
      const r = parse([flag, "-s", "nourl"]);
      expect(r.kind).toBe("help");
      if (r.kind === "help") expect(r.text).toMatch(/^tsctl -- control applications run by supervisord/);
    }
  });
  it("URLs as supervisor.datatypes.url accepts them", () => {
    expect(isUrl("http://localhost:9001")).toBe(true);
    expect(isUrl("unix:///tmp/s.sock")).toBe(true);
    expect(isUrl("localhost:9001")).toBe(true);
    expect(isUrl("foo")).toBe(false);
    expect(isUrl("http://")).toBe(false);
  });
});

describe("config file (CFG-04/05/07) and precedence (CTL-01)", () => {
  it("no file anywhere: defaults", () => {
    const o = run(["status"]);
    expect(o).toMatchObject({ configfile: null, serverurl: "http://localhost:9001", prompt: "supervisor", interactive: false });
  });
  it("a file without [supervisorctl] is an error, even with -s and even when found by the search", () => {
    writeFileSync(join(dir, "supervisord.conf"), "[supervisord]\n");
    expect(usage(["-s", "unix:///x", "status"])).toBe(".ini file does not include supervisorctl section");
  });
  it("the <bin>/etc/supervisord.conf search path", () => {
    mkdirSync(join(dir, "etc"));
    writeFileSync(join(dir, "etc", "supervisord.conf"), "[supervisorctl]\nprompt=binetc\n");
    expect(run(["status"]).prompt).toBe("binetc");
  });
  it("missing -c file", () => {
    expect(usage(["-c", "nope.conf"])).toBe("could not find config file nope.conf");
  });
  it("reads the section with %(here)s, ENV_ and unix:// normalisation; the command line wins", () => {
    const conf = join(dir, "c.conf");
    writeFileSync(
      conf,
      [
        "[supervisorctl]",
        "serverurl = unix://%(here)s/run/../supervisor.sock ; comment",
        "username: %(ENV_CTL_USER)s",
        "password=pa;ss",
        "prompt=mysup",
        "history_file=%(here)s/hist",
        "",
      ].join("\n"),
    );
    const o = run(["-c", conf], { CTL_USER: "chris" });
    expect(o).toMatchObject({
      serverurl: `unix://${dir}/supervisor.sock`,
      username: "chris",
      password: "pa;ss",
      prompt: "mysup",
      historyFile: join(dir, "hist"),
      interactive: true,
      args: [],
    });
    const o2 = run(["-c", conf, "-s", "http://127.0.0.1:1", "-u", "u", "--password=p", "-r", "/tmp/h", "status", "x"], {
      CTL_USER: "chris",
    });
    expect(o2).toMatchObject({
      serverurl: "http://127.0.0.1:1",
      username: "u",
      password: "p",
      historyFile: "/tmp/h",
      args: ["status", "x"],
      interactive: false,
    });
  });
  it("-i with an action is still one-shot; without one the shell starts", () => {
    expect(run(["-i", "status"]).args).toEqual(["status"]);
    expect(run(["-i"]).interactive).toBe(true);
  });
  it("an unknown %(name)s is reported", () => {
    const conf = join(dir, "c.conf");
    writeFileSync(conf, "[supervisorctl]\nserverurl=unix://%(nope)s/x\n");
    expect(usage(["-c", conf])).toMatch(/contains names \('nope'\) which cannot be expanded/);
  });
});

describe("tsctl's own options: --version and --json before the command", () => {
  it("--version ends parsing, as -h does", () => {
    expect(parse(["--version"])).toEqual({ kind: "version" });
    expect(parse(["-c", "/nonexistent.conf", "--version"])).toEqual({ kind: "version" });
  });
  it("`--json status web` is `status --json web` (and so for avail and pid)", () => {
    expect(run(["--json", "status", "web"]).args).toEqual(["status", "--json", "web"]);
    expect(run(["-s", "unix:///x.sock", "--json", "avail"]).args).toEqual(["avail", "--json"]);
    expect(run(["--json", "pid", "all"]).args).toEqual(["pid", "--json", "all"]);
  });
  it("--json with a command that has no JSON form, or with none, says which have it", () => {
    expect(usage(["--json", "start", "web"])).toBe("--json needs one of the commands status, avail, pid");
    expect(usage(["--json"])).toBe("--json needs one of the commands status, avail, pid");
  });
});

describe("configparser line rules", () => {
  it("comments, inline comments after whitespace, continuation lines, last duplicate wins", () => {
    const conf = join(dir, "c.conf");
    writeFileSync(
      conf,
      ["; top", "[supervisorctl]", "prompt = 1 ;c", "username = a;b", "password = first", "  second", "prompt = 2", "# c"].join("\n"),
    );
    expect(readCtlConfig(conf, { cwd: dir, env: {} })).toMatchObject({ prompt: "2", username: "a;b", password: "first\nsecond" });
  });
  it("tsctl reads with the config package's reader: supervisorctl's texts for broken values (no location prefix)", () => {
    const conf = join(dir, "c.conf");
    writeFileSync(conf, "[supervisorctl]\nprompt=100%\n");
    expect(usage(["-c", conf])).toBe("Format string '100%' for 'supervisorctl.prompt' is badly formatted: incomplete format");
    writeFileSync(conf, "[supervisord]\n");
    expect(usage(["-c", conf])).toBe(".ini file does not include supervisorctl section");
    expect(usage(["-c", join(dir, "nope.conf")])).toBe(`could not find config file ${join(dir, "nope.conf")}`);
  });
  it("the defaults when the section is empty", () => {
    const conf = join(dir, "c.conf");
    writeFileSync(conf, "[supervisorctl]\n");
    expect(readCtlConfig(conf, { cwd: dir, env: {} })).toEqual({
      serverurl: "http://localhost:9001",
      username: null,
      password: null,
      prompt: "supervisor",
      historyFile: null,
    });
  });
});
