import fs from "node:fs";

/**
 * D-RL-01/02: supervisord raises RLIMIT_NOFILE/RLIMIT_NPROC to `minfds`/`minprocs`. Node has no setrlimit
 * (and spawning prlimit(1) on ourselves would be a fragile external dependency), so tsupervisord only checks
 * them, reading /proc/self/limits, and refuses to start below the minimum (see checkLimits).
 */
export interface Limit {
  soft: number;
  hard: number;
}

const UNLIMITED = Number.POSITIVE_INFINITY;

export function readLimits(text?: string): { nofile: Limit | null; nproc: Limit | null } {
  let content = text;
  if (content === undefined) {
    try {
      content = fs.readFileSync("/proc/self/limits", "utf8");
    } catch {
      return { nofile: null, nproc: null };
    }
  }
  const find = (label: string): Limit | null => {
    const line = content.split("\n").find((l) => l.startsWith(label));
    if (line === undefined) return null;
    const fields = line.slice(label.length).trim().split(/\s+/);
    const num = (v: string | undefined): number => (v === "unlimited" ? UNLIMITED : Number(v));
    return { soft: num(fields[0]), hard: num(fields[1]) };
  };
  return { nofile: find("Max open files"), nproc: find("Max processes") };
}

/**
 * Returns the fatal message (exit 2) or null. We fail when the *soft* limit is below the minimum: supervisord
 * would raise it with setrlimit, Node cannot, so the limit we would run with is the soft one (raise it with
 * `ulimit -n`/`ulimit -u` or systemd's LimitNOFILE=/LimitNPROC=). The message is supervisord's, naming the limit
 * the daemon would actually get.
 */
export function checkLimits(minfds: number, minprocs: number, limits = readLimits()): string | null {
  const fds = limits.nofile;
  if (fds !== null && fds.soft < minfds) {
    return (
      `The minimum number of file descriptors required to run this process is ${minfds} as per the "minfds" ` +
      `command-line argument or config file setting. The current environment will only allow you to open ` +
      `${fds.soft} file descriptors.  Either raise the number of usable file descriptors in your environment ` +
      `(see README.rst) or lower the minfds setting in the config file to allow the process to start.`
    );
  }
  const procs = limits.nproc;
  if (procs !== null && procs.soft < minprocs) {
    return (
      `The minimum number of available processes required to run this program is ${minprocs} as per the ` +
      `"minprocs" command-line argument or config file setting. The current environment will only allow you ` +
      `to open ${procs.soft} processes.  Either raise the number of usable processes in your environment ` +
      `(see README.rst) or lower the minprocs setting in the config file to allow the program to start.`
    );
  }
  return null;
}
