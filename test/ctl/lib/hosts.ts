/**
 * issue 19: two real daemons for the multi-host tests: `a` on its unix socket, `b` also on loopback TCP with a
 * username and password, and a contexts file (in a private XDG_CONFIG_HOME) naming them `a`, `b` and `dead` (a
 * port nothing listens on). Used by test/ctl/multihost.test.ts and test/tui/top-multihost.test.ts.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { connect } from "@tsupervisord/protocol";
import { freePort } from "../../daemon/lib/ports.js";
import { waitForState } from "../../lib/wait.js";
import { prepareCase, startDaemon, type RunningDaemon } from "./daemon.js";
import { TSCTL } from "./paths.js";
import { caseEnv, runCommand, type RunResult } from "./run.js";

const BASE =
  "[unix_http_server]\nfile=%(here)s/supervisor.sock\n[supervisord]\nlogfile=%(here)s/supervisord.log\n" +
  "pidfile=%(here)s/supervisord.pid\nchildlogdir=%(here)s\n" +
  "[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n" +
  "[supervisorctl]\nserverurl=unix://%(here)s/supervisor.sock\n";

export const HOST_B_PASSWORD = "s3cret-h19c";

export interface TwoHosts {
  a: RunningDaemon;
  b: RunningDaemon;
  /** XDG_CONFIG_HOME holding tsctl/contexts. */
  xdg: string;
  deadUrl: string;
  /** The environment tsctl runs with (the case environment plus XDG_CONFIG_HOME). */
  env: NodeJS.ProcessEnv;
  /** `tsctl -c <a's config> …` with that environment. */
  tsctl(args: readonly string[]): Promise<RunResult>;
  /** Starts b again on the same directory and port (after a shutdown). */
  restartB(): Promise<void>;
  stop(): Promise<void>;
}

async function waitRunning(d: RunningDaemon, names: readonly string[]): Promise<void> {
  const client = connect(`unix://${d.socket}`);
  try {
    for (const name of names) await waitForState(client, name, "RUNNING");
  } finally {
    client.close();
  }
}

export async function startTwoHosts(): Promise<TwoHosts> {
  const port = await freePort();
  const deadUrl = `http://127.0.0.1:${await freePort()}`;
  const a = await startDaemon(prepareCase({ confText: `${BASE}[program:alpha]\ncommand=sleep 1000\nstartsecs=0\n` }));
  const bDir = prepareCase({
    confText:
      `${BASE}[inet_http_server]\nport=127.0.0.1:${port}\nusername=bob\npassword=${HOST_B_PASSWORD}\n` +
      "[program:beta]\ncommand=sleep 1000\nstartsecs=0\n[program:gamma]\ncommand=sleep 1000\nstartsecs=0\n",
  });
  let b = await startDaemon(bDir);
  const xdg = join(a.dir, "xdg");
  mkdirSync(join(xdg, "tsctl"), { recursive: true });
  writeFileSync(join(xdg, "tsctl", "b.password"), `${HOST_B_PASSWORD}\n`, { mode: 0o600 });
  writeFileSync(
    join(xdg, "tsctl", "contexts"),
    `[context a]\nserverurl = unix://${a.socket}\n\n` +
      `[context b]\nserverurl = http://127.0.0.1:${port}\nusername = bob\npassword_file = b.password\n\n` +
      `[context dead]\nserverurl = ${deadUrl}\n`,
  );
  await waitRunning(a, ["alpha"]);
  await waitRunning(b, ["beta", "gamma"]);
  const env = caseEnv({ XDG_CONFIG_HOME: xdg });
  const hosts: TwoHosts = {
    a,
    get b() {
      return b;
    },
    xdg,
    deadUrl,
    env,
    tsctl: (args) => runCommand([process.execPath, TSCTL, "-c", a.conf, ...args], { cwd: a.dir, env }),
    restartB: async () => {
      b = await startDaemon(bDir);
      await waitRunning(b, ["beta", "gamma"]);
    },
    stop: async () => {
      await Promise.all([a.stop(), b.stop()]);
    },
  };
  return hosts;
}
