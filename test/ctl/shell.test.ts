/**
 * The interactive shell through a real terminal (tmux): prompt, the initial status, help, unknown syntax,
 * tab completion, the history file, confirmation prompts, Ctrl-D and Ctrl-C (CTL-05, CMD-HELP-1, EXIT-02).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { HAVE_TSCTL, TSCTL } from "./lib/paths.js";
import { HAVE_TMUX, TmuxPane } from "./lib/tmux.js";

let dir: string;
let pane: TmuxPane | null = null;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "tsctl-shell-"));
});
afterEach(() => {
  pane?.kill();
  pane = null;
  rmSync(dir, { recursive: true, force: true });
});

function shell(confExtra = ""): { pane: TmuxPane; sock: string } {
  const sock = `unix://${dir}/none.sock`;
  const conf = join(dir, "ctl.conf");
  writeFileSync(conf, `[supervisorctl]\nserverurl=${sock}\nhistory_file=${dir}/history\n${confExtra}`);
  pane = new TmuxPane(`${process.execPath} ${TSCTL} -c ${conf}`, { TERM: "xterm", LANG: "C.UTF-8" });
  return { pane, sock };
}

describe.skipIf(!HAVE_TMUX || !HAVE_TSCTL)("interactive shell in a terminal", () => {
  it("runs status first, then prompts; help and unknown syntax; Ctrl-D leaves with status 0", async () => {
    const { pane: p, sock } = shell();
    let screen = await p.waitFor(/supervisor> $/m);
    expect(screen.split("\n")[0]).toBe(`${sock} no such file`);
    p.type("help");
    p.send("Enter");
    screen = await p.waitFor(/completion  disable  enable  logrotate  logs  top  whoami\n\nsupervisor> $/m);
    expect(screen).toContain("default commands (type help <topic>):\n=====================================\n");
    expect(screen).toContain("clear  maintail  quit  reread  signal    stop    version\n\n\ntsctl commands");
    p.type("frobnicate now");
    p.send("Enter");
    await p.waitFor(/\*\*\* Unknown syntax: frobnicate now\nsupervisor> $/m);
    p.send("Enter");
    await p.waitFor(/Unknown syntax: frobnicate now\nsupervisor> \nsupervisor> $/m);
    p.send("C-d");
    screen = await p.waitFor(/EXIT=\d+/);
    expect(screen).toMatch(/supervisor> \n+EXIT=0/);
  });

  it("a failing command does not change the shell's exit status (EXIT-02)", async () => {
    const { pane: p } = shell();
    await p.waitFor(/supervisor> $/m);
    p.type("start nosuch");
    p.send("Enter");
    await p.waitFor(/no such file\nsupervisor> $/m);
    p.type("quit");
    p.send("Enter");
    expect(await p.waitFor(/EXIT=\d+/)).toMatch(/EXIT=0/);
  });

  it("completes action names with Tab", async () => {
    const { pane: p } = shell();
    await p.waitFor(/supervisor> $/m);
    p.type("vers");
    p.send("Tab");
    await p.waitFor(/supervisor> version $/m);
    p.send("C-u");
    p.type("help rer");
    await p.waitFor(/supervisor> help rer$/m);
    p.send("Tab");
    await p.waitFor(/supervisor> help reread $/m);
    p.send("C-u");
    p.type("help sta");
    await p.waitFor(/supervisor> help sta$/m);
    p.send("Tab");
    p.send("Tab");
    const screen = await p.waitFor(/start\s+status/);
    expect(screen).not.toMatch(/\bstop\b/);
  });

  it("uses the [supervisorctl] prompt, writes the history file and reads it back", async () => {
    const { pane: p } = shell("prompt=mysup\n");
    await p.waitFor(/mysup> $/m);
    p.type("help pid");
    p.send("Enter");
    await p.waitFor(/Get the PID of every child process, one per line\.\nmysup> $/m);
    p.send("C-d");
    await p.waitFor(/EXIT=0/);
    expect(readFileSync(join(dir, "history"), "utf8")).toBe("help pid\n");
    p.kill();
    const { pane: again } = shell("prompt=mysup\n");
    await again.waitFor(/mysup> $/m);
    again.send("Up");
    await again.waitFor(/mysup> help pid$/m);
  });

  it("asks before shutdown and reload; anything but y/Y cancels", async () => {
    const { pane: p } = shell();
    await p.waitFor(/supervisor> $/m);
    p.type("shutdown");
    p.send("Enter");
    await p.waitFor(/Really shut the remote supervisord process down y\/N\? $/m);
    p.type("n");
    p.send("Enter");
    await p.waitFor(/down y\/N\? n\nsupervisor> $/m);
  });

  it("Ctrl-C at the prompt prints a newline and leaves with status 0", async () => {
    const { pane: p } = shell();
    await p.waitFor(/supervisor> $/m);
    p.send("C-c");
    expect(await p.waitFor(/EXIT=\d+/)).toMatch(/supervisor> \nEXIT=0/);
  });
});
