/**
 * Every key tsupervisord reads that supervisord 4.2.5 does not (supervisord ignores unknown keys, so one file
 * runs under both). A flat list: rows from different features are simply appended. `tsupervisord -t` reports
 * which of these a file uses (extensionKeysUsed).
 */
import type { IniParser } from "./ini.js";

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
  // issue 15: the log pipeline (packages/config/src/ext/logs.ts). Program keys apply to eventlistener and
  // fcgi-program sections too; each exists for stdout_ and stderr_.
  { section: "program", key: "stdout_logfile_rotate", summary: "rotation triggers: size | daily | hourly | @HH:MM | size+<time>" },
  { section: "program", key: "stderr_logfile_rotate", summary: "rotation triggers: size | daily | hourly | @HH:MM | size+<time>" },
  { section: "program", key: "stdout_logfile_rotate_suffix", summary: "rotated names: number (.1…N) | date (app.log.2026-12-04)" },
  { section: "program", key: "stderr_logfile_rotate_suffix", summary: "rotated names: number (.1…N) | date (app.log.2026-12-04)" },
  { section: "program", key: "stdout_logfile_compress", summary: "none | gzip: compress rotated files off the write path" },
  { section: "program", key: "stderr_logfile_compress", summary: "none | gzip: compress rotated files off the write path" },
  { section: "program", key: "stdout_logfile_maxage", summary: "delete rotated files older than this (14d, 12h, 2w; 0 = keep)" },
  { section: "program", key: "stderr_logfile_maxage", summary: "delete rotated files older than this (14d, 12h, 2w; 0 = keep)" },
  { section: "program", key: "stdout_logfile_also", summary: "more destinations (absolute paths, /dev/stdout), comma-separated" },
  { section: "program", key: "stderr_logfile_also", summary: "more destinations (absolute paths, /dev/stdout), comma-separated" },
  { section: "program", key: "stdout_log_format", summary: "raw | line (ISO time, name, stream prefix) | json (one object per line)" },
  { section: "program", key: "stderr_log_format", summary: "raw | line (ISO time, name, stream prefix) | json (one object per line)" },
  { section: "program", key: "stdout_log_line_maxbytes", summary: "framed formats: longer lines are split into marked pieces (16KB)" },
  { section: "program", key: "stderr_log_line_maxbytes", summary: "framed formats: longer lines are split into marked pieces (16KB)" },
  { section: "program", key: "stdout_rate_limit", summary: "output rate limit (10MB/s); the child is paused, not dropped" },
  { section: "program", key: "stderr_rate_limit", summary: "output rate limit (10MB/s); the child is paused, not dropped" },
  { section: "program", key: "stdout_rate_limit_burst", summary: "bytes allowed at once above the rate (default: one second's worth)" },
  { section: "program", key: "stderr_rate_limit_burst", summary: "bytes allowed at once above the rate (default: one second's worth)" },
  { section: "program", key: "stdout_rate_limit_action", summary: "block (default: backpressure) | drop (counted and logged)" },
  { section: "program", key: "stderr_rate_limit_action", summary: "block (default: backpressure) | drop (counted and logged)" },
  { section: "supervisord", key: "logfile_rotate", summary: "activity log rotation triggers, as stdout_logfile_rotate" },
  { section: "supervisord", key: "logfile_rotate_suffix", summary: "activity log rotated names: number | date" },
  { section: "supervisord", key: "logfile_compress", summary: "activity log: none | gzip" },
  { section: "supervisord", key: "logfile_maxage", summary: "activity log retention (14d)" },
  { section: "supervisord", key: "logfile_format", summary: "activity log: text (supervisord's lines) | json (pino)" },
  // issue 16: container mode (packages/config/src/ext/container.ts)
  { section: "program", key: "essential", summary: "true: when this program goes FATAL or exits for good, stop everything and exit non-zero" },
  { section: "program", key: "environment_file", summary: "KEY=VALUE file(s) by systemd's EnvironmentFile rules ('-' prefix = optional); environment= wins" },
  { section: "fcgi-program", key: "essential", summary: "as in [program:x]" },
  { section: "fcgi-program", key: "environment_file", summary: "as in [program:x]" },
  { section: "eventlistener", key: "essential", summary: "as in [program:x]" },
  { section: "eventlistener", key: "environment_file", summary: "as in [program:x]" },
  { section: "supervisord", key: "exit_when", summary: "any-essential-failed (default) or all-exited: when the daemon leaves by itself" },
  { section: "supervisord", key: "stop_deadline", summary: "whole-shutdown deadline (e.g. 25s; env TSUPERVISORD_STOP_DEADLINE wins); SIGKILL for what is left" },
  { section: "supervisord", key: "environment_file", summary: "KEY=VALUE file(s) for every program, under [supervisord] environment=" },
  // issue 14: readiness, liveness, dependencies (packages/config/src/ext/readiness.ts)
  { section: "program", key: "ready_check", summary: "readiness probe: tcp:HOST:PORT, http://URL, exec:CMD, log:/REGEX/, notify" },
  { section: "program", key: "ready_check_interval", summary: "seconds between readiness probes (default 1)" },
  { section: "program", key: "ready_check_timeout", summary: "seconds one readiness probe may take (default 5)" },
  { section: "program", key: "ready_check_retries", summary: "consecutive failures before readiness reports failing (default 3)" },
  { section: "program", key: "ready_check_start_period", summary: "seconds after spawn before the first readiness probe (default 0)" },
  { section: "program", key: "live_check", summary: "liveness probe (same forms); restarts the program after N failures" },
  { section: "program", key: "live_check_interval", summary: "seconds between liveness probes (default 10)" },
  { section: "program", key: "live_check_timeout", summary: "seconds one liveness probe may take (default 5)" },
  { section: "program", key: "live_check_retries", summary: "consecutive liveness failures that restart the program (default 3)" },
  { section: "program", key: "live_check_start_period", summary: "seconds after ready (or spawn) before the first liveness probe (default 0)" },
  { section: "program", key: "depends_on", summary: "NAME:CONDITION, ... (started, running, ready, completed): start order and gating" },
  // issue 18: desired state persisted (packages/config/src/read.ts statefilePath; apps/daemon/src/state/)
  { section: "supervisord", key: "statefile", summary: "file keeping programs stopped/started by hand (and tsctl enable/disable) across daemon restarts" },
  // issue 18: graceful reload (packages/config/src/programs.ts)
  { section: "program", key: "restartsignal", summary: "a signal name (HUP): tsctl restart NAME / reload NAME send it instead of stop+start" },
  { section: "fcgi-program", key: "restartsignal", summary: "as in [program:x]" },
  // issue 19: TLS and mTLS in the config (packages/config/src/ext/tls.ts, tls-keys.ts)
  { section: "inet_http_server", key: "tls_cert", summary: "PEM certificate (chain) the TCP listener serves TLS with; wins over TSUPERVISORD_TLS_CERT" },
  { section: "inet_http_server", key: "tls_key", summary: "PEM private key of tls_cert; wins over TSUPERVISORD_TLS_KEY" },
  { section: "inet_http_server", key: "tls_client_ca", summary: "mTLS: PEM CA(s); every client must present a certificate signed by one" },
  { section: "supervisorctl", key: "tls_ca", summary: "tsctl: PEM CA to verify an https:// serverurl (default: the system roots)" },
  { section: "supervisorctl", key: "tls_cert", summary: "tsctl: PEM client certificate for a server with tls_client_ca" },
  { section: "supervisorctl", key: "tls_key", summary: "tsctl: PEM private key of the client certificate" },
  // issue 19: access control (packages/config/src/ext/access.ts)
  { section: "inet_http_server", key: "users", summary: "name:password:role, … (role viewer|operator|admin; password plain, {SHA}hex or bcrypt)" },
  { section: "unix_http_server", key: "users", summary: "name:password:role, … (role viewer|operator|admin; password plain, {SHA}hex or bcrypt)" },
  { section: "inet_http_server", key: "users_file", summary: "htpasswd-style file: name:bcrypt-or-{SHA}-hash[:role] per line (role default viewer)" },
  { section: "unix_http_server", key: "users_file", summary: "htpasswd-style file: name:bcrypt-or-{SHA}-hash[:role] per line (role default viewer)" },
  { section: "unix_http_server", key: "allow_uids", summary: "users (names or uids) allowed to connect, checked with SO_PEERCRED besides the file mode" },
  { section: "unix_http_server", key: "allow_groups", summary: "groups (names or gids) whose members may connect, checked with SO_PEERCRED" },
  { section: "unix_http_server", key: "uid_roles", summary: "user:role, … the role of a peer uid on a socket without users (others are admin)" },
  // issue 19: listener robustness (packages/config/src/ext/grpc-idle.ts)
  { section: "inet_http_server", key: "grpc_idle_timeout", summary: "seconds before an idle gRPC connection is closed (default 60; 0 = never)" },
  { section: "unix_http_server", key: "grpc_idle_timeout", summary: "seconds before an idle gRPC connection is closed (default 60; 0 = never)" },
];

/** One extension key found in a file. */
export interface ExtensionKeyUse {
  section: string;
  key: string;
  file: string;
  line: number;
}

const SECTION_KINDS: ReadonlySet<string> = new Set<ExtensionKey["section"]>([
  "program",
  "eventlistener",
  "fcgi-program",
  "group",
  "supervisord",
  "inet_http_server",
  "unix_http_server",
  "supervisorctl",
  "tsupervisord",
]);

/** Which section kind of EXTENSION_KEYS a real section name belongs to (`program:web` -> program). */
function sectionKind(section: string): ExtensionKey["section"] | null {
  const kind = section.includes(":") ? section.slice(0, section.indexOf(":")) : section;
  return SECTION_KINDS.has(kind) ? (kind as ExtensionKey["section"]) : null;
}

/** Every extension key set in the parsed files, in section then option order. */
export function extensionKeysUsed(parser: IniParser, absolute: (file: string) => string): ExtensionKeyUse[] {
  const out: ExtensionKeyUse[] = [];
  for (const section of parser.sectionNames()) {
    const kind = sectionKind(section);
    if (kind === null) continue;
    for (const key of parser.options(section)) {
      if (!EXTENSION_KEYS.some((k) => k.section === kind && k.key === key)) continue;
      const entry = parser.get(section, key);
      if (entry === undefined) continue;
      out.push({ section, key, file: absolute(entry.file), line: entry.line });
    }
  }
  return out;
}
