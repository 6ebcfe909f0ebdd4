// The scenarios. Each takes a started-nothing system adapter and a fresh temp dir, starts the system with
// the programs it needs, measures, and returns [{ metric, value, unit }]. The runner tears down after.
import { spawn } from 'node:child_process';
import http from 'node:http';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { CLK_TCK, cpuSeconds, cpuTicks, cpuPercent, memory, signal, alive, taskCounters, taskDelta, systemTicks, threadTicksNamed } from './proc.mjs';
import { waitFor, sleep } from './poll.mjs';
import { sleepers, allProcessNames } from './programs.mjs';
import { LINE, finalLineWritten, verify } from './logstream.mjs';
import { logFormatsScenario } from './logformats.mjs';
import { sourceFile, catOnSignalArgv } from './source.mjs';
import { http2ServerFloor } from './http2-floor.mjs';
import * as xmlrpc from './xmlrpc.mjs';

const MiB = 1 << 20;
const GiB = 1 << 30;

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Polls the system's own API until every expected process is in `state` (or one of `states`). */
async function waitAll(sys, names, states, { intervalMs = 100, timeoutMs }) {
  const want = new Set(names);
  return waitFor(
    async () => {
      const list = await sys.states();
      const mine = list.filter((p) => want.has(p.name));
      return mine.length === want.size && mine.every((p) => states.includes(p.state)) ? list : undefined;
    },
    { intervalMs, timeoutMs, what: `${want.size} processes ${states.join('/')}` },
  );
}

function daemonStats(sys) {
  const cpu = cpuSeconds(sys.pid);
  const mem = memory(sys.pid);
  if (cpu === null || mem === null) throw new Error(`${sys.name} daemon (pid ${sys.pid}) is gone`);
  return { cpu, ...mem };
}

/**
 * Spawn N sleeps: time from launching the daemon until every one has a pid in the API (issue 20: before
 * startsecs passes) and until all RUNNING; daemon RSS and CPU then; and the machine's fork+exec floor for N.
 */
function spawnScenario(n) {
  return async (sys, dir) => {
    const programs = sleepers(n);
    const want = new Set(allProcessNames(programs));
    const t0 = performance.now();
    await sys.start(dir, programs);
    let allPid = null;
    await waitFor(
      async () => {
        const mine = (await sys.states()).filter((p) => want.has(p.name));
        if (mine.length !== want.size) return undefined;
        if (allPid === null && mine.every((p) => p.pid)) allPid = performance.now();
        return mine.every((p) => p.state === 'RUNNING') ? true : undefined;
      },
      { intervalMs: 100, timeoutMs: 60_000 + n * 500, what: `${want.size} processes RUNNING` },
    );
    const seconds = (performance.now() - t0) / 1000;
    const st = daemonStats(sys);
    return [
      { metric: 'time', value: seconds, unit: 's' },
      { metric: 'all_have_pid', value: ((allPid ?? performance.now()) - t0) / 1000, unit: 's' },
      { metric: 'cpu', value: st.cpu, unit: 's' },
      { metric: 'rss', value: st.rssMiB, unit: 'MiB' },
      { metric: 'fork_exec_floor', value: await forkExecFloor(n), unit: 's' },
      { metric: 'node_http2_rss_floor', value: (await http2ServerFloor()).rssMiB, unit: 'MiB' },
    ];
  };
}

/**
 * The machine's floor for `spawn`: the same N sleeps forked and exec'd by a shell loop (no supervisor), time until
 * the last is started; then they are killed. What a supervisor cannot go below on this machine at this moment.
 */
function forkExecFloor(n) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    // Each `sleep` is started in the background; the loop's end is the time to fork+exec them all. The shell then
    // kills its children and waits, outside the measured time.
    const script = `i=0; pids=; while [ $i -lt ${n} ]; do /bin/sleep 1000000 >/dev/null & pids="$pids $!"; i=$((i+1)); done; echo started; kill $pids; wait`;
    const child = spawn('/bin/sh', ['-c', script], { stdio: ['ignore', 'pipe', 'ignore'] });
    let ms = null;
    child.stdout.on('data', () => (ms ??= performance.now() - t0));
    child.on('error', reject);
    child.on('exit', () => (ms === null ? reject(new Error('fork+exec floor: the loop did not finish')) : resolve(ms / 1000)));
  });
}

/**
 * Issue 20 `startup`: launch the daemon with N sleeps; time until its API answers (a status call succeeds) and
 * until all are RUNNING. supervisord serves its API before autostart completes; so must we.
 */
function startupScenario(n) {
  return async (sys, dir) => {
    const programs = sleepers(n, { startsecs: 0 });
    const t0 = performance.now();
    await sys.start(dir, programs);
    await waitFor(
      async () => {
        try {
          return (await sys.states()) ? true : undefined;
        } catch (e) {
          if (e?.fatal) throw e;
          return undefined;
        }
      },
      { intervalMs: 5, timeoutMs: 60_000, what: 'the API to answer' },
    );
    const api = (performance.now() - t0) / 1000;
    await waitAll(sys, allProcessNames(programs), ['RUNNING'], { intervalMs: 20, timeoutMs: 60_000 + n * 500 });
    const all = (performance.now() - t0) / 1000;
    return [
      { metric: 'api_answers', value: api, unit: 's' },
      { metric: 'all_running', value: all, unit: 's' },
    ];
  };
}

/**
 * Issue 20 `scale`: N sleeps (2,000 in the full run). Time until every one has a pid, daemon RSS and CPU then,
 * `status` latency from the system's own CLI, and the user's stop (SIGTERM to the daemon) until all are gone.
 * RSS per program is the slope between the n=100 and n=2000 variants (RESULTS.md).
 */
function scaleScenario(n, statusCalls) {
  return async (sys, dir) => {
    const programs = sleepers(n, { startsecs: 0 });
    const t0 = performance.now();
    await sys.start(dir, programs);
    await waitFor(
      async () => {
        let list;
        try {
          list = await sys.states();
        } catch (e) {
          if (e?.fatal) throw e;
          return undefined;
        }
        const pids = list.filter((p) => p.pid).length;
        return pids >= n ? list : undefined;
      },
      { intervalMs: 50, timeoutMs: 120_000 + n * 100, what: `${n} processes with a pid` },
    );
    const spawned = (performance.now() - t0) / 1000;
    const st = daemonStats(sys);
    const measured = [
      { metric: 'all_have_pid', value: spawned, unit: 's' },
      { metric: 'cpu', value: st.cpu, unit: 's' },
      { metric: 'rss', value: st.rssMiB, unit: 'MiB' },
    ];
    const times = [];
    for (let i = 0; i < statusCalls; i++) {
      const r = await timeCommand(sys.statusCommand());
      if (!r.out.includes(programs[n - 1].name)) {
        // the run fails, but what was measured before the CLI's fault still counts (the RSS slope needs it)
        const e = new Error(`status output lacks ${programs[n - 1].name} (exit ${r.code}, ${r.out.length} bytes of output, ${r.out.split('\n').length - 1} lines)`);
        e.partial = measured;
        throw e;
      }
      times.push(r.ms);
    }
    const s0 = performance.now();
    await sys.shutdown({ timeoutMs: 300_000 });
    const stop = (performance.now() - s0) / 1000;
    return [
      ...measured,
      { metric: 'status', value: median(times), unit: 'ms' },
      { metric: 'stop', value: stop, unit: 's' },
      { metric: 'fork_exec_floor', value: await forkExecFloor(n), unit: 's' },
    ];
  };
}

/** N running sleeps, then the daemon's CPU over an idle window (nobody polls during it) and RSS. */
function idleScenario(n, windowS) {
  return async (sys, dir) => {
    const programs = sleepers(n);
    await sys.start(dir, programs);
    await waitAll(sys, allProcessNames(programs), ['RUNNING'], { timeoutMs: 60_000 + n * 500 });
    await sleep(2000); // let start-up work (log flushes, GC) settle
    const k0 = cpuTicks(sys.pid);
    const t0 = taskCounters(sys.pid);
    await sleep(windowS * 1000);
    const t1 = taskCounters(sys.pid);
    const k1 = cpuTicks(sys.pid);
    const st = daemonStats(sys);
    const d = taskDelta(t0, t1);
    // issue 20 "idle means idle": the raw clock ticks over the window summed over the daemon's threads, how many
    // threads got any, and the voluntary context switches (each one a sleep, so each a wake-up after it)
    return [
      { metric: 'cpu', value: cpuPercent(k0, k1, windowS), unit: '% of a core' },
      { metric: 'rss', value: st.rssMiB, unit: 'MiB' },
      { metric: 'ticks', value: d.ticks, unit: 'ticks' },
      { metric: 'busy_threads', value: d.busyThreads, unit: 'threads' },
      { metric: 'threads', value: d.threads, unit: 'threads' },
      { metric: 'wakeups', value: d.wakeups, unit: 'voluntary switches' },
    ];
  };
}

/** GET /metrics over the daemon's unix socket (tsupervisord only). */
function scrape(socketPath) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = http.request({ socketPath, path: '/metrics' }, (res) => {
      let bytes = 0;
      res.on('data', (c) => (bytes += c.length));
      res.on('end', () => (res.statusCode === 200 ? resolve({ ms: performance.now() - t0, bytes }) : reject(new Error(`/metrics answered ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * Issue 17: N running sleeps; the daemon's CPU over an idle window with nobody scraping (must match `idle`),
 * then `scrapes` sequential scrapes of /metrics: latency and daemon CPU per scrape; then idle again (the
 * event-loop monitor now runs until scrapes stop for 5 minutes).
 */
function metricsScenario(n, windowS, scrapes) {
  return async (sys, dir) => {
    const programs = sleepers(n);
    await sys.start(dir, programs);
    await waitAll(sys, allProcessNames(programs), ['RUNNING'], { timeoutMs: 60_000 + n * 500 });
    await sleep(2000);
    const k0 = cpuTicks(sys.pid);
    await sleep(windowS * 1000);
    const k1 = cpuTicks(sys.pid);
    const times = [];
    let bytes = 0;
    for (let i = 0; i < scrapes; i++) {
      const r = await scrape(sys.socket);
      times.push(r.ms);
      bytes = r.bytes;
    }
    const k2 = cpuTicks(sys.pid);
    await sleep(windowS * 1000);
    const k3 = cpuTicks(sys.pid);
    const st = daemonStats(sys);
    const sorted = [...times].sort((a, b) => a - b);
    return [
      { metric: 'idle_cpu', value: cpuPercent(k0, k1, windowS), unit: '% of a core' },
      { metric: 'scrape_ms', value: median(times), unit: 'ms' },
      { metric: 'scrape_p95_ms', value: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))], unit: 'ms' },
      { metric: 'cpu_per_scrape', value: ((k2 - k1) / CLK_TCK / scrapes) * 1000, unit: 'ms' },
      { metric: 'body', value: bytes / 1024, unit: 'KiB' },
      { metric: 'idle_cpu_after', value: cpuPercent(k2, k3, windowS), unit: '% of a core' },
      { metric: 'rss', value: st.rssMiB, unit: 'MiB' },
    ];
  };
}

/**
 * One child writes `bytes` to stdout as fast as it can into a rotating log (maxbytes, backups). The child is
 * `cat SRC` of the precomputed stream (./source.mjs), the very producer of the floor rows.
 */
function logsScenario(bytes, maxbytes, backups) {
  return async (sys, dir) => {
    if (sys.floor) return sys.logs(dir, bytes, { maxbytes, backups }); // issue 20: the machine's floor, no supervisor
    const logfile = join(dir, 'writer.log');
    const src = sourceFile(bytes);
    const programs = [
      {
        name: 'writer',
        argv: catOnSignalArgv(src),
        autorestart: false,
        startsecs: 0,
        stdoutLogfile: logfile,
        stderrLogfile: join(dir, 'writer.err'),
        maxbytes,
        backups,
      },
    ];
    await sys.start(dir, programs);
    const [writer] = (await waitAll(sys, ['writer'], ['RUNNING'], { timeoutMs: 30_000 })).filter((p) => p.name === 'writer');
    await sleep(1000); // daemon start-up settles before the CPU baseline
    const c0 = daemonStats(sys).cpu;
    const sys0 = systemTicks(sys.pid);
    // tsupervisord's splice pump thread (packages/reaper/native/pump.c names it): the splice itself, i.e. the
    // kernel's copy, told from the rest of the daemon. Absent on the JS path and in the other systems.
    const pump0 = threadTicksNamed(sys.pid, PUMP_THREAD);
    const t0 = performance.now();
    signal(writer.pid, 'SIGUSR2');
    // Done when the last line is in the file, or when the writer has exited and the files stopped growing
    // for 2 s (a daemon that drops the tail of a child's output, as PM2 can on exit: then `lost` counts it).
    let lastSize = -1;
    let lastGrowth = performance.now();
    const end = await waitFor(
      () => {
        const now = performance.now();
        if (finalLineWritten(logfile, bytes)) return now;
        const size = logBytes(logfile, backups);
        if (size !== lastSize) [lastSize, lastGrowth] = [size, now];
        return !alive(writer.pid) && now - lastGrowth > 2000 ? lastGrowth : undefined;
      },
      { intervalMs: 20, timeoutMs: 60_000 + (bytes / MiB) * 1000, what: 'the last line in the log file' },
    );
    const seconds = (end - t0) / 1000;
    const st = daemonStats(sys);
    const sys1 = systemTicks(sys.pid);
    const pump1 = threadTicksNamed(sys.pid, PUMP_THREAD);
    const perGiB = (ticks) => (ticks / CLK_TCK) * (GiB / bytes);
    // PM2 does not rotate: then every byte must be there from the first
    const rotates = sys.name !== 'pm2';
    const check = verify(logfile, backups, bytes, { fromStart: !rotates || bytes <= maxbytes });
    return [
      { metric: 'wall', value: seconds, unit: 's' },
      { metric: 'throughput', value: bytes / MiB / seconds, unit: 'MiB/s' },
      { metric: 'cpu_per_gib', value: ((st.cpu - c0) * GiB) / bytes, unit: 's/GiB' },
      ...(sys0 === null || sys1 === null ? [] : [{ metric: 'cpu_system_per_gib', value: perGiB(sys1 - sys0), unit: 's/GiB' }]),
      ...(pump0 === null || pump1 === null ? [] : [{ metric: 'pump_cpu_per_gib', value: perGiB(pump1 - pump0), unit: 's/GiB' }]),
      { metric: 'lost', value: check.lostBytes, unit: 'bytes' },
      { metric: 'peak_rss', value: st.hwmMiB, unit: 'MiB' },
      { metric: 'files', value: check.files, unit: 'files' },
      // measured after the system's run is over, so it does not compete with the writer
      { metric: 'node_http2_hwm_floor', value: (await http2ServerFloor()).hwmMiB, unit: 'MiB' },
    ];
  };
}

const PUMP_THREAD = 'tsup-pump';

function logBytes(logfile, backups) {
  let total = 0;
  for (const f of [logfile, ...Array.from({ length: backups }, (_, i) => `${logfile}.${i + 1}`)]) {
    try {
      total += statSync(f).size;
    } catch {
      /* not there (yet) */
    }
  }
  return total;
}

function timeCommand({ cmd, args, env }) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let stdout = '';
    child.stdout.on('data', (c) => ((out += c), (stdout += c)));
    child.stderr.on('data', (c) => (out += c));
    child.on('error', reject);
    // the CLI's time ends when it exits; its output is whole only at 'close' ('exit' can come first with a
    // large output still in the pipe, e.g. status of 2,000 programs)
    let ms = null;
    child.on('exit', () => (ms = performance.now() - t0));
    child.on('close', (code) => resolve({ ms: ms ?? performance.now() - t0, code, out, stdout }));
  });
}

// The floor of a CLI that asks tsupervisord over its API: a bare `node` that loads `node:http2`, makes the one
// unary call `tsctl status` makes (GetAllProcessInfo, an empty request) on the daemon's socket and reads the
// answer to its end, decoding nothing. What it costs above `node -e 0` is Node's HTTP/2 and the daemon's answer
// (the daemon's part is ours, and is in this figure too); what `tsctl status` costs above it is tsctl's own.
const GRPC_CALL_FLOOR = `
const http2 = require('node:http2');
const net = require('node:net');
const session = http2.connect('http://localhost', { createConnection: () => net.connect(process.argv[1]) });
session.on('error', (e) => { console.error(e.message); process.exit(1); });
const req = session.request({ ':method': 'POST', ':path': '/supervisor.v1.Supervisor/GetAllProcessInfo', 'content-type': 'application/grpc', te: 'trailers' });
let bytes = 0;
req.on('data', (c) => (bytes += c.length));
req.on('end', () => { process.stdout.write(String(bytes)); session.close(); });
req.end(Buffer.alloc(5));
`;

// bin/tsctl starts Node without NODE_EXTRA_CA_CERTS (apps/ctl/src/extra-ca.ts: Node 20 parses that file at
// start-up, TLS or not; tsctl reads it on an https:// connection only). The Node floors run in that same
// environment, so that tsctl is never "below its floor" by a cost the floor pays and tsctl does not. What a bare
// `node -e 0` costs in the caller's environment is recorded beside them when the variable is set.
const CALLER_EXTRA_CA = process.env.NODE_EXTRA_CA_CERTS ? process.env : null;
const NODE_FLOOR_ENV = (() => {
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  return env;
})();

/** `status` from the system's own CLI with N programs running: median wall time of `calls` runs. */
function ctlScenario(n, calls) {
  return async (sys, dir) => {
    const programs = sleepers(n);
    await sys.start(dir, programs);
    await waitAll(sys, allProcessNames(programs), ['RUNNING'], { timeoutMs: 60_000 + n * 500 });
    const times = [];
    // The machine's floor, interleaved with the calls: starting a bare `node` (what tsctl and pm2 cannot go below;
    // supervisorctl's is Python's start-up).
    const floor = [];
    // tsupervisord only, when it answers gRPC (an older build under TSUP_BENCH_REPO may not): the bare Node call
    // above, also interleaved. A call that fails records no floor, with a warning; it never costs the row.
    const callFloor = [];
    const callerFloor = [];
    let grpcSocket = sys.name === 'tsupervisord' && sys.mode === 'grpc' ? sys.socket : null;
    for (let i = 0; i < calls; i++) {
      const r = await timeCommand(sys.statusCommand());
      if (!r.out.includes(programs[n - 1].name)) {
        throw new Error(`status output lacks ${programs[n - 1].name} (exit ${r.code}): ${r.out.slice(0, 300)}`);
      }
      times.push(r.ms);
      floor.push((await timeCommand({ cmd: process.execPath, args: ['-e', '0'], env: NODE_FLOOR_ENV })).ms);
      if (CALLER_EXTRA_CA) callerFloor.push((await timeCommand({ cmd: process.execPath, args: ['-e', '0'], env: CALLER_EXTRA_CA })).ms);
      if (grpcSocket) {
        const c = await timeCommand({ cmd: process.execPath, args: ['-e', GRPC_CALL_FLOOR, grpcSocket], env: NODE_FLOOR_ENV });
        // An answer for n programs is far more than the 5-byte frame of an error: a floor that measured one is none.
        if (c.code === 0 && Number(c.stdout) > n * 20) callFloor.push(c.ms);
        else {
          console.error(`[bench] ctl: no gRPC call floor (exit ${c.code}, ${c.out.slice(0, 200).trim()})`);
          grpcSocket = null;
          callFloor.length = 0;
        }
      }
    }
    return [
      { metric: 'status', value: median(times), unit: 'ms' },
      { metric: 'node_e0_floor', value: median(floor), unit: 'ms' },
      ...(callerFloor.length ? [{ metric: 'node_e0_extra_ca', value: median(callerFloor), unit: 'ms' }] : []),
      ...(callFloor.length ? [{ metric: 'node_grpc_call_floor', value: median(callFloor), unit: 'ms' }] : []),
    ];
  };
}

/** kill -9 a RUNNING child: time until the API shows a new pid, and until that pid is RUNNING. */
function restartScenario(n, kills, startsecs) {
  return async (sys, dir) => {
    const programs = sleepers(n, { startsecs, autorestart: true });
    await sys.start(dir, programs);
    let list = await waitAll(sys, allProcessNames(programs), ['RUNNING'], { timeoutMs: 60_000 + n * 500 });
    const newPid = [];
    const running = [];
    for (let k = 0; k < kills; k++) {
      const target = list.find((p) => p.name === programs[k % n].name);
      const t0 = performance.now();
      signal(target.pid, 'SIGKILL');
      let seen = null;
      list = await waitFor(
        async () => {
          const l = await sys.states();
          const p = l.find((q) => q.name === target.name);
          if (p?.pid && p.pid !== target.pid) {
            seen ??= performance.now();
            if (p.state === 'RUNNING') return l;
          }
          return undefined;
        },
        { intervalMs: 5, timeoutMs: 30_000, what: `${target.name} RUNNING with a new pid` },
      );
      running.push(performance.now() - t0);
      newPid.push(seen - t0);
    }
    return [
      { metric: 'new_pid', value: median(newPid), unit: 'ms' },
      { metric: 'running', value: median(running), unit: 'ms' },
    ];
  };
}

/** numprocs copies of a program that exits at once: time until all FATAL, daemon CPU then. */
function fanoutScenario(numprocs, startretries) {
  return async (sys, dir) => {
    const programs = [{ name: 'fanout', argv: ['/bin/false'], numprocs, startretries }];
    const t0 = performance.now();
    await sys.start(dir, programs);
    await waitAll(sys, allProcessNames(programs), ['FATAL'], { timeoutMs: 120_000 + numprocs * 1000 });
    const seconds = (performance.now() - t0) / 1000;
    const st = daemonStats(sys);
    return [
      { metric: 'time', value: seconds, unit: 's' },
      { metric: 'cpu', value: st.cpu, unit: 's' },
    ];
  };
}

/** N running sleeps, then the user's way of stopping: time until the daemon and every child are gone. */
function shutdownScenario(n) {
  return async (sys, dir) => {
    const programs = sleepers(n);
    await sys.start(dir, programs);
    const list = await waitAll(sys, allProcessNames(programs), ['RUNNING'], { timeoutMs: 60_000 + n * 500 });
    const pids = list.map((p) => p.pid).filter(Boolean);
    const t0 = performance.now();
    await sys.shutdown();
    await waitFor(() => pids.every((p) => !alive(p)), { intervalMs: 20, timeoutMs: 120_000, what: 'all children gone' });
    return [{ metric: 'time', value: (performance.now() - t0) / 1000, unit: 's' }];
  };
}

/** issue 15: plain files next to JSON framing, gzip on rotation, and both (tsupervisord only). */
function logFormatVariants(bytes, maxbytes, label) {
  const combos = [
    ['raw', 'none', 'plain'],
    ['json', 'none', 'json'],
    ['raw', 'gzip', 'gzip'],
    ['json', 'gzip', 'json+gzip'],
  ];
  return combos.map(([format, compress, name]) => ({
    name: 'logformats',
    variant: `${name}, ${label}`,
    systems: ['tsupervisord'],
    maxReps: 1, // no target, tsupervisord alone: one run says what each format costs
    run: logFormatsScenario(bytes, maxbytes, { format, compress }),
  }));
}

/**
 * Issue 21 #12: `attackers` XML-RPC requests nested `depth` deep sent at once while one client calls getState
 * back to back: the longest getState wait during the attack, the time until every attack is answered, and
 * the daemon's RSS after it (and its growth). Only for systems that speak XML-RPC on their socket.
 */
function nestedScenario(attackers, depth) {
  return async (sys, dir) => {
    const programs = sleepers(1);
    await sys.start(dir, programs);
    await waitAll(sys, allProcessNames(programs), ['RUNNING'], { timeoutMs: 60_000 });
    const body = xmlrpc.nestedCallBody(depth);
    await xmlrpc.call(sys.socket, 'supervisor.getState');
    const before = memory(sys.pid).rssMiB;
    const t0 = performance.now();
    let done = false;
    const attacks = Promise.all(Array.from({ length: attackers }, () => xmlrpc.postRaw(sys.socket, body))).finally(() => (done = true));
    const waits = [];
    while (!done) {
      const t = performance.now();
      await xmlrpc.call(sys.socket, 'supervisor.getState', [], 120_000);
      waits.push(performance.now() - t);
    }
    await attacks;
    const answered = performance.now() - t0;
    const after = memory(sys.pid).rssMiB;
    return [
      { metric: 'rpc_wait_max', value: Math.max(0, ...waits), unit: 'ms' },
      { metric: 'answered', value: answered, unit: 'ms' },
      { metric: 'rss_after', value: after, unit: 'MiB' },
      { metric: 'rss_growth', value: after - before, unit: 'MiB' },
    ];
  };
}

const XMLRPC_SYSTEMS = ['supervisord', 'tsupervisord'];

/** The scenarios issue 20's targets (and the RSS slope) need: `pnpm bench --issue20`. */
export const ISSUE20_SCENARIOS = ['spawn', 'idle', 'logs', 'ctl', 'startup', 'scale'];

const LOGS_MIB = Number(process.env.TSUP_BENCH_LOGS_MIB ?? 1024);

/** Scenario name -> { variant, run } for a full run or a smoke run (each once at small N). */
export function scenarios({ smoke }) {
  return smoke
    ? [
        { name: 'spawn', variant: 'n=5', run: spawnScenario(5) },
        { name: 'idle', variant: 'n=5, 2 s', run: idleScenario(5, 2) },
        { name: 'logs', variant: '8 MiB, maxbytes 1 MiB x 10', run: logsScenario(8 * MiB, MiB, 10) },
        ...logFormatVariants(8 * MiB, MiB, '8 MiB, maxbytes 1 MiB'),
        { name: 'ctl', variant: 'n=5, 2 calls', run: ctlScenario(5, 2) },
        { name: 'restart', variant: 'n=2, 1 kill, startsecs=0', run: restartScenario(2, 1, 0) },
        { name: 'fanout', variant: 'numprocs=5, startretries=1', run: fanoutScenario(5, 1) },
        { name: 'shutdown', variant: 'n=5', run: shutdownScenario(5) },
        { name: 'nested', variant: '1 x depth 1,000', run: nestedScenario(1, 1000), systems: XMLRPC_SYSTEMS },
        { name: 'metrics', variant: 'n=5, 2 s, 3 scrapes', systems: ['tsupervisord'], run: metricsScenario(5, 2, 3) },
        { name: 'startup', variant: 'n=5', run: startupScenario(5) },
        { name: 'scale', variant: 'n=20', run: scaleScenario(20, 2) },
      ]
    : [
        { name: 'spawn', variant: 'n=100', run: spawnScenario(100) },
        { name: 'spawn', variant: 'n=500', run: spawnScenario(500) },
        { name: 'idle', variant: 'n=100, 30 s', run: idleScenario(100, 30) },
        // TSUP_BENCH_LOGS_MIB: a shorter logs run (e.g. 256) for a quick comparison on a busy machine
        LOGS_MIB === 1024
          ? { name: 'logs', variant: '1 GiB, maxbytes 50MB x 10 backups', run: logsScenario(GiB, 50 * MiB, 10) }
          : { name: 'logs', variant: `${LOGS_MIB} MiB, maxbytes 50MB x 10 backups`, run: logsScenario(LOGS_MIB * MiB, 50 * MiB, 10) },
        ...logFormatVariants(256 * MiB, 50 * MiB, '256 MiB, maxbytes 50MB'),
        { name: 'ctl', variant: 'n=100, 20 calls', run: ctlScenario(100, 20) },
        { name: 'restart', variant: 'n=10, 5 kills, startsecs=1', run: restartScenario(10, 5, 1) },
        { name: 'restart', variant: 'n=10, 5 kills, startsecs=0', run: restartScenario(10, 5, 0) },
        { name: 'fanout', variant: 'numprocs=50, startretries=3', run: fanoutScenario(50, 3) },
        { name: 'shutdown', variant: 'n=100', run: shutdownScenario(100) },
        // no target; heavy on supervisord (seconds of CPU, +100 MiB): once
        { name: 'nested', variant: '8 x depth 100,000 (6.6 MB)', run: nestedScenario(8, 100_000), systems: XMLRPC_SYSTEMS, maxReps: 1 },
        { name: 'metrics', variant: 'n=500, 20 s, 50 scrapes', systems: ['tsupervisord'], run: metricsScenario(500, 20, 50), maxReps: 1 },
        { name: 'startup', variant: 'n=100', run: startupScenario(100) },
        { name: 'scale', variant: 'n=100', run: scaleScenario(100, 5) },
        // PM2 starts ~9 apps/s here (~4 min for 2,000, then `pm2 kill`); no target is PM2's, so it runs once
        { name: 'scale', variant: 'n=2000', run: scaleScenario(2000, 5), repsFor: { pm2: 1 } },
      ];
}

export { LINE };
