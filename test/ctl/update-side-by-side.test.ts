/**
 * issue 18, side by side with Debian's supervisord 4.2.5: `reread` and `update` print what supervisorctl prints
 * for the same edits (CMD-REREAD-1, CMD-UPDATE-1), although tsupervisord applies only the diff (a hot option,
 * one member's command, a numprocs delta) where supervisord restarts the whole group. Afterwards both run the
 * same processes in the same states.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { waitFor } from "./lib/daemon.js";
import { HAVE_TSCTL } from "./lib/paths.js";
import { HAVE_SUPERVISORD, normalized, startServer, type Server, type ServerKind } from "./lib/servers.js";

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

function body(opts: { numprocs?: number; a?: string; bCommand?: string; solo?: boolean; extra?: string } = {}): string {
  return [
    "[program:web]",
    "command=/bin/sleep 100%(process_num)s",
    "process_name=web_%(process_num)s",
    `numprocs=${opts.numprocs ?? 4}`,
    "startsecs=0",
    "",
    "[group:pair]",
    "programs=a,b",
    "",
    "[program:a]",
    "command=/bin/sleep 2001",
    "startsecs=0",
    opts.a ?? "",
    "",
    "[program:b]",
    `command=${opts.bCommand ?? "/bin/sleep 2002"}`,
    "startsecs=0",
    "",
    opts.solo === false ? "" : "[program:solo]\ncommand=/bin/sleep 3001\nstartsecs=0\n",
    opts.extra ?? "",
  ].join("\n");
}

/** Both daemons on the first body, each driven by its own ctl (supervisorctl for supervisord, tsctl for ours). */
class Pair {
  private constructor(
    readonly sd: Server,
    readonly ts: Server,
    private current: string,
  ) {}

  static async start(first: string): Promise<Pair> {
    const [sd, ts] = await Promise.all((["supervisord", "tsupervisord"] as ServerKind[]).map((k) => startServer(k, first)));
    servers.push(sd as Server, ts as Server);
    const pair = new Pair(sd as Server, ts as Server, first);
    await pair.settled();
    return pair;
  }

  /** Replace the program part of both configs (the head written by startServer stays). */
  edit(next: string): void {
    for (const s of [this.sd, this.ts]) {
      const sub = (text: string): string => text.split("%(here)s").join(s.dir);
      writeFileSync(s.conf, readFileSync(s.conf, "utf8").replace(sub(this.current), sub(next)));
    }
    this.current = next;
  }

  /** The same ctl command on both; their outputs (temp dirs normalized) and exit statuses. */
  async both(...args: string[]): Promise<{ supervisorctl: string; tsctl: string }> {
    const [theirs, ours] = await Promise.all([this.sd.supervisorctl(args), this.ts.tsctl(args)]);
    return { supervisorctl: normalized(theirs, this.sd), tsctl: normalized(ours, this.ts) };
  }

  /** Wait until neither daemon has a process in a transitional state; then their `status` without pids. */
  async settled(): Promise<{ supervisorctl: string; tsctl: string }> {
    const status = async (s: Server): Promise<string> =>
      waitFor(
        `${s.kind} to settle`,
        async () => {
          const r = await (s.kind === "supervisord" ? s.supervisorctl(["status"]) : s.tsctl(["status"]));
          return /STARTING|STOPPING|BACKOFF/.test(r.stdout) ? undefined : r.stdout.replace(/pid \d+, uptime [\d:]+/g, "pid N");
        },
        20_000,
        100,
      );
    const [theirs, ours] = await Promise.all([status(this.sd), status(this.ts)]);
    return { supervisorctl: theirs, tsctl: ours };
  }
}

async function sameAsSupervisorctl(pair: Pair, ...args: string[]): Promise<string> {
  const r = await pair.both(...args);
  expect(r.tsctl).toBe(r.supervisorctl);
  return r.tsctl;
}

describe.skipIf(!HAVE_SUPERVISORD || !HAVE_TSCTL)("issue 18: reread/update output beside supervisorctl's", () => {
  it("a hot change of one member (autorestart): same reread and update lines", async () => {
    const pair = await Pair.start(body());
    pair.edit(body({ a: "autorestart=false" }));
    expect(await sameAsSupervisorctl(pair, "reread")).toBe("pair: changed\n[exit 0]");
    expect(await sameAsSupervisorctl(pair, "update")).toBe("pair: stopped\npair: updated process group\n[exit 0]");
    const after = await pair.settled();
    expect(after.tsctl).toBe(after.supervisorctl);
  }, 90_000);

  it("tsctl against supervisord itself: update falls back to supervisorctl's sequence; the typed diff is ours only", async () => {
    const sd = await startServer("supervisord", body());
    servers.push(sd);
    writeFileSync(sd.conf, readFileSync(sd.conf, "utf8").replace("command=/bin/sleep 2002", "command=/bin/sleep 2012"));
    expect(normalized(await sd.tsctl(["update", "--dry-run"]), sd)).toBe(
      "Error: the typed update plan is only available from tsupervisord (gRPC)\n[exit 1]",
    );
    expect(normalized(await sd.tsctl(["update"]), sd)).toBe("pair: stopped\npair: updated process group\n[exit 0]");
    expect(normalized(await sd.tsctl(["scale", "web", "2"]), sd)).toBe("Error: scale is only available from tsupervisord (gRPC)\n[exit 1]");
  }, 90_000);

  it("one member's command: same lines", async () => {
    const pair = await Pair.start(body());
    pair.edit(body({ bCommand: "/bin/sleep 2012" }));
    expect(await sameAsSupervisorctl(pair, "reread")).toBe("pair: changed\n[exit 0]");
    expect(await sameAsSupervisorctl(pair, "update")).toBe("pair: stopped\npair: updated process group\n[exit 0]");
    const after = await pair.settled();
    expect(after.tsctl).toBe(after.supervisorctl);
  }, 90_000);

  it("numprocs 4 -> 6 -> 2, then a removed and an added group: same lines at every step", async () => {
    const pair = await Pair.start(body());
    pair.edit(body({ numprocs: 6 }));
    expect(await sameAsSupervisorctl(pair, "update")).toBe("web: stopped\nweb: updated process group\n[exit 0]");
    let after = await pair.settled();
    expect(after.tsctl).toBe(after.supervisorctl);
    pair.edit(body({ numprocs: 2 }));
    expect(await sameAsSupervisorctl(pair, "reread")).toBe("web: changed\n[exit 0]");
    expect(await sameAsSupervisorctl(pair, "update", "web")).toBe("web: stopped\nweb: updated process group\n[exit 0]");
    after = await pair.settled();
    expect(after.tsctl).toBe(after.supervisorctl);
    pair.edit(body({ numprocs: 2, solo: false, extra: "[program:fresh]\ncommand=/bin/sleep 4001\nstartsecs=0\n" }));
    expect(await sameAsSupervisorctl(pair, "reread")).toBe("fresh: available\nsolo: disappeared\n[exit 0]");
    expect(await sameAsSupervisorctl(pair, "update")).toBe(
      "solo: stopped\nsolo: removed process group\nfresh: added process group\n[exit 0]",
    );
    after = await pair.settled();
    expect(after.tsctl).toBe(after.supervisorctl);
    expect(await sameAsSupervisorctl(pair, "update")).toBe("[exit 0]");
  }, 120_000);
});
