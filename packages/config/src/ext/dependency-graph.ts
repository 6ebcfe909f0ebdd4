/**
 * The `depends_on` graph, pure: topological start order with `priority` (then name) breaking ties, and the
 * first cycle when there is one. Nodes are program names; an edge points from a dependent to what it needs.
 * Shared by config validation (cycles are config errors), the engine (start/stop order) and `tsctl graph`.
 */
import type { DependencyCondition } from "./readiness.js";

export interface GraphNode {
  name: string;
  priority: number;
}

export interface GraphEdge {
  /** The dependent. */
  from: string;
  /** What it needs. */
  to: string;
  condition: DependencyCondition;
}

export interface OrderResult {
  /** Every node, dependencies first; with a cycle, the nodes outside it (cycle members are left out). */
  order: string[];
  /** `[a, b, …, a]` (a needs b … needs a), or null. */
  cycle: string[] | null;
}

function before(a: GraphNode, b: GraphNode): boolean {
  return a.priority !== b.priority ? a.priority < b.priority : a.name < b.name;
}

/** Kahn's algorithm; among the nodes whose needs are all placed, the lowest (priority, name) goes first. */
export function topologicalOrder(nodes: readonly GraphNode[], edges: readonly GraphEdge[]): OrderResult {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const needs = new Map<string, Set<string>>(nodes.map((n) => [n.name, new Set<string>()]));
  const neededBy = new Map<string, string[]>(nodes.map((n) => [n.name, []]));
  for (const e of edges) {
    if (!byName.has(e.from) || !byName.has(e.to)) continue;
    needs.get(e.from)?.add(e.to);
    neededBy.get(e.to)?.push(e.from);
  }
  const ready: GraphNode[] = nodes.filter((n) => needs.get(n.name)?.size === 0);
  const order: string[] = [];
  while (ready.length > 0) {
    let best = 0;
    for (let i = 1; i < ready.length; i++) if (before(ready[i] as GraphNode, ready[best] as GraphNode)) best = i;
    const node = ready.splice(best, 1)[0] as GraphNode;
    order.push(node.name);
    for (const dependent of neededBy.get(node.name) ?? []) {
      const set = needs.get(dependent);
      if (set === undefined || !set.delete(node.name)) continue;
      if (set.size === 0) ready.push(byName.get(dependent) as GraphNode);
    }
  }
  if (order.length === nodes.length) return { order, cycle: null };
  return { order, cycle: findCycle(nodes, needs) };
}

/** A cycle among the nodes Kahn could not place (each has an unplaced need, so walking needs must loop). */
function findCycle(nodes: readonly GraphNode[], needs: Map<string, Set<string>>): string[] {
  const start = [...nodes]
    .filter((n) => (needs.get(n.name)?.size ?? 0) > 0)
    .sort((a, b) => (before(a, b) ? -1 : 1))[0] as GraphNode;
  const path: string[] = [];
  const seenAt = new Map<string, number>();
  let current = start.name;
  while (!seenAt.has(current)) {
    seenAt.set(current, path.length);
    path.push(current);
    const next = [...(needs.get(current) ?? [])].sort()[0];
    if (next === undefined) break;
    current = next;
  }
  const from = seenAt.get(current) ?? 0;
  return [...path.slice(from), current];
}

/** Everything `name` needs, directly or not (not including itself). */
export function dependenciesOf(name: string, edges: readonly GraphEdge[]): Set<string> {
  const out = new Set<string>();
  const stack = [name];
  while (stack.length > 0) {
    const n = stack.pop() as string;
    for (const e of edges) {
      if (e.from === n && !out.has(e.to) && e.to !== name) {
        out.add(e.to);
        stack.push(e.to);
      }
    }
  }
  return out;
}

/** Everything that needs `name`, directly or not (not including itself). */
export function dependentsOf(name: string, edges: readonly GraphEdge[]): Set<string> {
  const out = new Set<string>();
  const stack = [name];
  while (stack.length > 0) {
    const n = stack.pop() as string;
    for (const e of edges) {
      if (e.to === n && !out.has(e.from) && e.from !== name) {
        out.add(e.from);
        stack.push(e.from);
      }
    }
  }
  return out;
}
