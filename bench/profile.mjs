#!/usr/bin/env node
// node bench/profile.mjs <file.cpuprofile>… [--top N]
// Summarizes V8 CPU profiles written by `pnpm bench … --profile`: self time per function and per module
// (our packages, node_modules packages, node internals, GC), so a missed target points at the code to look at.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' } } });
const top = Number(values.top);

function moduleOf(url) {
  if (!url) return '(native/gc)';
  if (url.startsWith('node:')) return 'node internals';
  const pkg = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  const ours = /\/(packages|apps)\/([^/]+)\//.exec(url);
  if (ours) return `${ours[1]}/${ours[2]}`;
  return url;
}

for (const file of positionals) {
  const prof = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const selfUs = new Map();
  // samples[i] was taken at timeDeltas[i] after the previous one: attribute each delta to the sampled node
  for (let i = 0; i < prof.samples.length; i++) {
    selfUs.set(prof.samples[i], (selfUs.get(prof.samples[i]) ?? 0) + (prof.timeDeltas[i] ?? 0));
  }
  const fns = new Map();
  const mods = new Map();
  let total = 0;
  for (const [id, us] of selfUs) {
    const { callFrame: f } = byId.get(id);
    if (f.functionName === '(idle)' || f.functionName === '(program)') continue;
    total += us;
    const key = `${f.functionName || '(anonymous)'} ${f.url ? `${f.url.replace(/^.*\/(node_modules|packages|apps)\//, '$1/')}:${f.lineNumber + 1}` : ''}`;
    fns.set(key, (fns.get(key) ?? 0) + us);
    const m = f.functionName === '(garbage collector)' ? 'gc' : moduleOf(f.url);
    mods.set(m, (mods.get(m) ?? 0) + us);
  }
  const ms = (us) => (us / 1000).toFixed(1).padStart(8);
  console.log(`\n${file}: ${(total / 1000).toFixed(0)} ms busy (idle excluded)`);
  console.log('  by module:');
  for (const [m, us] of [...mods].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`  ${ms(us)} ms  ${m}`);
  console.log(`  top ${top} functions (self time):`);
  for (const [k, us] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${ms(us)} ms  ${k}`);
}
