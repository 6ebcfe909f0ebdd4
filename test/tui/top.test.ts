// Smoke test of `tsctl top` end to end: the built daemon with real children, the TUI on a real terminal (tmux),
// talking gRPC over the unix socket. Rows appear with their states; `r` restarts the selected process (its pid
// changes); `enter` shows its output live, also for a child printing as fast as it can; `q` exits 0 and gives
// the terminal back.

import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDaemon, type Daemon } from "../lib/daemon.js";
import { configHead } from "../lib/config.js";
import { freePort } from "../lib/ports.js";
import { waitFor } from "../lib/wait.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const daemonMain = process.env.TSD_TOP_SMOKE_DAEMON ?? join(root, "apps/daemon/dist/tsupervisord.js");
const ctlMain = join(root, "apps/ctl/dist/main.js");
const tuiDist = join(root, "packages/tui/dist/index.js");
const runTopScript = fileURLToPath(new URL("./run-top.mjs", import.meta.url));

function hasTmux(): boolean {
  try {
    execFileSync("tmux", ["-V"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** The built entry point runs and answers `flag` with some output (a skeleton or broken build does not). */
function answers(main: string, flag: string): boolean {
  if (!existsSync(main)) return false;
  const r = spawnSync(process.execPath, [main, flag], { encoding: "utf8", timeout: 15_000 });
  return r.status === 0 && `${r.stdout}${r.stderr}`.trim() !== "";
}

// Why the smoke test cannot run here, if it cannot: it needs tmux and a working build of the daemon and the TUI.
function skipReason(): string | null {
  if (!hasTmux()) return "tmux is not installed (apt-get install -y tmux)";
  if (!answers(daemonMain, "--version")) return `no working daemon build (${daemonMain} --version failed)`;
  if (!existsSync(tuiDist)) return `the TUI is not built (${tuiDist})`;
  return null;
}
const reason = skipReason();

/** Something accepts connections on the port (synchronously, via a tiny child, to keep `until` simple). */
function portOpen(port: number): boolean {
  const probe = `require("net").connect(${port},"127.0.0.1").on("connect",()=>process.exit(0)).on("error",()=>process.exit(1))`;
  return spawnSync(process.execPath, ["-e", probe], { timeout: 5_000 }).status === 0;
}


type Transport = "unix" | "tcp";

for (const transport of ["unix", "tcp"] as const satisfies readonly Transport[]) {
  const over = transport === "unix" ? "the unix socket" : "TCP with username/password";
  const title = `tsctl top against the real daemon over ${over} (tmux)${reason === null ? "" : ` — skipped: ${reason}`}`;
  describe.skipIf(reason !== null)(title, { timeout: 90_000 }, () => smoke(transport));
}

function smoke(transport: Transport): void {
  // Made in beforeAll, so a skipped run leaves nothing behind.
  let dir = "";
  let socket = "";
  let conf = "";
  const tmuxSocket = `tsd-top-${process.pid}-${transport}`;
  let daemon: Daemon | null = null;

  const tmux = (...args: string[]): string =>
    execFileSync("tmux", ["-L", tmuxSocket, ...args], { encoding: "utf8" });
  const screen = (): string => tmux("capture-pane", "-p", "-t", "top");
  const waitScreen = async (test: (s: string) => boolean, what: string): Promise<string> => {
    let last = "";
    try {
      return await waitFor(what, () => {
        last = screen();
        return test(last) ? last : null;
      }, 20_000);
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- screen ---\n${last}\n--- daemon ---\n${daemon?.output ?? ""}`);
    }
  };
  const pidOf = (s: string, name: string): number | null => {
    const m = new RegExp(`${name}\\s+${name}\\s+RUNNING\\s+(\\d+)`).exec(s);
    return m ? Number(m[1]) : null;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "tsd-top-"));
    socket = join(dir, "supervisor.sock");
    conf = join(dir, "supervisord.conf");
    const port = await freePort();
    const serverUrl = transport === "unix" ? `unix://${socket}` : `http://127.0.0.1:${port}`;
    writeFileSync(
      conf,
      [
        ...configHead(dir, transport === "unix" ? { socket } : { inet: `127.0.0.1:${port}`, username: "topuser", password: "s3cret" }),
        "[program:alpha]",
        `command=/bin/sh -c 'echo alpha started $$; while :; do echo alpha-tick; sleep 0.3; done'`,
        "startsecs=1",
        "stopsignal=KILL",
        "[program:beta]",
        "command=/bin/sleep 1000",
        "startsecs=1",
        // A child printing as fast as it can: the view must stay responsive with its log pane open.
        "[program:flood]",
        "command=/usr/bin/yes flood-line",
        "startsecs=1",
        "stdout_logfile_maxbytes=1MB",
        "stdout_logfile_backups=0",
        "",
      ].join("\n"),
    );
    // Over TCP the unix socket is not configured: ready once the port answers.
    const d = (daemon = await startDaemon({ conf, socket, cwd: dir, main: daemonMain, readyTimeoutMs: 20_000, waitForSocket: transport === "unix" }));
    if (transport === "tcp") {
      await waitFor("the daemon's listener", () => {
        if (d.hasExited) throw new Error(`the daemon exited early:\n${d.output}`);
        return portOpen(port);
      }, 20_000);
    }

    // `tsctl top` when tsctl is built; the TUI package directly otherwise.
    const command = answers(ctlMain, "-h")
      ? `${process.execPath} ${ctlMain} -c ${conf} top`
      : `${process.execPath} ${runTopScript} ${serverUrl}${transport === "tcp" ? " topuser s3cret" : ""}`;
    tmux(
      "new-session",
      "-d",
      "-s",
      "top",
      "-x",
      "110",
      "-y",
      "32",
      `env -u CI -u CONTINUOUS_INTEGRATION TERM=xterm-256color sh -c 'echo BEFORE-TOP; ${command}; echo "AFTER-TOP $?"; exec sleep 600'`,
    );
  });

  afterAll(async () => {
    try {
      tmux("kill-server");
    } catch {
      // never started
    }
    await daemon?.stop();
    if (dir !== "") rmSync(dir, { recursive: true, force: true });
  });

  it("shows every process with its state, restarts the selected one with r, follows its log, q exits 0", async () => {
    const first = await waitScreen(
      (s) => pidOf(s, "alpha") !== null && pidOf(s, "beta") !== null && pidOf(s, "flood") !== null,
      "all RUNNING",
    );
    expect(first).toContain("● connected");
    expect(first).toContain(transport === "unix" ? "unix://" : "127.0.0.1");
    expect(first).toContain("3 processes");
    const alphaPid = pidOf(first, "alpha");

    // Selection starts on the first row (alpha): r restarts it and its pid changes.
    tmux("send-keys", "-t", "top", "r");
    const after = await waitScreen((s) => {
      const pid = pidOf(s, "alpha");
      return pid !== null && pid !== alphaPid && s.includes("restarted alpha");
    }, "alpha restarted with a new pid");
    expect(pidOf(after, "beta")).toBe(pidOf(first, "beta"));

    tmux("send-keys", "-t", "top", "Enter");
    await waitScreen((s) => s.includes("alpha:alpha · stdout") && s.includes("alpha-tick"), "alpha's output");

    // The flooding child's log, then straight back up: keys still land while output pours in.
    tmux("send-keys", "-t", "top", "G");
    await waitScreen((s) => s.includes("flood:flood · stdout") && /^flood-line$/m.test(s), "flood's output");
    tmux("send-keys", "-t", "top", "k");
    await waitScreen((s) => s.includes("beta:beta · stdout"), "the pane to follow beta");

    tmux("send-keys", "-t", "top", "q");
    const final = await waitScreen((s) => s.includes("AFTER-TOP"), "top to exit");
    expect(final).toContain("AFTER-TOP 0");
    expect(final).toContain("BEFORE-TOP");
    expect(final).not.toContain("● connected");
    expect(tmux("display-message", "-p", "-t", "top", "#{alternate_on}").trim()).toBe("0");
  });
}
