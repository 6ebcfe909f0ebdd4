// The table's rows as a pure function of the processes and the view settings (sort, filter, collapsed groups).
// Sorting by name keeps supervisord's shape: groups by name, a header row for every group with more than one
// process, members by name under it. Sorting by state, CPU or memory is global (the busiest process on top,
// wherever it lives), so it flattens the groups and ignores collapsing.

import { PROCESS_STATES, localGroup, type ProcessInfo, type ProcessStateName } from "./model.js";

export type SortKey = "name" | "state" | "cpu" | "memory";
export const SORT_KEYS: readonly SortKey[] = ["name", "state", "cpu", "memory"];

export interface SortOrder {
  key: SortKey;
  /** Flip the natural order (name A→Z, state worst first, CPU and memory highest first). */
  reversed: boolean;
}

export interface ProcessRow {
  kind: "process";
  id: string;
  key: string;
  info: ProcessInfo;
  /** Indented under a group header. */
  nested: boolean;
}

export interface GroupRow {
  kind: "group";
  id: string;
  group: string;
  collapsed: boolean;
  /** Members (those passing the filter). */
  members: ProcessInfo[];
}

export type Row = ProcessRow | GroupRow;

export function groupRowId(group: string): string {
  // Process keys always contain ':' after the group, so a NUL-prefixed id can never collide with one.
  return `\u0000${group}`;
}

/** Problems first: what an operator looks for when sorting by state. */
const STATE_RANK: Record<ProcessStateName, number> = {
  FATAL: 0,
  UNKNOWN: 1,
  BACKOFF: 2,
  EXITED: 3,
  STOPPING: 4,
  STARTING: 5,
  RUNNING: 6,
  STOPPED: 7,
};

export interface RowInputs {
  processes: ReadonlyMap<string, ProcessInfo>;
  sort: SortOrder;
  filter: string;
  collapsed: ReadonlySet<string>;
}

export function matchesFilter(info: ProcessInfo, filter: string): boolean {
  if (filter === "") return true;
  const needle = filter.toLowerCase();
  return `${info.group}:${info.name}`.toLowerCase().includes(needle) || info.state.toLowerCase().includes(needle);
}

function byName(a: ProcessInfo, b: ProcessInfo): number {
  return compareStrings(a.group, b.group) || compareStrings(a.name, b.name);
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Higher first, unknown (null) always last whatever the direction. */
function byNumberDesc(a: number | null, b: number | null, reversed: boolean): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  return reversed ? a - b : b - a;
}

export function buildRows(inputs: RowInputs): Row[] {
  const visible = [...inputs.processes.values()].filter((p) => matchesFilter(p, inputs.filter));
  const { key, reversed } = inputs.sort;

  if (key !== "name") {
    visible.sort((a, b) => {
      let c = 0;
      if (key === "state") c = (STATE_RANK[a.state] - STATE_RANK[b.state]) * (reversed ? -1 : 1);
      else if (key === "cpu") c = byNumberDesc(a.cpuPercent, b.cpuPercent, reversed);
      else c = byNumberDesc(a.rssBytes, b.rssBytes, reversed);
      return c || byName(a, b);
    });
    return visible.map((info) => processRow(info, false));
  }

  visible.sort(byName);
  if (reversed) visible.reverse();
  const groups = new Map<string, ProcessInfo[]>();
  for (const p of visible) {
    const members = groups.get(p.group);
    if (members) members.push(p);
    else groups.set(p.group, [p]);
  }
  // Whether a group gets a header depends on all its processes, not just those the filter lets through.
  const all = new Map<string, ProcessInfo[]>();
  for (const p of inputs.processes.values()) {
    const members = all.get(p.group);
    if (members) members.push(p);
    else all.set(p.group, [p]);
  }
  const rows: Row[] = [];
  for (const [group, members] of groups) {
    if (!isRealGroup(all.get(group) ?? members)) {
      for (const m of members) rows.push(processRow(m, false));
      continue;
    }
    const collapsed = inputs.collapsed.has(group);
    rows.push({ kind: "group", id: groupRowId(group), group, collapsed, members });
    if (!collapsed) for (const m of members) rows.push(processRow(m, true));
  }
  return rows;
}

/**
 * A program alone in its own homogeneous group (`[program:x]` → group x, process x) gets no header row; with
 * several hosts (issue 19) the group is compared without its `host/` prefix.
 */
function isRealGroup(members: ProcessInfo[]): boolean {
  const only = members[0];
  return members.length > 1 || (only !== undefined && only.name !== localGroup(only));
}

function processRow(info: ProcessInfo, nested: boolean): ProcessRow {
  const key = `${info.group}:${info.name}`;
  return { kind: "process", id: key, key, info, nested };
}

/** Count of processes per state, in spec order, only states that occur. */
export function countByState(processes: Iterable<ProcessInfo>): Array<[ProcessStateName, number]> {
  const counts = new Map<ProcessStateName, number>();
  for (const p of processes) counts.set(p.state, (counts.get(p.state) ?? 0) + 1);
  return PROCESS_STATES.filter((s) => counts.has(s)).map((s) => [s, counts.get(s) ?? 0]);
}
