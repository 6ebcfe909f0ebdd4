import { SupervisorError } from "@tsupervisord/errors";
import { render } from "ink-testing-library";
import { afterEach, describe, expect, it } from "vitest";
import { TopController } from "../src/controller.js";
import { initialState } from "../src/reducer.js";
import { TopStore } from "../src/store.js";
import { App } from "../src/views/app.js";
import { LogFollower } from "../src/log-follower.js";
import { DAEMON, FakeSource, proc, snapshot, until } from "./helpers/fake-source.js";

// eslint-disable-next-line no-control-regex
const strip = (s: string | undefined): string => (s ?? "").replace(/\x1b\[[0-9;]*m/g, "");

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function mount(rows = 24) {
  const source = new FakeSource();
  const store = new TopStore(initialState({ viewport: { columns: 100, rows }, now: 10_000 }), { minIntervalMs: 0 });
  const controller = new TopController(store, source);
  const follower = new LogFollower(source, store, { flushIntervalMs: 1 });
  const view = render(<App store={store} controller={controller} label="unix:///tmp/test.sock" clock={false} />);
  cleanups.push(() => {
    view.unmount();
    follower.dispose();
    store.dispose();
  });
  const frame = (): string => strip(view.lastFrame());
  const waitFor = (text: string): Promise<void> => until(() => frame().includes(text), `"${text}" in:\n${frame()}`);
  const waitGone = (text: string): Promise<void> => until(() => !frame().includes(text), `"${text}" to go`);
  return { source, store, view, frame, waitFor, waitGone };
}

const world = [
  proc("api", "api", { pid: 4211, cpuPercent: 12.5, rssBytes: 42 * 1024 * 1024, restarts: 3 }),
  proc("web", "web_00", { pid: 4300 }),
  proc("web", "web_01", { state: "FATAL", pid: 0, start: 0, spawnerr: "Exited too quickly (process log may have details)", stop: 1005, exitstatus: 1 }),
  proc("worker", "worker", { state: "STOPPED", pid: 0, start: 0 }),
];

describe("App frames", () => {
  it("shows that it is connecting until the snapshot arrives, then the header and every process", async () => {
    const t = mount();
    await t.waitFor("connecting");
    expect(t.frame()).toContain("waiting for the daemon");
    t.store.dispatch({ type: "watch", event: snapshot(world), at: 10_000 });
    await t.waitFor("● connected  unix:///tmp/test.sock");
    const f = t.frame();
    expect(f).toContain("tsupervisord  supervisor  4.2.5  up 10s  pid 42");
    expect(f).toContain("4 processes  STOPPED 1  RUNNING 2  FATAL 1");
    // RST is the daemon's count; `-` where the daemon gave none.
    expect(f).toMatch(/api\s+api\s+RUNNING\s+4211\s+up 10s\s+3\s+12\.5\s+42\.0M\s+-/);
    expect(f).toMatch(/web\s+web_00\s+RUNNING\s+4300\s+up 10s\s+-\s+/);
    expect(f).toContain("▾ web (2)");
    expect(f).toMatch(/web\s+web_01\s+FATAL\s+-\s+Exited too quickly/);
    expect(f).toMatch(/worker\s+worker\s+STOPPED/);
    // Rows are ordered by group then name.
    expect(f.indexOf("api   ")).toBeLessThan(f.indexOf("web_00"));
    expect(f.indexOf("web_00")).toBeLessThan(f.indexOf("web_01"));
    expect(f.indexOf("web_01")).toBeLessThan(f.indexOf("worker"));
  });

  it("fits the terminal: never more lines than rows - 1", async () => {
    const t = mount(24);
    t.store.dispatch({ type: "watch", event: snapshot(world), at: 10_000 });
    await t.waitFor("connected");
    expect(t.frame().split("\n").length).toBe(23);
    for (const line of t.frame().split("\n")) expect(line.length).toBeLessThan(100);
  });

  it("enter opens the log pane on the selected process and shows its output live", async () => {
    const t = mount();
    t.store.dispatch({ type: "watch", event: snapshot(world), at: 10_000 });
    await t.waitFor("connected");
    t.view.stdin.write("\r");
    await t.waitFor("── api:api · stdout · following");
    const follow = await t.source.nthFollow(1);
    follow.stream.push("GET /health 200\nPOST /login 302\n");
    await t.waitFor("POST /login 302");
    expect(t.frame()).toContain("GET /health 200");
    t.view.stdin.write("e");
    await t.waitFor("── api:api · stderr · following");
    expect(t.frame()).not.toContain("GET /health");
  });

  it("? shows the key help, any key closes it", async () => {
    const t = mount(30);
    t.store.dispatch({ type: "watch", event: snapshot(world), at: 10_000 });
    await t.waitFor("connected");
    t.view.stdin.write("?");
    await t.waitFor("tsctl top: keys");
    expect(t.frame()).toContain("restart the whole group (asks first)");
    t.view.stdin.write("x");
    await t.waitGone("tsctl top: keys");
    expect(t.source.calls).toEqual([]);
  });

  it("a failed action shows in the status line and the view carries on", async () => {
    const t = mount();
    t.store.dispatch({ type: "watch", event: snapshot(world), at: 10_000 });
    await t.waitFor("connected");
    t.source.failures.set("api:api", new SupervisorError("ALREADY_STARTED", "api:api"));
    t.view.stdin.write("s");
    await t.waitFor("api:api: ERROR (already started)");
    t.view.stdin.write("j");
    t.view.stdin.write("j");
    t.view.stdin.write("x");
    await t.waitFor("stopped web:web_00");
  });

  it("R asks before restarting a group", async () => {
    const t = mount();
    t.store.dispatch({ type: "watch", event: snapshot(world), at: 10_000 });
    await t.waitFor("connected");
    t.view.stdin.write("j");
    t.view.stdin.write("R");
    await t.waitFor("Restart group web?");
    t.view.stdin.write("y");
    await t.waitFor("restarted group web");
    expect(t.source.calls).toEqual([{ verb: "restart", target: "web:*" }]);
  });

  it("/ filters as you type", async () => {
    const t = mount();
    t.store.dispatch({ type: "watch", event: snapshot(world), at: 10_000 });
    await t.waitFor("connected");
    t.view.stdin.write("/");
    t.view.stdin.write("fatal");
    await t.waitFor("/fatal");
    await t.waitGone("worker");
    expect(t.frame()).toContain("web_01");
    t.view.stdin.write("\r");
    await t.waitFor('filter "fatal"');
  });

  it("shows disconnected with the reason, keeping the last known table", async () => {
    const t = mount();
    t.store.dispatch({ type: "watch", event: snapshot(world), at: 10_000 });
    await t.waitFor("connected");
    t.store.dispatch({ type: "disconnected", error: "unix:///tmp/test.sock refused connection", retryAt: 12_000 });
    await t.waitFor("○ disconnected, retry in 2s");
    expect(t.frame()).toContain("disconnected: unix:///tmp/test.sock refused connection");
    expect(t.frame()).toContain("web_00");
  });

  it("draws only the visible rows of 500 processes and follows the selection to the end", async () => {
    const t = mount(24);
    const many = Array.from({ length: 500 }, (_, i) => proc("pool", `p${String(i).padStart(3, "0")}`, { pid: 1000 + i }));
    t.store.dispatch({ type: "watch", event: snapshot(many, DAEMON), at: 10_000 });
    await t.waitFor("500 processes");
    expect(t.frame()).toContain("p000");
    expect(t.frame()).not.toContain("p100");
    expect(t.frame().split("\n").length).toBe(23);
    t.view.stdin.write("G");
    await t.waitFor("p499");
    expect(t.frame()).not.toContain("p000");
  });
});

describe("App frames: marks, groups, scrolling", () => {
  it("marks rows with *, collapses a group to ▸, and shows the log's scroll position and dropped lines", async () => {
    const t = mount(20);
    t.store.dispatch({ type: "watch", event: snapshot(world), at: 10_000 });
    await t.waitFor("connected");
    t.view.stdin.write(" ");
    await t.waitFor("1 marked");
    expect(t.frame()).toMatch(/^\* api\s+api/m);
    t.view.stdin.write("j");
    t.view.stdin.write("h");
    await t.waitFor("▸ web (2)");
    expect(t.frame()).not.toContain("web_00");
    t.view.stdin.write("\u001B");
    await t.waitGone("1 marked");

    t.view.stdin.write("g");
    t.view.stdin.write("\r");
    const follow = await t.source.nthFollow(1);
    follow.stream.push(Array.from({ length: 3000 }, (_, i) => `line ${i}`).join("\n") + "\n");
    await t.waitFor("line 2999");
    expect(t.frame()).toContain("(1000 older lines dropped)");
    t.view.stdin.write("\u001B[5~"); // PgUp
    await t.waitFor("scrolled up");
    expect(t.frame()).not.toContain("line 2999");
    t.view.stdin.write("f");
    await t.waitFor("· following");
    expect(t.frame()).toContain("line 2999");
  });
});
