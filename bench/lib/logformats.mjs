// issue 15's pipeline costs, tsupervisord only (the peers have no framing or compression): the log stream of
// the `logs` scenario written raw (plain files, supervisord's path), framed as JSON, gzipped on rotation, and
// both. Throughput is child bytes per second until the last line is in the log AND every rotated file is
// archived; CPU per GiB is the daemon's (gzip runs on its libuv threads, so it is counted).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { cpuSeconds, memory, signal } from './proc.mjs';
import { waitFor, sleep } from './poll.mjs';
import { LINE, finalLineWritten, lineAt } from './logstream.mjs';

const MiB = 1 << 20;
const GiB = 1 << 30;
const DIGITS = 15;

/**
 * The newest non-empty log file ends with the stream's last line (raw) or its record (json). When the stream's
 * end fell exactly on a rotation the current file is empty and the newest file is `.1` or, archived, `.1.gz`
 * (only then is an archive read).
 */
function lastWritten(logfile, bytes, format) {
  const newest = [logfile, `${logfile}.1`, `${logfile}.1.gz`].find((f) => existsSync(f) && statSync(f).size > 0);
  if (newest === undefined) return false;
  if (format === 'raw' && !newest.endsWith('.gz')) return finalLineWritten(logfile, bytes);
  const data = newest.endsWith('.gz') ? gunzipSync(readFileSync(newest)) : readFileSync(newest);
  if (format === 'raw') return data.subarray(-LINE).equals(lineAt(bytes / LINE - 1));
  const tail = data.subarray(-2 * LINE).toString('latin1');
  const seq = String(bytes / LINE - 1).padStart(DIGITS, '0');
  return tail.includes(`"line":"${seq} `) && tail.endsWith('}\n');
}

/** Rotation still in progress: a file moved aside but not yet archived. */
function archiving(dir) {
  return readdirSync(dir).some((n) => n.includes('.pending-') || n.endsWith('.tmp'));
}

/** Lines of the stream found in order across rotated (gunzipped) and current files; lost = the rest. */
function check(dir, logfile, bytes, format) {
  const base = logfile.slice(dir.length + 1);
  const rotated = readdirSync(dir)
    .filter((n) => n.startsWith(`${base}.`) && /\.\d+(\.gz)?$/.test(n))
    .sort((a, b) => Number(b.replace(/\.gz$/, '').split('.').pop()) - Number(a.replace(/\.gz$/, '').split('.').pop()));
  const files = [...rotated.map((n) => join(dir, n)), logfile];
  let next = 0;
  let lost = 0;
  // Size rotation cuts raw files at chunk boundaries, not lines: a line may continue in the next file.
  let carry = Buffer.alloc(0);
  for (const f of files) {
    const raw = readFileSync(f);
    const data = Buffer.concat([carry, f.endsWith('.gz') ? gunzipSync(raw) : raw]);
    let start = 0;
    for (let nl = data.indexOf(10); nl !== -1; nl = data.indexOf(10, start)) {
      const line = data.subarray(start, nl + 1);
      start = nl + 1;
      let payload;
      if (format === 'raw') payload = line;
      else payload = Buffer.from(`${JSON.parse(line.toString('utf8')).line}\n`, 'utf8');
      const seq = Number(payload.toString('latin1', 0, DIGITS));
      if (!payload.equals(lineAt(seq))) {
        lost += LINE;
        continue;
      }
      if (seq > next) lost += (seq - next) * LINE;
      next = seq + 1;
    }
    carry = data.subarray(start);
  }
  lost += Math.max(0, bytes / LINE - next) * LINE;
  return { lost, files: files.length };
}

export function logFormatsScenario(bytes, maxbytes, { format, compress }) {
  return async (sys, dir) => {
    if (sys.name !== 'tsupervisord') throw new Error('the log pipeline keys are tsupervisord extensions (scenario systems: tsupervisord)');
    const logfile = join(dir, 'writer.log');
    const backups = Math.ceil((bytes * (format === 'json' ? 1.2 : 1)) / maxbytes) + 2;
    const extraKeys = [];
    if (format !== 'raw') extraKeys.push(`stdout_log_format=${format}`);
    if (compress !== 'none') extraKeys.push(`stdout_logfile_compress=${compress}`);
    await sys.start(dir, [
      {
        name: 'writer',
        argv: [process.execPath, join(import.meta.dirname, 'writer.mjs'), String(bytes)],
        autorestart: false,
        startsecs: 0,
        stdoutLogfile: logfile,
        stderrLogfile: join(dir, 'writer.err'),
        maxbytes,
        backups,
        extraKeys,
      },
    ]);
    const writer = await waitFor(
      async () => (await sys.states()).find((p) => p.name === 'writer' && p.state === 'RUNNING'),
      { intervalMs: 100, timeoutMs: 30_000, what: 'the writer RUNNING' },
    );
    await sleep(1000);
    const pid = sys.pid;
    const c0 = cpuSeconds(pid);
    const t0 = performance.now();
    signal(writer.pid, 'SIGUSR2');
    const end = await waitFor(
      () => (lastWritten(logfile, bytes, format) && !archiving(dir) ? performance.now() : undefined),
      { intervalMs: 20, timeoutMs: 120_000 + (bytes / MiB) * 2000, what: 'the last line logged and archived' },
    );
    const cpu = cpuSeconds(pid) - c0;
    const seconds = (end - t0) / 1000;
    const result = check(dir, logfile, bytes, format);
    return [
      { metric: 'wall', value: seconds, unit: 's' },
      { metric: 'throughput', value: bytes / MiB / seconds, unit: 'MiB/s' },
      { metric: 'cpu_per_gib', value: (cpu * GiB) / bytes, unit: 's/GiB' },
      { metric: 'lost', value: result.lost, unit: 'bytes' },
      { metric: 'peak_rss', value: memory(pid).hwmMiB, unit: 'MiB' },
      { metric: 'files', value: result.files, unit: 'files' },
    ];
  };
}
