// issue 19: `tsctl top --context a,b,dead` on a real terminal (tmux) against two real daemons (one on its unix
// socket, one over TCP with a password from the contexts file) and a port nothing listens on. One table with a
// host column; each host with its connection state; a daemon that goes away shows as lost with the reason and
// comes back on its own when it is started again; `q` exits 0.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { daemonUnavailableReason } from "../ctl/lib/daemon.js";
import { startTwoHosts, type TwoHosts } from "../ctl/lib/hosts.js";
import { TSCTL } from "../ctl/lib/paths.js";
import { HAVE_TMUX, TmuxPane } from "../ctl/lib/tmux.js";

const reason = !HAVE_TMUX ? "tmux is not installed" : await daemonUnavailableReason();
if (reason !== null) console.warn(`[tui e2e] top multi-host skipped: ${reason}`);

describe.skipIf(reason !== null)("tsctl top --context a,b,dead in tmux against two real daemons", { timeout: 90_000 }, () => {
  let hosts: TwoHosts;
  let pane: TmuxPane | null = null;

  beforeAll(async () => {
    hosts = await startTwoHosts();
  }, 60_000);

  afterAll(async () => {
    pane?.kill();
    await hosts?.stop();
  });

  it("shows both hosts in one table, the dead one as lost, follows a restart of b, and quits with q", async () => {
    const quote = (s: string): string => `'${s.replace(/'/g, "'\\''")}'`;
    pane = new TmuxPane(`cd ${quote(hosts.a.dir)} && ${quote(process.execPath)} ${quote(TSCTL)} -c ${quote(hosts.a.conf)} --context a,b,dead top`, {
      XDG_CONFIG_HOME: hosts.xdg,
      TERM: "xterm-256color",
    });
    let screen = await pane.waitFor(/a ● connected\s+b ● connected\s+dead (○ lost|◌ connecting… \(was)/, 20_000);
    screen = await pane.waitFor(/b\s+gamma\s+gamma\s+RUNNING\s+\d+/, 20_000);
    expect(screen).toMatch(/HOST\s+GROUP\s+NAME\s+STATE/);
    expect(screen).toMatch(/a\s+alpha\s+alpha\s+RUNNING\s+\d+/);
    expect(screen).toMatch(/b\s+beta\s+beta\s+RUNNING\s+\d+/);
    expect(screen).toContain("3 processes");
    expect(screen).toMatch(/dead .*ECONNREFUSED|dead .*refused/i);

    // b goes away: it is lost (with why), its rows go, a carries on.
    const shutdown = await hosts.tsctl(["--context", "b", "shutdown"]);
    expect(shutdown.code).toBe(0);
    screen = await pane.waitFor(/b (○ lost: |◌ connecting… \(was: )\S/, 20_000);
    await pane.waitFor(/^(?![\s\S]*\bb\s+beta\s+beta)[\s\S]*a\s+alpha\s+alpha\s+RUNNING/, 20_000);

    // ...and comes back by itself once b runs again.
    await hosts.restartB();
    await pane.waitFor(/b ● connected/, 30_000);
    await pane.waitFor(/b\s+beta\s+beta\s+RUNNING\s+\d+/, 20_000);

    pane.send("q");
    await pane.waitFor(/EXIT=0/, 10_000);
  });
});
