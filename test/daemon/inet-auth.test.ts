import { afterEach, describe, expect, it } from "vitest";
import { runDaemonOnce, startDaemon, TestDir, waitForState, type RunningDaemon } from "./lib/daemon.js";
import { freePort } from "./lib/ports.js";

/**
 * Issue 21 defect 2 (D-HTTP-05/07): `[inet_http_server]` without username/password. On a loopback address it
 * starts, as supervisord does, with supervisord's CRIT line; on any other address it is refused unless the
 * section opts in (`allow_unauthenticated = true`, an extension key supervisord ignores) or the environment
 * does; `tsupervisord -t` says exactly that (a refusal is an error and exit 2, the CRIT a line on stderr).
 */
const CRIT = "Server 'inet_http_server' running without any HTTP authentication checking";
let dirs: TestDir[] = [];
let daemons: RunningDaemon[] = [];
afterEach(async () => {
  for (const d of daemons) await d.stop();
  for (const d of dirs) d.cleanup();
  dirs = [];
  daemons = [];
});
/** The env without the opt-in variable, whatever the test runner's env says. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env["TSUPERVISORD_ALLOW_UNAUTHENTICATED_TCP"];
  return env;
}
async function configWith(inet: string): Promise<{ dir: TestDir; port: number }> {
  const dir = new TestDir();
  dirs.push(dir);
  const port = await freePort();
  dir.writeConfig(`[inet_http_server]\n${inet.replace("PORT", String(port))}\n\n[program:a]\ncommand=/bin/sleep 100\nstartsecs=0\n`);
  return { dir, port };
}

describe("[inet_http_server] without username/password (issue 21 defect 2)", () => {
  it("loopback: -t says config OK plus the CRIT line; the daemon starts, logs it and serves tsctl over TCP", async () => {
    const { dir, port } = await configWith("port=127.0.0.1:PORT");
    const t = await runDaemonOnce(["-c", dir.conf, "-t"], { env: cleanEnv() });
    expect(t.status).toBe(0);
    expect(t.stdout.split("\n")[0]).toBe("config OK");
    expect(t.stderr).toBe(`CRIT ${CRIT}\n`);
    const d = await startDaemon(dir, [], { env: cleanEnv() });
    daemons.push(d);
    await d.waitForLog(new RegExp(`CRIT ${CRIT}`));
    await waitForState(d.client(`http://127.0.0.1:${String(port)}`), "a", "RUNNING");
  }, 60_000);

  it("all interfaces: -t and the daemon both refuse with the same message naming the fixes, exit 2", async () => {
    const { dir } = await configWith("port=*:PORT");
    const t = await runDaemonOnce(["-c", dir.conf, "-t"], { env: cleanEnv() });
    const run = await runDaemonOnce(["-n", "-c", dir.conf], { env: cleanEnv() });
    expect(t.stdout).toBe("");
    for (const r of [t, run]) {
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/^Error: \[inet_http_server\] port=\*:\d+ has no username\/password, and is not a loopback address/m);
      expect(r.stderr).toContain("allow_unauthenticated = true in [inet_http_server]");
      expect(r.stderr).toContain("TSUPERVISORD_ALLOW_UNAUTHENTICATED_TCP=1");
    }
  }, 60_000);

  it("all interfaces with allow_unauthenticated = true (or the env var): served, with the CRIT line", async () => {
    const { dir } = await configWith("port=0.0.0.0:PORT\nallow_unauthenticated = true");
    const t = await runDaemonOnce(["-c", dir.conf, "-t"], { env: cleanEnv() });
    expect(t.status).toBe(0);
    expect(t.stderr).toBe(`CRIT ${CRIT}\n`);
    const viaEnv = await configWith("port=0.0.0.0:PORT");
    const e = await runDaemonOnce(["-c", viaEnv.dir.conf, "-t"], { env: { ...cleanEnv(), TSUPERVISORD_ALLOW_UNAUTHENTICATED_TCP: "1" } });
    expect(e.status).toBe(0);
    expect(e.stderr).toBe(`CRIT ${CRIT}\n`);
    const d = await startDaemon(dir, [], { env: cleanEnv() });
    daemons.push(d);
    await d.waitForLog(new RegExp(`CRIT ${CRIT}`));
  }, 60_000);

  it("a bad allow_unauthenticated value is a config error with file, line and option", async () => {
    const { dir } = await configWith("port=0.0.0.0:PORT\nallow_unauthenticated = maybe");
    const t = await runDaemonOnce(["-c", dir.conf, "-t"], { env: cleanEnv() });
    expect(t.status).toBe(2);
    expect(t.stderr).toContain("not a valid boolean value: 'maybe'");
    expect(t.stderr).toContain(`${dir.conf}:`);
    expect(t.stderr).toContain("allow_unauthenticated");
  });
});
