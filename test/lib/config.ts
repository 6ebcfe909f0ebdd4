/**
 * The head every end-to-end config starts with, as config lines: where the daemon listens, its activity log, pid
 * file and childlogdir in `dir`, the supervisor rpcinterface (without it there is no supervisor namespace, issue
 * 21 defect 11, as under supervisord) and how supervisorctl/tsctl reach it.
 */
import { join } from "node:path";

export function configHead(
  dir: string,
  listen: { socket: string } | { inet: string; username: string; password: string },
): string[] {
  const [server, client] =
    "socket" in listen
      ? [["[unix_http_server]", `file=${listen.socket}`], [`serverurl=unix://${listen.socket}`]]
      : [
          ["[inet_http_server]", `port=${listen.inet}`, `username=${listen.username}`, `password=${listen.password}`],
          [`serverurl=http://${listen.inet}`, `username=${listen.username}`, `password=${listen.password}`],
        ];
  return [
    ...server,
    "[supervisord]",
    `logfile=${join(dir, "supervisord.log")}`,
    `pidfile=${join(dir, "supervisord.pid")}`,
    `childlogdir=${dir}`,
    "[rpcinterface:supervisor]",
    "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface",
    "[supervisorctl]",
    ...client,
  ];
}
