// What the numbers were measured on: they mean little without it.
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';

function sh(cmd, args, cwd) {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', cwd, stdio: ['ignore', 'pipe', 'ignore'] }).trimEnd();
  } catch {
    return 'unknown';
  }
}

export function machine(repo) {
  const dirty = sh('git', ['status', '--porcelain', '--', '.'], repo) !== '';
  return {
    nproc: Number(sh('nproc', [])) || cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    memTotalGiB: Math.round((totalmem() / (1 << 30)) * 10) / 10,
    free: sh('free', ['-m']),
    loadavg: loadavg().map((x) => Math.round(x * 100) / 100),
    node: process.version,
    kernel: sh('uname', ['-r']),
    commit: sh('git', ['rev-parse', '--short=12', 'HEAD'], repo) + (dirty ? '+dirty' : ''),
  };
}
