/**
 * sd_notify sockets for the engine's NotifyPort (issue 14): one unix DATAGRAM socket per child, mode 0600, in a
 * private 0700 directory, removed when the child's receiver is closed.
 *
 * Node cannot create datagram unix sockets, so the receiver is native (native/notify.c: bind + uv_poll on
 * Node's loop). Where the addon was not built, a FALLBACK runs one small `python3` helper process per socket
 * that binds it and relays each datagram as a base64 line on its stdout (python3 is not a dependency of the
 * project; the daemon logs loudly when it uses this). With neither, open() rejects and the notify check says so.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, rmSync, unlinkSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { nativeReaper, unavailableReason } from "./native.js";

/** Structurally the engine's NotifyReceiver. */
export interface NotifySocket {
  readonly path: string;
  close(): void;
}

export type NotifyMechanism = "native" | "helper";

export interface NotifyPortOptions {
  /** Where the private socket directory is created (default os.tmpdir()). */
  parentDir?: string;
  /** Force a mechanism (tests; `TSUPERVISORD_NOTIFY=helper` does the same for the daemon). */
  mechanism?: NotifyMechanism;
  /** Called once, the first time a socket is opened, with the mechanism in use and why (for the daemon log). */
  onFirstUse?: (mechanism: NotifyMechanism, note: string) => void;
  /** The helper's interpreter (default `python3` from PATH). */
  python?: string;
}

/** Structurally the engine's NotifyPort, plus cleanup of the private directory. */
export interface NotifySocketFactory {
  open(onMessage: (text: string) => void): Promise<NotifySocket>;
  readonly mechanism: NotifyMechanism;
  /** Remove the private directory (and any socket still in it). */
  dispose(): void;
}

interface NativeNotify {
  notifyOpen(path: string, callback: (text: string) => void): unknown;
  notifyClose(handle: unknown): void;
}

function nativeNotify(): NativeNotify | undefined {
  const addon = nativeReaper() as unknown as Partial<NativeNotify> | undefined;
  return typeof addon?.notifyOpen === "function" && typeof addon.notifyClose === "function" ? (addon as NativeNotify) : undefined;
}

/** Which mechanism open() will use here, and why. */
export function notifyMechanism(forced?: NotifyMechanism): { mechanism: NotifyMechanism; note: string } {
  const want = forced ?? (process.env.TSUPERVISORD_NOTIFY === "helper" ? "helper" : undefined);
  if (want !== "helper" && nativeNotify() !== undefined) return { mechanism: "native", note: "native datagram receiver" };
  const why = want === "helper" ? "forced by configuration" : (unavailableReason() ?? "the native addon has no notify receiver");
  return {
    mechanism: "helper",
    note: `sd_notify: native datagram receiver unavailable (${why}); USING A python3 HELPER PROCESS per notify socket`,
  };
}

export function createNotifySocketFactory(options: NotifyPortOptions = {}): NotifySocketFactory {
  const { mechanism, note } = notifyMechanism(options.mechanism);
  let dir: string | null = null;
  let counter = 0;
  let announced = false;
  const nextPath = (): string => {
    dir ??= mkdtempSync(path.join(options.parentDir ?? os.tmpdir(), "tsd-notify-")); // mode 0700
    counter += 1;
    return path.join(dir, `${counter}.sock`);
  };
  return {
    mechanism,
    open(onMessage) {
      if (!announced) {
        announced = true;
        options.onFirstUse?.(mechanism, note);
      }
      const file = nextPath();
      if (mechanism === "native") {
        try {
          return Promise.resolve(openNative(nativeNotify() as NativeNotify, file, onMessage));
        } catch (err) {
          return Promise.reject(err as Error);
        }
      }
      return openHelper(options.python ?? "python3", file, onMessage);
    },
    dispose() {
      if (dir !== null) rmSync(dir, { recursive: true, force: true });
      dir = null;
    },
  };
}

function removeFile(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // already gone
  }
}

function openNative(addon: NativeNotify, file: string, onMessage: (text: string) => void): NotifySocket {
  const handle = addon.notifyOpen(file, (text: string) => onMessage(text));
  let open = true;
  return {
    path: file,
    close() {
      if (!open) return;
      open = false;
      addon.notifyClose(handle);
      removeFile(file);
    },
  };
}

/** The fallback helper: binds the socket 0600, prints `bound`, then one base64 line per datagram; exits on stdin EOF. */
const HELPER = String.raw`
import base64, os, select, socket, sys
p = sys.argv[1]
try:
    os.unlink(p)
except FileNotFoundError:
    pass
os.umask(0o177)
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(p)
os.chmod(p, 0o600)
out = sys.stdout.buffer
out.write(b"bound\n"); out.flush()
while True:
    r, _, _ = select.select([s, 0], [], [])
    if 0 in r and not os.read(0, 4096):
        break
    if s in r:
        out.write(base64.b64encode(s.recv(4096)) + b"\n"); out.flush()
try:
    os.unlink(p)
except OSError:
    pass
`;

function openHelper(python: string, file: string, onMessage: (text: string) => void): Promise<NotifySocket> {
  return new Promise((resolve, reject) => {
    let child: ChildProcessWithoutNullStreams;
    try {
      child = spawn(python, ["-c", HELPER, file], { stdio: ["pipe", "pipe", "pipe"] });
    } catch (err) {
      reject(err as Error);
      return;
    }
    let bound = false;
    let open = true;
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => {
      if (stderr.length < 2000) stderr += d.toString("utf8");
    });
    child.stdin.on("error", () => {});
    const socket: NotifySocket = {
      path: file,
      close() {
        if (!open) return;
        open = false;
        child.stdin.end();
        // If it does not leave on EOF at once, it does on SIGTERM; the file goes either way.
        setTimeout(() => child.kill("SIGTERM"), 1000).unref();
        removeFile(file);
      },
    };
    // Lines are at most ~5.5 KiB (a 4 KiB datagram in base64): readline's buffer stays bounded.
    const lines = createInterface({ input: child.stdout });
    lines.on("line", (line) => {
      if (!bound) {
        if (line === "bound") {
          bound = true;
          resolve(socket);
        }
        return;
      }
      if (open) onMessage(Buffer.from(line, "base64").toString("utf8"));
    });
    child.once("error", (err) => {
      if (!bound) reject(new Error(`sd_notify helper (${python}): ${err.message}`));
    });
    child.once("exit", (code, signal) => {
      if (!bound) reject(new Error(`sd_notify helper (${python}) exited (${code ?? signal}) before binding: ${stderr.trim()}`));
      open = false;
    });
  });
}
