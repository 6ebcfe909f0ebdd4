// tsupervisord built from this repo, given the very same supervisord.conf as supervisord. States come from
// the cheapest client that answers: the gRPC client of @tsupervisord/protocol (its built dist), else
// supervisord's XML-RPC (if the daemon serves it on the socket), else `tsctl status` parsed as
// supervisorctl's output.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SupervisordFamily } from './supervisord.mjs';
import * as xmlrpc from '../xmlrpc.mjs';
import { waitFor } from '../poll.mjs';
import { sleepers } from '../programs.mjs';

// TSUP_BENCH_REPO: measure another checkout's build (e.g. a release) with this harness
export const REPO = process.env.TSUP_BENCH_REPO ?? join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
// What bin/tsupervisord runs: the esbuild bundle (issue 20, apps/daemon/build.mjs); a build from before it has
// only main.js.
const BUNDLE = join(REPO, 'apps', 'daemon', 'dist', 'tsupervisord.js');
const DAEMON = existsSync(BUNDLE) ? BUNDLE : join(REPO, 'apps', 'daemon', 'dist', 'main.js');
const CTL = join(REPO, 'apps', 'ctl', 'dist', 'main.js');
// What a user runs: the wrapper that starts tsctl from its code-cached bundle when it can (issue 20).
const CTL_BIN = join(REPO, 'bin', 'tsctl');
const PROTOCOL = join(REPO, 'packages', 'protocol', 'dist', 'index.js');

/**
 * The node flags the daemon runs with: TSUP_BENCH_NODE_FLAGS (an A/B run), else the first line of
 * apps/daemon/node-flags (what bin/tsupervisord and the bundle's shebang use). A build from before that file
 * (TSUP_BENCH_REPO) runs without flags unless TSUP_BENCH_NODE_FLAGS gives them.
 */
export function daemonNodeFlags() {
  const file = join(REPO, 'apps', 'daemon', 'node-flags');
  const line =
    process.env.TSUP_BENCH_NODE_FLAGS ??
    (existsSync(file) ? readFileSync(file, 'utf8').split('\n', 1)[0] : '');
  return line.split(/\s+/).filter(Boolean);
}

/**
 * The same build with one native path switched off by its environment switch (the fallback where the addon is not
 * built), taking part only in the scenarios that compare the two paths.
 */
export function tsupervisordWithout({ name, env, scenarios }) {
  const sys = new Tsupervisord();
  sys.name = name;
  sys.extraEnv = env;
  sys.scenarios = scenarios;
  return sys;
}

/** supervisorctl-style status lines: `name  STATE  pid 123, uptime 0:00:01` or `name  FATAL  Exited too quickly`. */
export function parseStatus(text) {
  const out = [];
  for (const line of text.split('\n')) {
    const m = /^(\S+)\s+([A-Z]+)\b(.*)$/.exec(line.trim());
    if (!m) continue;
    const pid = /\bpid (\d+)/.exec(m[3]);
    const name = m[1].includes(':') ? m[1].split(':').pop() : m[1];
    out.push({ name, state: m[2], pid: pid ? Number(pid[1]) : null });
  }
  return out;
}

function runCapture(cmd, args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, out, err }));
  });
}

export class Tsupervisord extends SupervisordFamily {
  constructor() {
    super({ name: 'tsupervisord', daemonArgv: [process.execPath, DAEMON], ctlArgv: [CTL_BIN] });
    this.mode = null; // 'grpc' | 'xmlrpc' | 'ctl', decided by the first answer
    this.nodeFlags = daemonNodeFlags();
  }

  async start(dir, programs) {
    this.mode = this.fixedMode ?? null;
    await super.start(dir, programs);
  }

  async #grpcStates() {
    if (!this.grpc) this.grpc = this.protocol.connect(`unix://${this.socket}`);
    try {
      const res = await this.grpc.getAllProcessInfo({}, { deadline: Date.now() + 10_000 });
      return res.processes.map((p) => ({ name: p.name, state: p.statename, pid: p.pid || null }));
    } catch (e) {
      // A channel that failed to connect waits grpc-js's reconnect backoff (1 s) before it tries again, so the
      // `startup` row read ~1.03 s whatever the daemon did. The next poll gets a fresh channel, as the next
      // XML-RPC poll gets a fresh connection.
      this.grpc.close();
      this.grpc = null;
      throw e;
    }
  }

  async states() {
    this.assertRunning();
    if (this.protocol && (this.mode === null || this.mode === 'grpc')) {
      try {
        const list = await this.#grpcStates();
        this.mode = 'grpc';
        for (const p of list) if (p.pid) this.seenPids.add(p.pid);
        return list;
      } catch (e) {
        if (this.mode === 'grpc' || e?.name === 'ConnectionError') throw e;
        this.mode = 'xmlrpc';
      }
    }
    if (this.mode !== 'ctl') {
      try {
        const list = await super.states();
        this.mode = 'xmlrpc';
        return list;
      } catch (e) {
        // not listening yet: let the caller poll again; anything else: this daemon has no XML-RPC (yet)
        if (this.mode === 'xmlrpc' || ['ENOENT', 'ECONNREFUSED'].includes(e.code)) throw e;
        this.mode = 'ctl';
      }
    }
    const { cmd, args, env } = this.statusCommand();
    const r = await runCapture(cmd, args, env);
    const list = parseStatus(r.out);
    if (list.length === 0) throw new Error(`tsctl status: exit ${r.code}: ${(r.err || r.out).slice(0, 300)}`);
    for (const p of list) if (p.pid) this.seenPids.add(p.pid);
    return list;
  }

  async teardown() {
    this.grpc?.close();
    this.grpc = null;
    await super.teardown();
  }

  /** Skips itself with a clear note unless the daemon and ctl are built and run a program end to end. */
  /** issue 20: which log pump this daemon runs (`--version --verbose`'s second line). */
  logPump() {
    try {
      const env = this.extraEnv ? { ...process.env, ...this.extraEnv } : process.env;
      const out = execFileSync(process.execPath, [DAEMON, '--version', '--verbose'], { encoding: 'utf8', env });
      return out.split('\n')[1]?.replace(/ \(native addon loaded.*$/, '') ?? 'log pump unknown';
    } catch {
      return 'log pump unknown';
    }
  }

  async setup() {
    for (const f of [DAEMON, CTL]) {
      if (!existsSync(f)) return { ok: false, note: `not built: ${f} missing (run \`pnpm build\`)` };
    }
    if (existsSync(PROTOCOL)) {
      try {
        this.protocol = await import(pathToFileURL(PROTOCOL).href);
      } catch {
        this.protocol = null; // fall back to XML-RPC / tsctl
      }
    }
    const dir = mkdtempSync(join(tmpdir(), 'tsup-bench-probe-'));
    try {
      await this.start(dir, sleepers(2));
      await waitFor(
        async () => {
          const s = await this.states();
          return s.length === 2 && s.every((p) => p.state === 'RUNNING');
        },
        { intervalMs: 200, timeoutMs: 20_000, what: '2 programs RUNNING' },
      );
      return { ok: true, note: `${this.name} (states via ${this.mode}; ${this.logPump()})` };
    } catch (e) {
      return { ok: false, note: `built but not working end to end: ${e.message}\n${this.diagnostics()}` };
    } finally {
      this.fixedMode = this.mode;
      await this.teardown();
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
