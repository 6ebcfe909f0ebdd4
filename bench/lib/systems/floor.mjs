// The machine's floor for the logs scenario (issue 20): no supervisor at all, the same byte stream moved by
// coreutils `cat` from a file in the page cache (../source.mjs, shared with the supervised child) into a log file.
//   floor-pipe: `cat SRC | cat > FILE` — a writer, a pipe and a reader that writes the file: what any
//               supervisor that reads a child's pipe competes with. CPU is the reading cat's (the daemon's role).
//   floor-file: `cat SRC > FILE` — no pipe at all: the disk/page-cache limit. CPU is that cat's.
// No rotation: the floor is the copy itself. Only the logs scenario runs them (see `scenarios`).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { sourceFile } from '../source.mjs';

const MiB = 1 << 20;

/** POSIX `times`: the second line is the children's user and system time, e.g. `0m0.01s 0m0.52s`. */
export function childrenCpuSeconds(timesOutput) {
  const line = timesOutput.trim().split('\n').pop() ?? '';
  let total = 0;
  for (const m of line.matchAll(/(\d+)m([\d.]+)s/g)) total += Number(m[1]) * 60 + Number(m[2]);
  return total;
}

function run(script) {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${script}: exit ${code}: ${err}`))));
  });
}

export class Floor {
  /** @param {'pipe' | 'file'} kind */
  constructor(kind) {
    this.kind = kind;
    this.name = `floor-${kind}`;
    this.floor = true;
    this.scenarios = ['logs'];
  }

  async setup() {
    return { ok: true, note: this.kind === 'pipe' ? '`cat SRC | cat > FILE` (no supervisor)' : '`cat SRC > FILE` (no supervisor)' };
  }

  /** The logs scenario's metrics for this floor: the copy of `bytes` from a cached file into `dir`. */
  async logs(dir, bytes) {
    const src = sourceFile(bytes); // the same cached file the supervised `cat` reads (../source.mjs)
    const dst = join(dir, 'writer.log');
    const script =
      this.kind === 'pipe' ? `cat ${src} | sh -c 'cat > ${dst}; times'` : `cat ${src} > ${dst}; times`;
    const t0 = performance.now();
    const out = await run(script);
    const seconds = (performance.now() - t0) / 1000;
    const cpu = childrenCpuSeconds(out);
    return [
      { metric: 'wall', value: seconds, unit: 's' },
      { metric: 'throughput', value: bytes / MiB / seconds, unit: 'MiB/s' },
      { metric: 'cpu_per_gib', value: (cpu * 1024 * MiB) / bytes, unit: 's/GiB' },
    ];
  }

  async teardown() {}
}
