// The machine's floor for the logs scenario (issue 20): no supervisor at all, the same byte stream moved by
// coreutils `cat` from a file in the page cache (../source.mjs, shared with the supervised child) into a log file.
//   floor-pipe: `cat SRC | cat > FILE` — a writer, a pipe and a reader that writes the file: what any
//               supervisor that reads a child's pipe competes with. CPU is the reading cat's (the daemon's role).
//   floor-file: `cat SRC > FILE` — no pipe at all: the disk/page-cache limit. CPU is that cat's.
//   floor-splice: `cat SRC | splice-rotate FILE MAXBYTES BACKUPS` (../../floor/splice-rotate.c, built here with the
//               machine's C compiler) — the least a process can do for the daemon's whole job: splice(2) from the
//               pipe into the file (one copy, no user-space buffer) and rotation by size with the same maxbytes
//               and backups as the supervisors (the unlink of the oldest backup frees its page cache). CPU is its
//               own (getrusage). The floor of the logs CPU row.
// floor-pipe and floor-file do not rotate: their floor is the copy itself. Only the logs scenario runs them.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sourceFile } from '../source.mjs';
import { verify } from '../logstream.mjs';

const SPLICE_ROTATE_SOURCE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'floor', 'splice-rotate.c');

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

/** `user system` seconds, the one line splice-rotate prints at EOF. */
export function spliceRotateCpu(output) {
  const [user, system] = output.trim().split('\n').pop().split(' ').map(Number);
  if (!Number.isFinite(user) || !Number.isFinite(system)) throw new Error(`splice-rotate printed ${JSON.stringify(output)}`);
  return { user, system };
}

export class Floor {
  /** @param {'pipe' | 'file' | 'splice'} kind */
  constructor(kind) {
    this.kind = kind;
    this.name = `floor-${kind}`;
    this.floor = true;
    this.scenarios = ['logs'];
  }

  async setup() {
    if (this.kind === 'splice') {
      const cc = process.env.CC ?? 'cc';
      const buildDir = mkdtempSync(join(tmpdir(), 'tsup-bench-floor-'));
      // Every rep runs the same binary (teardown comes after each one): it goes when the run does.
      process.once('exit', () => rmSync(buildDir, { recursive: true, force: true }));
      this.binary = join(buildDir, 'splice-rotate');
      try {
        execFileSync(cc, ['-O2', '-o', this.binary, SPLICE_ROTATE_SOURCE], { stdio: ['ignore', 'ignore', 'pipe'] });
      } catch (e) {
        return { ok: false, note: `could not build bench/floor/splice-rotate.c with ${cc}: ${e.message}` };
      }
      return { ok: true, note: '`cat SRC | splice-rotate` (splice into a rotating file, C, no supervisor)' };
    }
    return { ok: true, note: this.kind === 'pipe' ? '`cat SRC | cat > FILE` (no supervisor)' : '`cat SRC > FILE` (no supervisor)' };
  }

  /**
   * The logs scenario's metrics for this floor: the copy of `bytes` from a cached file into `dir`, rotated by
   * `maxbytes` and `backups` for the splice floor (the others write one file).
   */
  async logs(dir, bytes, { maxbytes = 0, backups = 0 } = {}) {
    const src = sourceFile(bytes); // the same cached file the supervised `cat` reads (../source.mjs)
    const dst = join(dir, 'writer.log');
    const script =
      this.kind === 'splice'
        ? `cat ${src} | ${this.binary} ${dst} ${maxbytes} ${backups}`
        : this.kind === 'pipe'
          ? `cat ${src} | sh -c 'cat > ${dst}; times'`
          : `cat ${src} > ${dst}; times`;
    const t0 = performance.now();
    const out = await run(script);
    const seconds = (performance.now() - t0) / 1000;
    if (this.kind === 'splice') {
      const { user, system } = spliceRotateCpu(out);
      const check = verify(dst, backups, bytes, { fromStart: bytes <= maxbytes });
      return [
        { metric: 'wall', value: seconds, unit: 's' },
        { metric: 'throughput', value: bytes / MiB / seconds, unit: 'MiB/s' },
        { metric: 'cpu_per_gib', value: ((user + system) * 1024 * MiB) / bytes, unit: 's/GiB' },
        { metric: 'cpu_system_per_gib', value: (system * 1024 * MiB) / bytes, unit: 's/GiB' },
        // the floor does the whole job or it is no floor: every retained byte checked as the supervisors' are
        { metric: 'lost', value: check.lostBytes, unit: 'bytes' },
        { metric: 'files', value: check.files, unit: 'files' },
      ];
    }
    const cpu = childrenCpuSeconds(out);
    return [
      { metric: 'wall', value: seconds, unit: 's' },
      { metric: 'throughput', value: bytes / MiB / seconds, unit: 'MiB/s' },
      { metric: 'cpu_per_gib', value: (cpu * 1024 * MiB) / bytes, unit: 's/GiB' },
    ];
  }

  async teardown() {}
}
