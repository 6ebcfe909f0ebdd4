// `tsctl top` against the real daemon, for what issue 21 (defect 8) found wrong as a user would see it:
// - RST is the daemon's restart count (ProcessInfo.restarts), so restarts that happened before `top` connected
//   show, and the same number as `tsctl --json status` gives;
// - a failed action reads as supervisorctl's line (`x:x: ERROR (spawn error)`), exactly what `tsctl start x`
//   prints, never a raw fault code (`SPAWN_ERROR: x:x`);
// - keys typed together (tmux send-keys "jjr", a paste) are each handled, in order.

import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configHead } from "../lib/config.js";
import { startDaemon, type Daemon } from "../lib/daemon.js";
import { waitFor } from "../lib/wait.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const daemonMain = join(root, "apps/daemon/dist/tsupervisord.js");
const ctlMain = join(root, "apps/ctl/dist/main.js");

function hasTmux(): boolean {
  return spawnSync("tmux", ["-V"], { stdio: "ignore" }).status === 0;
}
const reason = !hasTmux()
  ? "tmux is not installed (apt-get install -y tmux)"
  : !existsSync(daemonMain) || !existsSync(ctlMain)
    ? "the daemon or tsctl is not built"
    : null;

describe.skipIf(reason !== null)(
  `tsctl top shows the daemon's facts in supervisorctl's words (tmux)${reason === null ? "" : ` — skipped: ${reason}`}`,
  { timeout: 90_000 },
  () => {
    let dir = "";
    let conf = "";
    let daemon: Daemon | null = null;
    const tmuxSocket = `tsd-top-facts-${process.pid}`;
    const tmux = (...args: string[]): string => execFileSync("tmux", ["-L", tmuxSocket, ...args], { encoding: "utf8" });
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
    const ctl = (...args: string[]): { stdout: string; status: number | null } => {
      const r = spawnSync(process.execPath, [ctlMain, "-c", conf, ...args], { encoding: "utf8", timeout: 30_000 });
      return { stdout: r.stdout, status: r.status };
    };
    // … RST, then CPU%, MEM, FDS (issue 17: the tree's open fds) and EXIT.
    const row = (s: string, name: string): RegExpExecArray | null =>
      new RegExp(`^\\s*${name}\\s+${name}\\s+(\\w+)\\s+(\\d+|-)\\s+.*?\\s(\\d+|-)\\s+\\S+\\s+\\S+\\s+\\S+\\s+\\S+\\s*$`, "m").exec(s);
    const pidOf = (s: string, name: string): string | undefined => row(s, name)?.[2];

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), "tsd-top-facts-"));
      conf = join(dir, "supervisord.conf");
      const socket = join(dir, "supervisor.sock");
      writeFileSync(
        conf,
        [
          ...configHead(dir, { socket }),
          // Fails its first run, then stays up: exactly one restart, before `top` connects.
          "[program:a_once]",
          `command=/bin/sh -c 'test -e ${dir}/once.mark || { touch ${dir}/once.mark; exit 1; }; exec sleep 1000'`,
          "startsecs=0",
          "autorestart=true",
          "[program:b_sleep]",
          "command=/bin/sleep 1000",
          "startsecs=0",
          "[program:c_sleep]",
          "command=/bin/sleep 1000",
          "startsecs=0",
          // Never stays up: starting it fails.
          "[program:d_fail]",
          "command=/bin/sh -c 'exit 1'",
          "autostart=false",
          "startsecs=1",
          "startretries=0",
          "",
        ].join("\n"),
      );
      const d = (daemon = await startDaemon({ conf, socket, cwd: dir, readyTimeoutMs: 20_000 }));
      // a_once's second spawn, and it stays up: its one restart happened before `top` connects.
      await waitFor("a_once's second spawn", () => (d.output.match(/spawned: 'a_once'/g) ?? []).length === 2, 20_000);
      await waitFor("a_once RUNNING", () => /^a_once\s+RUNNING/.test(ctl("status", "a_once").stdout), 20_000);
      tmux("new-session", "-d", "-s", "top", "-x", "120", "-y", "30",
        `env -u CI -u CONTINUOUS_INTEGRATION TERM=xterm-256color ${process.execPath} ${ctlMain} -c ${conf} top`);
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

    it("restarts come from the daemon: --json status has them, and top shows them from its first frame", async () => {
      type Info = { name: string; statename: string; restarts?: number };
      const infos = JSON.parse(ctl("status", "--json").stdout) as Info[];
      expect(infos.find((p) => p.name === "a_once")).toMatchObject({ statename: "RUNNING", restarts: 1 });
      expect(infos.find((p) => p.name === "b_sleep")?.restarts).toBe(0);
      // Plain status stays supervisorctl's: no restart count in it.
      expect(ctl("status", "a_once").stdout).toMatch(/^a_once\s+RUNNING\s+pid \d+, uptime \d+:\d\d:\d\d\n$/);

      const first = await waitScreen((s) => s.includes("● connected") && row(s, "c_sleep") !== null, "the table");
      expect(row(first, "a_once")?.[3]).toBe("1");
      expect(row(first, "b_sleep")?.[3]).toBe("0");
    });

    it("keys sent together are all handled: `jjr` moves twice, then restarts the third row", async () => {
      const before = await waitScreen((s) => pidOf(s, "c_sleep") !== undefined && pidOf(s, "c_sleep") !== "-", "c_sleep's pid");
      const pids = { a: pidOf(before, "a_once"), b: pidOf(before, "b_sleep"), c: pidOf(before, "c_sleep") };
      tmux("send-keys", "-t", "top", "jjr");
      const after = await waitScreen((s) => {
        const c = pidOf(s, "c_sleep");
        return c !== undefined && c !== "-" && c !== pids.c && s.includes("restarted c_sleep:c_sleep");
      }, "c_sleep restarted with a new pid");
      expect(pidOf(after, "a_once")).toBe(pids.a);
      expect(pidOf(after, "b_sleep")).toBe(pids.b);
      // The daemon counted that restart too.
      expect(row(after, "c_sleep")?.[3]).toBe("1");
      // Enter in the same chunk as letters ("k\r": one read) is still Enter: the log pane opens on b_sleep.
      tmux("send-keys", "-t", "top", "k", "Enter");
      await waitScreen((s) => s.includes("b_sleep:b_sleep · stdout"), "the log pane on b_sleep");
      // And a filter typed with its Enter in one go ("/c_s\r") is applied, not left half-typed.
      tmux("send-keys", "-t", "top", "/c_s", "Enter", "Enter");
      const filtered = await waitScreen((s) => s.includes('filter "c_s"') && !s.includes("b_sleep:b_sleep · stdout"), "the filter");
      expect(row(filtered, "a_once")).toBeNull();
      tmux("send-keys", "-t", "top", "/", "Escape");
      await waitScreen((s) => !s.includes('filter "c_s"') && row(s, "a_once") !== null, "the filter cleared");
    });

    it("a failed start reads exactly as `tsctl start` prints it, never as a raw fault code", async () => {
      const expected = ctl("start", "d_fail");
      expect(expected.status).not.toBe(0);
      const line = expected.stdout.trim();
      expect(line).toMatch(/^d_fail: ERROR \(.+\)$/);
      // d_fail is the last row.
      tmux("send-keys", "-t", "top", "G");
      await waitScreen((s) => /^\s*d_fail\s+d_fail\s+FATAL/m.test(s), "d_fail to be FATAL");
      tmux("send-keys", "-t", "top", "s");
      // top names processes group:name, as supervisorctl does for a group of one when given `d_fail:d_fail`.
      const shown = await waitScreen((s) => s.includes(`d_fail:${line}`), `"d_fail:${line}" in the status line`);
      expect(shown).not.toMatch(/[A-Z]+_[A-Z]+: d_fail/);
      tmux("send-keys", "-t", "top", "q");
    });
  },
);
