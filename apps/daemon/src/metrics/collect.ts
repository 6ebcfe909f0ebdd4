/**
 * What `/metrics` says (issue 17): per process state (one-hot), readiness (one-hot, issue 14), uptime, restarts, last exit, tree CPU/RSS/fds,
 * watchdog restarts, descendants ended, limits, log bytes; the daemon's own CPU/RSS/fds/event-loop delay and
 * the sampler's own cost. One scrape = one sampler pass, no timer.
 */
import type { Supervisor } from "@tsupervisord/engine";
import { ProcessStates, type ProcessStateName, type ReadinessName } from "@tsupervisord/engine";
import type { DaemonStatsSource } from "./daemon-stats.js";
import { family, labelText, render, type Family } from "./exposition.js";

/** Every scrape reads /proc afresh (a watcher's pass may predate what the scraper wants to see). */
const SCRAPE_MAX_AGE_MS = 0;

const STATE_NAMES = Object.keys(ProcessStates) as ProcessStateName[];
/** Issue 14's readiness values (`none`: no ready_check); the series exist for every process, so a query never
 * has to tell "not ready" from "no series". */
const READINESS_NAMES: readonly ReadinessName[] = ["none", "pending", "checking", "failing", "ready"];
const SIGNAL_NUMBERS: Record<string, number> = {
  SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGILL: 4, SIGTRAP: 5, SIGABRT: 6, SIGBUS: 7, SIGFPE: 8, SIGKILL: 9,
  SIGUSR1: 10, SIGSEGV: 11, SIGUSR2: 12, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15, SIGCHLD: 17, SIGCONT: 18,
  SIGSTOP: 19, SIGTSTP: 20, SIGTTIN: 21, SIGTTOU: 22, SIGXCPU: 24, SIGXFSZ: 25, SIGSYS: 31,
};

export interface MetricsContext {
  supervisor: () => Supervisor;
  daemon: DaemonStatsSource;
  version: string;
  identifier: string;
  scrapes: { count: number };
  /** Issue 19: failed logins per face since the daemon started. */
  authFailures?: Readonly<Record<string, number>>;
}

export function collectMetrics(ctx: MetricsContext): string {
  ctx.scrapes.count++;
  const sup = ctx.supervisor();
  const samples = sup.stats.fresh(SCRAPE_MAX_AGE_MS);
  const infos = sup.getAllProcessInfo({ stats: false });
  const nowSeconds = Date.now() / 1000;

  const f = {
    state: family("tsupervisord_process_state", "gauge", "1 for the state the process is in (supervisord's states), 0 for the others."),
    readiness: family(
      "tsupervisord_process_readiness",
      "gauge",
      "1 for the process's readiness (ready_check: none, pending, checking, failing, ready), 0 for the others.",
    ),
    up: family("tsupervisord_process_uptime_seconds", "gauge", "Seconds since the running process was spawned; 0 when not running."),
    start: family("tsupervisord_process_start_time_seconds", "gauge", "Epoch seconds of the last spawn attempt; 0 if never."),
    pid: family("tsupervisord_process_pid", "gauge", "Pid of the process; 0 when not running."),
    restarts: family("tsupervisord_process_restarts_total", "counter", "Spawns after the first since the daemon started."),
    exitCode: family("tsupervisord_process_last_exit_code", "gauge", "Exit code of the last exit; -1 when it died by a signal."),
    exitSignal: family("tsupervisord_process_last_exit_signal", "gauge", "Signal number that ended the last exit; 0 when it exited."),
    cpu: family("tsupervisord_process_cpu_seconds_total", "counter", "User + system CPU seconds of the whole process tree (its cgroup where it has one)."),
    rss: family("tsupervisord_process_resident_memory_bytes", "gauge", "Resident memory of the whole process tree."),
    fds: family("tsupervisord_process_open_fds", "gauge", "Open file descriptors of the whole process tree."),
    tree: family("tsupervisord_process_tree_processes", "gauge", "Processes in the tree (the main process included)."),
    rssRestarts: family("tsupervisord_process_rss_restarts_total", "counter", "Restarts by restart_if_rss_over."),
    swept: family("tsupervisord_process_descendants_killed_total", "counter", "Descendants that outlived a stop and were ended."),
    rlimit: family("tsupervisord_process_rlimit", "gauge", "rlimit_* of the program (-1 = unlimited)."),
    memoryMax: family("tsupervisord_process_memory_max_bytes", "gauge", "memory_max of the program's cgroup (-1 = max)."),
    rssLimit: family("tsupervisord_process_rss_restart_threshold_bytes", "gauge", "restart_if_rss_over threshold."),
    logBytes: family("tsupervisord_process_log_bytes_total", "counter", "Bytes written to the process's log file, per channel."),
    logRotated: family("tsupervisord_process_log_rotated_bytes_total", "counter", "Bytes in log files rotated away, per channel."),
    logRotations: family("tsupervisord_process_log_rotations_total", "counter", "Log rotations, per channel."),
    logDropped: family("tsupervisord_process_log_dropped_bytes_total", "counter", "Bytes that could not be written to the log, per channel."),
  };

  for (const p of infos) {
    const key = `${p.group}:${p.name}`;
    const base = labelText({ group: p.group, name: p.name });
    for (const state of STATE_NAMES) f.state.samples.push({ labels: `${base},state="${state}"`, value: p.state === state ? 1 : 0 });
    for (const r of READINESS_NAMES) f.readiness.samples.push({ labels: `${base},readiness="${r}"`, value: p.readiness === r ? 1 : 0 });
    const running = p.pid !== null;
    f.up.samples.push({ labels: base, value: running && p.startedAt !== null ? Math.max(0, nowSeconds - p.startedAt / 1000) : 0 });
    f.start.samples.push({ labels: base, value: p.startedAt === null ? 0 : p.startedAt / 1000 });
    f.pid.samples.push({ labels: base, value: p.pid ?? 0 });
    f.restarts.samples.push({ labels: base, value: p.restarts });
    if (p.lastExit !== null) {
      f.exitCode.samples.push({ labels: base, value: p.lastExit.code ?? -1 });
      f.exitSignal.samples.push({ labels: base, value: p.lastExit.signal === null ? 0 : (SIGNAL_NUMBERS[p.lastExit.signal] ?? -1) });
    }
    const sample = running ? samples.get(key) : undefined;
    if (sample !== undefined && sample.root === p.pid) {
      f.cpu.samples.push({ labels: base, value: sample.cpuSeconds });
      f.rss.samples.push({ labels: base, value: sample.rssBytes });
      if (sample.fds !== null) f.fds.samples.push({ labels: base, value: sample.fds });
      f.tree.samples.push({ labels: base, value: sample.members.length });
    }
    f.rssRestarts.samples.push({ labels: base, value: p.governance.rssRestarts });
    f.swept.samples.push({ labels: base, value: p.governance.descendantsKilled });
    const limits = p.limits;
    for (const [resource, v] of Object.entries(limits?.rlimits ?? {})) {
      f.rlimit.samples.push({ labels: `${base},resource="${resource}",kind="soft"`, value: v.soft ?? -1 });
      f.rlimit.samples.push({ labels: `${base},resource="${resource}",kind="hard"`, value: v.hard ?? -1 });
    }
    if (limits?.memoryMax !== undefined) f.memoryMax.samples.push({ labels: base, value: limits.memoryMax ?? -1 });
    if (limits?.restartIfRssOver !== undefined) f.rssLimit.samples.push({ labels: base, value: limits.restartIfRssOver.bytes });
    let counters;
    try {
      counters = sup.getProcessSink(key).counters?.();
    } catch {
      counters = undefined;
    }
    for (const channel of ["stdout", "stderr"] as const) {
      const c = counters?.[channel];
      if (c === null || c === undefined) continue;
      const labels = `${base},channel="${channel}"`;
      f.logBytes.samples.push({ labels, value: c.bytesWritten });
      f.logRotated.samples.push({ labels, value: c.bytesRotatedAway });
      f.logRotations.samples.push({ labels, value: c.rotations });
      f.logDropped.samples.push({ labels, value: c.bytesDropped });
    }
  }

  const d = ctx.daemon.read();
  const one = (name: string, type: "gauge" | "counter", help: string, value: number | null, labels: Record<string, string> = {}): Family => {
    const fam = family(name, type, help);
    if (value !== null) fam.samples.push({ labels: labelText(labels), value });
    return fam;
  };
  const cpu = family("tsupervisord_daemon_cpu_seconds_total", "counter", "CPU seconds of the daemon itself.");
  cpu.samples.push({ labels: 'mode="user"', value: d.cpuUserSeconds }, { labels: 'mode="system"', value: d.cpuSystemSeconds });
  const lag = family("tsupervisord_daemon_eventloop_delay_seconds", "gauge", "Event-loop delay since the previous scrape (monitored only while scraped).");
  if (d.eventLoopDelay !== null) {
    const e = d.eventLoopDelay;
    lag.samples.push(
      { labels: 'quantile="0.5"', value: e.p50 },
      { labels: 'quantile="0.9"', value: e.p90 },
      { labels: 'quantile="0.99"', value: e.p99 },
      { labels: 'quantile="1"', value: e.max },
    );
  }
  const cg = sup.governor.cgroupSupport;
  const daemon: Family[] = [
    one("tsupervisord_info", "gauge", "Version and identifier of the daemon.", 1, { version: ctx.version, identifier: ctx.identifier }),
    cpu,
    one("tsupervisord_daemon_resident_memory_bytes", "gauge", "Resident memory of the daemon itself.", d.rssBytes),
    one("tsupervisord_daemon_heap_used_bytes", "gauge", "V8 heap in use by the daemon.", d.heapUsedBytes),
    one("tsupervisord_daemon_open_fds", "gauge", "Open file descriptors of the daemon.", d.openFds),
    one("tsupervisord_daemon_start_time_seconds", "gauge", "Epoch seconds the daemon started.", d.startTimeSeconds),
    lag,
    one("tsupervisord_stats_passes_total", "counter", "/proc sampling passes (one per scrape, plus the watchers' timer while any).", sup.stats.passes),
    one("tsupervisord_stats_last_pass_seconds", "gauge", "Wall time of the last sampling pass.", sup.stats.lastPassMs / 1000),
    one("tsupervisord_stats_watchers", "gauge", "Watchers keeping the sampler's timer armed (Watch with stats, RSS watchdogs).", sup.stats.watcherCount),
    one("tsupervisord_scrapes_total", "counter", "Scrapes of /metrics served.", ctx.scrapes.count),
    one("tsupervisord_cgroups", "gauge", "1 for the cgroup mode in use (none, kill-only, full); absent before the first spawn.", cg === null ? null : 1, { mode: cg?.mode ?? "" }),
  ];
  const authFailures = family("tsupervisord_auth_failures_total", "counter", "Failed logins (wrong or malformed credentials, or refused while rate limited), per face.");
  for (const [face, count] of Object.entries(ctx.authFailures ?? {})) authFailures.samples.push({ labels: labelText({ face }), value: count });
  return render([...Object.values(f), ...daemon, authFailures]);
}
