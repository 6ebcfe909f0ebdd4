import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { LogChannel } from "@tsupervisord/protocol";
import { REPO_ROOT, startDaemon, TestDir, waitFor, waitForState, type RunningDaemon } from "./lib/daemon.js";

/**
 * Issue 21 defect 1 (TLF-01/02): `tail -f` across rotation, byte-exact. A child writes a numbered sequence
 * through a log with a tiny `stdout_logfile_maxbytes` (every batch rotates the file at least once, 60+ times
 * in all) while four followers read it: gRPC TailProcessLogFollow, `tsctl tail -f`, Debian's Python
 * `supervisorctl tail -f` (HTTP `/logtail`, CMD-TAIL-3) and a raw HTTP `/logtail` request. Each must see
 * exactly `ready\n` + every line once, in order. Batches go out when every follower has the previous one, so
 * the test is driven by what the followers received, not by time.
 */
const SUPERVISORCTL = process.env["SUPERVISORCTL_BIN"] ?? "/usr/bin/supervisorctl";
const TSCTL = path.join(REPO_ROOT, "apps/ctl/dist/main.js");
const BATCHES = 60;
const PER_BATCH = 150; // 150 lines x 7 bytes = 1050 bytes > maxbytes: at least one rotation per batch

const CHILD = `
import sys
sys.stdout.write("ready\\n"); sys.stdout.flush()
n = 0
while sys.stdin.readline():
    for i in range(n, n + ${PER_BATCH}):
        sys.stdout.write("%06d\\n" % i); sys.stdout.flush()
    n += ${PER_BATCH}
`;

function expected(batches: number): string {
  let s = "ready\n";
  for (let i = 0; i < batches * PER_BATCH; i += 1) s += `${String(i).padStart(6, "0")}\n`;
  return s;
}

interface Follower {
  name: string;
  text(): string;
  stop(): Promise<void>;
}

let dir: TestDir | null = null;
let daemon: RunningDaemon | null = null;
const children: ChildProcess[] = [];

afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill("SIGKILL");
  await daemon?.stop();
  daemon = null;
  dir?.cleanup();
  dir = null;
});

/** A CLI follower: `==> Press Ctrl-C to exit <==` then the log; its text is what follows that header. */
function cliFollower(name: string, argv: string[]): Follower {
  const child = spawn(argv[0] as string, argv.slice(1), { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, LANG: "C.UTF-8" } });
  children.push(child);
  let out = "";
  let err = "";
  child.stdout?.setEncoding("utf8").on("data", (d: string) => (out += d));
  child.stderr?.setEncoding("utf8").on("data", (d: string) => (err += d));
  const header = "==> Press Ctrl-C to exit <==\n";
  return {
    name,
    text: () => (out.startsWith(header) ? out.slice(header.length) : err === "" ? "" : `stderr: ${err}`),
    stop: async () => {
      if (child.exitCode !== null) return;
      const done = new Promise((r) => child.once("close", r));
      child.kill("SIGINT");
      await done;
    },
  };
}

function httpFollower(socket: string, uri: string): Follower {
  let text = "";
  const req = http.get({ socketPath: socket, path: uri }, (res) => {
    if (res.statusCode !== 200) text = `status ${String(res.statusCode)}`;
    res.setEncoding("utf8").on("data", (d: string) => (text += d));
  });
  req.on("error", () => {});
  return { name: `GET ${uri}`, text: () => text, stop: async () => void req.destroy() };
}

describe("tail -f across many rotations: no gap, no duplicate (issue 21 defect 1, TLF-01/02)", () => {
  it("gRPC, tsctl tail -f, supervisorctl tail -f and /logtail each get the exact sequence", async () => {
    dir = new TestDir("tsupd-rot-");
    const script = dir.file("seq.py");
    fs.writeFileSync(script, CHILD);
    const log = dir.file("seq.log");
    dir.writeConfig(
      `[program:seq]\ncommand=/usr/bin/python3 -u ${script}\nstartsecs=0\nautorestart=false\n` +
        `stdout_logfile=${log}\nstdout_logfile_maxbytes=1000\nstdout_logfile_backups=2\n`,
    );
    daemon = await startDaemon(dir);
    const client = daemon.client();
    await waitForState(client, "seq", "RUNNING");

    const followers: Follower[] = [];
    let grpcText = "";
    const ac = new AbortController();
    const grpc = (async () => {
      try {
        for await (const msg of client.tailProcessLogFollow({ name: "seq", channel: LogChannel.STDOUT }, { signal: ac.signal })) {
          grpcText += msg.truncated ? "<truncated>" : Buffer.from(msg.data).toString("utf8");
        }
      } catch {
        // aborted at the end
      }
    })();
    followers.push({ name: "gRPC TailProcessLogFollow", text: () => grpcText, stop: async () => (ac.abort(), await grpc) });
    followers.push(cliFollower("tsctl tail -f", [process.execPath, TSCTL, "-c", dir.conf, "tail", "-f", "seq"]));
    if (fs.existsSync(SUPERVISORCTL)) followers.push(cliFollower("supervisorctl tail -f", [SUPERVISORCTL, "-c", dir.conf, "tail", "-f", "seq"]));
    followers.push(httpFollower(dir.socket, "/logtail/seq"));

    const waitAll = async (want: string, what: string): Promise<void> => {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const behind = followers.filter((f) => !f.text().endsWith(want));
        if (behind.length === 0) return;
        const broken = followers.find((f) => f.text().length > 0 && !expected(BATCHES).startsWith(f.text()));
        if (broken !== undefined || Date.now() > deadline) {
          const f = broken ?? behind[0]!;
          throw new Error(`${f.name} ${broken ? "diverged" : "is behind"} at ${what}: ...${JSON.stringify(f.text().slice(-120))}`);
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    await waitAll("ready\n", "start");
    for (let b = 0; b < BATCHES; b += 1) {
      await client.sendProcessStdin({ name: "seq", data: Buffer.from("go\n") });
      await waitAll(`${String((b + 1) * PER_BATCH - 1).padStart(6, "0")}\n`, `batch ${String(b)}`);
    }
    // What each had received when the last batch was complete (a CLI prints a newline on Ctrl-C).
    const received = followers.map((f) => [f.name, f.text()] as const);
    for (const f of followers) await f.stop();
    for (const [name, text] of received) expect(text, name).toBe(expected(BATCHES));
    // The log really rotated all along: the current file holds less than one batch.
    expect(fs.statSync(log).size).toBeLessThan(1000 + 7 * PER_BATCH);
    expect(fs.existsSync(`${log}.2`)).toBe(true);
  }, 120_000);

  it("followers stalled while the log rotates 12 times per batch still get every byte once (gRPC, CLIs, /logtail)", async () => {
    const LINES = 400_000; // 8 bytes each: 3.2 MB per batch through a 256 KiB log
    dir = new TestDir("tsupd-rot-");
    const script = dir.file("burst.py");
    fs.writeFileSync(
      script,
      `import sys\nsys.stdout.write("ready\\n"); sys.stdout.flush()\nn = 0\nwhile sys.stdin.readline():\n` +
        `    sys.stdout.write("".join("%07d\\n" % i for i in range(n, n + ${LINES}))); sys.stdout.flush()\n    n += ${LINES}\n`,
    );
    dir.writeConfig(
      `[program:burst]\ncommand=/usr/bin/python3 -u ${script}\nstartsecs=0\nautorestart=false\n` +
        `stdout_logfile=${dir.file("burst.log")}\nstdout_logfile_maxbytes=256KB\nstdout_logfile_backups=1\n`,
    );
    daemon = await startDaemon(dir);
    const client = daemon.client();
    await waitForState(client, "burst", "RUNNING");
    const line = (i: number): string => `${String(i).padStart(7, "0")}\n`;

    // gRPC: a consumer that stops pulling while paused (flow control stalls the daemon's read of the file).
    let grpcText = "";
    let gate: Promise<void> | null = null;
    let open: (() => void) | null = null;
    const ac = new AbortController();
    const grpc = (async () => {
      try {
        for await (const msg of client.tailProcessLogFollow({ name: "burst", channel: LogChannel.STDOUT }, { signal: ac.signal })) {
          grpcText += msg.truncated ? "<truncated>" : Buffer.from(msg.data).toString("latin1");
          if (gate !== null) await gate;
        }
      } catch {
        // aborted at the end
      }
    })();
    // HTTP /logtail with a paused response; the CLIs stopped with SIGSTOP.
    const chunks: string[] = [];
    let res: http.IncomingMessage | null = null;
    const req = http.get({ socketPath: dir.socket, path: "/logtail/burst" }, (r) => {
      res = r;
      r.setEncoding("latin1").on("data", (d: string) => chunks.push(d));
    });
    req.on("error", () => {});
    const tsctl = cliFollower("tsctl tail -f", [process.execPath, TSCTL, "-c", dir.conf, "tail", "-f", "burst"]);
    const clis = [tsctl];
    if (fs.existsSync(SUPERVISORCTL)) clis.push(cliFollower("supervisorctl tail -f", [SUPERVISORCTL, "-c", dir.conf, "tail", "-f", "burst"]));
    const texts = (): Array<[string, () => string]> => [
      ["gRPC", () => grpcText],
      ["/logtail", () => chunks.join("")],
      ...clis.map((c) => [c.name, () => c.text()] as [string, () => string]),
    ];
    const waitAll = async (want: string): Promise<void> => {
      const deadline = Date.now() + 60_000;
      while (!texts().every(([, t]) => t().endsWith(want))) {
        if (Date.now() > deadline) throw new Error(`followers behind: ${texts().map(([n, t]) => `${n}: ...${JSON.stringify(t().slice(-40))}`).join("; ")}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    await waitAll("ready\n");
    const pids = children.map((c) => c.pid as number);
    for (let b = 0; b < 3; b += 1) {
      gate = new Promise((r) => (open = r));
      (res as http.IncomingMessage | null)?.pause();
      for (const pid of pids) process.kill(pid, "SIGSTOP");
      await client.sendProcessStdin({ name: "burst", data: Buffer.from("go\n") });
      const last = line((b + 1) * LINES - 1);
      // The whole batch is in the log (its last line is the file's end) while nobody reads.
      // (A batch can end exactly at a rotation: then its last line ends `.1` and the current file is empty.)
      await waitFor("the batch to reach the log", () => {
        const current = dir!.file("burst.log");
        const newest = fs.statSync(current).size > 0 ? current : `${current}.1`;
        return fs.readFileSync(newest, "latin1").endsWith(last);
      }, 60_000);
      for (const pid of pids) process.kill(pid, "SIGCONT");
      (res as http.IncomingMessage | null)?.resume();
      (open as (() => void) | null)?.();
      gate = null;
      await waitAll(last);
    }
    let want = "ready\n";
    for (let i = 0; i < 3 * LINES; i += 1) want += line(i);
    const received = texts().map(([n, t]) => [n, t()] as const);
    ac.abort();
    await grpc;
    req.destroy();
    for (const c of clis) await c.stop();
    for (const [name, text] of received) {
      const at = firstDifference(text, want);
      expect(at === -1 ? "identical" : `differs at byte ${String(at)}: got ${JSON.stringify(text.slice(at, at + 24))}, want ${JSON.stringify(want.slice(at, at + 24))}`, name).toBe("identical");
    }
  }, 180_000);
});

function firstDifference(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i += 1) if (a.charCodeAt(i) !== b.charCodeAt(i)) return i;
  return a.length === b.length ? -1 : n;
}
