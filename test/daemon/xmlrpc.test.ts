import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, startDaemon, TestDir, waitForState, type RunningDaemon } from "./lib/daemon.js";
import { freePort } from "./lib/ports.js";

/**
 * The XML-RPC face on the daemon's own listeners (RPC-01…10): Debian's real Python supervisorctl talks to the
 * built daemon over the unix socket and must print exactly what tsctl prints over gRPC on the same socket.
 */
const SUPERVISORCTL = process.env["SUPERVISORCTL_BIN"] ?? "/usr/bin/supervisorctl";
const HAVE_SUPERVISORCTL = fs.existsSync(SUPERVISORCTL);
const HAVE_PYTHON = fs.existsSync("/usr/bin/python3");
const TSCTL = path.join(REPO_ROOT, "apps/ctl/dist/main.js");

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(file: string, args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: 20_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === "number" ? err.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Uptimes differ by the second between two runs; everything else must be identical. */
const normalize = (r: Run): Run => ({ ...r, stdout: r.stdout.replace(/uptime \d+:\d\d:\d\d/g, "uptime H:MM:SS") });

describe.skipIf(!HAVE_SUPERVISORCTL)("XML-RPC: the real supervisorctl against tsupervisord (RPC-01, UPC-01)", () => {
  let dir: TestDir;
  let daemon: RunningDaemon;
  const py = (...args: string[]): Promise<Run> => run(SUPERVISORCTL, ["-c", dir.conf, ...args]).then(normalize);
  const ts = (...args: string[]): Promise<Run> => run(process.execPath, [TSCTL, "-c", dir.conf, ...args]).then(normalize);

  beforeAll(async () => {
    dir = new TestDir("tsupd-xr-");
    dir.writeConfig(
      [
        "[program:sleeper]",
        "command=/bin/sh -c 'echo sleeper-out; echo sleeper-err >&2; exec sleep 1000'",
        "startsecs=0",
        "stopwaitsecs=5",
        "",
        "[program:idle]",
        "command=/bin/sleep 1000",
        "autostart=false",
        "",
      ].join("\n"),
    );
    daemon = await startDaemon(dir);
    const client = daemon.client();
    await waitForState(client, "sleeper", "RUNNING");
  }, 30_000);

  afterAll(async () => {
    await daemon?.stop();
    dir?.cleanup();
  });

  it.each(["status", "pid", "pid sleeper", "tail sleeper", "tail sleeper stderr", "version", "avail", "maintail -200"])(
    "CMD-STATUS/PID/TAIL/VERSION: `%s` prints the same through XML-RPC and gRPC",
    async (command: string) => {
      const args = command.split(" ");
      const viaXmlRpc = await py(...args);
      const viaGrpc = await ts(...args);
      expect(viaXmlRpc.stderr).toBe("");
      expect(viaXmlRpc.stdout.length).toBeGreaterThan(0);
      expect(viaXmlRpc).toEqual(viaGrpc);
    },
    30_000,
  );

  it("CMD-STOP/START/RESTART: state changes through XML-RPC print as tsctl prints them", async () => {
    const steps: Array<[string[], string]> = [
      [["stop", "sleeper"], "sleeper: stopped\n"],
      [["stop", "sleeper"], "sleeper: ERROR (not running)\n"],
      [["start", "sleeper"], "sleeper: started\n"],
      [["start", "sleeper"], "sleeper: ERROR (already started)\n"],
      [["restart", "sleeper"], "sleeper: stopped\nsleeper: started\n"],
      [["start", "nosuch"], "nosuch: ERROR (no such process)\n"],
      // CMD-SIGNAL-2: the null signal is accepted, as by supervisord.
      [["signal", "0", "sleeper"], "sleeper: signalled\n"],
    ];
    for (const [args, expected] of steps) {
      const viaXmlRpc = await py(...args);
      expect(viaXmlRpc.stdout, `supervisorctl ${args.join(" ")}`).toBe(expected);
    }
    // The same sequence again through gRPC gives the same lines and exit codes.
    for (const [args, expected] of steps) {
      const viaGrpc = await ts(...args);
      expect(viaGrpc.stdout, `tsctl ${args.join(" ")}`).toBe(expected);
    }
    expect((await py("status", "sleeper")).stdout).toMatch(/^sleeper\s+RUNNING\s+pid \d+/);
  }, 60_000);
});

describe.skipIf(!HAVE_PYTHON)("XML-RPC over TCP with Basic auth (RPC-04)", () => {
  let dir: TestDir;
  let daemon: RunningDaemon;
  let port: number;

  beforeAll(async () => {
    dir = new TestDir("tsupd-xra-");
    port = await freePort();
    dir.writeConfig("[inet_http_server]\n" + `port=127.0.0.1:${port}\nusername=alice\npassword=s3cret\n`);
    daemon = await startDaemon(dir);
  }, 30_000);

  afterAll(async () => {
    await daemon?.stop();
    dir?.cleanup();
  });

  const getState = (userinfo: string): Promise<Run> =>
    run("/usr/bin/python3", [
      "-c",
      [
        "import sys, xmlrpc.client",
        "p = xmlrpc.client.ServerProxy(sys.argv[1])",
        "try:",
        "    print(p.supervisor.getState()['statename'])",
        "except xmlrpc.client.ProtocolError as e:",
        "    print('ProtocolError', e.errcode)",
      ].join("\n"),
      `http://${userinfo}127.0.0.1:${port}/RPC2`,
    ]);

  it("refuses without credentials and with a wrong password (401), accepts the right ones", async () => {
    expect((await getState("")).stdout).toBe("ProtocolError 401\n");
    expect((await getState("alice:wrong@")).stdout).toBe("ProtocolError 401\n");
    expect((await getState("alice:s3cret@")).stdout).toBe("RUNNING\n");
  }, 30_000);
});
