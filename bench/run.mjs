#!/usr/bin/env node
// pnpm bench [scenario…] [--smoke] [--issue20] [--reps N] [--systems supervisord,pm2,tsupervisord] [--write-results]
//            [--require tsupervisord] [--profile]
// --issue20: exactly the scenarios issue 20's targets need, 3 reps, RESULTS.md rewritten (see README.md).
// --require: those systems must be available, else the run fails (CI: a broken build must not just skip).
// --profile: tsupervisord runs under `node --cpu-prof`, one .cpuprofile per run in bench/results/profiles/.
// Runs each scenario for every system that can do it, alternating systems run by run, writes one JSON line
// per measurement to bench/results/<timestamp>.jsonl and, for a full run, regenerates bench/RESULTS.md.
import { mkdirSync, mkdtempSync, rmSync, appendFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Supervisord } from './lib/systems/supervisord.mjs';
import { Pm2 } from './lib/systems/pm2.mjs';
import { Tsupervisord, REPO, tsupervisordWithout } from './lib/systems/tsupervisord.mjs';
import { Floor } from './lib/systems/floor.mjs';
import { scenarios, ISSUE20_SCENARIOS } from './lib/scenarios.mjs';
import { machine as describeMachine } from './lib/machine.mjs';
import { renderMarkdown } from './lib/report.mjs';
import { removeSources } from './lib/source.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ADAPTERS = {
  supervisord: () => new Supervisord(),
  pm2: () => new Pm2(),
  tsupervisord: () => new Tsupervisord(),
  // issue 20: the same build on its fallbacks, where the native addon is not built: the JS writer for every
  // channel (splice pump off; logs scenarios only), and every child through node:child_process, i.e. libuv
  // fork()ing the daemon (posix_spawn off; spawn scenarios only)
  'tsupervisord-js': () =>
    tsupervisordWithout({ name: 'tsupervisord-js', env: { TSUPERVISORD_NO_SPLICE: '1' }, scenarios: ['logs', 'logformats'] }),
  'tsupervisord-fork': () =>
    tsupervisordWithout({ name: 'tsupervisord-fork', env: { TSUPERVISORD_NO_NATIVE_SPAWN: '1' }, scenarios: ['spawn', 'scale'] }),
  // the machine's floors, for the logs scenarios only
  'floor-pipe': () => new Floor('pipe'),
  'floor-file': () => new Floor('file'),
  'floor-splice': () => new Floor('splice'),
};

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    smoke: { type: 'boolean', default: false },
    issue20: { type: 'boolean', default: false },
    reps: { type: 'string' },
    systems: { type: 'string', default: Object.keys(ADAPTERS).join(',') },
    'write-results': { type: 'boolean', default: false },
    require: { type: 'string', default: '' },
    profile: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

const all = scenarios({ smoke: opts.smoke });
if (opts.help) {
  console.log('usage: pnpm bench [scenario…] [--smoke] [--issue20] [--reps N] [--systems supervisord,pm2,tsupervisord] [--write-results] [--require tsupervisord] [--profile]');
  console.log(`scenarios: ${[...new Set(all.map((s) => s.name))].join(' ')}`);
  process.exit(0);
}
const unknown = positionals.filter((p) => !all.some((s) => s.name === p));
if (unknown.length) {
  console.error(`unknown scenario(s): ${unknown.join(', ')}; known: ${[...new Set(all.map((s) => s.name))].join(' ')}`);
  process.exit(2);
}
if (opts.issue20 && positionals.length) {
  console.error('--issue20 picks its own scenarios; name none');
  process.exit(2);
}
const names = opts.issue20 ? ISSUE20_SCENARIOS : positionals;
const selected = names.length ? all.filter((s) => names.includes(s.name)) : all;
const reps = opts.smoke ? 1 : Number(opts.reps ?? 3);
/** A scenario may run fewer reps than asked, for every system (`maxReps`) or one (`repsFor`): see scenarios.mjs. */
const repsOf = (sc, name) => Math.min(reps, sc.repsFor?.[name] ?? sc.maxReps ?? reps);
const log = (msg) => process.stderr.write(`[bench] ${msg}\n`);

// A ^C or kill mid-run still ends the daemon under test and its children, by pid.
let current = null;
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, async () => {
    log(`${sig}: cleaning up`);
    if (current) {
      await current.sys.teardown().catch(() => {});
      rmSync(current.dir, { recursive: true, force: true });
    }
    removeSources();
    process.exit(130);
  });
}

const startedAt = new Date().toISOString();
const t0 = performance.now();
const machine = describeMachine(REPO);
log(`commit ${machine.commit}, ${machine.nproc} cores, node ${machine.node}, load ${machine.loadavg.join(' ')}`);

const systems = [];
for (const name of opts.systems.split(',').map((s) => s.trim()).filter(Boolean)) {
  if (!ADAPTERS[name]) {
    console.error(`unknown system ${name}; known: ${Object.keys(ADAPTERS).join(', ')}`);
    process.exit(2);
  }
  const sys = ADAPTERS[name]();
  if (opts.profile && name === 'tsupervisord') sys.profileDir = join(HERE, 'results', 'profiles');
  const { ok, note } = await sys.setup();
  log(`${name}: ${ok ? note : `SKIPPED: ${note}`}`);
  systems.push({ name, sys, ok, note });
}
const ready = systems.filter((s) => s.ok);
const missing = opts.require.split(',').filter(Boolean).filter((n) => !ready.some((s) => s.name === n));
if (missing.length) {
  console.error(`required system(s) not available: ${missing.join(', ')}`);
  console.log(`0 passed, ${missing.length} failed`);
  process.exit(1);
}

const resultsDir = join(HERE, 'results');
mkdirSync(resultsDir, { recursive: true });
const stamp = startedAt.replace(/[:.]/g, '-');
const jsonl = join(resultsDir, `${stamp}${opts.smoke ? '-smoke' : ''}.jsonl`);
const records = [];
const failures = [];
let passed = 0;

for (const sc of selected) {
  // a scenario may name the systems it applies to (e.g. XML-RPC ones); the others sit it out
  // and a system may name the scenarios it takes part in (the floors and tsupervisord-js: logs only)
  const able = ready.filter((s) => (!sc.systems || sc.systems.includes(s.name)) && (!s.sys.scenarios || s.sys.scenarios.includes(sc.name)));
  const scReps = Math.max(0, ...able.map((s) => repsOf(sc, s.name)));
  for (let rep = 0; rep < scReps; rep++) {
    // alternate the order run by run so no system always goes first (or always follows a heavy one)
    const order = able.map((_, i) => able[(i + rep) % able.length]).filter((s) => rep < repsOf(sc, s.name));
    for (const { name, sys } of order) {
      const dir = mkdtempSync(join(tmpdir(), `tsup-bench-${name}-`));
      current = { sys, dir };
      const started = performance.now();
      const record = (m) => {
        const rec = { ts: new Date().toISOString(), commit: machine.commit, scenario: sc.name, variant: sc.variant, system: name, rep, ...m };
        records.push(rec);
        appendFileSync(jsonl, JSON.stringify(rec) + '\n');
        console.log(JSON.stringify(rec));
      };
      try {
        for (const m of await sc.run(sys, dir)) record(m);
        passed++;
        log(`${sc.name} (${sc.variant}) ${name} rep ${rep}: ok in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      } catch (e) {
        // a scenario that failed part-way may hand back what it measured before (e.partial); the run still fails
        for (const m of e.partial ?? []) record(m);
        const error = `${e.message}\n${sys.diagnostics?.() ?? ''}`;
        failures.push({ scenario: sc.name, variant: sc.variant, system: name, rep, error });
        appendFileSync(jsonl, JSON.stringify({ ts: new Date().toISOString(), scenario: sc.name, variant: sc.variant, system: name, rep, error: e.message }) + '\n');
        log(`${sc.name} (${sc.variant}) ${name} rep ${rep}: FAILED: ${error}`);
      } finally {
        await sys.teardown().catch((e) => log(`teardown of ${name} failed: ${e.message}`));
        rmSync(dir, { recursive: true, force: true });
        current = null;
      }
    }
  }
}

removeSources();
const seconds = (performance.now() - t0) / 1000;
machine.loadavgEnd = loadavg().map((x) => Math.round(x * 100) / 100);
const md = renderMarkdown({ records, machine, systems, failures, reps, smoke: opts.smoke, startedAt, seconds });
const fullRun = !opts.smoke && (positionals.length === 0 || opts.issue20);
const mdPath = fullRun || opts['write-results'] ? join(HERE, 'RESULTS.md') : jsonl.replace(/\.jsonl$/, '.md');
writeFileSync(mdPath, md);
log(`results: ${jsonl}; table: ${mdPath}; ${seconds.toFixed(0)} s`);
if (!fullRun) process.stderr.write(md);
const skipped = systems.length - ready.length;
// One line per failure on stdout, just above the summary, so scripts/test-all.mjs can name them at the end.
for (const f of failures) console.log(`bench failed: ${f.scenario} (${f.variant}) ${f.system} rep ${f.rep}`);
console.log(`${passed} passed, ${failures.length} failed${skipped ? `, ${skipped * selected.length * reps} skipped` : ''}`);
process.exit(failures.length ? 1 : 0);
