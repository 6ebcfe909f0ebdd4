// runTop on a real terminal (tmux): takes over the alternate screen, draws, and gives the terminal back on q,
// Ctrl-C and SIGTERM. Runs the built package (dist/), as tsctl does.

import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { PassThrough } from "node:stream";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { runTop } from "../src/index.js";
import { hasTmux, Tmux } from "./helpers/tmux.js";

const fixture = fileURLToPath(new URL("./fixtures/top-fixture.mjs", import.meta.url));
const dist = fileURLToPath(new URL("../dist/index.js", import.meta.url));

describe("runTop refuses without a terminal", () => {
  it("exits 2 with a clear message when stdout is not a TTY", async () => {
    const stderr = new PassThrough();
    let message = "";
    stderr.on("data", (d: Buffer) => (message += d.toString()));
    const stdout = Object.assign(new PassThrough(), { isTTY: false }) as unknown as NodeJS.WriteStream;
    const code = await runTop({ serverUrl: "unix:///nowhere.sock", stdout, stderr: stderr as unknown as NodeJS.WriteStream });
    expect(code).toBe(2);
    expect(message).toBe("tsctl top: needs an interactive terminal, but stdout is not a TTY (use 'tsctl status' instead)\n");
  });
});

const noTmux = hasTmux() ? "" : " — skipped: tmux is not installed (apt-get install -y tmux)";

describe.skipIf(noTmux !== "")(`runTop on a real terminal (tmux)${noTmux}`, { timeout: 30_000 }, () => {
  let term: Tmux | null = null;
  beforeAll(() => {
    if (!existsSync(dist)) throw new Error(`build the package first (pnpm --filter @tsupervisord/tui build): ${dist}`);
  });
  afterEach(() => {
    term?.kill();
    term = null;
  });

  function start(): Tmux {
    term = new Tmux(`sh -c 'echo BEFORE-TOP; node ${fixture}; echo "AFTER-TOP $?"; exec sleep 600'`);
    return term;
  }

  async function expectRestored(t: Tmux, code: number): Promise<void> {
    const screen = await t.waitFor((s) => s.includes("AFTER-TOP"), "top to exit");
    expect(screen).toContain(`EXIT=${code}`);
    expect(screen).toContain(`AFTER-TOP ${code}`);
    // Back on the main screen, with the shell's output intact and no trace of the view.
    expect(screen).toContain("BEFORE-TOP");
    expect(screen).not.toContain("tsupervisord");
    expect(t.display("#{alternate_on}")).toBe("0");
    expect(t.display("#{cursor_flag}")).toBe("1");
  }

  it("draws on the alternate screen, opens the log pane, and q exits 0 with the terminal restored", async () => {
    const t = start();
    const screen = await t.waitFor((s) => s.includes("web_1"), "the table");
    expect(t.display("#{alternate_on}")).toBe("1");
    expect(screen).toContain("tsupervisord  fixture  0.0.0");
    expect(screen).toMatch(/app\s+app\s+RUNNING\s+101/);
    expect(screen).toMatch(/web\s+web_1\s+FATAL/);
    t.send("Enter");
    await t.waitFor((s) => s.includes("first line of app:app stdout"), "the log pane");
    t.send("c");
    await t.waitFor((s) => s.includes("app:app: ERROR (failed)"), "the error in the status line");
    t.send("q");
    await expectRestored(t, 0);
  });

  it("Ctrl-C quits like q", async () => {
    const t = start();
    await t.waitFor((s) => s.includes("web_1"), "the table");
    t.send("C-c");
    await expectRestored(t, 0);
  });

  it("SIGTERM restores the terminal and exits 143", async () => {
    const t = start();
    await t.waitFor((s) => s.includes("web_1"), "the table");
    const pid = t.tmux("list-panes", "-t", "t", "-F", "#{pane_pid}").trim();
    // The pane runs `sh`, whose child is node: signal the child only.
    const { execFileSync } = await import("node:child_process");
    const child = execFileSync("pgrep", ["-P", pid], { encoding: "utf8" }).trim().split("\n")[0] ?? "";
    process.kill(Number(child), "SIGTERM");
    await expectRestored(t, 143);
  });

  it("follows a terminal resize", async () => {
    const t = start();
    await t.waitFor((s) => s.includes("web_1"), "the table");
    t.tmux("resize-window", "-t", "t", "-x", "70", "-y", "20");
    const screen = await t.waitFor((s) => s.split("\n").every((l) => l.length <= 70) && s.includes("web_1"), "the redraw");
    expect(screen).toContain("tsupervisord");
    t.send("q");
    await expectRestored(t, 0);
  });
});
