#!/usr/bin/env node
// node bench/floor.mjs [MiB]
// What log capture costs a Node parent with nothing else around it, to tell the daemon's own overhead from
// Node's: the `logs` scenario's writer piped (1) into fs.createWriteStream, (2) into @tsupervisord/logs'
// RotatingFile, (3) through createProcessLogs as the daemon wires it (50 MiB x 10), (4) through the engine's
// Supervisor in-process (the daemon minus its runtime). Prints MiB/s, CPU s/GiB
// and the number of full GCs (Mark-Compact) each run caused. Needs `pnpm build` for (2)-(4).
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PerformanceObserver, constants } from 'node:perf_hooks';

const HERE = dirname(fileURLToPath(import.meta.url));
const LOGS = join(HERE, '..', 'packages', 'logs', 'dist', 'index.js');
const bytes = Number(process.argv[2] ?? 1024) * (1 << 20);
const writer = join(HERE, 'lib', 'writer.mjs');

let fullGcs = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) if (e.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) fullGcs++;
}).observe({ entryTypes: ['gc'] });

async function measure(name, makeSink) {
  const dir = mkdtempSync(join(tmpdir(), 'tsup-floor-'));
  try {
    const { stdout, stderr, ready } = await makeSink(dir);
    await ready;
    const child = spawn(process.execPath, [writer, String(bytes)], { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    child.stdout.pipe(stdout, { end: false });
    child.stderr.pipe(stderr, { end: false });
    await new Promise((r) => setTimeout(r, 300));
    fullGcs = 0;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    child.kill('SIGUSR2');
    await new Promise((r) => child.on('close', r));
    await new Promise((r) => stdout.end(r));
    const c = process.cpuUsage(c0);
    const s = (performance.now() - t0) / 1000;
    const gib = bytes / (1 << 30);
    console.log(`${name.padEnd(40)} ${(bytes / (1 << 20) / s).toFixed(0).padStart(5)} MiB/s  ${((c.user + c.system) / 1e6 / gib).toFixed(2)} s CPU/GiB  ${fullGcs} full GCs`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await measure('pipe -> fs.createWriteStream (1 MiB hwm)', (dir) => ({
  stdout: createWriteStream(join(dir, 'w.log'), { highWaterMark: 1 << 20 }),
  stderr: createWriteStream(join(dir, 'w.err')),
  ready: Promise.resolve(),
}));
if (!existsSync(LOGS)) {
  console.log('(packages/logs not built: run `pnpm build` for the other two)');
  process.exit(0);
}
const logs = await import(pathToFileURL(LOGS).href);
await measure('pipe -> RotatingFile (50 MiB x 10)', (dir) => {
  const f = new logs.RotatingFile({ path: join(dir, 'w.log'), maxbytes: 50 << 20, backups: 10 });
  return { stdout: f, stderr: createWriteStream(join(dir, 'w.err')), ready: f.ready };
});
await measure('pipe -> createProcessLogs (as the daemon)', (dir) => {
  const ch = (path) => ({ logfile: { kind: 'file', path }, maxbytes: 50 << 20, backups: 10, captureMaxbytes: 0, eventsEnabled: false, syslog: false });
  const p = logs.createProcessLogs({
    processName: 'writer', stdout: ch(join(dir, 'w.log')), stderr: ch(join(dir, 'w.err')),
    redirectStderr: false, childlogdir: dir, identifier: 'supervisor', stripAnsi: false,
  });
  return { stdout: p.stdout, stderr: p.stderr, ready: p.ready };
});

// (4) the engine's Supervisor in-process with the logs package's output port, on the `logs` scenario's config:
// everything the daemon has except its runtime (activity log, gRPC/HTTP listeners, signals, pidfile).
const ENGINE = join(HERE, '..', 'packages', 'engine', 'dist', 'index.js');
const CONFIG = join(HERE, '..', 'packages', 'config', 'dist', 'index.js');
if (existsSync(ENGINE) && existsSync(CONFIG)) {
  const { Supervisor } = await import(pathToFileURL(ENGINE).href);
  const { readConfig } = await import(pathToFileURL(CONFIG).href);
  const { supervisordConf } = await import('./lib/systems/supervisord-conf.mjs');
  const dir = mkdtempSync(join(tmpdir(), 'tsup-floor-'));
  try {
    const conf = supervisordConf(dir, [
      { name: 'writer', argv: [process.execPath, writer, String(bytes)], autorestart: false, startsecs: 0,
        stdoutLogfile: join(dir, 'w.log'), stderrLogfile: join(dir, 'w.err'), maxbytes: 50 << 20, backups: 10 },
    ]);
    const config = readConfig(conf);
    const output = logs.createProcessOutputPort({ childlogdir: config.supervisord.childlogdir, identifier: 'supervisor', stripAnsi: false });
    const sup = new Supervisor({ config, output });
    sup.start();
    const info = () => sup.getAllProcessInfo({ stats: false })[0];
    while (info().state !== "RUNNING") await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 300));
    fullGcs = 0;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    process.kill(info().pid, 'SIGUSR2');
    while (info().pid !== null) await new Promise((r) => setTimeout(r, 20));
    const c = process.cpuUsage(c0);
    const s = (performance.now() - t0) / 1000;
    const gib = bytes / (1 << 30);
    console.log(`${'engine Supervisor in-process'.padEnd(40)} ${(bytes / (1 << 20) / s).toFixed(0).padStart(5)} MiB/s  ${((c.user + c.system) / 1e6 / gib).toFixed(2)} s CPU/GiB  ${fullGcs} full GCs`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
process.exit(0);
