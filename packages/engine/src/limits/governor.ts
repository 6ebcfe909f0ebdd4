/**
 * The engine's resource governance (issue 17), behind three small hooks of a process's life: spawned, stopping
 * (a stop signal is being sent) and exited. It owns the per-program cgroups, the descendant sweep and the RSS
 * watchdog; the stats sampler is the Supervisor's and shared with every other watcher.
 */
import type { Config, ProcessConfig } from "@tsupervisord/config";
import { wantsCgroupControllers } from "@tsupervisord/config";
import type { EngineLogger } from "../logger.js";
import type { StatsSampler } from "../stats/sampler.js";
import { CgroupManager, type CgroupSupport, type ProgramCgroup } from "./cgroups.js";
import { DescendantSweeper } from "./descendants.js";
import { RssWatchdog } from "./rss-watchdog.js";

export interface GovernedProcess {
  readonly name: string;
  readonly groupName: string;
  readonly config: ProcessConfig;
  readonly spawnCount: number;
}

export interface GovernorOptions {
  config: () => Config;
  sampler: StatsSampler;
  logger: EngineLogger;
  /** Graceful stop + start of `group:name` (the watchdog's restart). */
  restart: (key: string) => void;
  /** auto / all / off (default: the config's `[supervisord] cgroups`, else auto); see CgroupMode in config. */
  cgroups?: "auto" | "all" | "off";
}

/** What metrics, status and top show of a process's governance. */
export interface GovernanceInfo {
  rssRestarts: number;
  descendantsKilled: number;
  cgroup: string | null;
}

const keyOf = (p: GovernedProcess): string => `${p.groupName}:${p.name}`;

export class ResourceGovernor {
  private manager: CgroupManager | null = null;
  private readonly cgroups = new Map<string, ProgramCgroup>();
  private readonly warned = new Set<string>();
  private readonly pendingProblems = new Map<string, string[]>();
  private readonly bornInside = new Map<string, boolean>();
  private readonly sweeper: DescendantSweeper;
  private readonly watchdog: RssWatchdog;

  constructor(private readonly options: GovernorOptions) {
    this.sweeper = new DescendantSweeper(options.logger);
    this.watchdog = new RssWatchdog(options.sampler, options.logger, options.restart);
  }

  /** cgroup support, detected on the first spawn (nothing is created before a program runs). */
  get cgroupSupport(): CgroupSupport | null {
    return this.manager?.support ?? null;
  }

  private mode(): "auto" | "all" | "off" {
    return this.options.cgroups ?? this.options.config().supervisord.cgroups ?? "auto";
  }

  /** Whether this process gets a cgroup: every one with `all`, those with a cgroup limit with `auto`. */
  private wantsCgroup(proc: GovernedProcess): boolean {
    const mode = this.mode();
    return mode === "all" || (mode === "auto" && wantsCgroupControllers(proc.config.limits));
  }

  private cgroupManager(): CgroupManager {
    if (this.manager !== null) return this.manager;
    const config = this.options.config();
    const mode = this.mode();
    const programs = config.groups.flatMap((g) => g.processes);
    const wanting = programs.filter((p) => wantsCgroupControllers(p.limits)).map((p) => p.name);
    this.manager = mode === "off" ? CgroupManager.disabled("cgroups = off") : CgroupManager.detect(wanting.length > 0);
    const s = this.manager.support;
    // Said once. Only at WARN when a program asked for a cgroup limit that cannot apply; the activity log of a
    // config without extension keys stays supervisord's.
    const line =
      s.mode === "none"
        ? `cgroups unavailable (${s.reason ?? "unknown"}): descendants are found through /proc; rlimit_* still apply`
        : `cgroup v2: each program in its own cgroup under ${s.root ?? "?"} (${s.mode}${s.reason !== null ? `; ${s.reason}` : ""})`;
    if (wanting.length > 0 && (s.mode === "none" || s.reason !== null)) {
      this.options.logger.warn(`${line}; memory_max/memory_high/cpu_max/pids_max of ${wanting.join(", ")} may not apply`);
    } else {
      this.options.logger.debug(line);
    }
    return this.manager;
  }

  /**
   * Right before the synchronous spawn: the daemon steps into the program's cgroup so the child is born there.
   * Returns the way back, to call right after the spawn returned.
   */
  beforeSpawn(proc: GovernedProcess): () => void {
    if (!this.wantsCgroup(proc)) return () => {};
    const key = keyOf(proc);
    const { cgroup, problems } = this.cgroupManager().forProcess(key, proc.config.limits);
    this.pendingProblems.set(key, problems);
    const leave = cgroup?.enter() ?? null;
    this.bornInside.set(key, leave !== null);
    return leave ?? (() => {});
  }

  spawned(proc: GovernedProcess, pid: number): void {
    const key = keyOf(proc);
    const watchdog = proc.config.limits?.restartIfRssOver;
    if (watchdog !== undefined) this.watchdog.track(key, proc.name, watchdog);
    if (!this.wantsCgroup(proc)) {
      this.cgroups.delete(key);
      return;
    }
    const { cgroup, problems: latest } = this.cgroupManager().forProcess(key, proc.config.limits);
    const problems = this.pendingProblems.get(key) ?? latest;
    this.pendingProblems.delete(key);
    // Born inside (beforeSpawn) or, where stepping in failed, moved right after the spawn.
    const attachProblem = this.bornInside.get(key) === true ? null : (cgroup?.attach(pid) ?? null);
    this.bornInside.delete(key);
    for (const problem of attachProblem === null ? problems : [...problems, attachProblem]) {
      if (this.warned.has(`${key}\0${problem}`)) continue;
      this.warned.add(`${key}\0${problem}`);
      this.options.logger.warn(`${proc.name}: ${problem}`);
    }
    if (cgroup !== null && attachProblem === null) this.cgroups.set(key, cgroup);
    else this.cgroups.delete(key);
  }

  stopping(proc: GovernedProcess, pid: number): void {
    this.sweeper.stopping({ ...proc, key: keyOf(proc) }, pid, this.cgroups.get(keyOf(proc)) ?? null);
  }

  exited(proc: GovernedProcess, wasStopping: boolean): void {
    const key = keyOf(proc);
    this.watchdog.untrack(key);
    const sweptProc = {
      key,
      name: proc.name,
      config: proc.config,
      get spawnCount() {
        return proc.spawnCount;
      },
    };
    this.sweeper.exited(sweptProc, wasStopping, this.cgroups.get(key) ?? null);
  }

  /** Members of the process's cgroup, or null without one (the sampler then walks the tree). */
  cgroupPids(key: string): readonly number[] | null {
    return this.cgroups.get(key)?.pids() ?? null;
  }

  info(key: string): GovernanceInfo {
    return {
      rssRestarts: this.watchdog.restarts.get(key) ?? 0,
      descendantsKilled: this.sweeper.swept.get(key) ?? 0,
      cgroup: this.cgroups.get(key)?.path ?? null,
    };
  }

  /** Daemon shutdown: pending SIGKILLs now, every cgroup killed and removed. */
  async dispose(): Promise<void> {
    this.watchdog.dispose();
    this.sweeper.dispose();
    this.cgroups.clear();
    await this.manager?.close();
  }
}
