import { formatConfigErrorForCli } from "@tsupervisord/config";
import { ConfigError, SupervisorError } from "@tsupervisord/errors";

/**
 * ERR-03: a config that cannot be re-read answers `CANT_REREAD: <supervisord's message>`, the first problem in
 * supervisord's own wording (`not a valid boolean value: 'maybe' in section 'program:solo' (file: '…')`), as the
 * command line prints it after `Error: ` — not our `file:line [section] option:` location form.
 */
export function rereadFault(err: unknown): SupervisorError {
  if (err instanceof SupervisorError) return err;
  if (err instanceof ConfigError) {
    const text = formatConfigErrorForCli(err, "tsupervisord");
    const first = (text.split(/\n(?: {2}\(at |Error: |For help, use )/u)[0] ?? "").replace(/^Error: /u, "");
    return new SupervisorError("CANT_REREAD", first, { cause: err });
  }
  return new SupervisorError("CANT_REREAD", err instanceof Error ? err.message : String(err), { cause: err });
}
