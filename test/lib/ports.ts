import net from "node:net";

/** A TCP port on 127.0.0.1 held open by this process until `release()` (so nothing else can bind it). */
export function holdPort(): Promise<{ port: number; release: () => Promise<void> }> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      resolve({ port, release: () => new Promise((r) => server.close(() => r())) });
    });
  });
}

/** A TCP port that was free a moment ago on 127.0.0.1 (the daemon binds it a moment later). */
export async function freePort(): Promise<number> {
  const held = await holdPort();
  await held.release();
  return held.port;
}
