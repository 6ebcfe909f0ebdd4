// Reading a daemon's own CPU and memory from /proc, and ending processes by pid.
// CPU is utime+stime of the daemon process itself (all its threads), never cutime/cstime:
// the children's work is not the supervisor's.
import { readFileSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

export const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** Fields of /proc/<pid>/stat after the command name (which may contain spaces and parens). */
function statFields(pid) {
  const raw = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const close = raw.lastIndexOf(')');
  // fields[0] is field 3 (state) in proc(5) numbering
  return raw.slice(close + 2).trim().split(' ');
}

/** Clock ticks (user + system) the process itself has used, or null if it is gone. */
export function cpuTicks(pid) {
  try {
    const f = statFields(pid);
    return Number(f[11]) + Number(f[12]); // utime (14), stime (15)
  } catch {
    return null;
  }
}

/** Clock ticks the process itself has spent in the kernel (stime), or null if it is gone. */
export function systemTicks(pid) {
  try {
    return Number(statFields(pid)[12]);
  } catch {
    return null;
  }
}

/**
 * Clock ticks (user + system) of the threads of `pid` whose name (/proc/PID/task/TID/comm) is `name`, e.g. the
 * daemon's `tsup-pump`; null when it has no such thread.
 */
export function threadTicksNamed(pid, name) {
  let total = null;
  for (const t of taskCounters(pid).values()) if (t.name === name) total = (total ?? 0) + t.ticks;
  return total;
}

/** CPU seconds (user + system) the process itself has used, or null if it is gone. */
export function cpuSeconds(pid) {
  const ticks = cpuTicks(pid);
  return ticks === null ? null : ticks / CLK_TCK;
}

/**
 * The share of a core used between two `cpuTicks` readings `seconds` apart, in percent. Computed from whole
 * ticks, so two systems that used the same number of ticks get the very same value: a difference of two
 * `cpuSeconds` floats (4.37 - 4.33) is not exactly 0.04, and an idle row judged "≤ supervisord's" on equal ticks
 * read "no" over a 1e-15.
 */
export function cpuPercent(ticks0, ticks1, seconds) {
  return ((ticks1 - ticks0) / CLK_TCK / seconds) * 100;
}

/** { rssMiB, hwmMiB } from /proc/<pid>/status (VmRSS, VmHWM = peak RSS), or null if gone. */
export function memory(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key) => {
      const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text);
      return m ? Number(m[1]) / 1024 : null;
    };
    return { rssMiB: kb('VmRSS'), hwmMiB: kb('VmHWM') };
  } catch {
    return null;
  }
}

export function parentPid(pid) {
  try {
    return Number(statFields(pid)[1]);
  } catch {
    return null;
  }
}

/** True while the pid exists and is not a zombie. */
export function alive(pid) {
  try {
    return statFields(pid)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Every live descendant of pid (by walking ppid links in /proc). */
export function descendants(pid) {
  const children = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const ppid = parentPid(Number(entry));
    if (ppid === null) continue;
    if (!children.has(ppid)) children.set(ppid, []);
    children.get(ppid).push(Number(entry));
  }
  const out = [];
  const stack = [pid];
  while (stack.length) {
    for (const c of children.get(stack.pop()) ?? []) {
      out.push(c);
      stack.push(c);
    }
  }
  return out;
}

export function signal(pid, sig) {
  try {
    process.kill(pid, sig);
    return true;
  } catch {
    return false;
  }
}

/** SIGKILL a daemon and everything below it, each by its own pid. */
export function killTree(pid, extraPids = []) {
  const below = alive(pid) ? descendants(pid) : [];
  signal(pid, 'SIGKILL');
  for (const p of new Set([...below, ...extraPids])) if (p > 1 && p !== process.pid) signal(p, 'SIGKILL');
}

/**
 * Per thread of `pid`: clock ticks used (utime + stime of /proc/PID/task/TID/stat), voluntary context
 * switches (/proc/PID/task/TID/status), i.e. how often each thread went to sleep: its wake-ups, and its name
 * (`comm`, e.g. `tsup-pump`). Map tid -> counters.
 */
export function taskCounters(pid) {
  const out = new Map();
  let tids = [];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const raw = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = raw.slice(raw.indexOf('(') + 1, raw.lastIndexOf(')'));
      const f = raw.slice(raw.lastIndexOf(')') + 2).trim().split(' ');
      const status = readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8');
      const vcsw = /^voluntary_ctxt_switches:\s+(\d+)/m.exec(status);
      out.set(tid, { name, ticks: Number(f[11]) + Number(f[12]), wakeups: vcsw ? Number(vcsw[1]) : 0 });
    } catch {
      /* the thread ended between readdir and read */
    }
  }
  return out;
}

/**
 * What the threads did between two `taskCounters` snapshots: total ticks, threads that got any tick, and
 * voluntary context switches. A thread born in the window counts from zero; one that ended in it is lost
 * (its counters went with it), so the figures are a lower bound.
 */
export function taskDelta(before, after) {
  let ticks = 0;
  let busyThreads = 0;
  let wakeups = 0;
  for (const [tid, a] of after) {
    const b = before.get(tid) ?? { ticks: 0, wakeups: 0 };
    const dt = a.ticks - b.ticks;
    ticks += dt;
    if (dt > 0) busyThreads++;
    wakeups += a.wakeups - b.wakeups;
  }
  return { ticks, busyThreads, threads: after.size, wakeups };
}
