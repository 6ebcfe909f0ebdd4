// Measures the daemon's RSS while a `yes`-flooding program runs, first with nobody following its log, then
// with one client following it (TailProcessLogFollow) and reading as fast as it can.
// Usage: node test/daemon/scripts/follow-memory.mjs [seconds-per-phase] [follow-until-MB]
// With follow-until-MB the follower phase lasts until the follower has received that much (at most 120 s), so
// what it proves does not depend on how fast the machine is (the test uses this).
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { connect, LogChannel } from "@tsupervisord/protocol";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const seconds = Number(process.argv[2] ?? 20);
const untilBytes = process.argv[3] === undefined ? null : Number(process.argv[3]) * 1e6;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tsupd-mem-"));
const sock = path.join(dir, "sv.sock");
fs.writeFileSync(
  path.join(dir, "sv.conf"),
  `[unix_http_server]\nfile=${sock}\n[supervisord]\nlogfile=${dir}/sv.log\npidfile=${dir}/sv.pid\nchildlogdir=${dir}\n` +
    `[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n` +
    `[program:flood]\ncommand=/usr/bin/yes aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\nstartsecs=0\n` +
    `stdout_logfile=${dir}/flood.log\nstdout_logfile_maxbytes=50MB\nstdout_logfile_backups=1\n`,
);
const daemon = spawn(process.execPath, [path.join(root, "apps/daemon/dist/main.js"), "-n", "-c", path.join(dir, "sv.conf")], {
  stdio: ["ignore", "ignore", process.env.MEM_DEBUG ? "inherit" : "ignore"],
});
const rssMb = () => {
  const status = fs.readFileSync(`/proc/${daemon.pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024;
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
while (!fs.existsSync(sock)) await sleep(50);
await sleep(1000);
async function phase(name, withFollower) {
  const start = rssMb();
  let peak = start;
  let bytes = 0;
  const ac = new AbortController();
  const client = connect(`unix://${sock}`);
  const reader = withFollower
    ? (async () => {
        try {
          for await (const msg of client.tailProcessLogFollow({ name: "flood", channel: LogChannel.STDOUT }, { signal: ac.signal })) {
            bytes += msg.data.length;
          }
        } catch {
          /* aborted */
        }
      })()
    : Promise.resolve();
  const until = Date.now() + (withFollower && untilBytes !== null ? 120_000 : seconds * 1000);
  while (Date.now() < until && !(withFollower && untilBytes !== null && bytes >= untilBytes)) {
    await sleep(500);
    peak = Math.max(peak, rssMb());
  }
  ac.abort();
  await reader;
  client.close();
  console.log(`${name}: RSS start ${start.toFixed(0)} MB, peak ${peak.toFixed(0)} MB, end ${rssMb().toFixed(0)} MB; followed ${(bytes / 1e6).toFixed(0)} MB`);
}
try {
  await phase("no follower  ", false);
  await phase("one follower ", true);
} finally {
  daemon.kill("SIGTERM");
  await new Promise((r) => daemon.once("exit", r));
  fs.rmSync(dir, { recursive: true, force: true });
}
