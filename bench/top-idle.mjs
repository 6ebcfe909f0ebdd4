#!/usr/bin/env node
// What an idle `tsctl top` costs: CPU (utime+stime of the tsctl process from /proc/PID/stat) and RSS over a
// window in which nothing is touched, in a real terminal (tmux, 160x45 by default), against a real daemon running
// the demo config (examples/demo/supervisord.conf, copied to a temp dir).
//
//   node bench/top-idle.mjs [--seconds 20] [--warmup 5] [--cols 160] [--rows 45] [--log]
//
// It runs bin/tsctl (the launcher, with the V8 flags it gives `top`); with TSUP_TOP_NODE_FLAGS set it runs
// apps/ctl/dist/main.js under `node $TSUP_TOP_NODE_FLAGS` instead (e.g. `--cpu-prof --cpu-prof-dir=/tmp/p`), with
// TSUP_TOP_ENV (`NAME=value …`) added to its environment.
// `--log` opens the log pane (enter) first, following the selected process. Prints one JSON line:
// { cpuPercent, rssMiB, hwmMiB, seconds, wakeups } where wakeups counts voluntary context switches (how often the
// process slept and was woken) during the window. Needs `pnpm build` and tmux. Ends what it started by pid.
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuSeconds, memory } from './lib/proc.mjs';
import { sleep, waitFor } from './lib/poll.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const seconds = opt('seconds', 20);
const warmup = opt('warmup', 5);
const cols = opt('cols', 160);
const rows = opt('rows', 45);
const openLog = args.includes('--log');

const dir = mkdtempSync(join(tmpdir(), 'tsup-top-idle-'));
copyFileSync(join(root, 'examples/demo/supervisord.conf'), join(dir, 'supervisord.conf'));
const conf = join(dir, 'supervisord.conf');
mkdirSync(join(dir, 'run'));
const session = `topidle${process.pid}`;

function voluntarySwitches(pid) {
  const m = /^voluntary_ctxt_switches:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : 0;
}

const daemon = spawn(join(root, 'bin/tsupervisord'), ['-n', '-c', conf], { stdio: ['ignore', 'ignore', 'inherit'] });
try {
  await waitFor(() => existsSync(join(dir, 'run/supervisor.sock')) || undefined, { what: 'the daemon socket', intervalMs: 50, timeoutMs: 15_000 });
  execFileSync('tmux', ['new-session', '-d', '-s', session, '-x', String(cols), '-y', String(rows),
    process.env.TSUP_TOP_NODE_FLAGS === undefined
      ? `exec ${join(root, 'bin/tsctl')} -c ${conf} top`
      : `exec env ${process.env.TSUP_TOP_ENV ?? ''} node ${process.env.TSUP_TOP_NODE_FLAGS} ${join(root, 'apps/ctl/dist/main.js')} -c ${conf} top`]);
  const pid = await waitFor(() => {
    const out = execFileSync('tmux', ['list-panes', '-t', session, '-F', '#{pane_pid}'], { encoding: 'utf8' }).trim();
    const screen = execFileSync('tmux', ['capture-pane', '-p', '-t', session], { encoding: 'utf8' });
    return screen.includes('connected') ? Number(out) : undefined;
  }, { what: 'tsctl top', intervalMs: 50, timeoutMs: 15_000 });
  if (openLog) execFileSync('tmux', ['send-keys', '-t', session, 'Enter']);
  await sleep(warmup * 1000);
  const cpu0 = cpuSeconds(pid);
  const sw0 = voluntarySwitches(pid);
  const t0 = process.hrtime.bigint();
  await sleep(seconds * 1000);
  const cpu1 = cpuSeconds(pid);
  const sw1 = voluntarySwitches(pid);
  const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
  const mem = memory(pid);
  console.log(JSON.stringify({
    cpuPercent: Number((((cpu1 - cpu0) / elapsed) * 100).toFixed(2)),
    rssMiB: Number(mem.rssMiB.toFixed(1)),
    hwmMiB: Number(mem.hwmMiB.toFixed(1)),
    seconds: Number(elapsed.toFixed(1)),
    wakeups: sw1 - sw0,
    logPane: openLog,
    size: `${cols}x${rows}`,
  }));
} finally {
  try { execFileSync('tmux', ['kill-session', '-t', session], { stdio: 'ignore' }); } catch { /* already gone */ }
  if (daemon.exitCode === null && daemon.signalCode === null) {
    daemon.kill('SIGTERM');
    await new Promise((r) => daemon.once('exit', r));
  }
  rmSync(dir, { recursive: true, force: true });
}
