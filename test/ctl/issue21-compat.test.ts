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

const ORDER_CONFIGS: Record<string, string> = {
  // A [group:x] whose programs= order is not the name order, numprocs, and programs of other priorities.
  mixed:
    `[group:app]\nprograms=worker,web\n\n[program:web]\ncommand=/bin/sleep 1000\nstartsecs=0\n\n` +
    `[program:worker]\ncommand=/bin/sleep 1000\nprocess_name=worker_%(process_num)02d\nnumprocs=3\nstartsecs=0\n\n` +
    `[program:solo]\ncommand=/bin/sleep 1000\nstartsecs=0\npriority=10\n\n[program:alpha]\ncommand=/bin/sleep 1000\nstartsecs=0\n`,
  // A member that ignores SIGTERM: supervisord lists it after the others (it stops at stopwaitsecs).
  stubborn:
    `[program:pool]\ncommand=/bin/sleep 1000\nprocess_name=pool_%(process_num)d\nnumprocs=4\nstartsecs=0\n\n` +
    `[program:stubborn]\ncommand=/bin/sh %(here)s/stubborn.sh\nstartsecs=0\nstopwaitsecs=1\npriority=1\n`,
};
const STUBBORN = "trap '' TERM\nwhile :; do sleep 0.2; done\n";
const ORDER_COMMANDS: Record<string, string[][]> = {
  mixed: [["restart", "app:*"], ["stop", "all"], ["start", "all"], ["restart", "all"], ["signal", "CONT", "all"], ["stop", "app:"], ["start", "app:*"], ["signal", "CONT", "app:*"]],
  stubborn: [["stop", "all"], ["start", "all"], ["restart", "pool:*"]],
};

async function orderTranscript(kind: ServerKind, config: string, rounds: number): Promise<string> {
  const s = await server(kind, ORDER_CONFIGS[config]!, { files: { "stubborn.sh": STUBBORN } });
  const ctl = kind === "supervisord" ? s.supervisorctl : s.tsctl;
  // Everything autostarted and RUNNING first (startsecs=0).
  for (let i = 0; i < 100; i += 1) {
    const st = await ctl(["status"]);
    if (st.stdout.split("\n").filter(Boolean).every((l) => l.includes("RUNNING"))) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  let out = "";
  for (let r = 0; r < rounds; r += 1) {
    for (const cmd of ORDER_COMMANDS[config]!) out += `$ ${cmd.join(" ")}\n${normalized(await ctl(cmd), s)}\n`;
  }
  if (process.env["ORDER_DUMP"]) (await import("node:fs")).writeFileSync(`${process.env["ORDER_DUMP"]}-${config}-${kind}.txt`, out);
  return out;
}

/** Each command's outputs over the rounds of a transcript. */
function byCommand(transcript: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const block of transcript.split(/^\$ /m).slice(1)) {
    const nl = block.indexOf("\n");
    const cmd = block.slice(0, nl);
    out.set(cmd, [...(out.get(cmd) ?? []), block.slice(nl + 1)]);
  }
  return out;
}
const sortedLines = (text: string): string => text.split("\n").sort().join("\n");

/**
 * Ours must give one order every round, the expected one (supervisord's call order: groups by priority, a
 * group's members in config order, later completions later). supervisord's own order for processes that end
 * together varies from run to run (its 0.05 s polls race the exits: 5 runs of `stop all` gave 5 orders), so
 * against it: signal results (synchronous, call order) must be identical, the others the same lines and exit.
 */
async function compareOrders(config: string, rounds: number, expected: Record<string, string>): Promise<void> {
  const ours = byCommand(await orderTranscript("tsupervisord", config, rounds));
  for (const [cmd, outputs] of ours) {
    expect(new Set(outputs).size, `${cmd}: one order every round`).toBe(1);
    if (expected[cmd] !== undefined) expect(outputs[0], cmd).toBe(expected[cmd]);
  }
  if (!HAVE_SUPERVISORD) return;
  const theirs = byCommand(await orderTranscript("supervisord", config, Math.min(rounds, 3)));
  expect([...theirs.keys()]).toEqual([...ours.keys()]);
  for (const [cmd, outputs] of theirs) {
    const mine = ours.get(cmd)?.[0] ?? "";
    // signal is synchronous in supervisord (no polling, call order); the others race its 0.05 s polls.
    if (cmd.startsWith("signal ")) for (const o of outputs) expect(mine, `${cmd} (supervisord: call order)`).toBe(o);
    else for (const o of outputs) expect(sortedLines(mine), `${cmd} (same lines and exit status)`).toBe(sortedLines(o));
  }
}

describe.skipIf(!HAVE_TSCTL)("defect 5: the order of multi-process results (make_allfunc, spec §5.4)", () => {
  it("mixed groups and numprocs: one order every time, supervisord's call order; 6 rounds of 8 commands", async () => {
    const app = ["app:worker_00", "app:worker_01", "app:worker_02", "app:web"];
    const all = ["solo", "alpha", ...app];
    const lines = (names: string[], what: string): string => names.map((n) => `${n}: ${what}\n`).join("");
    await compareOrders("mixed", 6, {
      "restart app:*": `${lines(app, "stopped")}${lines(app, "started")}[exit 0]\n`,
      "stop all": `${lines(all, "stopped")}[exit 0]\n`,
      "start all": `${lines(all, "started")}[exit 0]\n`,
      "restart all": `${lines(all, "stopped")}${lines(all, "started")}[exit 0]\n`,
      "signal CONT all": `${lines(all, "signalled")}[exit 0]\n`,
      "stop app:": `${lines(app, "stopped")}[exit 0]\n`,
      "start app:*": `${lines(app, "started")}[exit 0]\n`,
      "signal CONT app:*": `${lines(app, "signalled")}[exit 0]\n`,
    });
  }, 240_000);

  it("a member that ignores SIGTERM is listed after the others, as supervisord lists it; 3 rounds", async () => {
    const pool = ["pool:pool_0", "pool:pool_1", "pool:pool_2", "pool:pool_3"];
    const lines = (names: string[], what: string): string => names.map((n) => `${n}: ${what}\n`).join("");
    await compareOrders("stubborn", 3, {
      "stop all": `${lines([...pool, "stubborn"], "stopped")}[exit 0]\n`,
      "start all": `${lines(["stubborn", ...pool], "started")}[exit 0]\n`,
      "restart pool:*": `${lines(pool, "stopped")}${lines(pool, "started")}[exit 0]\n`,
    });
  }, 240_000);
});
