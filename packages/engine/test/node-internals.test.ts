/**
 * The engine leans on one private Node internal: `net._createServerHandle` (fcgi-socket.ts' synchronous fail-early
 * check). This test fails loudly on a Node that drops or changes it, instead of the check silently degrading.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

interface ServerHandle {
  listen(backlog: number): number;
  close(): void;
}
type CreateServerHandle = (address: string, port: number, addressType: number) => ServerHandle | number;

describe("private Node internals the engine uses", () => {
  it(`net._createServerHandle exists and binds + listens a unix socket synchronously (Node ${process.version})`, () => {
    const create = (net as unknown as { _createServerHandle?: CreateServerHandle })._createServerHandle;
    expect(typeof create, "net._createServerHandle is gone: see fcgi-socket.ts checkFcgiSocket").toBe("function");
    const dir = mkdtempSync(join(tmpdir(), "node-internal-"));
    try {
      const path = join(dir, "s.sock");
      const handle = (create as CreateServerHandle)(path, -1, -1);
      expect(typeof handle, "net._createServerHandle no longer returns a handle object").toBe("object");
      const h = handle as ServerHandle;
      expect(h.listen(16), "the handle's listen(backlog) no longer returns 0 on success").toBe(0);
      expect(existsSync(path)).toBe(true);
      h.close();
      // The tcp form (addressType 4) too.
      const taken = (create as CreateServerHandle)("127.0.0.1", 0, 4);
      expect(typeof taken).toBe("object");
      (taken as ServerHandle).close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
