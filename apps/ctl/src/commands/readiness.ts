/**
 * issue 14's tsctl additions: `graph`, `wait`, `stop --with-dependents` and the note after `stop`, the
 * `status --verbose` readiness column and the `--json` readiness fields. supervisorctl's own output is never
 * touched: all of this appears only with these commands and flags.
 */
import { dependentsOf, topologicalOrder, type GraphEdge } from "@tsupervisord/config/ctl";
import type { ProcessInfo, WatchUpdate } from "../backend.js";
import type { Controller } from "../controller.js";
import { makeNamespec } from "@tsupervisord/pycompat";
import { ExitStatus } from "../states.js";
import { toJson } from "./json.js";
import { selectsProcess as matches, splitWords } from "./types.js";
import { doWaitOperation } from "./operations.js";

// ---- the graph from the daemon's process infos ---------------------------------------------------------------

export interface ProgramNode {
  name: string;
  priority: number;
  processes: ProcessInfo[];
}

export interface DependencyGraph {
  nodes: Map<string, ProgramNode>;
  edges: GraphEdge[];
  /** Start order (dependencies first, priority then name breaking ties); stop order is its reverse. */
  order: string[];
}

function programOf(info: ProcessInfo): string {
  return info.program !== undefined && info.program !== "" ? info.program : info.group;
}

function parseEntry(entry: string): { to: string; condition: GraphEdge["condition"] } {
  const colon = entry.lastIndexOf(":");
  return { to: entry.slice(0, colon), condition: entry.slice(colon + 1) as GraphEdge["condition"] };
}

export function buildGraph(infos: readonly ProcessInfo[], priorities: ReadonlyMap<string, number> = new Map()): DependencyGraph {
  const nodes = new Map<string, ProgramNode>();
  for (const info of infos) {
    const name = programOf(info);
    let node = nodes.get(name);
    if (node === undefined) {
      node = { name, priority: priorities.get(makeNamespec(info.group, info.name)) ?? 999, processes: [] };
      nodes.set(name, node);
    }
    node.processes.push(info);
  }
  const edges: GraphEdge[] = [];
  for (const node of nodes.values()) {
    for (const entry of node.processes[0]?.dependsOn ?? []) {
      const { to, condition } = parseEntry(entry);
      edges.push({ from: node.name, to, condition });
    }
  }
  const { order } = topologicalOrder([...nodes.values()], edges);
  return { nodes, edges, order };
}

/** The nodes related to `name`: what it needs (transitively), itself, and what needs it (transitively). */
function neighbourhood(graph: DependencyGraph, name: string): Set<string> {
  const keep = new Set<string>([name, ...dependentsOf(name, graph.edges)]);
  const stack = [name];
  while (stack.length > 0) {
    const n = stack.pop() as string;
    for (const e of graph.edges) {
      if (e.from === n && !keep.has(e.to)) {
        keep.add(e.to);
        stack.push(e.to);
      }
    }
  }
  return keep;
}

function stateSummary(node: ProgramNode): string {
  return node.processes
    .map((p) => {
      const ready = p.readiness !== undefined && p.readiness !== "none" && p.readiness !== "" ? `, ${p.readiness}` : "";
      const name = node.processes.length > 1 ? `${p.name} ` : "";
      return `${name}${p.statename}${ready}`;
    })
    .join("; ");
}

export async function doGraph(ctl: Controller, arg: string): Promise<void> {
  if (!(await ctl.upcheck())) return;
  const words = splitWords(arg);
  const json = words.includes("--json");
  const dot = words.includes("--dot");
  const names = words.filter((w) => !w.startsWith("--"));
  const unknownFlag = words.find((w) => w.startsWith("--") && w !== "--json" && w !== "--dot");
  if (unknownFlag !== undefined || names.length > 1 || (json && dot)) {
    ctl.output("Error: usage: graph [name] [--json | --dot]");
    ctl.exitstatus = ExitStatus.INVALID_ARGS;
    return;
  }
  const backend = ctl.backend();
  const infos = await backend.getAllProcessInfo();
  const priorities = new Map((await backend.getAllConfigInfo()).filter((c) => c.inuse).map((c) => [makeNamespec(c.group, c.name), c.processPrio]));
  const graph = buildGraph(infos, priorities);
  let keep: Set<string> | null = null;
  if (names[0] !== undefined) {
    const name = names[0];
    if (!graph.nodes.has(name)) {
      ctl.output(`${name}: ERROR (no such program)`);
      ctl.exitstatus = ExitStatus.INVALID_ARGS;
      return;
    }
    keep = neighbourhood(graph, name);
  }
  const order = graph.order.filter((n) => keep === null || keep.has(n));
  const edges = graph.edges.filter((e) => keep === null || (keep.has(e.from) && keep.has(e.to)));
  if (json) {
    ctl.output(
      toJson({
        order,
        nodes: order.map((n) => {
          const node = graph.nodes.get(n) as ProgramNode;
          return {
            name: n,
            priority: node.priority,
            processes: node.processes.map((p) => ({
              namespec: makeNamespec(p.group, p.name),
              statename: p.statename,
              readiness: p.readiness ?? "",
              readiness_status: p.readinessStatus ?? "",
              waiting_for: p.waitingFor ?? "",
            })),
          };
        }),
        edges: edges.map((e) => ({ from: e.from, to: e.to, condition: e.condition })),
      }),
    );
    return;
  }
  if (dot) {
    ctl.output("digraph depends_on {");
    ctl.output("  rankdir=LR;");
    for (const n of order) ctl.output(`  ${JSON.stringify(n)};`);
    for (const e of edges) ctl.output(`  ${JSON.stringify(e.from)} -> ${JSON.stringify(e.to)} [label=${JSON.stringify(e.condition)}];`);
    ctl.output("}");
    return;
  }
  // Text: start order, one program a line with its state, then what it needs.
  for (const n of order) {
    const node = graph.nodes.get(n) as ProgramNode;
    ctl.output(`${n} (${stateSummary(node)})`);
    for (const e of edges.filter((x) => x.from === n)) ctl.output(`  needs ${e.to}:${e.condition}`);
  }
}

// ---- wait ------------------------------------------------------------------------------------------------------

export const WaitExit = {
  /** Every selected process met the condition. */
  MET: 0,
  /** --timeout passed first (the processes not there yet are listed on stderr). */
  TIMED_OUT: 1,
  /** Bad arguments or an unknown name. */
  USAGE: 2,
  /** A process can no longer get there by itself (FATAL while waiting for running/ready), or the stream ended. */
  UNREACHABLE: 3,
} as const;

type WaitFor = "ready" | "running" | "stopped";
const STOPPED = new Set(["STOPPED", "EXITED", "FATAL", "UNKNOWN"]);

/** Has the process reached the condition? A process without a ready_check is ready once RUNNING. */
export function reached(info: ProcessInfo, want: WaitFor): boolean {
  switch (want) {
    case "stopped":
      return STOPPED.has(info.statename);
    case "running":
      return info.statename === "RUNNING";
    case "ready":
      return info.statename === "RUNNING" && (info.readiness === "ready" || info.readiness === "none" || info.readiness === "" || info.readiness === undefined);
  }
}

function describeWait(info: ProcessInfo): string {
  const parts = [info.statename];
  if (info.readiness !== undefined && info.readiness !== "" && info.readiness !== "none") {
    parts.push(`readiness ${info.readiness}${info.readinessStatus ? `: ${info.readinessStatus}` : ""}`);
  }
  if (info.waitingFor) parts.push(info.waitingFor);
  return parts.join(", ");
}

export async function doWait(ctl: Controller, arg: string): Promise<void> {
  const words = splitWords(arg);
  if (words[0] === "op") return doWaitOperation(ctl, words.slice(1)); // issue 18
  let want: WaitFor | null = null;
  let timeoutMs: number | null = null;
  const names: string[] = [];
  const usage = (why: string): void => {
    ctl.output(`Error: ${why}`);
    ctl.output("usage: wait NAME... --for ready|running|stopped [--timeout SECONDS]");
    ctl.exitstatus = WaitExit.USAGE;
  };
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string;
    const [flag, inline] = w.includes("=") ? [w.slice(0, w.indexOf("=")), w.slice(w.indexOf("=") + 1)] : [w, undefined];
    if (flag === "--for" || flag === "--timeout") {
      const value = inline ?? words[++i];
      if (value === undefined) return usage(`${flag} needs a value`);
      if (flag === "--for") {
        if (value !== "ready" && value !== "running" && value !== "stopped") return usage(`--for ${value}: expected ready, running or stopped`);
        want = value;
      } else {
        if (!/^\d+(\.\d+)?$/u.test(value)) return usage(`--timeout ${value}: expected seconds`);
        timeoutMs = Number(value) * 1000;
      }
    } else if (w.startsWith("--")) return usage(`unknown option ${w}`);
    else names.push(w);
  }
  if (names.length === 0) return usage("wait requires a process name");
  if (want === null) return usage("wait requires --for ready|running|stopped");
  if (!(await ctl.upcheck())) return;
  const backend = ctl.backend();
  if (backend.watch === undefined) {
    ctl.output("Error: wait needs the daemon's Watch stream (gRPC)");
    ctl.exitstatus = ExitStatus.GENERIC;
    return;
  }
  const goal = want;
  const code = await ctl.interruptible(async (signal) => {
    const abort = new AbortController();
    const onAbort = (): void => abort.abort();
    signal.addEventListener("abort", onAbort, { once: true });
    let timedOut = false;
    const timer = timeoutMs === null ? null : setTimeout(() => {
      timedOut = true;
      abort.abort();
    }, timeoutMs);
    const known = new Map<string, ProcessInfo>();
    const selected = (): ProcessInfo[] => [...known.values()].filter((info) => names.some((n) => matches(info, n)));
    const put = (info: ProcessInfo): void => void known.set(makeNamespec(info.group, info.name), info);
    try {
      for await (const update of (backend.watch as (s: AbortSignal) => AsyncIterable<WatchUpdate>)(abort.signal)) {
        if (update.kind === "snapshot") {
          known.clear();
          update.processes.forEach(put);
          const missing = names.filter((n) => !update.processes.some((info) => matches(info, n)));
          if (missing.length > 0) {
            for (const n of missing) ctl.output(`${n}: ERROR (no such process)`);
            return WaitExit.USAGE;
          }
        } else if (update.kind === "process") put(update.process);
        else if (update.kind === "group-added") update.processes.forEach(put);
        else for (const [k, info] of known) if (info.group === update.group) known.delete(k);
        const procs = selected();
        if (procs.length > 0 && procs.every((info) => reached(info, goal))) {
          for (const info of procs) ctl.output(`${makeNamespec(info.group, info.name)}: ${goal}`);
          return WaitExit.MET;
        }
        const stuck = goal !== "stopped" ? procs.find((info) => info.statename === "FATAL") : undefined;
        if (stuck !== undefined) {
          ctl.term.writeError(`${makeNamespec(stuck.group, stuck.name)}: FATAL (${stuck.description ?? stuck.spawnerr}); it will not become ${goal}\n`);
          return WaitExit.UNREACHABLE;
        }
      }
      if (timedOut) {
        for (const info of selected().filter((i) => !reached(i, goal))) {
          ctl.term.writeError(`${makeNamespec(info.group, info.name)}: not ${goal} after ${(timeoutMs ?? 0) / 1000}s (${describeWait(info)})\n`);
        }
        return WaitExit.TIMED_OUT;
      }
      if (signal.aborted) return 130;
      ctl.term.writeError("the daemon ended the watch stream\n");
      return WaitExit.UNREACHABLE;
    } finally {
      if (timer !== null) clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      abort.abort();
    }
  });
  ctl.exitstatus = code;
}

// ---- stop: dependents ----------------------------------------------------------------------------------------

/** The programs the stop targets belong to. */
function targetPrograms(infos: readonly ProcessInfo[], names: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const info of infos) if (names.some((n) => matches(info, n))) out.add(programOf(info));
  return out;
}

/** Running processes of programs that (transitively) depend on the targets, dependents of dependents first. */
export function runningDependents(infos: readonly ProcessInfo[], names: readonly string[]): ProcessInfo[] {
  const graph = buildGraph(infos);
  const targets = targetPrograms(infos, names);
  const dependents = new Set<string>();
  for (const t of targets) for (const d of dependentsOf(t, graph.edges)) if (!targets.has(d)) dependents.add(d);
  const out: ProcessInfo[] = [];
  for (const program of [...graph.order].reverse()) {
    if (!dependents.has(program)) continue;
    for (const p of graph.nodes.get(program)?.processes ?? []) if (!STOPPED.has(p.statename)) out.push(p);
  }
  return out;
}

/** Removes `--with-dependents` from stop's words. */
export function takeWithDependents(words: string[]): { words: string[]; withDependents: boolean } {
  const rest = words.filter((w) => w !== "--with-dependents");
  return { words: rest, withDependents: rest.length !== words.length };
}

/** After a stop: which dependents still run (stderr, so stop's own output stays supervisorctl's). */
export async function noteRunningDependents(ctl: Controller, names: readonly string[]): Promise<void> {
  let infos: ProcessInfo[];
  try {
    infos = await ctl.backend().getAllProcessInfo();
  } catch {
    return;
  }
  if (!infos.some((i) => (i.dependsOn?.length ?? 0) > 0)) return;
  const still = runningDependents(infos, names);
  if (still.length === 0) return;
  const list = still.map((p) => makeNamespec(p.group, p.name)).join(", ");
  ctl.term.writeError(`note: still running and depending on it: ${list} (stop --with-dependents stops them first)\n`);
}

// ---- status --verbose ------------------------------------------------------------------------------------------

/** The readiness column `status --verbose` appends to supervisorctl's line. */
export function readinessColumn(info: ProcessInfo): string {
  const parts: string[] = [];
  if (info.readiness !== undefined && info.readiness !== "" && info.readiness !== "none") {
    parts.push(`ready=${info.readiness}${info.readinessStatus ? ` (${info.readinessStatus})` : ""}`);
  }
  if (info.liveness !== undefined && info.liveness !== "" && info.liveness !== "none") {
    parts.push(`live=${info.liveness}${info.livenessStatus ? ` (${info.livenessStatus})` : ""}`);
  }
  if (info.waitingFor) parts.push(info.waitingFor);
  return parts.length === 0 ? "" : `   ${parts.join("; ")}`;
}

export function readinessJson(info: ProcessInfo): Record<string, unknown> {
  return {
    program: programOf(info),
    readiness: info.readiness ?? "",
    readiness_status: info.readinessStatus ?? "",
    liveness: info.liveness ?? "",
    liveness_status: info.livenessStatus ?? "",
    waiting_for: info.waitingFor ?? "",
    depends_on: info.dependsOn ?? [],
  };
}
