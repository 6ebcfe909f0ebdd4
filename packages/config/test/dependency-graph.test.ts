/** The pure depends_on graph: topological order, ties by priority then name, cycles, closures. */
import { describe, expect, it } from "vitest";
import { dependenciesOf, dependentsOf, topologicalOrder, type GraphEdge } from "../src/index.js";

const n = (name: string, priority = 999) => ({ name, priority });
const e = (from: string, to: string): GraphEdge => ({ from, to, condition: "running" });

describe("topologicalOrder", () => {
  it("without edges is priority order, then name", () => {
    expect(topologicalOrder([n("b", 5), n("a", 5), n("c", 1)], []).order).toEqual(["c", "a", "b"]);
  });

  it("puts every dependency before its dependents, even against priority", () => {
    // web has the lowest priority number but needs redis and migrate
    const { order, cycle } = topologicalOrder(
      [n("web", 1), n("redis", 900), n("migrate", 500), n("worker", 2), n("beat", 3)],
      [e("web", "redis"), e("web", "migrate"), e("migrate", "redis"), e("worker", "migrate"), e("beat", "worker")],
    );
    expect(cycle).toBeNull();
    expect(order).toEqual(["redis", "migrate", "web", "worker", "beat"]);
  });

  it("breaks ties among ready nodes by priority, not by the order edges were given", () => {
    const { order } = topologicalOrder(
      [n("base", 1), n("x", 30), n("y", 10), n("z", 20)],
      [e("x", "base"), e("y", "base"), e("z", "base")],
    );
    expect(order).toEqual(["base", "y", "z", "x"]);
  });

  it("finds a cycle and still orders the nodes outside it", () => {
    const { order, cycle } = topologicalOrder(
      [n("a"), n("b"), n("c"), n("free")],
      [e("a", "b"), e("b", "c"), e("c", "a")],
    );
    expect(cycle).toEqual(["a", "b", "c", "a"]);
    expect(order).toEqual(["free"]);
  });

  it("reports a self-loop as a cycle of one", () => {
    expect(topologicalOrder([n("a")], [e("a", "a")]).cycle).toEqual(["a", "a"]);
  });

  it("ignores edges to unknown nodes (config validation reports them)", () => {
    expect(topologicalOrder([n("a")], [e("a", "ghost")]).order).toEqual(["a"]);
  });
});

describe("closures", () => {
  const edges = [e("web", "migrate"), e("migrate", "redis"), e("worker", "redis"), e("beat", "worker")];
  it("dependenciesOf is transitive", () => {
    expect([...dependenciesOf("web", edges)].sort()).toEqual(["migrate", "redis"]);
    expect([...dependenciesOf("redis", edges)]).toEqual([]);
  });
  it("dependentsOf is transitive", () => {
    expect([...dependentsOf("redis", edges)].sort()).toEqual(["beat", "migrate", "web", "worker"]);
    expect([...dependentsOf("worker", edges)]).toEqual(["beat"]);
  });
});
