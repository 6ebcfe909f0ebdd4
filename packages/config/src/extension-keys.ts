/**
 * Every key tsupervisord reads that supervisord 4.2.5 does not (supervisord ignores unknown keys, so one file
 * runs under both). A flat list: rows from different features are simply appended.
 */
export interface ExtensionKey {
  section: "program" | "eventlistener" | "fcgi-program" | "group" | "supervisord" | "inet_http_server" | "unix_http_server" | "supervisorctl" | "tsupervisord";
  key: string;
  summary: string;
}

export const EXTENSION_KEYS: readonly ExtensionKey[] = [
  {
    section: "inet_http_server",
    key: "allow_unauthenticated",
    summary: "true: serve a non-loopback address without username/password (refused otherwise; loopback is always served, with supervisord's CRIT line)",
  },
  { section: "program", key: "rlimit_nofile", summary: "RLIMIT_NOFILE of the child only: N, unlimited, or SOFT:HARD" },
  { section: "program", key: "rlimit_nproc", summary: "RLIMIT_NPROC of the child only: N, unlimited, or SOFT:HARD" },
  { section: "program", key: "rlimit_core", summary: "RLIMIT_CORE of the child only: a size (0, 1GB), unlimited, or SOFT:HARD" },
  { section: "program", key: "rlimit_as", summary: "RLIMIT_AS of the child only: a size (2GB), unlimited, or SOFT:HARD" },
  { section: "program", key: "memory_max", summary: "cgroup v2 memory.max of the program's cgroup: a size or max" },
  { section: "program", key: "memory_high", summary: "cgroup v2 memory.high of the program's cgroup: a size or max" },
  { section: "program", key: "cpu_max", summary: "cgroup v2 cpu.max: 1.5 cpus, 50%% (of one CPU), max, or 'QUOTA PERIOD' in µs" },
  { section: "program", key: "pids_max", summary: "cgroup v2 pids.max of the program's cgroup: N or max" },
  { section: "program", key: "restart_if_rss_over", summary: "restart when the tree's RSS stays over SIZE for DURATION: '1.5GB for 2m'" },
  { section: "program", key: "kill_descendants", summary: "a stop also ends descendants that left the process group (default true)" },
  { section: "supervisord", key: "cgroups", summary: "auto (default): a program with a cgroup limit gets its own cgroup v2; all: every program; off: never" },
];
