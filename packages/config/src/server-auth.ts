/**
 * What the daemon does with an HTTP server section that has no username/password (issue 21 defect 2), decided
 * in one place so `tsupervisord -t` reports exactly what the daemon will do:
 * - supervisord serves any such section and logs CRIT `Server '<section>' running without any HTTP
 *   authentication checking` (D-HTTP-05). tsupervisord does the same for unix sockets and for TCP on a
 *   loopback address (127.0.0.0/8, ::1, localhost): only local users reach those.
 * - TCP on any other address (or all interfaces) without credentials is refused, unless the section opts in
 *   with the extension key `allow_unauthenticated = true` or the environment sets
 *   TSUPERVISORD_ALLOW_UNAUTHENTICATED_TCP=1: anyone on the network could run any command as the daemon's user.
 */
import { isIP } from "node:net";
import type { Config, InetHttpServerConfig } from "./types.js";

export const ALLOW_UNAUTHENTICATED_TCP_ENV = "TSUPERVISORD_ALLOW_UNAUTHENTICATED_TCP";

/** True when only this host can reach `host` (an empty host means every interface). */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  if (h === "localhost" || h === "ip6-localhost" || h === "ip6-loopback") return true;
  if (isIP(h) === 4) return h.startsWith("127.");
  if (isIP(h) === 6) return h === "::1" || h === "0:0:0:0:0:0:0:1";
  return false;
}

/** supervisord's CRIT line for a server without credentials (D-HTTP-05). */
export function unauthenticatedServerLine(section: string): string {
  return `Server '${section}' running without any HTTP authentication checking`;
}

function shown(server: InetHttpServerConfig): string {
  return `${server.host === "" ? "*" : server.host}:${String(server.port)}`;
}

export interface ServerAuthVerdict {
  /** Why the daemon will not start (each names the fix). */
  refusals: string[];
  /** The CRIT lines the daemon will log for TCP servers served without credentials. */
  warnings: string[];
}

export function serverAuthVerdict(config: Config, env: NodeJS.ProcessEnv = process.env): ServerAuthVerdict {
  const refusals: string[] = [];
  const warnings: string[] = [];
  for (const server of config.inetHttpServers) {
    if (server.auth !== null || (server.access?.users.length ?? 0) > 0) continue;
    if (isLoopbackHost(server.host) || server.allowUnauthenticated || env[ALLOW_UNAUTHENTICATED_TCP_ENV] === "1") {
      warnings.push(unauthenticatedServerLine(server.section));
      continue;
    }
    refusals.push(
      `[${server.section}] port=${shown(server)} has no username/password, and is not a loopback address: anyone who ` +
        `can reach it could control every process. Set username= and password= in [${server.section}], bind it to ` +
        `127.0.0.1, or accept the risk with allow_unauthenticated = true in [${server.section}] ` +
        `(or ${ALLOW_UNAUTHENTICATED_TCP_ENV}=1).`,
    );
  }
  return { refusals, warnings };
}
