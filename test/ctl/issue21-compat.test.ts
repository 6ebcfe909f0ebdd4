/**
 * Issue 21 (defects 3, 4, 5, 11): what a supervisorctl user sees, side by side with Debian's supervisord
 * 4.2.5 and its supervisorctl on the same config. Each expectation was first read off the real pair.
 */
import { afterEach, describe, expect, it } from "vitest";
import { HAVE_TSCTL } from "./lib/paths.js";
import { HAVE_SUPERVISORD, normalized, startServer, type Server, type ServerKind } from "./lib/servers.js";

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop();
});
async function server(kind: ServerKind, body: string, opts?: Parameters<typeof startServer>[2]): Promise<Server> {
  const s = await startServer(kind, body, opts);
  servers.push(s);
  return s;
}

describe.skipIf(!HAVE_TSCTL)("defect 3: `tsctl shutdown` of a daemon that shuts down (CMD-SHUTDOWN-1)", () => {
  it("prints `Shut down` and exits 0, as supervisorctl does, every time (nothing running: the fastest stop)", async () => {
    for (let i = 0; i < 6; i += 1) {
      const ts = await server("tsupervisord", "");
      const r = await ts.tsctl(["shutdown"]);
      expect(normalized(r, ts), `round ${String(i)}`).toBe("Shut down\n[exit 0]");
    }
  }, 120_000);

  it.skipIf(!HAVE_SUPERVISORD)("same text as supervisorctl against supervisord", async () => {
    const sd = await server("supervisord", "");
    expect(normalized(await sd.supervisorctl(["shutdown"]), sd)).toBe("Shut down\n[exit 0]");
  }, 60_000);
});
