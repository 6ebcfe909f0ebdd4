import type { ActivityLog } from "@tsupervisord/logs";
import type { TlsConnectionRouter } from "@tsupervisord/protocol";
import { ListenerError } from "../listeners/errors.js";
import { loadListenerTls, secureContextOptions, type ListenerTlsFiles } from "./tls.js";

export interface TlsReloader {
  reload(): void;
}

/**
 * issue 19: re-reads one listener's certificate, key and client CA (replaced on disk by certbot, a cron job, a
 * secret mount) and hands them to its TLS terminator. Only new handshakes use them: the listener keeps
 * accepting and open connections (a `tail -f`, a Watch stream) keep their session. Files that fail the checks
 * of the start (missing, key mismatch, expired…) are logged and the certificate in use stays.
 */
export function createTlsReloader(section: string, tls: ListenerTlsFiles, router: TlsConnectionRouter, log: ActivityLog): TlsReloader {
  return {
    reload() {
      try {
        const material = loadListenerTls(section, tls);
        router.setSecureContext(secureContextOptions(material));
        log.info(`${section}: TLS certificate reloaded from ${tls.files.cert} (serial ${material.serial}, valid until ${material.validTo.toISOString()})`);
      } catch (err) {
        const why = err instanceof ListenerError ? err.message : String(err);
        log.error(`${section}: TLS reload failed, still serving the previous certificate: ${why}`);
      }
    },
  };
}
