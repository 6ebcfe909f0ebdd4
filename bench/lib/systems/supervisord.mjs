// Debian's supervisord 4.2.5, run in the foreground (-n) with a private config under a temp dir, so the
// daemon is our child and its pid is known; states come from its XML-RPC API over the unix socket.
import { spawn } from 'node:child_process';
import { existsSync, openSync, closeSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { supervisordConf } from './supervisord-conf.mjs';
import * as xmlrpc from '../xmlrpc.mjs';
import { alive, killTree, signal } from '../proc.mjs';
import { waitFor, fatal } from '../poll.mjs';

const SUPERVISORD = '/usr/bin/supervisord';
const SUPERVISORCTL = '/usr/bin/supervisorctl';

/** Shared by supervisord and tsupervisord: same config file, same flags, different binaries. */
export class SupervisordFamily {
  /** @param {{ name: string, daemonArgv: string[], ctlArgv: string[] }} opts */
  constructor({ name, daemonArgv, ctlArgv }) {
    this.name = name;
    this.daemonArgv = daemonArgv;
    this.ctlArgv = ctlArgv;
    this.pid = null;
    this.child = null;
    this.seenPids = new Set();
  }

  async start(dir, programs) {
    this.dir = dir;
    this.conf = supervisordConf(dir, programs);
    this.socket = join(dir, 'supervisor.sock');
    this.daemonOut = join(dir, 'daemon.out');
    const out = openSync(this.daemonOut, 'a');
    const [cmd, ...args] = this.daemonArgv;
    if (this.profileDir) args.unshift('--cpu-prof', `--cpu-prof-dir=${this.profileDir}`);
    // TSUP_BENCH_NODE_FLAGS: V8/node flags for experiments on the Node daemon (e.g. --trace-gc)
    if (this.nodeFlags?.length) args.unshift(...this.nodeFlags);
    // detached: its own process group, so a ^C on the benchmark does not reach it before our cleanup
    const env = this.extraEnv ? { ...process.env, ...this.extraEnv } : process.env;
    this.child = spawn(cmd, [...args, '-n', '-c', this.conf], { stdio: ['ignore', out, out], detached: true, cwd: dir, env });
    closeSync(out);
    this.pid = this.child.pid;
    this.exitStatus = null;
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, sig) => resolve((this.exitStatus = { code, sig }))),
    );
    this.child.unref();
  }

  /** [{ name, state, pid }] with supervisord's state names. Throws while the daemon is not answering. */
  /** Throws a fatal error (ending any wait) once the daemon has exited. */
  assertRunning() {
    if (this.exitStatus) {
      const { code, sig } = this.exitStatus;
      throw fatal(`${this.name} daemon exited (${sig ? `signal ${sig}` : `code ${code}`})`);
    }
  }

  async states() {
    this.assertRunning();
    const xml = await xmlrpc.call(this.socket, 'supervisor.getAllProcessInfo');
    return this.#remember(
      xmlrpc.parseStructs(xml).map((s) => ({ name: s.name, state: s.statename, pid: s.pid || null })),
    );
  }

  #remember(list) {
    for (const p of list) if (p.pid) this.seenPids.add(p.pid);
    return list;
  }

  /** The command a user would type for status, for the CLI latency scenario. */
  statusCommand() {
    const [cmd, ...args] = this.ctlArgv;
    return { cmd, args: [...args, '-c', this.conf, 'status'], env: process.env };
  }

  /** Graceful stop as a user would do it (SIGTERM to the daemon); resolves when the daemon is gone. */
  async shutdown({ timeoutMs = 300_000 } = {}) {
    signal(this.pid, 'SIGTERM');
    await Promise.race([
      this.exited,
      waitFor(() => !alive(this.pid), { intervalMs: 20, timeoutMs, what: `${this.name} to exit` }),
    ]);
  }

  /** Fast cleanup after a scenario: SIGKILL the daemon and every child, each by pid. */
  async teardown() {
    if (this.profileDir && this.pid && alive(this.pid)) {
      // node writes the profile only on a clean exit
      signal(this.pid, 'SIGTERM');
      await Promise.race([this.exited, new Promise((r) => setTimeout(r, 15_000))]);
    }
    if (this.pid) killTree(this.pid, [...this.seenPids]);
    if (this.exited) await Promise.race([this.exited, new Promise((r) => setTimeout(r, 2000))]);
    this.pid = null;
    this.seenPids.clear();
  }

  /** Last lines of the daemon's own output, for a failure message. */
  diagnostics() {
    const parts = [];
    for (const f of [this.daemonOut, join(this.dir ?? '', 'supervisord.log')]) {
      if (f && existsSync(f)) parts.push(`--- ${f}\n${readFileSync(f, 'utf8').split('\n').slice(-15).join('\n')}`);
    }
    return parts.join('\n');
  }
}

export class Supervisord extends SupervisordFamily {
  constructor() {
    super({ name: 'supervisord', daemonArgv: [SUPERVISORD], ctlArgv: [SUPERVISORCTL] });
  }

  /** Finds Debian's supervisor package, installing it with apt-get when missing. */
  async setup() {
    if (!existsSync(SUPERVISORD)) {
      try {
        const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
        execFileSync('apt-get', ['update'], { stdio: 'ignore', env });
        execFileSync('apt-get', ['install', '-y', 'supervisor'], { stdio: 'ignore', env });
      } catch (e) {
        return { ok: false, note: `supervisor not installed and apt-get failed: ${e.message}` };
      }
    }
    if (!existsSync(SUPERVISORD)) return { ok: false, note: 'supervisor package has no /usr/bin/supervisord' };
    this.version = execFileSync(SUPERVISORD, ['--version'], { encoding: 'utf8' }).trim();
    return { ok: true, note: `supervisord ${this.version}` };
  }
}
