/**
 * sd_notify sockets (issue 14), both mechanisms: the native receiver and the python3 helper fallback. A real
 * datagram is sent with systemd-notify where installed, else with a python3 one-liner (python3 is on CI).
 */
import { execFile, spawnSync } from "node:child_process";
import { promisify } from "node:util";
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createNotifySocketFactory, nativeReaper, type NotifyMechanism } from "../src/index.js";

const SEND = "import socket,sys; s=socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.sendto(sys.argv[2].encode(), sys.argv[1])";

function send(socketPath: string, text: string): void {
  const r = spawnSync("python3", ["-c", SEND, socketPath, text], { encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
}

const hasSystemdNotify = spawnSync("sh", ["-c", "command -v systemd-notify"]).status === 0;

function nextMessage(messages: string[], waiters: Array<() => void>): Promise<string> {
  return new Promise((resolve) => {
    const take = (): void => resolve(messages.shift() as string);
    if (messages.length > 0) take();
    else waiters.push(take);
  });
}

const mechanisms: NotifyMechanism[] = nativeReaper() !== undefined ? ["native", "helper"] : ["helper"];

describe.each(mechanisms)("notify sockets (%s)", (mechanism) => {
  it("binds a 0600 socket in a 0700 directory, receives datagrams in order, removes the file on close", async () => {
    const notes: string[] = [];
    const factory = createNotifySocketFactory({ mechanism, onFirstUse: (_m, note) => notes.push(note) });
    const messages: string[] = [];
    const waiters: Array<() => void> = [];
    const sock = await factory.open((text) => {
      messages.push(text);
      waiters.shift()?.();
    });
    try {
      expect(notes).toHaveLength(1);
      if (mechanism === "helper") expect(notes[0]).toMatch(/USING A python3 HELPER PROCESS/);
      expect(statSync(sock.path).mode & 0o777).toBe(0o600);
      expect(statSync(path.dirname(sock.path)).mode & 0o777).toBe(0o700);
      send(sock.path, "STATUS=warming up");
      expect(await nextMessage(messages, waiters)).toBe("STATUS=warming up");
      send(sock.path, "READY=1\nSTATUS=serving");
      expect(await nextMessage(messages, waiters)).toBe("READY=1\nSTATUS=serving");
      if (hasSystemdNotify) {
        // Asynchronously: systemd-notify waits for its BARRIER=1 fd to be closed by the receiver, which (native)
        // runs on this very event loop.
        await promisify(execFile)("systemd-notify", ["--ready", "--status=from systemd-notify"], {
          env: { ...process.env, NOTIFY_SOCKET: sock.path },
        });
        const text = await nextMessage(messages, waiters);
        expect(text.split("\n")).toEqual(expect.arrayContaining(["READY=1", "STATUS=from systemd-notify"]));
      }
    } finally {
      sock.close();
    }
    expect(existsSync(sock.path)).toBe(false);
    factory.dispose();
    expect(existsSync(path.dirname(sock.path))).toBe(false);
  });

  it("gives each open its own socket", async () => {
    const factory = createNotifySocketFactory({ mechanism });
    const a = await factory.open(() => {});
    const b = await factory.open(() => {});
    expect(a.path).not.toBe(b.path);
    a.close();
    b.close();
    factory.dispose();
  });
});

describe("helper fallback failure", () => {
  it("rejects with the reason when the interpreter is missing", async () => {
    const factory = createNotifySocketFactory({ mechanism: "helper", python: "/nonexistent/python3" });
    await expect(factory.open(() => {})).rejects.toThrow(/sd_notify helper/);
    factory.dispose();
  });
});
