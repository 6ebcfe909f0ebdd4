/**
 * tsctl's output into a pipe arrives whole (found by the issue 20 bench: `tsctl status` with 2,000 programs into a
 * pipe printed anything from 279 to 2,000 lines). Node writes to a pipe asynchronously, so a CLI that calls
 * process.exit() as soon as its command returns drops whatever the pipe had not taken yet: everything past the
 * kernel's 64 KiB buffer. Here a program's log holds ~2.7 MB of numbered lines and `tsctl tail -200000` (CTL-tail:
 * the last N bytes of the log) prints 2,000,000 of them into the test's pipe, through each entry point. The test
 * reads with Node, whose child pipes are socketpairs: a socket's buffer (~208 KiB) takes a smaller output whole.
 */
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { daemonUnavailableReason, prepareCase, startDaemon, waitFor, type RunningDaemon } from "./lib/daemon.js";
import { REPO, TSCTL } from "./lib/paths.js";
import { caseEnv, runCommand } from "./lib/run.js";

const unavailable = await daemonUnavailableReason();
const LINES = 400_000;
// `seq 1 400000`: 9 one-digit, 90 two-digit, … 90,000 five-digit and 300,001 six-digit lines (newline included).
const LOG_BYTES = 9 * 2 + 90 * 3 + 900 * 4 + 9000 * 5 + 90_000 * 6 + 300_001 * 7;
const TAIL_BYTES = 2_000_000;

const CONF =
  "[unix_http_server]\nfile=%(here)s/supervisor.sock\n[supervisord]\nlogfile=%(here)s/supervisord.log\n" +
  "pidfile=%(here)s/supervisord.pid\nchildlogdir=%(here)s\n" +
  "[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n" +
  "[supervisorctl]\nserverurl=unix://%(here)s/supervisor.sock\n" +
  `[program:counter]\ncommand=sh -c 'seq 1 ${LINES}; exec sleep 1000'\nstartsecs=0\n` +
  "stdout_logfile=%(here)s/counter.log\nstdout_logfile_maxbytes=0\n";

describe.skipIf(unavailable !== null)("tsctl output into a pipe", () => {
  let daemon: RunningDaemon;
  let logTail: string;
  beforeAll(async () => {
    daemon = await startDaemon(prepareCase({ confText: CONF }));
    const log = join(daemon.dir, "counter.log");
    await waitFor("the counter's whole output in its log", () => statSync(log).size === LOG_BYTES);
    logTail = readFileSync(log, "latin1").slice(-TAIL_BYTES);
  });
  afterAll(async () => {
    await daemon?.stop();
  });

  const entries: Array<[string, (args: string[]) => string[]]> = [
    ["dist/main.js", (args) => [process.execPath, TSCTL, ...args]],
    ["bin/tsctl (the code-cached bundle)", (args) => [join(REPO, "bin/tsctl"), ...args]],
  ];
  for (const [name, argv] of entries) {
    it(`${name}: all ${TAIL_BYTES} bytes of tail -${TAIL_BYTES}`, async () => {
      const r = await runCommand(argv(["-c", daemon.conf, "tail", `-${TAIL_BYTES}`, "counter"]), { cwd: daemon.dir, env: caseEnv() });
      expect(r.code).toBe(0);
      // supervisorctl prints the bytes and a newline.
      expect(r.stdout.length).toBe(TAIL_BYTES + 1);
      expect(r.stdout).toBe(`${logTail}\n`);
    });
  }
});
