/** Locating the file (CFG-02/03), CLI error output (ERR-01/02), tsctl's reading (CFG-04/05), -t and the sample. */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "@tsupervisord/errors";
import {
  DEFAULT_SUPERVISORCTL_CONFIG,
  IniParser,
  configSearchPaths,
  describeConfig,
  findConfigFile,
  formatConfigErrorForCli,
  noConfigFileMessage,
  readConfig,
  readCtlConfig,
  renderSampleConfig,
} from "../src/index.js";
import { BASE, issuesOf, read, tempDir, testOptions, writeTree } from "./helpers.js";

describe("CFG-02/03 locating the config file", () => {
  it("CFG-02 the six search paths, <bin> being two levels up from argv[0]", () => {
    expect(configSearchPaths("/usr/local/bin/tsupervisord")).toEqual([
      "/usr/local/etc/supervisord.conf",
      "/usr/local/supervisord.conf",
      "supervisord.conf",
      "etc/supervisord.conf",
      "/etc/supervisord.conf",
      "/etc/supervisor/supervisord.conf",
    ]);
    expect(configSearchPaths("tsupervisord").slice(0, 2)).toEqual(["etc/supervisord.conf", "supervisord.conf"]);
  });

  it("CFG-02 the first existing path wins (relative ones against cwd; a directory counts)", () => {
    const root = tempDir();
    mkdirSync(path.join(root, "app", "bin"), { recursive: true });
    mkdirSync(path.join(root, "cwd", "etc"), { recursive: true });
    const argv0 = path.join(root, "app", "bin", "tsupervisord");
    const cwd = path.join(root, "cwd");
    writeFileSync(path.join(cwd, "etc", "supervisord.conf"), "");
    expect(findConfigFile(argv0, cwd)).toBe("etc/supervisord.conf");
    mkdirSync(path.join(cwd, "supervisord.conf"));
    expect(findConfigFile(argv0, cwd)).toBe("supervisord.conf");
    writeFileSync(path.join(root, "app", "supervisord.conf"), "");
    expect(findConfigFile(argv0, cwd)).toBe(path.join(root, "app", "supervisord.conf"));
  });

  it("CFG-03 message", () => {
    expect(noConfigFileMessage("/opt/x/bin/tsupervisord")).toBe(
      "No config file found at default paths (/opt/x/etc/supervisord.conf, /opt/x/supervisord.conf, supervisord.conf, " +
        "etc/supervisord.conf, /etc/supervisord.conf, /etc/supervisor/supervisord.conf); use the -c option to specify a config file at a different path",
    );
  });
});

describe("CFG-07 missing file", () => {
  it("could not find config file <path as given>", () => {
    const cwd = tempDir();
    let err: unknown;
    try {
      readConfig("nope.conf", testOptions({ cwd }));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).issues).toEqual([{ file: path.join(cwd, "nope.conf"), message: "could not find config file nope.conf" }]);
  });
});

describe("CFG-07 unreadable file", () => {
  it("could not read config file <path> (a directory passes the existence test but cannot be read)", () => {
    const cwd = tempDir();
    mkdirSync(path.join(cwd, "conf"));
    expect(() => readConfig("conf", testOptions({ cwd }))).toThrow("could not read config file conf");
  });
});

describe("ERR-01/02 formatConfigErrorForCli", () => {
  it("Error: <message>, the location, then For help", () => {
    const { issues, dir } = issuesOf(BASE + "[program:cat]\ncommand=x\nstopsignal=NOTASIGNAL\n");
    const text = formatConfigErrorForCli(new ConfigError(issues), "/usr/bin/tsupervisord");
    expect(text).toBe(
      `Error: value 'NOTASIGNAL' is not a valid signal name in section 'program:cat' (file: '${dir}/supervisord.conf')\n` +
        `  (at ${dir}/supervisord.conf:8 [program:cat] stopsignal)\n` +
        "For help, use /usr/bin/tsupervisord -h\n",
    );
  });

  it("INI-07 the parse error lines of one file are shown as python's single message", () => {
    const { issues, dir } = issuesOf("[supervisord]\njunk\nmore junk\n");
    const lines = formatConfigErrorForCli(new ConfigError(issues), "tsupervisord").split("\n");
    expect(lines.slice(0, 3)).toEqual([
      `Error: Source contains parsing errors: '${dir}/supervisord.conf'`,
      "\t[line  2]: 'junk\\n'",
      "\t[line  3]: 'more junk\\n'",
    ]);
    expect(lines.at(-2)).toBe("For help, use tsupervisord -h");
  });

  it("CFG-03 also works for a plain error", () => {
    expect(formatConfigErrorForCli(new Error(noConfigFileMessage("x")), "x")).toMatch(/^Error: No config file found at default paths .*\nFor help, use x -h\n$/s);
  });
});

describe("CFG-04/05 readCtlConfig", () => {
  it("CFG-05 a file without [supervisorctl] is an error", () => {
    const dir = writeTree({ "supervisord.conf": BASE });
    expect(() => readCtlConfig(path.join(dir, "supervisord.conf"), testOptions())).toThrow(".ini file does not include supervisorctl section");
  });
  it("reads serverurl (unix:// normalised), credentials, prompt, history_file", () => {
    const dir = writeTree({ "supervisord.conf": "[supervisorctl]\nserverurl=unix://%(here)s/x/../s.sock\nusername=u\npassword=p\nprompt=mine\nhistory_file=~/.h\n" });
    expect(readCtlConfig(path.join(dir, "supervisord.conf"), testOptions({ env: { HOME: "/home/tester" } }))).toEqual({
      serverurl: `unix://${dir}/s.sock`,
      username: "u",
      password: "p",
      prompt: "mine",
      historyFile: "/home/tester/.h",
    });
  });
  it("CFG-04 defaults when there is no file", () => {
    expect(DEFAULT_SUPERVISORCTL_CONFIG).toEqual({ serverurl: "http://localhost:9001", username: null, password: null, prompt: "supervisor", historyFile: null });
  });
  it("does not validate the daemon's sections", () => {
    const dir = writeTree({ "supervisord.conf": "[supervisorctl]\n[program:a]\nautostart=maybe\n" });
    expect(readCtlConfig(path.join(dir, "supervisord.conf"), testOptions()).serverurl).toBe("http://localhost:9001");
  });
});

describe("describeConfig (tsupervisord -t)", () => {
  it("config OK, then group<TAB>process<TAB>command per process in config order", () => {
    const c = read(BASE + "[program:w]\ncommand=/bin/w\n  --flag\nprocess_name=w%(process_num)d\nnumprocs=2\n[program:a]\ncommand=/bin/a\npriority=1\n");
    expect(describeConfig(c)).toBe("config OK\na\ta\t/bin/a\nw\tw0\t/bin/w --flag\nw\tw1\t/bin/w --flag\n");
  });
  it("of a [program:x] and an [eventlistener:x] only the listener, the one that runs, is listed (issue 21 defect 4)", () => {
    const c = read(BASE + "[program:x]\ncommand=/bin/p\n[eventlistener:x]\ncommand=/bin/l\nevents=TICK_60\n");
    expect(describeConfig(c)).toBe("config OK\nx\tx\t/bin/l\n");
  });
});

describe("renderSampleConfig (echo_supervisord_conf)", () => {
  it("starts like supervisord's sample and has its active settings", () => {
    const text = renderSampleConfig();
    expect(text.split("\n")[0]).toBe("; Sample supervisor config file.");
    const p = new IniParser();
    p.readString(text, "sample.conf");
    expect(p.sectionNames()).toEqual(["unix_http_server", "supervisord", "rpcinterface:supervisor", "supervisorctl"]);
    expect(p.get("unix_http_server", "file")?.value).toBe("/tmp/supervisor.sock");
    expect(Object.fromEntries(p.options("supervisord").map((k) => [k, p.get("supervisord", k)?.value]))).toEqual({
      logfile: "/tmp/supervisord.log",
      logfile_maxbytes: "50MB",
      logfile_backups: "10",
      loglevel: "info",
      pidfile: "/tmp/supervisord.pid",
      nodaemon: "false",
      silent: "false",
      minfds: "1024",
      minprocs: "200",
    });
    expect(p.get("rpcinterface:supervisor", "supervisor.rpcinterface_factory")?.value).toBe("supervisor.rpcinterface:make_main_rpcinterface");
    expect(p.get("supervisorctl", "serverurl")?.value).toBe("unix:///tmp/supervisor.sock");
  });
  it("is a config readConfig accepts", () => {
    const dir = writeTree({ "supervisord.conf": renderSampleConfig() });
    const c = readConfig(path.join(dir, "supervisord.conf"), testOptions());
    expect(c.standardRpcInterface).toBe(true);
    expect(c.unixHttpServers[0]?.file).toBe("/tmp/supervisor.sock");
  });
});
