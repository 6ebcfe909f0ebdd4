/**
 * No leaked descendants (issue 17, supervisord #1101/#1396): a program's workers that called setsid() have left
 * its process group, so stopasgroup/killasgroup never reach them and supervisord leaves them running.
 *
 * When a stop begins, the program's tree is read (its cgroup's members, or a /proc walk from the main pid — the
 * workers are still its children then). Once the main process has exited, whatever of that tree is still alive
 * (and what it forked since) gets the program's stopsignal, and SIGKILL after stopwaitsecs (cgroup.kill when the
 * program has a cgroup and was not respawned meanwhile). A crash (no stop requested) leaves descendants alone,
 * as supervisord does.
 */
import type { ProcessConfig } from "@tsupervisord/config";
import type { EngineLogger } from "../logger.js";
import { readStat } from "../proc-stats.js";
import { isAlive, readTree, type TreeMember } from "../stats/tree.js";
import type { ProgramCgroup } from "./cgroups.js";

export interface SweptProcess {
  key: string;
  name: string;
  config: ProcessConfig;
  /** Increments on every spawn: a delayed SIGKILL never hits a newer generation's cgroup. */
  spawnCount: number;
}

function signal(pid: number, sig: number | NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // ESRCH: gone meanwhile; EPERM: not ours
  }
}

function membersOf(pids: readonly number[]): TreeMember[] {
  const out: TreeMember[] = [];
  for (const pid of pids) {
    const entry = readStat(pid);
    if (entry !== null && entry.state !== "Z") out.push({ pid, starttime: entry.starttime });
  }
  return out;
}

export class DescendantSweeper {
  private readonly snapshots = new Map<string, TreeMember[]>();
  /** Pending SIGKILL steps, by timer (dispose() runs them at once). */
  private readonly pending = new Map<NodeJS.Timeout, () => void>();
  /** Descendants ended after a stop, per process key (metrics). */
  readonly swept = new Map<string, number>();

  constructor(private readonly logger: EngineLogger) {}

  /** A stop (or the SIGKILL after stopwaitsecs) is being sent to `pid`: remember its tree. */
  stopping(proc: SweptProcess, pid: number, cgroup: ProgramCgroup | null): void {
    if (proc.config.limits?.killDescendants === false || cgroup !== null) return;
    const tree = readTree(pid, false);
    if (tree === null) return;
    const known = this.snapshots.get(proc.key) ?? [];
    const seen = new Set(known.map((m) => `${m.pid}/${m.starttime}`));
    for (const m of tree.members) {
      if (m.pid !== pid && !seen.has(`${m.pid}/${m.starttime}`)) known.push(m);
    }
    this.snapshots.set(proc.key, known);
  }

  /** The main process exited; `wasStopping`: a stop had been requested. Returns how many survivors were signalled. */
  exited(proc: SweptProcess, wasStopping: boolean, cgroup: ProgramCgroup | null): number {
    const snapshot = this.snapshots.get(proc.key) ?? [];
    this.snapshots.delete(proc.key);
    if (!wasStopping || proc.config.limits?.killDescendants === false) return 0;
    let survivors: TreeMember[];
    if (cgroup !== null) {
      survivors = membersOf(cgroup.pids());
    } else {
      const found = new Map<string, TreeMember>();
      for (const m of snapshot.filter(isAlive)) {
        // What a survivor forked since the snapshot belongs to the program too.
        for (const d of readTree(m.pid, false)?.members ?? [m]) found.set(`${d.pid}/${d.starttime}`, d);
      }
      survivors = [...found.values()];
    }
    if (survivors.length === 0) return 0;
    survivors.sort((a, b) => a.pid - b.pid);
    const { stopsignal, stopwaitsecs } = proc.config;
    this.logger.info(
      `${proc.name}: ${survivors.length} descendant(s) outlived the stop (pid ${survivors.map((s) => s.pid).join(", ")}); sending SIG${stopsignal.name}`,
    );
    this.swept.set(proc.key, (this.swept.get(proc.key) ?? 0) + survivors.length);
    for (const s of survivors) signal(s.pid, stopsignal.number);
    const spawnCount = proc.spawnCount;
    const finish = (): void => {
      this.pending.delete(timer);
      const left = survivors.filter(isAlive);
      if (cgroup !== null && proc.spawnCount === spawnCount) cgroup.kill();
      else for (const s of left) signal(s.pid, "SIGKILL");
      if (left.length > 0) {
        this.logger.warn(`${proc.name}: killing ${left.length} descendant(s) still alive after ${stopwaitsecs}s (pid ${left.map((s) => s.pid).join(", ")}) with SIGKILL`);
      }
    };
    const timer = setTimeout(finish, stopwaitsecs * 1000);
    timer.unref();
    this.pending.set(timer, finish);
    return survivors.length;
  }

  /** Daemon shutdown: survivors still waiting for their SIGKILL get it now. */
  dispose(): void {
    for (const [timer, finish] of [...this.pending]) {
      clearTimeout(timer);
      finish();
    }
  }
}
