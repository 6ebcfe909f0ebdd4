/**
 * issue 20: the daemon serves its API while autostart is under way (supervisord does: §7.2, the servers open
 * before step 11). 50 programs that stay STARTING for a minute: `tsctl status` answers with the states as they
 * are then, and the activity log keeps supervisord's start-up order (the started line first, then the spawns
 * in config order, however many turns of the event loop the autostart takes).
 */
import { describe, expect, it } from "vitest";
import { TSCTL } from "../lib/paths.js";
import { runCommand } from "../lib/run.js";
import { startDaemon, TestDir } from "./lib/daemon.js";

const N = 50;
const names = Array.from({ length: N }, (_, i) => `p${String(i).padStart(2, "0")}`);

describe("serving during autostart", () => {
  it("50 slow-starting programs: status answers while they are STARTING or not yet spawned; log order kept", async () => {
    using dir = new TestDir();
    dir.writeConfig(names.map((n) => `[program:${n}]\ncommand=/bin/sleep 1000\nstartsecs=60\n`).join("\n"));
    await using daemon = await startDaemon(dir);
    const status = await runCommand([process.execPath, TSCTL, "-c", dir.conf, "status"]);
    const rows = status.stdout.trim().split("\n").map((line) => line.split(/\s+/));
    expect(rows.map((r) => r[0])).toEqual(names);
    // Nothing can be RUNNING before its 60 s: the answer did not wait for any program to finish starting.
    for (const [, state] of rows) expect(["STOPPED", "STARTING"]).toContain(state);

    const log = await daemon.waitForLog(new RegExp(`spawned: '${names[N - 1]}'`));
    const lines = log.split("\n");
    const started = lines.findIndex((l) => l.includes(`supervisord started with pid ${daemon.pid}`));
    const spawned = lines.flatMap((l, i) => (l.includes("spawned:") ? [{ i, name: /'(\w+)'/.exec(l)?.[1] }] : []));
    expect(started).toBeGreaterThanOrEqual(0);
    expect(spawned[0]?.i).toBeGreaterThan(started);
    expect(spawned.map((s) => s.name)).toEqual(names);
  });
});
