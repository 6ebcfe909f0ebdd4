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

const LISTENER = `import sys, time
sys.stdout.write("READY\\n"); sys.stdout.flush()
time.sleep(1000)
`;

/** `[program:x]` and `[eventlistener:x]`: which one runs, as seen by `pid x` and /proc. */
async function whoRunsX(kind: ServerKind): Promise<{ cmdline: string; avail: string; status: string }> {
  const s = await server(
    kind,
    `[program:x]\ncommand=/bin/sleep 1000\nstartsecs=0\n\n` +
      `[eventlistener:x]\ncommand=/usr/bin/python3 %(here)s/listener.py\nevents=TICK_60\nstartsecs=0\n`,
    { files: { "listener.py": LISTENER } },
  );
  let pid = 0;
  const deadline = Date.now() + 20_000;
  while (pid === 0 && Date.now() < deadline) {
    const r = await s.supervisorctl(["pid", "x"]);
    pid = /^\d+$/.test(r.stdout.trim()) ? Number(r.stdout.trim()) : 0;
    if (pid === 0) await new Promise((res) => setTimeout(res, 100));
  }
  const { readFileSync } = await import("node:fs");
  const cmdline = readFileSync(`/proc/${String(pid)}/cmdline`, "utf8").split("\0").join(" ").trim().split(s.dir).join("<dir>");
  const avail = normalized(await s.supervisorctl(["avail"]), s);
  const status = (await s.supervisorctl(["status"])).stdout.replace(/pid \d+, uptime [\d:]+/, "pid N");
  return { cmdline, avail, status };
}

describe.skipIf(!HAVE_TSCTL)("defect 4: [program:x] and [eventlistener:x] with the same name (§7.2, add_process_group)", () => {
  it("the listener runs (priority -1 sorts first, the first group of a name wins), as under supervisord", async () => {
    const ours = await whoRunsX("tsupervisord");
    expect(ours.cmdline).toBe("/usr/bin/python3 <dir>/listener.py");
    expect(ours.status).toBe("x                                RUNNING   pid N\n");
    // getAllConfigInfo lists both configs, as supervisord's does.
    expect(ours.avail).toBe("x                                in use    auto      -1:999\nx                                in use    auto      999:999\n[exit 0]");
    if (HAVE_SUPERVISORD) expect(await whoRunsX("supervisord")).toEqual(ours);
  }, 60_000);
});

/** One XML-RPC call over the server's unix socket; the raw response body. */
async function xmlrpc(socket: string, method: string): Promise<string> {
  const http = await import("node:http");
  const body = `<?xml version="1.0"?><methodCall><methodName>${method}</methodName><params></params></methodCall>`;
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath: socket, path: "/RPC2", method: "POST", headers: { "Content-Type": "text/xml", "Content-Length": Buffer.byteLength(body) } }, (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (d: string) => (text += d));
      res.on("end", () => resolve(text));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const NO_RPCINTERFACE = (): string =>
  `[unix_http_server]\nfile=%(here)s/s.sock\n\n[supervisord]\nlogfile=%(here)s/d.log\npidfile=%(here)s/d.pid\n\n` +
  `[supervisorctl]\nserverurl=unix://%(here)s/s.sock\n\n[program:x]\ncommand=/bin/sleep 1000\nstartsecs=0\n`;

describe.skipIf(!HAVE_TSCTL)("defect 11: no [rpcinterface:supervisor] section (PLG-01, UPC-01)", () => {
  async function probe(kind: ServerKind, ctl: "tsctl" | "supervisorctl"): Promise<Record<string, string>> {
    const s = await server(kind, NO_RPCINTERFACE(), { head: false });
    const faultOf = (xml: string): string => /<name>faultString<\/name>\s*<value><string>([^<]*)<\/string>/.exec(xml)?.[1] ?? xml;
    const methods = [...(await xmlrpc(s.socket, "system.listMethods")).matchAll(/<string>([^<]*)<\/string>/g)].map((m) => m[1]);
    return {
      status: normalized(await s[ctl](["status"]), s),
      version: normalized(await s[ctl](["version"]), s),
      getState: faultOf(await xmlrpc(s.socket, "supervisor.getState")),
      listMethods: methods.join(" "),
      rpcLogLines: String((await import("node:fs")).readFileSync(`${s.dir}/d.log`, "utf8").split("\n").filter((l) => l.includes("RPC interface")).length),
    };
  }

  it("supervisor.* is UNKNOWN_METHOD on XML-RPC and gRPC; tsctl says what supervisorctl says", async () => {
    const sorry =
      "Sorry, supervisord responded but did not recognize the supervisor namespace commands that supervisorctl uses to control it.  " +
      "Please check that the [rpcinterface:supervisor] section is enabled in the configuration file (see sample.conf).\n";
    const ours = await probe("tsupervisord", "tsctl");
    expect(ours).toEqual({
      status: `${sorry}[exit 4]`,
      version: `${sorry}[exit 3]`,
      getState: "UNKNOWN_METHOD",
      listMethods: "system.listMethods system.methodHelp system.methodSignature system.multicall",
      rpcLogLines: "0",
    });
    expect(await probe("tsupervisord", "supervisorctl")).toEqual(ours);
    if (HAVE_SUPERVISORD) expect(await probe("supervisord", "supervisorctl")).toEqual(ours);
  }, 60_000);
});
