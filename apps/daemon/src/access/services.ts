/**
 * Issue 19: the daemon-wide part of access control, made once and kept across reloads (a reload must not hand
 * a guesser fresh tries, nor reset the failure counter /metrics reports): the failed-login limiter, the
 * password verifier (its cache of verified bcrypt pairs), the failure counts per face. `bind` adds where the
 * lines and audit events of the current generation go.
 */
import type { AuditEntry } from "./audit.js";
import { auditLine } from "./audit.js";
import type { AccessServices, Face } from "./listener-access.js";
import { LoginLimiter } from "./login-limiter.js";
import { PasswordVerifier } from "./passwords.js";

export interface AccessSinks {
  warn: (line: string) => void;
  info: (line: string) => void;
  /** Publishes the audit event (engine bus -> Watch); may be a no-op before the engine exists. */
  publish: (entry: AuditEntry) => void;
}

export class DaemonAccess {
  readonly limiter = new LoginLimiter();
  readonly verifier = new PasswordVerifier();
  readonly failures: Record<Face, number> = { grpc: 0, xmlrpc: 0, webui: 0 };

  bind(sinks: AccessSinks): AccessServices {
    return {
      limiter: this.limiter,
      verifier: this.verifier,
      failures: this.failures,
      warn: sinks.warn,
      audit: (entry) => {
        const line = auditLine(entry);
        if (entry.outcome === "denied") sinks.warn(line);
        else sinks.info(line);
        sinks.publish(entry);
      },
      refusedPeer: (section, peer) => {
        if (this.limiter.recordFailure(`refused ${peer.replace(/ pid=\d+$/, "")}`).log) {
          sinks.warn(`[${section}] connection refused: ${peer} is not in allow_uids/allow_groups`);
        }
      },
    };
  }
}
