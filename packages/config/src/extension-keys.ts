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
];
