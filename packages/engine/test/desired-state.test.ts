/** issue 18: the recorded wish overrides autostart when groups are activated (real children). */
import { afterEach, describe, expect, it } from "vitest";
import type { DesiredState } from "../src/desired-state.js";
import { Harness, isState, program } from "./helpers.js";

const h = new Harness();
afterEach(() => h.cleanup());

function port(wishes: Record<string, DesiredState>) {
  return { desired: (group: string, name: string) => wishes[`${group}:${name}`] ?? null };
}

describe("desired state at autostart", () => {
  it("`stopped` keeps an autostart program down, `started` starts an autostart=false one, none follows autostart", async () => {
    const { sup, rec, logger } = h.make(
      [
        program("down", "/bin/sleep 1000", { startsecs: 0 }),
        program("up", "/bin/sleep 1000", { startsecs: 0, autostart: false }),
        program("plain", "/bin/sleep 1000", { startsecs: 0 }),
        program("idle", "/bin/sleep 1000", { startsecs: 0, autostart: false }),
      ],
      { desiredState: port({ "down:down": "stopped", "up:up": "started" }) },
    );
    sup.start();
    await rec.waitFor(isState("up", "RUNNING"));
    await rec.waitFor(isState("plain", "RUNNING"));
    // Every autostart decision is taken in start(): nothing is pending for the other two.
    expect(sup.getProcessInfo("down").state).toBe("STOPPED");
    expect(sup.getProcessInfo("idle").state).toBe("STOPPED");
    expect(logger.lines).toContain("INFO not autostarting down: disabled (stopped by hand, see statefile)");
    expect(logger.lines).toContain("INFO starting up: enabled (started by hand, see statefile)");
    // supervisord-visible config is untouched: autostart stays as written.
    expect(sup.getProcessConfig("down").autostart).toBe(true);
  });

  it("a group added later (update) follows its wishes too", async () => {
    const { sup, rec } = h.make([program("a", "/bin/sleep 1000", { startsecs: 0 })], {
      desiredState: port({ "b:b": "stopped" }),
    });
    sup.start();
    await rec.waitFor(isState("a", "RUNNING"));
    sup.reloadConfig({
      ...sup.activeConfig,
      groups: [...sup.activeConfig.groups, program("b", "/bin/sleep 1000", { startsecs: 0 })],
    });
    sup.addProcessGroup("b");
    expect(sup.getProcessInfo("b").state).toBe("STOPPED");
  });
});
