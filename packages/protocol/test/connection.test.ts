import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConnectionError, connect } from "../src/index.js";

const dir = mkdtempSync(join(tmpdir(), "tsv-protocol-conn-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function failure(url: string): Promise<ConnectionError> {
  const client = connect(url);
  try {
    const err = await client.getApiVersion().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    return err as ConnectionError;
  } finally {
    client.close();
  }
}

/** A TCP port on which nothing listens: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("connection failures tsctl tells apart (upcheck, spec §4.2)", () => {
  it("a TCP port with no listener is 'refused'", async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const err = await failure(url);
    expect([err.reason, err.url, err.message]).toEqual(["refused", url, `${url} refused connection`]);
  });

  it("a missing unix socket path is 'no_such_file'", async () => {
    const url = `unix://${join(dir, "absent.sock")}`;
    const err = await failure(url);
    expect([err.reason, err.message]).toEqual(["no_such_file", `${url} no such file`]);
  });

  it("a stale unix socket file with no listener is 'refused'", async () => {
    const path = join(dir, "stale.sock");
    // A daemon killed with SIGKILL leaves its socket file behind (a clean close would unlink it).
    const child = spawnSync(process.execPath, [
      "-e",
      `require("net").createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, "SIGKILL"))`,
    ]);
    expect(child.signal).toBe("SIGKILL");
    expect(existsSync(path)).toBe(true);
    const err = await failure(`unix://${path}`);
    expect(err.reason).toBe("refused");
  });

  it("streams report the same reasons", async () => {
    const client = connect(`unix://${join(dir, "absent2.sock")}`);
    try {
      const err = await (async () => {
        for await (const _ of client.watch()) void _;
      })().catch((e: unknown) => e);
      expect((err as ConnectionError).reason).toBe("no_such_file");
    } finally {
      client.close();
    }
  });
});
