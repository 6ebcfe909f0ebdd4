// Drives a real terminal: a private tmux server (its own socket name, killed at the end) running one command.
// `capture-pane` gives the screen as text; `send-keys` types.

import { execFileSync } from "node:child_process";
import { until } from "./fake-source.js";

export function hasTmux(): boolean {
  try {
    execFileSync("tmux", ["-V"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

export class Tmux {
  private readonly socket = `tsd-tui-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

  constructor(command: string, size = { columns: 100, rows: 30 }) {
    // CI/CONTINUOUS_INTEGRATION are dropped: the command under test runs on a real terminal, as a user's would.
    this.tmux(
      "new-session",
      "-d",
      "-s",
      "t",
      "-x",
      String(size.columns),
      "-y",
      String(size.rows),
      `env -u CI -u CONTINUOUS_INTEGRATION TERM=xterm-256color ${command}`,
    );
  }

  tmux(...args: string[]): string {
    return execFileSync("tmux", ["-L", this.socket, ...args], { encoding: "utf8" });
  }

  screen(): string {
    return this.tmux("capture-pane", "-p", "-t", "t");
  }

  /** Keys as tmux names them (`q`, `Enter`, `Down`, `C-c`), or literal text with `literal`. */
  send(keys: string, literal = false): void {
    if (literal) this.tmux("send-keys", "-t", "t", "-l", keys);
    else this.tmux("send-keys", "-t", "t", keys);
  }

  display(format: string): string {
    return this.tmux("display-message", "-p", "-t", "t", format).trim();
  }

  async waitFor(predicate: (screen: string) => boolean, what: string, timeoutMs = 15_000): Promise<string> {
    let last = "";
    await until(
      () => {
        last = this.screen();
        return predicate(last);
      },
      what,
      timeoutMs,
    ).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}\n--- screen ---\n${last}`);
    });
    return last;
  }

  kill(): void {
    try {
      this.tmux("kill-server");
    } catch {
      // already gone
    }
  }
}
