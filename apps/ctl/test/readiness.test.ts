/** issue 14's tsctl helpers, pure: the graph from process infos, dependents to stop first, wait conditions, columns. */
import { describe, expect, it } from "vitest";
import type { ProcessInfo } from "../src/backend.js";
import { buildGraph, readinessColumn, reached, runningDependents, takeWithDependents } from "../src/commands/readiness.js";

function info(name: string, extra: Partial<ProcessInfo> = {}): ProcessInfo {
  return {
    name,
    group: name,
    start: 0,
    stop: 0,
    now: 0,
    state: 20,
    statename: "RUNNING",
    spawnerr: "",
    exitstatus: 0,
    stdoutLogfile: "",
    stderrLogfile: "",
    pid: 1,
    program: name,
    readiness: "none",
    dependsOn: [],
    ...extra,
  };
}

const stack = [
  info("broker", { readiness: "ready" }),
  info("migrate", { statename: "EXITED", state: 100 }),
  info("worker", { dependsOn: ["broker:ready", "migrate:completed"] }),
  info("beat", { dependsOn: ["worker:running"] }),
  info("web", { dependsOn: ["broker:ready"], statename: "STOPPED", state: 0 }),
];

describe("graph from process infos", () => {
  it("orders programs dependencies first, priority then name breaking ties", () => {
    const g = buildGraph(stack, new Map([["migrate", 1], ["broker", 900]]));
    expect(g.order).toEqual(["migrate", "broker", "web", "worker", "beat"]);
    expect(g.edges).toContainEqual({ from: "worker", to: "migrate", condition: "completed" });
  });

  it("groups the processes of a numprocs program under its program name", () => {
    const g = buildGraph([info("w_0", { group: "w", program: "w" }), info("w_1", { group: "w", program: "w" })]);
    expect(g.nodes.get("w")?.processes.map((p) => p.name)).toEqual(["w_0", "w_1"]);
  });
});

describe("stop --with-dependents", () => {
  it("lists the running dependents, dependents of dependents first, not the stopped ones", () => {
    expect(runningDependents(stack, ["broker"]).map((p) => p.name)).toEqual(["beat", "worker"]);
    expect(runningDependents(stack, ["beat"])).toEqual([]);
  });
  it("takes the flag out of the words", () => {
    expect(takeWithDependents(["--with-dependents", "broker"])).toEqual({ words: ["broker"], withDependents: true });
  });
});

describe("wait conditions", () => {
  it("ready is RUNNING and ready, or RUNNING without a ready_check", () => {
    expect(reached(info("a", { readiness: "ready" }), "ready")).toBe(true);
    expect(reached(info("a", { readiness: "checking" }), "ready")).toBe(false);
    expect(reached(info("a", { readiness: "none" }), "ready")).toBe(true);
    expect(reached(info("a", { readiness: "ready", statename: "STOPPING" }), "ready")).toBe(false);
    expect(reached(info("a", { statename: "EXITED" }), "stopped")).toBe(true);
    expect(reached(info("a", { statename: "STARTING" }), "running")).toBe(false);
  });
});

describe("status --verbose column", () => {
  it("is empty without checks or waits, and says readiness, liveness and the wait otherwise", () => {
    expect(readinessColumn(info("a"))).toBe("");
    expect(
      readinessColumn(info("a", { readiness: "failing", readinessStatus: "tcp:x:1 failed 3 times: refused", liveness: "checking", livenessStatus: "exec:x ok" })),
    ).toBe("   ready=failing (tcp:x:1 failed 3 times: refused); live=checking (exec:x ok)");
    expect(readinessColumn(info("a", { waitingFor: "waiting for db:ready (STARTING)" }))).toBe("   waiting for db:ready (STARTING)");
  });
});

describe("help", () => {
  it("explains graph and wait, and leaves supervisorctl's help index alone", async () => {
    const { helpFor, helpIndex } = await import("../src/help.js");
    expect(helpFor("graph")[0]).toMatch(/^graph\t/);
    expect(helpFor("wait")[0]).toBe("wait <name> [...] --for ready|running|stopped [--timeout S]");
    expect(helpIndex().join("\n")).not.toMatch(/graph|wait/);
  });
});
