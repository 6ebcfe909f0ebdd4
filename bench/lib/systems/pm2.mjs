// PM2 from npm, installed at bench time into a cache dir (never into the lockfile), with a private
// PM2_HOME under the scenario's temp dir. States come from the daemon's own RPC socket (the call behind
// `pm2 jlist`), so polling does not pay a CLI start each time.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alive, killTree } from '../proc.mjs';
import { waitFor } from '../poll.mjs';

const CACHE = process.env.TSUP_BENCH_PM2_DIR ?? join(tmpdir(), 'tsup-bench-pm2');
const PM2_DIR = join(CACHE, 'node_modules', 'pm2');
const PM2_BIN = join(PM2_DIR, 'bin', 'pm2');

// PM2's words for supervisord's states
const STATE = {
  online: 'RUNNING',
  launching: 'STARTING',
  errored: 'FATAL',
  stopped: 'EXITED',
  stopping: 'STOPPING',
  'waiting restart': 'BACKOFF',
  'one-launch-status': 'EXITED',
};

function run(args, env, timeoutMs = 120_000) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [PM2_BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`pm2 ${args.join(' ')} exited ${code}: ${out.slice(-500)}`));
    });
  });
}

export class Pm2 {
  name = 'pm2';
  pid = null;
  seenPids = new Set();

  async setup() {
    if (!existsSync(PM2_BIN)) {
      try {
        mkdirSync(CACHE, { recursive: true });
        execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefix', CACHE, 'pm2'], { stdio: 'ignore' });
      } catch (e) {
        return { ok: false, note: `could not npm install pm2 into ${CACHE}: ${e.message}` };
      }
    }
    this.version = JSON.parse(readFileSync(join(PM2_DIR, 'package.json'), 'utf8')).version;
    const require = createRequire(join(PM2_DIR, 'package.json'));
    const tryLoad = (...ids) => {
      for (const id of ids) {
        try {
          return require(id);
        } catch {
          /* next */
        }
      }
      throw new Error(`none of ${ids.join(', ')}`);
    };
    this.axon = tryLoad('./modules/pm2-axon', 'pm2-axon');
    this.rpc = tryLoad('./modules/pm2-axon-rpc', 'pm2-axon-rpc');
    return { ok: true, note: `pm2 ${this.version}` };
  }

  async start(dir, programs) {
    this.dir = dir;
    this.home = join(dir, 'pm2home');
    mkdirSync(this.home, { recursive: true });
    this.env = { ...process.env, PM2_HOME: this.home };
    const apps = [];
    for (const p of programs) {
      const names = p.numprocs
        ? Array.from({ length: p.numprocs }, (_, i) => `${p.name}_${String(i).padStart(2, '0')}`)
        : [p.name];
      for (const name of names) {
        apps.push({
          name,
          script: p.argv[0],
          args: p.argv.slice(1),
          interpreter: 'none',
          exec_mode: 'fork',
          autorestart: p.autorestart ?? true,
          // PM2's nearest to startretries/startsecs: give up after that many quick restarts
          ...(p.startretries !== undefined ? { max_restarts: p.startretries, min_uptime: 1000 * (p.startsecs ?? 1) } : {}),
          out_file: p.stdoutLogfile ?? join(this.home, 'logs', `${name}-out.log`),
          error_file: p.stderrLogfile ?? join(this.home, 'logs', `${name}-error.log`),
        });
      }
    }
    this.ecosystem = join(dir, 'ecosystem.config.cjs');
    writeFileSync(this.ecosystem, `module.exports = ${JSON.stringify({ apps }, null, 1)};\n`);
    await run(['start', this.ecosystem], this.env);
    this.pid = Number(readFileSync(join(this.home, 'pm2.pid'), 'utf8').trim());
  }

  #client() {
    if (!this.client) {
      const req = this.axon.socket('req');
      this.client = new this.rpc.Client(req);
      this.clientSock = req.connect(join(this.home, 'rpc.sock'));
    }
    return this.client;
  }

  async states() {
    const list = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('pm2 getMonitorData timed out')), 10_000);
      this.#client().call('getMonitorData', {}, (err, res) => {
        clearTimeout(timer);
        if (err) reject(err);
        else resolve(res);
      });
    });
    return list.map((p) => {
      const pid = p.pid || null;
      if (pid) this.seenPids.add(pid);
      return { name: p.name, state: STATE[p.pm2_env?.status] ?? String(p.pm2_env?.status).toUpperCase(), pid };
    });
  }

  statusCommand() {
    return { cmd: process.execPath, args: [PM2_BIN, 'jlist'], env: this.env };
  }

  #closeClient() {
    try {
      this.clientSock?.close();
    } catch {
      /* already closed */
    }
    this.client = null;
    this.clientSock = null;
  }

  /** `pm2 kill`, as a user stops PM2; resolves when the daemon is gone. */
  async shutdown({ timeoutMs = 300_000 } = {}) {
    this.#closeClient();
    await run(['kill'], this.env, timeoutMs);
    await waitFor(() => !alive(this.pid), { intervalMs: 20, timeoutMs, what: 'pm2 daemon to exit' });
  }

  async teardown() {
    this.#closeClient();
    if (this.pid && alive(this.pid)) {
      try {
        await run(['kill'], this.env, 30_000);
      } catch {
        /* fall through to killing by pid */
      }
    }
    if (this.pid) killTree(this.pid, [...this.seenPids]);
    this.pid = null;
    this.seenPids.clear();
  }

  diagnostics() {
    const f = join(this.home ?? '', 'pm2.log');
    return existsSync(f) ? `--- ${f}\n${readFileSync(f, 'utf8').split('\n').slice(-15).join('\n')}` : '';
  }
}
