/**
 * depends_on at run time (issue 14): which conditions a process still waits for, whether one can no longer be
 * met, and the start/stop order of groups. The graph itself (topological order, ties by priority, cycles) is
 * @tsupervisord/config's, so config validation, the engine and `tsctl graph` agree.
 */
import { topologicalOrder, type Dependency, type GraphEdge } from "@tsupervisord/config";
import type { ManagedProcess } from "../process.js";

/** Does this one process meet the condition now? */
export function meets(proc: ManagedProcess, condition: Dependency["condition"]): boolean {
  const m = proc.machine;
  switch (condition) {
    case "started":
      return m.pid !== 0 || proc.state === "RUNNING" || proc.state === "EXITED";
    case "running":
      return proc.state === "RUNNING";
    case "ready":
      return proc.state === "RUNNING" && (proc.checks?.isReady ?? false);
    case "completed":
      return proc.state === "EXITED" && m.exitstatus !== null && m.config.exitcodes.includes(m.exitstatus);
  }
}

/** Can the condition still be met without someone starting the process again? Null if so, else why not. */
export function blockedBecause(proc: ManagedProcess, condition: Dependency["condition"]): string | null {
  const state = proc.state;
  if (state === "FATAL" || state === "UNKNOWN") return `${proc.name} is ${state}`;
  if (condition === "completed" && state === "EXITED" && !meets(proc, "completed")) {
    return `${proc.name} exited with status ${proc.machine.exitstatus ?? "?"} (not an expected exit code)`;
  }
  // An autorestart would have made it STARTING already: EXITED stays EXITED, so it will not run (or be ready).
  if ((condition === "running" || condition === "ready") && state === "EXITED") return `${proc.name} is EXITED`;
  return null;
}

export interface DependencyStatus {
  /** The dependencies not met yet, as `name:condition (state, readiness status)`. */
  unmet: string[];
  /** Set when an unmet dependency cannot be met any more (FATAL, wrong exit code). */
  blocked: string | null;
}

/** Looks processes up by program name (`[program:x]`; all its processes must meet the condition). */
export type ProgramLookup = (program: string) => ManagedProcess[];

export function dependencyStatus(proc: ManagedProcess, lookup: ProgramLookup): DependencyStatus {
  const unmet: string[] = [];
  let blocked: string | null = null;
  for (const dep of proc.config.readiness?.dependsOn ?? []) {
    const members = lookup(dep.program);
    const waiting = members.filter((p) => !meets(p, dep.condition));
    if (members.length > 0 && waiting.length === 0) continue;
    const first = waiting[0];
    const detail =
      first === undefined
        ? "not in the running config"
        : [first.state, dep.condition === "ready" ? first.checks?.view().readinessStatus : undefined]
            .filter((x) => x !== undefined && x !== "")
            .join(", ");
    unmet.push(`${dep.program}:${dep.condition} (${detail})`);
    for (const p of waiting) blocked ??= blockedBecause(p, dep.condition);
    if (members.length === 0) blocked ??= `${dep.program} is not in the running config`;
  }
  return { unmet, blocked };
}

/** Group names in start order: every group after the groups its processes depend on, priority breaking ties. */
export function groupStartOrder(
  groups: ReadonlyArray<{ name: string; priority: number; processes: readonly ManagedProcess[] }>,
): string[] {
  const groupOfProgram = new Map<string, string>();
  for (const g of groups) for (const p of g.processes) groupOfProgram.set(p.config.programName, g.name);
  const edges: GraphEdge[] = [];
  for (const g of groups) {
    for (const p of g.processes) {
      for (const d of p.config.readiness?.dependsOn ?? []) {
        const to = groupOfProgram.get(d.program);
        // A dependency inside the same [group:x] orders nothing at group level (the gate still waits).
        if (to !== undefined && to !== g.name) edges.push({ from: g.name, to, condition: d.condition });
      }
    }
  }
  const { order, cycle } = topologicalOrder(
    groups.map((g) => ({ name: g.name, priority: g.priority })),
    edges,
  );
  if (cycle === null) return order;
  // Only possible through [group:x] membership (program cycles are config errors): fall back to priority.
  const placed = new Set(order);
  return [...order, ...groups.filter((g) => !placed.has(g.name)).map((g) => g.name)];
}

/** True when any process of these groups has a depends_on. */
export function hasDependencies(processes: Iterable<ManagedProcess>): boolean {
  for (const p of processes) if ((p.config.readiness?.dependsOn.length ?? 0) > 0) return true;
  return false;
}
