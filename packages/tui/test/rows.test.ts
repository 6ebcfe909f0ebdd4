import { describe, expect, it } from "vitest";
import type { ProcessInfo } from "../src/model.js";
import { buildRows, countByState, type Row, type RowInputs } from "../src/rows.js";
import { proc } from "./helpers/fake-source.js";

function inputs(list: ProcessInfo[], extra: Partial<RowInputs> = {}): RowInputs {
  return {
    processes: new Map(list.map((p) => [`${p.group}:${p.name}`, p])),
    sort: { key: "name", reversed: false },
    filter: "",
    collapsed: new Set(),
    ...extra,
  };
}

function ids(rows: Row[]): string[] {
  return rows.map((r) => (r.kind === "group" ? `[${r.group}]` : r.key));
}

const world = [
  proc("web", "web_01", { cpuPercent: 5, rssBytes: 300 }),
  proc("api", "api", { cpuPercent: 50, rssBytes: 100 }),
  proc("web", "web_00", { state: "FATAL", cpuPercent: null, rssBytes: null }),
  proc("worker", "worker", { state: "STOPPED", cpuPercent: 1, rssBytes: 900 }),
];

describe("table rows", () => {
  it("orders by group then name, with a header only for groups of several processes", () => {
    expect(ids(buildRows(inputs(world)))).toEqual(["api:api", "[web]", "web:web_00", "web:web_01", "worker:worker"]);
  });

  it("hides a collapsed group's members behind its header", () => {
    const rows = buildRows(inputs(world, { collapsed: new Set(["web"]) }));
    expect(ids(rows)).toEqual(["api:api", "[web]", "worker:worker"]);
    expect(rows[1]).toMatchObject({ kind: "group", collapsed: true });
  });

  it("gives a lone program in a group of another name a header (heterogeneous [group:x])", () => {
    expect(ids(buildRows(inputs([proc("g", "only")])))).toEqual(["[g]", "g:only"]);
  });

  it("sorts by CPU or memory globally, highest first, unknown last", () => {
    expect(ids(buildRows(inputs(world, { sort: { key: "cpu", reversed: false } })))).toEqual([
      "api:api",
      "web:web_01",
      "worker:worker",
      "web:web_00",
    ]);
    expect(ids(buildRows(inputs(world, { sort: { key: "memory", reversed: true } })))).toEqual([
      "api:api",
      "web:web_01",
      "worker:worker",
      "web:web_00",
    ]);
  });

  it("sorts by state with problems first", () => {
    expect(ids(buildRows(inputs(world, { sort: { key: "state", reversed: false } })))).toEqual([
      "web:web_00",
      "api:api",
      "web:web_01",
      "worker:worker",
    ]);
  });

  it("filters on group:name and on the state name, case-insensitively", () => {
    expect(ids(buildRows(inputs(world, { filter: "WEB_0" })))).toEqual(["[web]", "web:web_00", "web:web_01"]);
    expect(ids(buildRows(inputs(world, { filter: "fatal" })))).toEqual(["[web]", "web:web_00"]);
    expect(buildRows(inputs(world, { filter: "nothing" }))).toEqual([]);
  });

  it("counts processes per state in spec order", () => {
    expect(countByState(world)).toEqual([
      ["STOPPED", 1],
      ["RUNNING", 2],
      ["FATAL", 1],
    ]);
  });
});
