/**
 * A real terminal for the interactive shell: a private tmux server (its own -L socket), one pane running the
 * command; keys go in with send-keys, the screen comes back with capture-pane.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { waitFor } from "./daemon.js";

export const HAVE_TMUX = spawnSync("tmux", ["-V"]).status === 0;

export class TmuxPane {
  private readonly server = `tsctl-${randomUUID().slice(0, 8)}`;

  /** Runs `command` (a shell command line) in a new 120x40 pane; `EXIT=<status>` is printed when it ends. */
  constructor(command: string, env: Record<string, string> = {}) {
    const exports = Object.entries(env)
      .map(([k, v]) => `export ${k}='${v.replace(/'/g, "'\\''")}'; `)
      .join("");
    this.tmux(["new-session", "-d", "-s", "t", "-x", "120", "-y", "40", `${exports}${command}; echo EXIT=$?; sleep 600`]);
  }

  private tmux(args: string[]): string {
    return execFileSync("tmux", ["-L", this.server, "-f", "/dev/null", ...args], { encoding: "utf8" });
  }

  /** Keys as tmux names them (`Tab`, `Enter`, `C-d`, `Up`) or literal text. */
  send(...keys: string[]): void {
    this.tmux(["send-keys", "-t", "t", ...keys]);
  }

  /** Literal text, never interpreted as key names. */
  type(text: string): void {
    this.tmux(["send-keys", "-t", "t", "-l", text]);
  }

  screen(): string {
    return this.tmux(["capture-pane", "-p", "-N", "-t", "t", "-S", "-200"]);
  }

  /** Waits until the screen matches `pattern`; returns the screen. */
  async waitFor(pattern: RegExp, timeoutMs = 10_000): Promise<string> {
    let last = "";
    await waitFor(
      `${pattern} on the screen`,
      () => pattern.test((last = this.screen())),
      timeoutMs,
    ).catch((err: Error) => {
      throw new Error(`${err.message}; screen was:\n${last}`);
    });
    return last;
  }

  kill(): void {
    try {
      this.tmux(["kill-server"]);
    } catch {
      // already gone
    }
  }
}
