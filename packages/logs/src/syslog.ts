import * as net from "node:net";
import { spawn } from "node:child_process";
import type { Writable } from "node:stream";
import { existsSync } from "node:fs";

/**
 * Lines to the system log (LOG-10, MLG-03), small on purpose. Node has no unix datagram sockets, so: a unix
 * *stream* connection to /dev/log when the syslog daemon offers one, else one long-lived `logger` process fed
 * line by line, else the lines are dropped after a single warning. Memory is bounded: while the transport is
 * behind by more than `maxBufferedBytes`, lines are dropped and counted.
 */
export interface SyslogSender {
  /** Send one message per line (the caller splits); facility user, priority info (supervisord's default). */
  send(line: string): void;
  readonly linesDropped: number;
  close(): Promise<void>;
}

export interface SyslogOptions {
  ident?: string;
  socketPath?: string;
  onWarning?: (message: string) => void;
  maxBufferedBytes?: number;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** RFC 3164 header as libc's syslog(3) writes it: `<14>Nov 25 13:08:28 ident: `. */
function header(ident: string, now: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  const day = String(now.getDate()).padStart(2, " ");
  const time = `${pad(now.getHours())}:${pad(now.getMinutes())}:${pad(now.getSeconds())}`;
  return `<14>${MONTHS[now.getMonth()]} ${day} ${time} ${ident}: `;
}

export function createSyslogSender(options: SyslogOptions = {}): SyslogSender {
  const ident = options.ident ?? "tsupervisord";
  const socketPath = options.socketPath ?? "/dev/log";
  const maxBuffered = options.maxBufferedBytes ?? 1024 * 1024;
  let transport: Writable | null = null;
  let kind: "connecting" | "socket" | "logger" | "dead" = "connecting";
  let pending: string[] = [];
  let pendingBytes = 0;
  let dropped = 0;
  let warned = false;
  let closeTransport: () => void = () => {};

  // The socket wants a syslog header; `logger` adds its own.
  const frame = (line: string) => (kind === "socket" ? `${header(ident, new Date())}${line}\n` : `${line}\n`);

  const warnOnce = (why: string) => {
    if (warned) return;
    warned = true;
    options.onWarning?.(`syslog unavailable (${why}); syslog output is dropped`);
  };

  const becomeDead = (why: string) => {
    kind = "dead";
    transport = null;
    dropped += pending.length;
    pending = [];
    pendingBytes = 0;
    warnOnce(why);
  };

  const attach = (w: Writable, k: "socket" | "logger") => {
    transport = w;
    kind = k;
    for (const line of pending) w.write(frame(line));
    pending = [];
    pendingBytes = 0;
  };

  const startLogger = (why: string) => {
    const child = spawn("logger", ["-u", socketPath, "-t", ident, "-p", "user.info"], { stdio: ["pipe", "ignore", "ignore"] });
    child.once("error", () => becomeDead(`${why}; no logger command`));
    child.stdin.on("error", () => becomeDead("logger stopped"));
    child.once("spawn", () => attach(child.stdin, "logger"));
    child.unref();
    closeTransport = () => {
      child.stdin.end();
    };
  };

  if (!existsSync(socketPath)) {
    becomeDead(`${socketPath} does not exist`);
  } else {
    const socket = net.connect(socketPath);
    socket.unref();
    socket.once("connect", () => attach(socket, "socket"));
    socket.on("error", (err: NodeJS.ErrnoException) => {
      if (kind === "connecting") startLogger(`${socketPath}: ${err.code ?? err.message}`);
      else becomeDead(err.message);
    });
    closeTransport = () => socket.end();
  }

  return {
    send(line: string): void {
      if (kind === "dead") {
        dropped += 1;
        return;
      }
      if (transport === null) {
        if (pendingBytes + line.length > maxBuffered) {
          dropped += 1;
          return;
        }
        pending.push(line);
        pendingBytes += line.length;
        return;
      }
      if (transport.writableLength > maxBuffered) {
        dropped += 1;
        return;
      }
      transport.write(frame(line));
    },
    get linesDropped() {
      return dropped;
    },
    async close() {
      closeTransport();
      kind = "dead";
    },
  };
}

let shared: SyslogSender | null = null;

/** One sender per daemon, shared by every process channel with `<channel>_syslog=true`. */
export function sharedSyslog(onWarning?: (message: string) => void): SyslogSender {
  shared ??= createSyslogSender(onWarning === undefined ? {} : { onWarning });
  return shared;
}
