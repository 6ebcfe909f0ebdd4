/**
 * Issue 21 defect 6: tsctl against a real supervisord (XML-RPC only). Two supervisord 4.2.5 instances run the
 * same config; the same command sequence goes to one through tsctl and to the other through supervisorctl.
 * Every output and exit status must be identical (pids and uptimes masked). `tsctl top` says in one line that
 * the live view needs tsupervisord and exits non-zero.
 */
import { spawn } from "node:child_process";
import { appendFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { HAVE_TSCTL, TSCTL } from "./lib/paths.js";
import { caseEnv } from "./lib/run.js";
import { HAVE_SUPERVISORD, startServer, type Server } from "./lib/servers.js";

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop();
});

const CONFIG =
  `[group:app]\nprograms=worker,web\n\n[program:web]\ncommand=/bin/sh %(here)s/talk.sh web\nstartsecs=0\n\n` +
  `[program:worker]\ncommand=/bin/sh %(here)s/talk.sh worker\nprocess_name=worker_%(process_num)d\nnumprocs=2\nstartsecs=0\n\n` +
  `[program:solo]\ncommand=/bin/sh %(here)s/talk.sh solo\nstartsecs=0\nstdout_logfile=%(here)s/solo.log\n`;
// Says hello once (a known log), then waits for its signal.
const TALK = 'echo "hello from $1"\nexec sleep 1000\n';
const EXTRA = `\n[program:extra]\ncommand=/bin/sleep 1000\nstartsecs=0\n`;

const SEQUENCE: string[][] = [
  ["status"],
  ["version"],
  ["avail"],
  ["pid", "solo"],
  ["tail", "solo"],
  ["tail", "-20", "solo", "stdout"],
  ["tail", "nosuch"],
  ["stop", "app:*"],
  ["status"],
  ["start", "all"],
  ["restart", "solo"],
  ["stop", "nosuch"],
  ["signal", "CONT", "app:"],
  ["clear", "solo"],
  ["maintail", "-30"],
  ["reread"],
  ["@extra"],
  ["reread"],
  ["update"],
  ["status", "extra"],
  ["remove", "extra"],
  ["add", "extra"],
  ["shutdown"],
  ["status"],
];

function mask(text: string, s: Server): string {
  return text
    .split(s.dir)
    .join("<dir>")
    .replace(/pid \d+, uptime \d+:\d\d:\d\d/g, "pid N, uptime U")
    .replace(/(STOPPED|EXITED) {3}\w{3} \d\d \d\d:\d\d [AP]M/g, "$1   <when>")
    .replace(/^\d+$/m, "PID");
}

async function transcript(ctl: "tsctl" | "supervisorctl"): Promise<string> {
  const s = await startServer("supervisord", CONFIG, { files: { "talk.sh": TALK } });
  servers.push(s);
  // Everything RUNNING and the hello lines logged before the first command.
  for (let i = 0; i < 100; i += 1) {
    const st = await s.supervisorctl(["status"]);
    if (st.stdout.split("\n").filter(Boolean).every((l) => l.includes("RUNNING"))) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  let out = "";
  for (const cmd of SEQUENCE) {
    if (cmd[0] === "@extra") {
      appendFileSync(s.conf, EXTRA);
      continue;
    }
    const r = await s[ctl](cmd);
    // supervisord's own order for processes that stop together varies run to run (see issue21-compat's
    // defect 5): the lines of a group stop are compared as a set.
    const text = cmd[0] === "stop" && cmd[1] === "app:*" ? r.output.split("\n").sort().join("\n") : r.output;
    out += `$ ${cmd.join(" ")}\n${mask(text, s)}[exit ${String(r.code)}]\n`;
  }
  if (process.env["FALLBACK_DUMP"]) (await import("node:fs")).writeFileSync(`${process.env["FALLBACK_DUMP"]}-${ctl}.txt`, out);
  return out;
}

/** `tail -f solo` until the hello line is there, then Ctrl-C: the text and status. */
async function tailF(ctl: "tsctl" | "supervisorctl"): Promise<string> {
  const s = await startServer("supervisord", CONFIG, { files: { "talk.sh": TALK } });
  servers.push(s);
  const argv = ctl === "tsctl" ? [process.execPath, TSCTL] : ["/usr/bin/supervisorctl"];
  const child = spawn(argv[0] as string, [...argv.slice(1), "-c", s.conf, "tail", "-f", "solo"], { env: caseEnv(), stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (out += d));
  const closed = new Promise<number | null>((r) => child.once("close", (code) => r(code)));
  const deadline = Date.now() + 20_000;
  while (!out.includes("hello from solo\n") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  child.kill("SIGINT");
  return `${out}[exit ${String(await closed)}]`;
}

describe.skipIf(!HAVE_TSCTL || !HAVE_SUPERVISORD)("tsctl against a real supervisord: XML-RPC fallback (issue 21 defect 6)", () => {
  it("every command of a 24-step session prints what supervisorctl prints, with the same exit status", async () => {
    const ours = await transcript("tsctl");
    const theirs = await transcript("supervisorctl");
    expect(ours).toBe(theirs);
    // The session really did something (not two identical connection errors).
    expect(ours).toContain("$ stop app:*\n\napp:web: stopped\napp:worker_0: stopped\napp:worker_1: stopped[exit 0]");
    expect(ours).toContain("$ tail solo\nhello from solo\n");
    expect(ours).toContain("$ shutdown\nShut down\n[exit 0]");
  }, 120_000);

  it("tail -f streams /logtail as supervisorctl does", async () => {
    const ours = await tailF("tsctl");
    expect(ours).toBe(await tailF("supervisorctl"));
    expect(ours).toContain("==> Press Ctrl-C to exit <==\nhello from solo\n");
  }, 60_000);

  it("tsctl top says in one line that the live view needs tsupervisord, exit 1 (no endless wait)", async () => {
    const s = await startServer("supervisord", CONFIG, { files: { "talk.sh": TALK } });
    servers.push(s);
    const r = await s.tsctl(["top"], { timeoutMs: 20_000 });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`unix://${s.socket}: this server speaks XML-RPC only; the live view needs tsupervisord\n`);
  }, 60_000);
});
