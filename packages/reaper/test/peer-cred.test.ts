/**
 * Issue 19: peerCred(fd) (native/peercred.c) reports who is at the other end of an accepted unix socket, as the
 * kernel recorded it at connect(): here, ourselves.
 */
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { peerCredMechanism, peerCredentialsOf, type PeerCredentials } from "../src/index.js";

let dir: string | null = null;
afterEach(() => {
  if (dir !== null) rmSync(dir, { recursive: true, force: true });
  dir = null;
});

describe.skipIf(process.platform !== "linux")("peerCred (SO_PEERCRED)", () => {
  it("is available where the addon was built, and names our own pid, uid and gid", async () => {
    expect(peerCredMechanism().kind).toBe("native");
    dir = mkdtempSync(join(tmpdir(), "peercred-"));
    const path = join(dir, "s.sock");
    const seen = await new Promise<PeerCredentials | undefined>((resolve, reject) => {
      const server = net.createServer((socket) => {
        resolve(peerCredentialsOf(socket));
        socket.destroy();
        server.close();
      });
      server.on("error", reject);
      server.listen(path, () => net.connect(path).on("error", () => undefined));
    });
    expect(seen).toEqual({ pid: process.pid, uid: process.getuid?.(), gid: process.getgid?.() });
  });

  it("a TCP socket has no peer credentials: undefined, not a throw", async () => {
    const seen = await new Promise<PeerCredentials | undefined | "none">((resolve, reject) => {
      const server = net.createServer((socket) => {
        resolve(peerCredentialsOf(socket) ?? "none");
        socket.destroy();
        server.close();
      });
      server.on("error", reject);
      server.listen(0, "127.0.0.1", () => {
        const address = server.address() as net.AddressInfo;
        net.connect(address.port, "127.0.0.1").on("error", () => undefined);
      });
    });
    // Linux answers SO_PEERCRED on TCP with pid 0 and uid/gid (uid_t)-1, which must not read as a user.
    expect(seen).toBe("none");
  });
});
