/**
 * cgroup v2 per program (issue 17): each program that runs gets its own cgroup under the daemon's, so its whole
 * tree — descendants that left the process group or were re-parented included — is known, measured and ended
 * with one write to `cgroup.kill`; and `memory.max`, `memory.high`, `cpu.max`, `pids.max` apply where the
 * controllers are delegated to us.
 *
 * Layout: <v2 mount><daemon's cgroup>/tsupervisord-<pid>.<n>/<group>.<name> (n: one per engine instance, so a
 * restart generation, or several engines in one test process, never remove each other's cgroups). When the daemon's own cgroup is not the
 * root and controllers must be enabled, the daemon first moves itself into a leaf `<daemon's cgroup>/supervisord`
 * (cgroup v2's no-internal-process rule), as a systemd unit with `Delegate=yes` expects.
 *
 * A child must be in its cgroup before it can fork (a Python master forks its workers within milliseconds of
 * exec, before the parent could move it). Node has no clone3(CLONE_INTO_CGROUP), so the daemon itself steps
 * into the program's cgroup around the synchronous spawn and back out right after (no JavaScript runs in
 * between), and the child is born there: the same trick as umask= around the fork.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, watch, writeFileSync } from "node:fs";
import path from "node:path";
import type { ProgramLimits } from "@tsupervisord/config";

const WANTED_CONTROLLERS = ["memory", "cpu", "pids"] as const;
const PREFIX = "tsupervisord-";
let instances = 0;

export interface CgroupSupport {
  /** `full`: per-program cgroups with controllers; `kill-only`: cgroups for membership and cgroup.kill only;
   * `none`: no cgroups (the rlimit fallback and the /proc descendant sweep apply). */
  mode: "full" | "kill-only" | "none";
  /** Controllers enabled for programs (subset of memory, cpu, pids). */
  controllers: ReadonlySet<string>;
  /** Why cgroups (or some controllers) are unavailable; null when everything is available. */
  reason: string | null;
  /** The directory under which the programs' cgroups live. */
  root: string | null;
  /** The daemon's own cgroup directory (where it returns after each spawn). */
  home: string | null;
}

function cgroup2Mount(): string | null {
  let text: string;
  try {
    text = readFileSync("/proc/self/mountinfo", "utf8");
  } catch {
    return null;
  }
  for (const line of text.split("\n")) {
    const sep = line.indexOf(" - ");
    if (sep < 0) continue;
    if (line.slice(sep + 3).split(" ")[0] !== "cgroup2") continue;
    const mountPoint = line.slice(0, sep).split(" ")[4];
    if (mountPoint !== undefined) return mountPoint.replace(/\\040/g, " ");
  }
  return null;
}

function ownCgroup(): string | null {
  try {
    for (const line of readFileSync("/proc/self/cgroup", "utf8").split("\n")) {
      if (line.startsWith("0::")) return line.slice(3);
    }
  } catch {
    // not Linux
  }
  return null;
}

function readWords(file: string): string[] {
  try {
    return readFileSync(file, "utf8").trim().split(/\s+/).filter((w) => w !== "");
  } catch {
    return [];
  }
}

function errText(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e.code ?? e.message;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Remove `dir` and its (empty) child cgroups; false when something is still populated. */
function removeTree(dir: string): boolean {
  let ok = true;
  try {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) ok = removeTree(path.join(dir, entry.name)) && ok;
    }
    rmdirSync(dir);
  } catch {
    return false;
  }
  return ok;
}

export class CgroupManager {
  readonly support: CgroupSupport;
  private readonly groups = new Map<string, ProgramCgroup>();

  private constructor(support: CgroupSupport) {
    this.support = support;
  }

  /** No cgroups at all (`cgroups = off`, or not Linux). */
  static disabled(reason: string): CgroupManager {
    return new CgroupManager({ mode: "none", controllers: new Set(), reason, root: null, home: null });
  }

  /**
   * Find the cgroup v2 hierarchy, check we may create cgroups under our own, enable what controllers we can.
   * `wantControllers`: only try to enable controllers (and move the daemon) when some program asks for a limit.
   */
  static detect(wantControllers: boolean): CgroupManager {
    const mount = cgroup2Mount();
    if (mount === null) return CgroupManager.disabled("no cgroup v2 hierarchy is mounted");
    const own = ownCgroup();
    if (own === null) return CgroupManager.disabled("/proc/self/cgroup has no cgroup v2 entry");
    let base = path.join(mount, own);
    // Left behind by daemons that were killed: empty cgroups of dead pids.
    try {
      for (const name of readdirSync(base)) {
        const pid = Number(name.slice(PREFIX.length).split(".")[0]);
        if (name.startsWith(PREFIX) && Number.isInteger(pid) && pid !== process.pid && !pidAlive(pid)) {
          removeTree(path.join(base, name));
        }
      }
    } catch {
      // unreadable: the mkdir below says why
    }
    const reasons: string[] = [];
    const controllers = new Set<string>();
    let home = base;
    if (wantControllers) {
      const available = new Set(readWords(path.join(base, "cgroup.controllers")));
      const wanted = WANTED_CONTROLLERS.filter((c) => available.has(c));
      const missing = WANTED_CONTROLLERS.filter((c) => !available.has(c));
      if (missing.length > 0) reasons.push(`controllers not delegated to ${base}: ${missing.join(", ")}`);
      if (wanted.length > 0) {
        const enable = (dir: string): void =>
          writeFileSync(path.join(dir, "cgroup.subtree_control"), wanted.map((c) => `+${c}`).join(" "));
        try {
          try {
            enable(base);
          } catch (err) {
            // EBUSY: we live in `base` (no internal processes in v2): move ourselves into a leaf first.
            if ((err as NodeJS.ErrnoException).code !== "EBUSY" || own === "/") throw err;
            const leaf = path.join(base, "supervisord");
            mkdirSync(leaf, { recursive: true });
            writeFileSync(path.join(leaf, "cgroup.procs"), String(process.pid));
            home = leaf;
            enable(base);
          }
          for (const c of wanted) controllers.add(c);
        } catch (err) {
          reasons.push(`cannot enable ${wanted.join(", ")} in ${base}: ${errText(err)}`);
        }
      }
    }
    const root = path.join(base, `${PREFIX}${process.pid}.${++instances}`);
    try {
      mkdirSync(root, { recursive: true });
      if (controllers.size > 0) {
        writeFileSync(path.join(root, "cgroup.subtree_control"), [...controllers].map((c) => `+${c}`).join(" "));
      }
    } catch (err) {
      return CgroupManager.disabled(`cannot create cgroups under ${base}: ${errText(err)}`);
    }
    if (!existsSync(path.join(root, "cgroup.kill"))) reasons.push("cgroup.kill is missing (Linux < 5.14): members are killed one by one");
    base = root;
    return new CgroupManager({
      mode: controllers.size > 0 ? "full" : "kill-only",
      controllers,
      reason: reasons.length > 0 ? reasons.join("; ") : null,
      root: base,
      home,
    });
  }

  /** The cgroup of one process (created on first use); null without cgroup support. */
  forProcess(key: string, limits: ProgramLimits | undefined): { cgroup: ProgramCgroup | null; problems: string[] } {
    if (this.support.root === null) return { cgroup: null, problems: [] };
    const existing = this.groups.get(key);
    if (existing !== undefined) return { cgroup: existing, problems: existing.applyLimits(limits, this.support.controllers) };
    const dir = path.join(this.support.root, key.replace(/[/\s]/g, "_").replace(":", "."));
    try {
      mkdirSync(dir, { recursive: true });
    } catch (err) {
      return { cgroup: null, problems: [`cannot create cgroup ${dir}: ${errText(err)}`] };
    }
    const cgroup = new ProgramCgroup(dir, this.support.home);
    this.groups.set(key, cgroup);
    return { cgroup, problems: cgroup.applyLimits(limits, this.support.controllers) };
  }

  /** Kill every member of every program cgroup and remove them (daemon shutdown). */
  async close(): Promise<void> {
    const all = [...this.groups.values()];
    this.groups.clear();
    await Promise.all(all.map(async (g) => { g.kill(); await g.removeWhenEmpty(); }));
    if (this.support.root !== null) removeTree(this.support.root);
  }

  /** Forget (and remove once empty) the cgroup of a process whose group was removed. */
  async release(key: string): Promise<void> {
    const g = this.groups.get(key);
    if (g === undefined) return;
    this.groups.delete(key);
    await g.removeWhenEmpty();
  }
}

const LIMIT_FILES = { memoryMax: "memory.max", memoryHigh: "memory.high", pidsMax: "pids.max" } as const;

export class ProgramCgroup {
  constructor(
    readonly path: string,
    private readonly home: string | null,
  ) {}

  /**
   * Step the daemon into this cgroup so the next fork is born in it; returns the way back (call it right
   * after the synchronous spawn), or null when the move failed (then `attach` after the spawn is the fallback).
   */
  enter(): (() => void) | null {
    if (this.home === null) return null;
    const home = this.home;
    try {
      writeFileSync(path.join(this.path, "cgroup.procs"), String(process.pid));
    } catch {
      return null;
    }
    return () => {
      try {
        writeFileSync(path.join(home, "cgroup.procs"), String(process.pid));
      } catch {
        // Nothing sensible left to do: the daemon stays in the program's cgroup (reported by the caller's attach).
      }
    };
  }

  /** Write the program's limits; returns one line per limit that could not be applied (logged once). */
  applyLimits(limits: ProgramLimits | undefined, controllers: ReadonlySet<string>): string[] {
    const problems: string[] = [];
    if (limits === undefined) return problems;
    const write = (file: string, value: string, controller: string): void => {
      if (!controllers.has(controller)) {
        problems.push(`${file} not applied: the ${controller} controller is not available`);
        return;
      }
      try {
        writeFileSync(path.join(this.path, file), value);
      } catch (err) {
        problems.push(`${file} = ${value}: ${errText(err)}`);
      }
    };
    for (const [key, file] of Object.entries(LIMIT_FILES) as [keyof typeof LIMIT_FILES, string][]) {
      const v = limits[key];
      if (v !== undefined) write(file, v === null ? "max" : String(v), key === "pidsMax" ? "pids" : "memory");
    }
    if (limits.cpuMax !== undefined) {
      write("cpu.max", `${limits.cpuMax.quotaUs ?? "max"} ${limits.cpuMax.periodUs}`, "cpu");
    }
    return problems;
  }

  /** Move a process in (right after its spawn). */
  attach(pid: number): string | null {
    try {
      writeFileSync(path.join(this.path, "cgroup.procs"), String(pid));
      return null;
    } catch (err) {
      return `cannot move pid ${pid} into ${this.path}: ${errText(err)}`;
    }
  }

  /** Current members (empty when unreadable). */
  pids(): number[] {
    return readWords(path.join(this.path, "cgroup.procs")).map(Number);
  }

  /** SIGKILL every member at once (cgroup.kill), else one by one. */
  kill(): void {
    try {
      writeFileSync(path.join(this.path, "cgroup.kill"), "1");
      return;
    } catch {
      // Linux < 5.14
    }
    for (const pid of this.pids()) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // gone
      }
    }
  }

  /** rmdir once the cgroup is empty (watching cgroup.events for `populated 0`, at most `timeoutMs`). */
  removeWhenEmpty(timeoutMs = 5000): Promise<boolean> {
    const tryRemove = (): boolean => {
      try {
        rmdirSync(this.path);
        return true;
      } catch (err) {
        return (err as NodeJS.ErrnoException).code === "ENOENT";
      }
    };
    if (tryRemove()) return Promise.resolve(true);
    return new Promise((resolve) => {
      let watcher: ReturnType<typeof watch> | null = null;
      const done = (ok: boolean): void => {
        clearTimeout(timer);
        watcher?.close();
        resolve(ok);
      };
      const timer = setTimeout(() => done(tryRemove()), timeoutMs);
      timer.unref();
      try {
        watcher = watch(path.join(this.path, "cgroup.events"), () => {
          if (tryRemove()) done(true);
        });
      } catch {
        // no inotify on cgroupfs: the timeout tries once more
      }
      if (tryRemove()) done(true);
    });
  }
}
