/**
 * issue 14 in `tsctl top`: a READY column appears only when some process has a ready_check (frames of configs
 * without one stay as they were), readiness changes arrive live from the Watch stream, and a start held back
 * by depends_on shows why in the info column.
 */
import { render } from "ink-testing-library";
import { afterEach, describe, expect, it } from "vitest";
import { TopController } from "../src/controller.js";
import { WatchMapper, type WireProcessInfo } from "../src/grpc-source.js";
import { initialState } from "../src/reducer.js";
import { TopStore } from "../src/store.js";
import { App } from "../src/views/app.js";
import { readyCell } from "../src/views/process-table.js";
import { FakeSource, proc, snapshot, until } from "./helpers/fake-source.js";

// eslint-disable-next-line no-control-regex
const strip = (s: string | undefined): string => (s ?? "").replace(/\x1b\[[0-9;]*m/g, "");

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function mount() {
  const source = new FakeSource();
  const store = new TopStore(initialState({ viewport: { columns: 120, rows: 20 }, now: 10_000 }), { minIntervalMs: 0 });
  const controller = new TopController(store, source);
  const view = render(<App store={store} controller={controller} label="unix:///tmp/test.sock" clock={false} />);
  cleanups.push(() => {
    view.unmount();
    store.dispose();
  });
  const frame = (): string => strip(view.lastFrame());
  const waitFor = (text: string | RegExp): Promise<void> =>
    until(() => (typeof text === "string" ? frame().includes(text) : text.test(frame())), `${String(text)} in:\n${frame()}`);
  return { store, frame, waitFor };
}

describe("READY column", () => {
  it("is absent when no process has a ready_check", async () => {
    const t = mount();
    t.store.dispatch({ type: "watch", event: snapshot([proc("api", "api", { pid: 1, readiness: "none" })]), at: 10_000 });
    await t.waitFor("connected");
    expect(t.frame()).not.toContain("READY");
  });

  it("shows readiness, follows a change live, and a held-back start says what it waits for", async () => {
    const t = mount();
    t.store.dispatch({
      type: "watch",
      event: snapshot([
        proc("db", "db", { pid: 7, readiness: "checking" }),
        proc("app", "app", { state: "STOPPED", pid: 0, start: 0, readiness: "none", waitingFor: "waiting for db:ready (RUNNING, checking tcp:127.0.0.1:5432)" }),
      ]),
      at: 10_000,
    });
    await t.waitFor("READY");
    expect(t.frame()).toMatch(/db\s+db\s+RUNNING\s+checking\s+7/);
    expect(t.frame()).toMatch(/app\s+app\s+STOPPED\s+-\s+waiting for db:ready/);
    t.store.dispatch({ type: "watch", event: { kind: "process", info: proc("db", "db", { pid: 7, readiness: "ready" }) }, at: 10_100 });
    await t.waitFor(/db\s+db\s+RUNNING\s+ready\s+7/);
  });

  it("cells", () => {
    expect(["ready", "checking", "failing", "pending", "none", undefined].map(readyCell)).toEqual(["ready", "checking", "FAILING", "-", "", ""]);
  });
});

describe("Watch mapping", () => {
  it("process_readiness_changed becomes a process update carrying the readiness", () => {
    const info: WireProcessInfo = {
      name: "db", group: "db", description: "pid 7, uptime 0:00:05", start: 100, stop: 0, now: 105, state: 20,
      statename: "RUNNING", spawnerr: "", exitstatus: 0, pid: 7, cpuPercent: 0, rssBytes: 0, restarts: 0,
      readiness: "ready", readinessStatus: "tcp:127.0.0.1:5432 passed", waitingFor: "",
    };
    const events = new WatchMapper().map({ event: { $case: "processReadinessChanged", processReadinessChanged: { process: info } } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ kind: "process", info: { name: "db", readiness: "ready", readinessStatus: "tcp:127.0.0.1:5432 passed" } });
  });
});
