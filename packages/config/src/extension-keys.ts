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
];
