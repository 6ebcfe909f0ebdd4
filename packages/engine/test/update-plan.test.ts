/** issue 18: update applies the plan member by member (update/apply-plan.ts), against real children. */
import { afterEach, describe, expect, it } from "vitest";
import { Harness, config, group, isState, proc } from "./helpers.js";

const h = new Harness();
afterEach(() => h.cleanup());

const sleeper = (name: string, overrides = {}) => proc(name, "/bin/sleep 1000", { startsecs: 0, ...overrides });

describe("issue 18: hot options reach the running process", () => {
  it("a hot stopsignal change: same pid, and the next stop sends the new signal", async () => {
    const { sup, rec, logger } = h.make([group("g", [sleeper("a"), sleeper("b")])]);
    sup.start();
    await rec.waitForCount((e) => e.name === "PROCESS_STATE_RUNNING", 2);
    const before = sup.getAllProcessInfo().map((p) => p.pid);
    sup.reloadConfig(config([group("g", [sleeper("a", { stopsignal: { name: "INT", number: 2 } }), sleeper("b")])]));
    const [outcome] = await sup.update();
    expect(outcome?.members).toEqual([
      { name: "a", action: "hot" },
      { name: "b", action: "keep" },
    ]);
    expect(sup.getAllProcessInfo().map((p) => p.pid)).toEqual(before);
    await sup.stopProcess("g:a");
    expect(logger.lines.filter((l) => l.includes("with signal"))).toEqual([`DEBG killing a (pid ${String(before[0])}) with signal SIGINT`]);
    expect(sup.getProcessConfig("g:a").stopsignal.name).toBe("INT");
  });

  it("a restart-class member is replaced alone; its sibling's process object and pid stay", async () => {
    const { sup, rec } = h.make([group("g", [sleeper("a"), sleeper("b")])]);
    sup.start();
    await rec.waitForCount((e) => e.name === "PROCESS_STATE_RUNNING", 2);
    const b = sup.getProcessInfo("g:b").pid;
    const a = sup.getProcessInfo("g:a").pid;
    const from = rec.events.length;
    sup.reloadConfig(config([group("g", [proc("a", "/bin/sleep 1001", { startsecs: 0 }), sleeper("b")])]));
    await sup.update();
    await rec.waitFor(isState("a", "RUNNING"), 20_000, from);
    expect(sup.getProcessInfo("g:b").pid).toBe(b);
    expect(sup.getProcessInfo("g:a").pid).not.toBe(a);
    // Event listeners and Watch clients see what supervisord's update emits for a changed group.
    expect(rec.events.slice(from).filter((e) => e.name.startsWith("PROCESS_GROUP")).map((e) => `${e.name} ${e.payload}`)).toEqual([
      "PROCESS_GROUP_REMOVED groupname:g\n",
      "PROCESS_GROUP_ADDED groupname:g\n",
    ]);
    // Only a moved: no state change of b after the update began.
    expect(rec.events.slice(from).filter((e) => "processName" in e && e.processName === "b")).toEqual([]);
  });

  it("autostart turned on starts a never-started process now; one stopped by hand stays stopped", async () => {
    const manual = { autostart: false };
    const { sup, rec } = h.make([group("g", [sleeper("a", manual), sleeper("b", manual)])]);
    sup.start();
    await sup.startProcess("g:b");
    await sup.stopProcess("g:b");
    const from = rec.events.length;
    sup.reloadConfig(config([group("g", [sleeper("a"), sleeper("b")])]));
    const [outcome] = await sup.update();
    expect(outcome?.members).toEqual([
      { name: "a", action: "hot" },
      { name: "b", action: "hot" },
    ]);
    await rec.waitFor(isState("a", "RUNNING"), 20_000, from);
    expect(sup.getProcessInfo("g:b").state).toBe("STOPPED");
  });

  it("planUpdate is a dry run: it reports and changes nothing", async () => {
    const { sup, rec } = h.make([group("g", [sleeper("a")])]);
    sup.start();
    await rec.waitFor(isState("a", "RUNNING"));
    sup.reloadConfig(config([group("g", [sleeper("a", { autorestart: false })])]));
    const [plan] = sup.planUpdate();
    expect(plan?.members[0]?.changes).toEqual([{ option: "autorestart", class: "hot", old: "unexpected", new: "false" }]);
    expect(sup.getProcessConfig("g:a").autorestart).toBe("unexpected");
  });
});
