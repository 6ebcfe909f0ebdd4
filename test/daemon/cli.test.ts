import fs from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { runDaemonOnce, TestDir } from "./lib/daemon.js";

let dirs: TestDir[] = [];
function tempDir(): TestDir {
  const d = new TestDir();
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs) d.cleanup();
  dirs = [];
});

describe("tsupervisord command line (§7.1)", () => {
  it("D-CLI-03 -h prints supervisord's usage under tsupervisord's name and exits 0", async () => {
    const r = await runDaemonOnce(["-h"]);
    expect(r.status).toBe(0);
    // supervisord's first line is still there (test_issue_1251 looks for it), after our `t`.
    expect(r.stdout.startsWith("tsupervisord -- run a set of applications as daemons.\n")).toBe(true);
    // The program is the command, not node's script path (…/dist/main.js).
    expect(r.stdout).toContain("Usage: tsupervisord [options]");
    expect(r.stdout).not.toContain("main.js");
    // supervisord's option texts, kept.
    expect(r.stdout).toContain("-c/--configuration FILENAME -- configuration file path (searches if not given)\n");
    expect(r.stdout).toContain("-t/--test-config");
    expect(r.stdout).toContain("--version -- print tsupervisord's version");
  });

  it("-v prints supervisord's version (for scripts); --version prints ours and theirs", async () => {
    const r = await runDaemonOnce(["-v"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("4.2.5\n");
    const own = JSON.parse(fs.readFileSync(new URL("../../apps/daemon/package.json", import.meta.url), "utf8")) as {
      version: string;
    };
    const long = await runDaemonOnce(["--version"]);
    expect(long.status).toBe(0);
    expect(long.stdout).toBe(`tsupervisord ${own.version} (supervisord 4.2.5 compatible)\n`);
  });

  it("issue 20: --version --verbose (either order) also says which log pump runs; TSUPERVISORD_NO_SPLICE=1 forces the JS writer", async () => {
    for (const argv of [["--version", "--verbose"], ["--verbose", "--version"]]) {
      const r = await runDaemonOnce(argv);
      expect(r.status).toBe(0);
      const lines = r.stdout.split("\n");
      expect(lines[0]).toMatch(/^tsupervisord \S+ \(supervisord 4\.2\.5 compatible\)$/u);
      // Which one depends on whether this machine built the addon; either way it is said.
      expect(lines[1]).toMatch(/^log pump: (splice \(native addon loaded|JS writer for every channel \(splice pump unavailable: .+\))/u);
    }
    const forced = await runDaemonOnce(["--version", "--verbose"], { env: { ...process.env, TSUPERVISORD_NO_SPLICE: "1" } });
    expect(forced.stdout.split("\n")[1]).toBe("log pump: JS writer for every channel (splice pump unavailable: TSUPERVISORD_NO_SPLICE=1)");
    // issue 20: posix_spawn serves only children on splice pumps, so without the pump it is said to be unused.
    expect(forced.stdout.split("\n")[2]).toMatch(/^spawn: node:child_process for every child \(posix_spawn unavailable: /u);
    const fork = await runDaemonOnce(["--version", "--verbose"], { env: { ...process.env, TSUPERVISORD_NO_NATIVE_SPAWN: "1" } });
    expect(fork.stdout.split("\n")[2]).toBe("spawn: node:child_process for every child (posix_spawn unavailable: TSUPERVISORD_NO_NATIVE_SPAWN=1)");
  });

  it("D-CLI-01 getopt errors: Error: line, help hint naming tsupervisord, exit 2", async () => {
    const r = await runDaemonOnce(["-x"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("Error: option -x not recognized\nFor help, use tsupervisord -h\n");
  });

  it("positional arguments are rejected", async () => {
    const r = await runDaemonOnce(["foo"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("Error: positional arguments are not supported: ['foo']");
  });

  it("D-CLI-01 a bad option value names the option and the converter's complaint", async () => {
    const d = tempDir();
    d.writeConfig("[program:a]\ncommand=/bin/true\n");
    const r = await runDaemonOnce(["-c", d.conf, "-e", "loud"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("Error: invalid value for -e 'loud': bad logging level name 'loud'");
  });

  it("CFG-07 a missing -c file exits 2", async () => {
    const d = tempDir();
    const r = await runDaemonOnce(["-c", d.file("nope.conf")]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^Error: .*nope\.conf/m);
    expect(r.stderr).toContain("For help, use");
  });

  it("--test-config prints config OK and every process (group, name, command); -t is the same", async () => {
    const d = tempDir();
    d.writeConfig(
      "[program:web]\ncommand=/bin/sleep 100\n\n[program:w]\ncommand=/bin/echo %(process_num)d\nprocess_name=%(program_name)s_%(process_num)d\nnumprocs=2\n",
    );
    for (const flag of ["--test-config", "-t"]) {
      const r = await runDaemonOnce(["-c", d.conf, flag]);
      expect(r.status).toBe(0);
      const lines = r.stdout.trimEnd().split("\n");
      expect(lines[0]).toBe("config OK");
      expect(lines.slice(1)).toEqual(["w\tw_0\t/bin/echo 0", "w\tw_1\t/bin/echo 1", "web\tweb\t/bin/sleep 100"]);
    }
    // Nothing was started: no pid file, no socket.
    expect(fs.existsSync(d.pidfile)).toBe(false);
    expect(fs.existsSync(d.socket)).toBe(false);
  });

  it("ERR-01 --test-config on a bad config prints every error with file, line and option, exits 2", async () => {
    const d = tempDir();
    d.writeConfig("[program:a]\ncommand=/bin/true\nautostart=maybe\n");
    const r = await runDaemonOnce(["-c", d.conf, "--test-config"]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("Error: not a valid boolean value: 'maybe'");
    expect(r.stderr).toContain(d.conf);
    expect(r.stderr).toMatch(/autostart/);
    expect(r.stderr).toMatch(/:\d+/);
    expect(r.stderr).toContain("For help, use");
  });

  it("ERR-01 a bad config at start exits 2 naming file, line and option; nothing starts", async () => {
    const d = tempDir();
    d.writeConfig("[program:a]\ncommand=/bin/sleep 100\nstartsecs=soon\n");
    const r = await runDaemonOnce(["-n", "-c", d.conf]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("invalid literal for int() with base 10: 'soon'");
    expect(r.stderr).toContain(d.conf);
    expect(r.stderr).toMatch(/startsecs/);
    expect(fs.existsSync(d.pidfile)).toBe(false);
    expect(fs.existsSync(d.socket)).toBe(false);
  });

  it("--print-sample-config prints a config that --test-config accepts", async () => {
    const d = tempDir();
    const r = await runDaemonOnce(["--print-sample-config"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("[supervisord]");
    fs.writeFileSync(d.conf, r.stdout);
    const t = await runDaemonOnce(["-c", d.conf, "-t"]);
    expect(t.stderr).toBe("");
    expect(t.status).toBe(0);
  });

  it("D-RL-01 minfds above the limit refuses to start with supervisord's message", async () => {
    const d = tempDir();
    d.writeConfig("[program:a]\ncommand=/bin/sleep 100\n", { supervisord: "minfds=100000000\n" });
    const r = await runDaemonOnce(["-n", "-c", d.conf]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      'Error: The minimum number of file descriptors required to run this process is 100000000 as per the "minfds"',
    );
    expect(fs.existsSync(d.socket)).toBe(false);
  });

  it("D-HTTP-07 a non-loopback TCP listener without credentials is refused at start (loopback: inet-auth.test.ts)", async () => {
    const d = tempDir();
    d.writeConfig("[inet_http_server]\nport=0.0.0.0:39871\n\n[program:a]\ncommand=/bin/sleep 100\n");
    const env = { ...process.env };
    delete env["TSUPERVISORD_ALLOW_UNAUTHENTICATED_TCP"];
    const r = await runDaemonOnce(["-n", "-c", d.conf], { env });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/has no username\/password, and is not a loopback address/);
    expect(fs.existsSync(d.socket)).toBe(false);
  });
});
