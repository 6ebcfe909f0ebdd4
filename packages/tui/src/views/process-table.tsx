import { Box, Text } from "ink";
import { processUptime } from "../clock.js";
import { fit, formatBytes, formatCpu, formatDuration } from "../format.js";
import { localGroup } from "../model.js";
import type { ProcessRecord, TopState } from "../reducer.js";
import type { GroupRow, ProcessRow, Row } from "../rows.js";
import { STATE_COLOR } from "./theme.js";

/**
 * The process table, virtualised: only the `height` rows from `top` are rendered, so 500 processes cost what 30
 * do. The selected row is drawn inverse; marked rows carry a `*`.
 *
 *     GROUP    NAME       STATE     PID     UPTIME / INFO              RST  CPU%   MEM   FDS  EXIT
 *   ▾ web (3)             RUNNING 3                                           12.5  128M    36
 *     web      web_00     RUNNING   4211    up 3m05s  nofile=4096        0   4.1   42M    12     -
 *   * worker   worker     FATAL     -       Exited too quickly (pro…     3     -     -     -     1
 *
 * CPU%, MEM and FDS are the whole process tree's (issue 17); a program's limits follow its uptime.
 */
export function ProcessTable(props: {
  state: TopState;
  rows: Row[];
  selected: number;
  top: number;
  height: number;
}) {
  const { state, rows, selected, top, height } = props;
  const cols = columnWidths(state.viewport.columns, rows);
  const visible = rows.slice(top, top + height);
  return (
    <Box flexDirection="column" height={height + 1}>
      <Text bold wrap="truncate">
        {headerLine(cols)}
      </Text>
      {rows.length === 0 ? (
        <Text dimColor>{emptyText(state)}</Text>
      ) : (
        visible.map((row, i) => (
          <TableRow key={row.id} row={row} cols={cols} state={state} selected={top + i === selected} />
        ))
      )}
    </Box>
  );
}

function emptyText(state: TopState): string {
  if (state.hosts.size > 0 && state.processes.size === 0) {
    return [...state.hosts.values()].some((h) => h.status === "connected") ? "  no processes configured" : "  waiting for the hosts…";
  }
  if (state.connection.status !== "connected" && state.processes.size === 0) return "  waiting for the daemon…";
  if (state.processes.size === 0) return "  no processes configured";
  return "  no process matches the filter";
}

interface Columns {
  group: number;
  name: number;
  info: number;
  /** issue 14: width of the READY column; 0 (no column) when no process has a ready_check. */
  ready: number;
  /** issue 19: width of the HOST column (with its space); 0 (no column) for one daemon. */
  host: number;
}


/** issue 14: the READY cell: readiness beside the state. */
const READY_WIDTH = 8;
export function readyCell(readiness: string | undefined): string {
  switch (readiness) {
    case "ready":
      return "ready";
    case "checking":
      return "checking";
    case "failing":
      return "FAILING";
    case "pending":
      return "-";
    default:
      return "";
  }
}

/** Fixed cells: mark(2) state(9) pid(8) restarts(4) cpu(6) mem(7) fds(5) exit(5) and the spaces between. */
const FIXED = 2 + 10 + 8 + 5 + 7 + 8 + 6 + 6;

/**
 * Sizes the group and name columns to their content (capped), name first when space is short: the name is what
 * identifies a row; the info column takes whatever is left.
 */
export function columnWidths(total: number, rows: readonly Row[]): Columns {
  const flexible = Math.max(0, total - FIXED - 4);
  let longestGroup = 5;
  let longestName = 4;
  let longestHost = 0;
  for (const r of rows) {
    if (r.kind !== "process") continue;
    if (r.info.host !== undefined) longestHost = Math.max(longestHost, 4, r.info.host.length);
    longestGroup = Math.max(longestGroup, localGroup(r.info).length);
    longestName = Math.max(longestName, r.info.name.length + (r.nested ? 2 : 0));
  }
  const readyCol = rows.some((r) => r.kind === "process" && r.info.readiness !== undefined && r.info.readiness !== "none")
    ? READY_WIDTH + 1
    : 0;
  const host = longestHost === 0 ? 0 : Math.min(longestHost, 16) + 1;
  const name = Math.max(0, Math.min(longestName, 28, flexible - 4 - host));
  const group = Math.max(0, Math.min(longestGroup, 16, flexible - name - host));
  return { group, name, info: Math.max(0, flexible - name - group - readyCol - host), ready: readyCol, host };
}

function headerLine(c: Columns): string {
  return (
    "  " +
    (c.host > 0 ? fit("HOST", c.host - 1) + " " : "") +
    fit("GROUP", c.group) +
    " " +
    fit("NAME", c.name) +
    " " +
    fit("STATE", 9) +
    " " +
    (c.ready > 0 ? fit("READY", READY_WIDTH) + " " : "") +
    fit("PID", 7) +
    " " +
    fit("UPTIME / INFO", c.info) +
    " " +
    fit("RST", 4, true) +
    " " +
    fit("CPU%", 6, true) +
    " " +
    fit("MEM", 7, true) +
    " " +
    fit("FDS", 5, true) +
    " " +
    fit("EXIT", 5, true)
  );
}

function TableRow(props: { row: Row; cols: Columns; state: TopState; selected: boolean }) {
  const { row, cols, state, selected } = props;
  if (row.kind === "group") return <GroupLine row={row} cols={cols} state={state} selected={selected} />;
  return <ProcessLine row={row} cols={cols} state={state} selected={selected} />;
}

function ProcessLine(props: { row: ProcessRow; cols: Columns; state: TopState; selected: boolean }) {
  const { row, cols, state, selected } = props;
  const p = (state.processes.get(row.key) ?? row.info) as ProcessRecord;
  const mark = state.marked.has(row.key) ? "* " : "  ";
  const name = row.nested ? `  ${p.name}` : p.name;
  const host = cols.host > 0 ? `${fit(p.host ?? "", cols.host - 1)} ` : "";
  const before = `${mark}${host}${fit(localGroup(p), cols.group)} ${fit(name, cols.name)} `;
  const ready = cols.ready > 0 ? ` ${fit(readyCell(p.readiness), READY_WIDTH)}` : "";
  const after =
    `${ready} ${fit(p.pid > 0 ? String(p.pid) : "-", 7)} ${fit(infoText(state, p, state.now), cols.info)} ` +
    `${fit(p.restarts === null ? "-" : String(p.restarts), 4, true)} ${fit(formatCpu(p.cpuPercent), 6, true)} ` +
    `${fit(formatBytes(p.rssBytes), 7, true)} ${fit(p.fds === null || p.fds === undefined ? "-" : String(p.fds), 5, true)} ` +
    `${fit(exitText(p), 5, true)}`;
  return (
    <Text wrap="truncate" inverse={selected} dimColor={isStale(state)}>
      {before}
      <Text color={STATE_COLOR[p.state]} bold={p.state === "FATAL"}>
        {fit(p.state, 9)}
      </Text>
      {after}
    </Text>
  );
}

function GroupLine(props: { row: GroupRow; cols: Columns; state: TopState; selected: boolean }) {
  const { row, state, selected } = props;
  const allMarked = row.members.every((m) => state.marked.has(`${m.group}:${m.name}`));
  const mark = allMarked ? "* " : "  ";
  const arrow = row.collapsed ? "▸" : "▾";
  const counts = new Map<string, number>();
  for (const m of row.members) counts.set(m.state, (counts.get(m.state) ?? 0) + 1);
  const cpu = sumOrNull(row.members.map((m) => m.cpuPercent));
  const rss = sumOrNull(row.members.map((m) => m.rssBytes));
  const title = `${mark}${arrow} ${row.group} (${row.members.length})  `;
  const fds = sumOrNull(row.members.map((m) => m.fds ?? null));
  const totals =
    `${fit(formatCpu(cpu), 6, true)} ${fit(formatBytes(rss), 7, true)} ` +
    `${fit(fds === null ? "" : String(fds), 5, true)} ${" ".repeat(5)}`;
  const countsText = [...counts].map(([s, n]) => `${s} ${n}`).join("  ");
  const middle = Math.max(0, state.viewport.columns - 1 - title.length - totals.length - 1);
  return (
    <Text wrap="truncate" inverse={selected} bold dimColor={isStale(state)}>
      {title}
      {fit(countsText, middle)} {totals}
    </Text>
  );
}

/** While disconnected the table shows the last known world, dimmed: it may no longer be true. */
function isStale(state: TopState): boolean {
  return state.connection.status !== "connected";
}

function sumOrNull(values: Array<number | null>): number | null {
  let total: number | null = null;
  for (const v of values) if (v !== null) total = (total ?? 0) + v;
  return total;
}

/** Uptime for live processes (aged locally since the last event), else the daemon's own description. */
export function infoText(state: TopState, p: ProcessRecord, now: number): string {
  const uptime = processUptime(state, p, now);
  if (uptime !== null) return p.limits ? `up ${formatDuration(uptime)}  ${p.limits}` : `up ${formatDuration(uptime)}`;
  if ((p.state === "BACKOFF" || p.state === "FATAL") && p.spawnerr !== "") return p.spawnerr;
  if (p.waitingFor) return p.waitingFor; // issue 14: a start held back by depends_on says why
  return p.description;
}

function exitText(p: ProcessRecord): string {
  // A start that failed (too quick, spawn error) has no exit status to show (spec T5: exitstatus = None).
  if (p.stop === 0 || ((p.state === "BACKOFF" || p.state === "FATAL") && p.exitstatus === 0)) return "-";
  return p.exitstatus === -1 ? "sig" : String(p.exitstatus);
}
