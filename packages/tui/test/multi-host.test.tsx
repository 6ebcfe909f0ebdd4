// issue 19: `tsctl top --context a,b`: two daemons (in-memory sources) behind one MultiHostSource, driven through
// the real watch loop, store, controller and App, read back as frames.
import { render } from "ink-testing-library";
import { afterEach, describe, expect, it } from "vitest";
import { runWatch } from "../src/connect.js";
import { TopController } from "../src/controller.js";
import { LogFollower } from "../src/log-follower.js";
import { OpFailure } from "../src/model.js";
import { MultiHostSource, onHost } from "../src/multi-source.js";
import { initialState } from "../src/reducer.js";
import { TopStore } from "../src/store.js";
import { App } from "../src/views/app.js";
import { FakeSource, proc, snapshot, until } from "./helpers/fake-source.js";

// eslint-disable-next-line no-control-regex
const strip = (s: string | undefined): string => (s ?? "").replace(/\x1b\[[0-9;]*m/g, "");

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function mount() {
  const web1 = new FakeSource();
  const web2 = new FakeSource();
  // A 1 ms backoff: the test waits on the reconnect itself (the second watch opening), never on the clock.
  const source = new MultiHostSource([{ name: "web1", source: web1 }, { name: "web2", source: web2 }], { initialDelayMs: 1, maxDelayMs: 1 });
  const store = new TopStore(initialState({ viewport: { columns: 110, rows: 24 }, now: 10_000 }), { minIntervalMs: 0 });
  const controller = new TopController(store, source);
  const follower = new LogFollower(source, store, { flushIntervalMs: 1 });
  const abort = new AbortController();
  void runWatch(source, store, abort.signal);
  const view = render(<App store={store} controller={controller} label={source.label} clock={false} />);
  cleanups.push(() => {
    abort.abort();
    view.unmount();
    follower.dispose();
    store.dispose();
  });
  const frame = (): string => strip(view.lastFrame());
  const waitFor = (text: string | RegExp): Promise<void> =>
    until(() => (typeof text === "string" ? frame().includes(text) : text.test(frame())), `${String(text)} in:\n${frame()}`);
  return { web1, web2, source, store, view, frame, waitFor };
}

describe("top with several hosts", () => {
  it("shows every host's connection and their processes in one table with a host column", async () => {
    const t = mount();
    await t.waitFor("web1 ◌ connecting…");
    await t.waitFor("web2 ◌ connecting…");
    expect(t.frame()).toContain("waiting for the hosts");
    (await t.web1.nthWatch(1)).push(snapshot([proc("app", "app"), proc("db", "db", { pid: 7 })]));
    (await t.web2.nthWatch(1)).push(snapshot([proc("app", "app", { pid: 9 })]));
    await t.waitFor("web1 ● connected");
    await t.waitFor("web2 ● connected");
    await t.waitFor(/web2\s+app\s+app\s+RUNNING\s+9/);
    const f = t.frame();
    expect(f).toContain("tsupervisord  2 hosts");
    expect(f).toMatch(/HOST\s+GROUP\s+NAME\s+STATE/);
    expect(f).toMatch(/web1\s+app\s+app\s+RUNNING\s+100/);
    expect(f).toMatch(/web1\s+db\s+db\s+RUNNING\s+7/);
    expect(f).toContain("3 processes");
    // A program alone in its group has no group row, as with one daemon: the host prefix does not change that.
    expect(f).not.toContain("▾");
  });

  it("a lost host says why, loses its rows, reconnects on its own and comes back", async () => {
    const t = mount();
    (await t.web1.nthWatch(1)).push(snapshot([proc("app", "app")]));
    const first = await t.web2.nthWatch(1);
    first.push(snapshot([proc("app", "app", { pid: 9 })]));
    await t.waitFor(/web2\s+app\s+app\s+RUNNING\s+9/);
    first.fail(new Error("connect ECONNREFUSED 127.0.0.1:9002"));
    await t.waitFor(/web2 (○ lost: |◌ connecting… \(was: )connect ECONNREFUSED 127\.0\.0\.1:9002/);
    expect(t.frame()).not.toMatch(/web2\s+app\s+app/);
    expect(t.frame()).toMatch(/web1\s+app\s+app\s+RUNNING/);
    expect(t.frame()).toContain("web1 ● connected");
    const second = await t.web2.nthWatch(2);
    second.push(snapshot([proc("app", "app", { pid: 11 })]));
    await t.waitFor(/web2\s+app\s+app\s+RUNNING\s+11/);
    await t.waitFor("web2 ● connected");
  });

  it("sends an action to the selected row's host, with the host prefix removed", async () => {
    const t = mount();
    (await t.web1.nthWatch(1)).push(snapshot([proc("app", "app")]));
    (await t.web2.nthWatch(1)).push(snapshot([proc("app", "app", { pid: 9 })]));
    await t.waitFor(/web2\s+app\s+app\s+RUNNING\s+9/);
    t.view.stdin.write("G"); // the last row: web2's app
    t.view.stdin.write("x");
    await until(() => t.web2.calls.length === 1, "the stop to reach web2");
    expect(t.web2.calls).toEqual([{ verb: "stop", target: "app:app" }]);
    expect(t.web1.calls).toEqual([]);
  });

  it("routes selectors by the longest host prefix and names the host in a group's failure lines", async () => {
    const a = new FakeSource();
    const ab = new FakeSource();
    const multi = new MultiHostSource([{ name: "a", source: a }, { name: "a/b", source: ab }]);
    expect(multi.route("a/b/app:*").host).toBe("a/b");
    expect(multi.route("a/app:*")).toMatchObject({ host: "a", target: "app:*" });
    expect(() => multi.route("zz/app:app")).toThrow("not a process of any host");
    ab.failures.set("web:*", new OpFailure(["web:web_00: ERROR (spawn error)"]));
    await expect(multi.start("a/b/web:*")).rejects.toMatchObject({ lines: ["a/b/web:web_00: ERROR (spawn error)"] });
    multi.close();
    expect(a.closed && ab.closed).toBe(true);
  });

  it("maps every per-host event into the merged world", () => {
    expect(onHost("h", { kind: "removed", key: "g:p" })).toEqual({ kind: "removed", key: "h/g:p" });
    expect(onHost("h", { kind: "groupRemoved", group: "g" })).toEqual({ kind: "groupRemoved", group: "h/g" });
    expect(onHost("h", { kind: "stats", stats: [{ key: "g:p", cpuPercent: 1, rssBytes: 2 }] })).toEqual({
      kind: "stats",
      stats: [{ key: "h/g:p", cpuPercent: 1, rssBytes: 2 }],
    });
    expect(onHost("h", { kind: "process", info: proc("g", "p") })).toMatchObject({ info: { host: "h", group: "h/g", name: "p" } });
  });
});
