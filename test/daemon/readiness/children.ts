/**
 * Child programs for the readiness e2e tests, written as small node scripts into the test's directory. Each
 * logs `start <epoch ms>` first and `stop <epoch ms>` on SIGTERM, so order is verified from the children's
 * own logs, not from the daemon's.
 */
import fs from "node:fs";

export const NODE = process.execPath;

const PRELUDE = `
const log = (what) => console.log(what + " " + Date.now());
log("start");
process.on("SIGTERM", () => { log("stop"); process.exit(0); });
`;

/** Writes `name.js` into `dir` and returns the command line that runs it. */
export function script(dir: string, name: string, body: string, args: string[] = []): string {
  const file = `${dir}/${name}.js`;
  fs.writeFileSync(file, PRELUDE + body);
  return [NODE, file, ...args].join(" ");
}

/** Stays up, does nothing. */
export const IDLE = `setInterval(() => {}, 1 << 30);`;

/** A TCP server on argv[2] after argv[3] ms (logs `listening <ms>` when it listens). */
export const TCP_SERVER = `
const port = Number(process.argv[2]); const delay = Number(process.argv[3] || 0);
setTimeout(() => require("net").createServer((s) => s.end()).listen(port, "127.0.0.1", () => log("listening")), delay);
`;

/** An HTTP server on argv[2]: /health answers 200 (logs `listening <ms>`). */
export const HTTP_SERVER = `
const port = Number(process.argv[2]);
require("http").createServer((req, res) => { res.writeHead(req.url === "/health" ? 200 : 404); res.end("ok"); })
  .listen(port, "127.0.0.1", () => log("listening"));
`;

/** Prints a ready line when it gets SIGUSR1. */
export const READY_LINE = `
process.on("SIGUSR1", () => log("Ready to accept connections"));
setInterval(() => {}, 1 << 30);
`;

/** Does its work for argv[2] ms, then exits 0 (a migration). */
export const ONE_SHOT = `
process.removeAllListeners("SIGTERM");
setTimeout(() => { log("done"); process.exit(0); }, Number(process.argv[2] || 0));
`;

/** Sends sd_notify messages with python3 (the tiny-script route), reporting its socket's mode first. */
export function notifyScript(dir: string): string {
  const file = `${dir}/notify.py`;
  fs.writeFileSync(
    file,
    [
      "import os, socket, stat, sys, time",
      "p = os.environ['NOTIFY_SOCKET']",
      "print('socket ' + p + ' mode ' + oct(stat.S_IMODE(os.stat(p).st_mode)), flush=True)",
      "s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)",
      "s.sendto(b'STATUS=warming caches', p)",
      "time.sleep(float(sys.argv[1]))",
      "s.sendto(b'READY=1\\nSTATUS=serving', p)",
      "print('sent READY=1', flush=True)",
      "while True: time.sleep(3600)",
    ].join("\n"),
  );
  return `python3 ${file}`;
}
