/**
 * tsctl's streaming and terminal features against the built daemon: tail -f and maintail -f until Ctrl-C
 * (CMD-TAIL-3), fg through a real terminal (CMD-FG-2), name completion in the shell (CTL-05), --json.
 */
import { spawn } from "node:child_process";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { daemonUnavailableReason, prepareCase, startDaemon, waitFor, type RunningDaemon } from "./lib/daemon.js";
import { TSCTL } from "./lib/paths.js";
import { caseEnv, runCommand } from "./lib/run.js";
import { HAVE_TMUX, TmuxPane } from "./lib/tmux.js";

const unavailable = await daemonUnavailableReason();
if (unavailable !== null) console.warn(`[ctl e2e] live tests skipped: ${unavailable}`);

const CONF = `[unix_http_server]
file=%(here)s/supervisor.sock
[supervisord]
logfile=%(here)s/supervisord.log
pidfile=%(here)s/supervisord.pid
childlogdir=%(here)s
[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
[supervisorctl]
serverurl=unix://%(here)s/supervisor.sock
[program:echo]
command=%(here)s/echo.sh
startsecs=0
stdout_logfile=%(here)s/echo.log
stderr_logfile=%(here)s/echo.err
[program:w1]
command=sleep 1000
startsecs=0
[program:w2]
command=sleep 1000
startsecs=0
[group:workers]
programs=w1,w2
`;
// Prints a banner, then echoes every stdin line back on stdout (for fg) and `err:` lines on stderr.
const ECHO = `#!/bin/sh
echo "echo ready"
while read line; do echo "got: $line"; echo "err: $line" >&2; done
`;

let daemon: RunningDaemon | null = null;
let pane: TmuxPane | null = null;
afterEach(async () => {
  pane?.kill();
  pane = null;
  await daemon?.stop();
  daemon = null;
});

async function start(): Promise<RunningDaemon> {
  daemon = await startDaemon(prepareCase({ confText: CONF, files: { "echo.sh": ECHO } }));
  const d = daemon;
  await waitFor("echo RUNNING", async () => /echo +RUNNING/.test((await d.ctl(["status", "echo"])).stdout));
  return d;
}

describe.skipIf(unavailable !== null)("live: streams and terminals", () => {
  it("tail -f streams until SIGINT, then prints a newline and exits 0", async () => {
    const d = await start();
    const child = spawn(process.execPath, [TSCTL, "-c", d.conf, "tail", "-f", "echo"], { cwd: d.dir, env: caseEnv() });
    let out = "";
    child.stdout.on("data", (b: Buffer) => (out += b.toString()));
    const exit = new Promise<number | null>((r) => child.on("close", (code) => r(code)));
    await waitFor("the log tail", () => out.includes("echo ready"));
    child.kill("SIGINT");
    expect(await exit).toBe(0);
    expect(out).toBe("==> Press Ctrl-C to exit <==\necho ready\n\n");
  });

  it("maintail -f shows the daemon's log", async () => {
    const d = await start();
    const child = spawn(process.execPath, [TSCTL, "-c", d.conf, "maintail", "-f"], { cwd: d.dir, env: caseEnv() });
    let out = "";
    child.stdout.on("data", (b: Buffer) => (out += b.toString()));
    const exit = new Promise<number | null>((r) => child.on("close", (code) => r(code)));
    await waitFor("the main log", () => /echo/.test(out.split("\n").slice(1).join("\n")));
    child.kill("SIGINT");
    expect(await exit).toBe(0);
    expect(out.startsWith("==> Press Ctrl-C to exit <==\n")).toBe(true);
    expect(out.endsWith("\n")).toBe(true);
  });

  it("status --json and pid --json", async () => {
    const d = await start();
    const r = await d.ctl(["status", "--json", "workers:*"]);
    const rows = JSON.parse(r.stdout) as { namespec: string; statename: string; pid: number }[];
    expect(rows.map((x) => x.namespec)).toEqual(["workers:w1", "workers:w2"]);
    expect(rows.every((x) => x.statename === "RUNNING" && x.pid > 0)).toBe(true);
    expect(r.code).toBe(0);
    const pid = JSON.parse((await d.ctl(["pid", "--json"])).stdout) as { pid: number };
    expect(pid.pid).toBeGreaterThan(0);
  });

  it.skipIf(!HAVE_TMUX)("fg: typed lines reach the process, its output comes back, Ctrl-C detaches", async () => {
    const d = await start();
    pane = new TmuxPane(`${process.execPath} ${TSCTL} -c ${d.conf} fg echo`, { TERM: "xterm", TZ: "UTC" });
    const p = pane;
    await p.waitFor(/==> Press Ctrl-C to exit <==\n(.*\n)*echo ready/);
    p.type("hello there");
    p.send("Enter");
    await p.waitFor(/got: hello there/);
    await p.waitFor(/err: hello there/);
    p.send("C-c");
    const screen = await p.waitFor(/EXIT=\d+/);
    expect(screen).toMatch(/Exiting foreground\n+EXIT=0/);
    // The process is still running: fg only detached.
    expect((await d.ctl(["status", "echo"])).stdout).toMatch(/echo +RUNNING/);
  });

  it.skipIf(!HAVE_TMUX)("shell: status first, Tab completes process and group names", async () => {
    const d = await start();
    pane = new TmuxPane(`${process.execPath} ${TSCTL} -c ${d.conf}`, { TERM: "xterm", TZ: "UTC" });
    const p = pane;
    await p.waitFor(/workers:w2 +RUNNING .*\nsupervisor> $/m);
    p.type("stop work");
    await p.waitFor(/supervisor> stop work$/m);
    p.send("Tab");
    await p.waitFor(/supervisor> stop workers:$/m);
    p.type("w1");
    p.send("Enter");
    await p.waitFor(/workers:w1: stopped\nsupervisor> $/m);
    p.type("update wor");
    await p.waitFor(/supervisor> update wor$/m);
    p.send("Tab");
    await p.waitFor(/supervisor> update workers $/m);
    p.send("C-u");
    p.type("status ec");
    await p.waitFor(/supervisor> status ec$/m);
    p.send("Tab");
    await p.waitFor(/supervisor> status echo $/m);
    p.send("C-u", "C-d");
    expect(await p.waitFor(/EXIT=\d+/)).toMatch(/EXIT=0/);
  });

  it.skipIf(!HAVE_TMUX)("shell: Ctrl-C ends tail -f and fg but not the shell", async () => {
    const d = await start();
    pane = new TmuxPane(`${process.execPath} ${TSCTL} -c ${d.conf}`, { TERM: "xterm", TZ: "UTC" });
    const p = pane;
    await p.waitFor(/supervisor> $/m);
    p.type("tail -f echo");
    p.send("Enter");
    await p.waitFor(/==> Press Ctrl-C to exit <==\necho ready/);
    p.send("C-c");
    await p.waitFor(/echo ready\n\nsupervisor> $/m);
    p.type("fg echo");
    p.send("Enter");
    await p.waitFor(/fg echo\n==> Press Ctrl-C to exit <==/);
    p.type("ping");
    p.send("Enter");
    await p.waitFor(/got: ping/);
    p.send("C-c");
    await p.waitFor(/Exiting foreground\nsupervisor> $/m);
    p.type("pid echo");
    p.send("Enter");
    await p.waitFor(/pid echo\n\d+\nsupervisor> $/m);
    p.type("exit");
    p.send("Enter");
    expect(await p.waitFor(/EXIT=\d+/)).toMatch(/EXIT=0/);
  });

  it("credentials: refused without them, accepted with -u/-p (CTL-03, CTL-06)", async () => {
    const conf = CONF.replace("file=%(here)s/supervisor.sock", "file=%(here)s/supervisor.sock\nusername=admin\npassword=s3cret");
    daemon = await startDaemon(prepareCase({ confText: conf, files: { "echo.sh": ECHO } }));
    const d = daemon;
    expect(await d.ctl(["pid"])).toMatchObject({ stdout: "Server requires authentication\n", code: 1 });
    expect(await d.ctl(["-u", "admin", "-p", "wrong", "pid"])).toMatchObject({
      stdout: "Server requires authentication\n",
      code: 1,
    });
    const ok = await d.ctl(["-u", "admin", "-p", "s3cret", "pid"]);
    expect(ok.stdout).toMatch(/^\d+\n$/);
    expect(ok.code).toBe(0);
  });

  it.skipIf(!HAVE_TMUX)("shell: asks for a username and a hidden password, then runs the command again", async () => {
    const conf = CONF.replace("file=%(here)s/supervisor.sock", "file=%(here)s/supervisor.sock\nusername=admin\npassword=s3cret");
    daemon = await startDaemon(prepareCase({ confText: conf, files: { "echo.sh": ECHO } }));
    pane = new TmuxPane(`${process.execPath} ${TSCTL} -c ${daemon.conf}`, { TERM: "xterm", TZ: "UTC" });
    const p = pane;
    await p.waitFor(/Server requires authentication\nUsername:$/m);
    p.type("admin");
    p.send("Enter");
    await p.waitFor(/Password:$/m);
    p.type("s3cret");
    p.send("Enter");
    const screen = await p.waitFor(/workers:w2 +RUNNING .*\nsupervisor> $/m);
    expect(screen).not.toContain("s3cret");
    p.send("C-d");
    expect(await p.waitFor(/EXIT=\d+/)).toMatch(/EXIT=0/);
  });

  it("the bash completion script completes names by asking the daemon", async () => {
    const d = await start();
    const bin = join(d.dir, "bin");
    mkdirSync(bin);
    writeFileSync(join(bin, "tsctl"), `#!/bin/sh\nexec ${process.execPath} ${TSCTL} "$@"\n`);
    chmodSync(join(bin, "tsctl"), 0o755);
    const complete = async (...words: string[]): Promise<string> => {
      const script = [
        'eval "$(tsctl completion bash)"',
        `COMP_WORDS=(tsctl -c ${d.conf} ${words.join(" ")})`,
        `COMP_CWORD=${words.length + 2}`,
        "_tsctl",
        'echo "${COMPREPLY[*]}"',
      ].join("\n");
      const r = await runCommand(["bash", "--norc", "-c", script], {
        cwd: d.dir,
        env: caseEnv({ PATH: `${bin}:${process.env["PATH"] ?? ""}` }),
      });
      return r.stdout.trim();
    };
    expect(await complete("stop", "work")).toBe("workers:w1 workers:w2");
    expect(await complete("update", "w")).toBe("workers");
    expect(await complete("vers")).toBe("version");
  });
});
