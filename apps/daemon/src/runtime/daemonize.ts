import { spawn } from "node:child_process";
import fs from "node:fs";
import type { Readable } from "node:stream";

/**
 * D-DMN-04: Node cannot fork, so daemon mode re-spawns this same program detached (its own session, stdio on
 * /dev/null) with an internal marker in the environment. Until it is serving, the daemon child reports back over
 * an extra pipe (fd 3): what supervisord would have printed on the terminal before forking (errors, "Unlinking
 * stale socket"), then "ready". The parent relays those lines, and exits 0 once the child is ready, or with the
 * child's status if it failed to start — so `tsupervisord` in daemon mode still reports bad configs and busy
 * sockets on the terminal with exit 2, like supervisord (which opens its sockets before it forks).
 */
const MARKER = "TSUPERVISORD_DAEMON_CHILD";
const CHANNEL_FD = 3;

export function isDaemonChild(): boolean {
  return process.env[MARKER] === "1";
}

/** In the daemon child: forget the marker so the programs we spawn never inherit it. */
export function consumeDaemonMarker(): void {
  delete process.env[MARKER];
}

/** Runs in the parent; resolves with the exit status the parent should exit with. */
export function spawnDaemonChild(): Promise<number> {
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    detached: true,
    stdio: ["ignore", "ignore", "ignore", "pipe"],
    env: { ...process.env, [MARKER]: "1" },
  });
  return new Promise((resolve) => {
    const channel = child.stdio[CHANNEL_FD] as Readable | null | undefined;
    let buffered = "";
    let settled = false;
    const settle = (status: number): void => {
      if (settled) return;
      settled = true;
      resolve(status);
    };
    channel?.setEncoding("utf8");
    channel?.on("data", (chunk: string) => {
      buffered += chunk;
      let nl: number;
      while ((nl = buffered.indexOf("\n")) !== -1) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (line === "ready") {
          child.unref();
          channel.destroy();
          settle(0);
          return;
        }
        if (line.startsWith("stderr ")) process.stderr.write(`${JSON.parse(line.slice(7)) as string}\n`);
      }
    });
    // "close", not "exit": every line the child wrote on the channel has been read by then.
    child.once("close", (code) => settle(code ?? 2));
    child.once("error", (err) => {
      process.stderr.write(`Error: could not start the daemon process: ${err.message}\n`);
      settle(2);
    });
  });
}

/** The daemon child's side of the channel. Writes are synchronous and never throw (the parent may be gone). */
export class ParentChannel {
  constructor(private open: boolean) {}

  /** A line the user would see on the terminal before supervisord forked. */
  stderr(line: string): void {
    this.send(`stderr ${JSON.stringify(line)}`);
  }

  ready(): void {
    this.send("ready");
    this.close();
  }

  close(): void {
    if (!this.open) return;
    this.open = false;
    try {
      fs.closeSync(CHANNEL_FD);
    } catch {
      // Already closed.
    }
  }

  get active(): boolean {
    return this.open;
  }

  private send(line: string): void {
    if (!this.open) return;
    try {
      fs.writeSync(CHANNEL_FD, `${line}\n`);
    } catch {
      this.open = false;
    }
  }
}
