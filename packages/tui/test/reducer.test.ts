import { describe, expect, it } from "vitest";
import type { ProcessInfo } from "../src/model.js";
import { initialState, reduce, selectedRow, selectRows, type Action, type TopState } from "../src/reducer.js";
import { proc, snapshot } from "./helpers/fake-source.js";

const viewport = { columns: 120, rows: 30 };

function run(state: TopState, ...actions: Action[]): TopState {
  return actions.reduce(reduce, state);
}

function connected(list: ProcessInfo[], rows = 30): TopState {
  return run(initialState({ viewport: { columns: 120, rows }, now: 0 }), {
    type: "watch",
    event: snapshot(list),
    at: 0,
  });
}

const three = [proc("b", "b"), proc("a", "a"), proc("c", "c", { state: "FATAL" })];

describe("reducer: data from the daemon", () => {
  it("starts connecting with nothing selected, and a snapshot connects and fills the table", () => {
    const s0 = initialState({ viewport, now: 0 });
    expect(s0.connection.status).toBe("connecting");
    const s1 = connected(three);
    expect(s1.connection).toMatchObject({ status: "connected", epoch: 1 });
    expect(s1.processes.size).toBe(3);
    expect(selectedRow(s1)).toMatchObject({ key: "a:a" });
  });

  it("replaces one process on a process event; the restart count is the daemon's, never counted here", () => {
    let s = connected(three);
    s = run(
      s,
      { type: "watch", event: { kind: "process", info: proc("a", "a", { state: "STOPPING" }) }, at: 1 },
      { type: "watch", event: { kind: "process", info: proc("a", "a", { state: "STOPPED" }) }, at: 2 },
      { type: "watch", event: { kind: "process", info: proc("a", "a", { state: "STARTING", pid: 101 }) }, at: 3 },
    );
    // The daemon said nothing about restarts (a server without the counter): unknown, not "1 seen here".
    expect(s.processes.get("a:a")).toMatchObject({ state: "STARTING", pid: 101, restarts: null, receivedAt: 3 });
    s = run(s, { type: "watch", event: { kind: "process", info: proc("a", "a", { restarts: 7 }) }, at: 4 });
    expect(s.processes.get("a:a")?.restarts).toBe(7);
    s = run(s, { type: "watch", event: snapshot([proc("a", "a", { restarts: 9 })]), at: 5 });
    expect(s.processes.get("a:a")?.restarts).toBe(9);
  });

  it("applies CPU/RSS samples and keeps them across state events of the same pid", () => {
    let s = connected(three);
    s = run(s, { type: "watch", event: { kind: "stats", stats: [{ key: "b:b", cpuPercent: 12, rssBytes: 2048 }] }, at: 1 });
    s = run(s, { type: "watch", event: { kind: "process", info: proc("b", "b", { description: "x" }) }, at: 2 });
    expect(s.processes.get("b:b")).toMatchObject({ cpuPercent: 12, rssBytes: 2048, description: "x" });
    s = run(s, { type: "watch", event: { kind: "process", info: proc("b", "b", { pid: 555 }) }, at: 3 });
    expect(s.processes.get("b:b")).toMatchObject({ cpuPercent: null, rssBytes: null });
  });

  it("drops a removed process, its mark, and moves the selection to a neighbour", () => {
    let s = run(connected(three), { type: "move", delta: 1 }, { type: "toggleMark" });
    expect(s.marked.has("b:b")).toBe(true);
    s = run(s, { type: "move", delta: -1 });
    expect(selectedRow(s)).toMatchObject({ key: "b:b" });
    s = run(s, { type: "watch", event: { kind: "removed", key: "b:b" }, at: 1 });
    expect(s.marked.size).toBe(0);
    expect(selectedRow(s)).toMatchObject({ key: "c:c" });
  });

  it("shows disconnected with the reason, and a new snapshot bumps the connection epoch", () => {
    let s = run(connected(three), { type: "disconnected", error: "socket closed", retryAt: 500 });
    expect(s.connection).toMatchObject({ status: "disconnected", error: "socket closed", retryAt: 500 });
    expect(s.processes.size).toBe(3);
    s = run(s, { type: "connecting" }, { type: "watch", event: snapshot(three), at: 600 });
    expect(s.connection).toMatchObject({ status: "connected", epoch: 2, error: null });
  });
});

describe("reducer: selection and scrolling", () => {
  it("keeps the selection on the same process when the order changes", () => {
    let s = run(connected(three), { type: "move", delta: 2 });
    expect(selectedRow(s)).toMatchObject({ key: "c:c" });
    s = run(s, { type: "cycleSort" });
    expect(s.sort.key).toBe("state");
    expect(selectRows(s)[0]).toMatchObject({ key: "c:c" });
    expect(selectedRow(s)).toMatchObject({ key: "c:c" });
  });

  it("clamps moves at both ends", () => {
    const s = run(connected(three), { type: "move", delta: -5 });
    expect(selectedRow(s)).toMatchObject({ key: "a:a" });
    expect(selectedRow(run(s, { type: "move", delta: 99 }))).toMatchObject({ key: "c:c" });
    expect(selectedRow(run(s, { type: "moveTo", where: "last" }))).toMatchObject({ key: "c:c" });
  });

  it("scrolls the table window to keep the selection visible among 500 processes", () => {
    const many = Array.from({ length: 500 }, (_, i) => proc("g", `p${String(i).padStart(3, "0")}`));
    let s = connected(many, 20);
    // 20 rows: 19 drawn, minus 5 lines of chrome = 14 table rows. Row 0 is the group header.
    s = run(s, { type: "moveTo", where: "last" });
    expect(s.tableTop).toBe(501 - 14);
    s = run(s, { type: "page", direction: -1 });
    expect(s.selectedIndex).toBe(500 - 13);
    expect(s.tableTop).toBe(500 - 13);
    s = run(s, { type: "moveTo", where: "first" });
    expect(s.tableTop).toBe(0);
  });

  it("collapses a group from a member row, landing on the header, and expands it again", () => {
    let s = connected([proc("web", "w1"), proc("web", "w2"), proc("z", "z")]);
    s = run(s, { type: "move", delta: 2 }, { type: "collapse", collapsed: true });
    expect(selectRows(s).map((r) => r.id)).toEqual(["\u0000web", "z:z"]);
    expect(selectedRow(s)).toMatchObject({ kind: "group", group: "web" });
    s = run(s, { type: "collapse", collapsed: false });
    expect(selectRows(s)).toHaveLength(4);
  });

  it("marks a whole group from its header, and toggles it back", () => {
    let s = connected([proc("web", "w1"), proc("web", "w2")]);
    s = run(s, { type: "toggleMark" });
    expect([...s.marked].sort()).toEqual(["web:w1", "web:w2"]);
    s = run(s, { type: "moveTo", where: "first" }, { type: "toggleMark" });
    expect(s.marked.size).toBe(0);
  });

  it("filters live while typing, keeps the filter on enter and clears it on escape", () => {
    let s = run(connected(three), { type: "filterStart" }, { type: "filterInput", text: "fa" });
    expect(selectRows(s).map((r) => r.id)).toEqual(["c:c"]);
    s = run(s, { type: "filterBackspace" }, { type: "filterInput", text: "a" }, { type: "filterApply" });
    expect(s.filter).toBe("fa");
    expect(s.filterDraft).toBeNull();
    s = run(s, { type: "filterStart" }, { type: "filterCancel" });
    expect(s.filter).toBe("");
    expect(selectRows(s)).toHaveLength(3);
  });
});

describe("reducer: the log pane", () => {
  it("follows the selected process, and starts over (new generation, empty) when the selection moves", () => {
    let s = run(connected(three), { type: "toggleLogPane" });
    expect(s.logPane).toMatchObject({ open: true, key: "a:a", channel: "stdout" });
    const gen = s.logPane.generation;
    s = run(s, { type: "log", key: "a:a", channel: "stdout", generation: gen, text: "hello\n" });
    expect(s.logPane.log.lines).toEqual(["hello"]);
    s = run(s, { type: "move", delta: 1 });
    expect(s.logPane).toMatchObject({ key: "b:b" });
    expect(s.logPane.generation).toBeGreaterThan(gen);
    expect(s.logPane.log.lines).toEqual([]);
  });

  it("ignores chunks from an older follow (late arrivals after switching process or channel)", () => {
    let s = run(connected(three), { type: "toggleLogPane" });
    const old = s.logPane.generation;
    s = run(s, { type: "switchChannel" });
    expect(s.logPane).toMatchObject({ key: "a:a", channel: "stderr" });
    s = run(s, { type: "log", key: "a:a", channel: "stdout", generation: old, text: "late\n" });
    expect(s.logPane.log.lines).toEqual([]);
  });

  it("scrolls up through the log, holds the view still while output arrives, and follows again on logBottom", () => {
    let s = run(connected(three, 20), { type: "toggleLogPane" });
    const gen = s.logPane.generation;
    const text = Array.from({ length: 50 }, (_, i) => `line ${i}`).join("\n") + "\n";
    s = run(s, { type: "log", key: "a:a", channel: "stdout", generation: gen, text });
    s = run(s, { type: "page", direction: -1 });
    expect(s.logPane.scroll).toBeGreaterThan(0);
    const scroll = s.logPane.scroll;
    s = run(s, { type: "log", key: "a:a", channel: "stdout", generation: gen, text: "new 1\nnew 2\n" });
    expect(s.logPane.scroll).toBe(scroll + 2);
    s = run(s, { type: "logBottom" });
    expect(s.logPane.scroll).toBe(0);
  });

  it("closing the pane stops following", () => {
    const s = run(connected(three), { type: "toggleLogPane" }, { type: "toggleLogPane" });
    expect(s.logPane).toMatchObject({ open: false, key: null });
  });
});
