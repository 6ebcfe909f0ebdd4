/**
 * Whole-config checks of `depends_on` (issue 14): an unknown name, a cycle, or a condition that can never be
 * met is a config error at the dependent's `depends_on` line that names both ends with their file and line.
 */
import { SectionReader, type ReadContext } from "../context.js";
import type { GroupConfig, ProcessConfig } from "../types.js";
import { topologicalOrder, type GraphEdge, type GraphNode } from "./dependency-graph.js";

interface ProgramInfo {
  name: string;
  section: string;
  priority: number;
  where: string;
  first: ProcessConfig;
}

/** Programs that can take part in the graph: `[program:x]` sections (their processes share the name). */
export function dependencyPrograms(groups: readonly GroupConfig[]): Map<string, ProgramInfo> {
  const out = new Map<string, ProgramInfo>();
  for (const g of groups) {
    for (const p of g.processes) {
      if (!p.section.startsWith("program:") || out.has(p.programName)) continue;
      out.set(p.programName, {
        name: p.programName,
        section: p.section,
        priority: p.priority,
        where: `${p.source.file}:${p.source.line}`,
        first: p,
      });
    }
  }
  return out;
}

export function dependencyEdges(programs: Map<string, ProgramInfo>): GraphEdge[] {
  const edges: GraphEdge[] = [];
  for (const p of programs.values()) {
    for (const d of p.first.readiness?.dependsOn ?? []) edges.push({ from: p.name, to: d.program, condition: d.condition });
  }
  return edges;
}

export function validateDependencies(ctx: ReadContext, groups: readonly GroupConfig[]): void {
  const programs = dependencyPrograms(groups);
  const edges = dependencyEdges(programs);
  for (const e of edges) {
    const from = programs.get(e.from) as ProgramInfo;
    const r = new SectionReader(ctx, from.section, "");
    const to = programs.get(e.to);
    const head = `${e.from} depends on ${e.to}:${e.condition}`;
    if (to === undefined) {
      r.record("depends_on", `${head}, but there is no [program:${e.to}] in the config`);
      continue;
    }
    const there = `[${to.section}] (${to.where})`;
    if (e.condition === "ready" && (to.first.readiness?.readyCheck ?? null) === null) {
      r.record("depends_on", `${head}, but ${there} has no ready_check, so it is never ready`);
    }
    if (e.condition === "completed" && to.first.autorestart === true) {
      r.record("depends_on", `${head}, but ${there} has autorestart=true, so it never completes`);
    }
  }
  const nodes: GraphNode[] = [...programs.values()].map((p) => ({ name: p.name, priority: p.priority }));
  const { cycle } = topologicalOrder(nodes, edges.filter((e) => programs.has(e.to)));
  if (cycle !== null) {
    const first = programs.get(cycle[0] as string) as ProgramInfo;
    const places = [...new Set(cycle)].map((n) => `[${programs.get(n)?.section ?? n}] (${programs.get(n)?.where ?? "?"})`);
    new SectionReader(ctx, first.section, "").record(
      "depends_on",
      `dependency cycle: ${cycle.join(" -> ")}; ${places.join(", ")}`,
    );
  }
}
