import { Writable } from "node:stream";

/**
 * The terminal may go away under a foreground daemon (`tsupervisord -n | head`, a closed ssh session, a killed
 * test runner): writing to a stdout/stderr pipe nobody reads then fails with EPIPE, emitted as an 'error' event.
 * Unhandled, that is an uncaught exception, which the daemon logs at CRIT, which is echoed to stdout again:
 * a busy loop (found on daemons whose test runner was killed). So stdio errors are absorbed here, and the
 * activity log's echo stops for good once stdout is broken; the log file itself is unaffected.
 */
let stdoutBroken = false;

export function guardStdio(): void {
  process.stdout.on("error", () => {
    stdoutBroken = true;
  });
  process.stderr.on("error", () => undefined);
}

/** Where the activity log's nodaemon echo goes (MLG-03): stdout until it breaks, then nowhere. */
export const terminalEcho = new Writable({
  write(chunk: Buffer | string, _encoding, callback) {
    if (!stdoutBroken) process.stdout.write(chunk);
    callback();
  },
});
terminalEcho.on("error", () => undefined);
