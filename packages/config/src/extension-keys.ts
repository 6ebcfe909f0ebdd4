/**
 * Every tsupervisord extension key: options supervisord 4.2.5 does not know and ignores, so one file runs under
 * both. A flat list on purpose (each feature adds its own rows; merges are unions). `tsupervisord -t` reports
 * which of these a file uses.
 */
export type ExtensionSection =
  | "program"
  | "supervisord"
  | "inet_http_server"
  | "unix_http_server"
  | "tsupervisord";

export interface ExtensionKey {
  section: ExtensionSection;
  key: string;
  summary: string;
}

export const EXTENSION_KEYS: readonly ExtensionKey[] = [
  // issue 16: container mode (packages/config/src/ext/container.ts)
  { section: "program", key: "essential", summary: "true: when this program goes FATAL or exits for good, stop everything and exit non-zero" },
  { section: "program", key: "environment_file", summary: "KEY=VALUE file(s) by systemd's EnvironmentFile rules ('-' prefix = optional); environment= wins" },
  { section: "supervisord", key: "exit_when", summary: "any-essential-failed (default) or all-exited: when the daemon leaves by itself" },
  { section: "supervisord", key: "stop_deadline", summary: "whole-shutdown deadline (e.g. 25s; env TSUPERVISORD_STOP_DEADLINE wins); SIGKILL for what is left" },
  { section: "supervisord", key: "environment_file", summary: "KEY=VALUE file(s) for every program, under [supervisord] environment=" },
];
