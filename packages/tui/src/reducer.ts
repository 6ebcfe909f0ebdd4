// The TUI's whole state and the one pure function that changes it. Data from the daemon (watch events, log
// chunks, connection changes) and the user's UI actions are both actions here; nothing in this file does I/O or
// reads a clock (times come in on the actions), so every behaviour is a plain unit test.

import { formatBytes, formatCpu } from "./format.js";
import { computeLayout, type Viewport } from "./layout.js";
import { appendLog, DEFAULT_LOG_LIMITS, EMPTY_LOG, type LogLimits, type LogLines } from "./log-lines.js";
import { processKey, type DaemonInfo, type HostConnection, type LogChannel, type ProcessInfo, type WatchEvent } from "./model.js";
import { buildRows, groupRowId, SORT_KEYS, type Row, type SortOrder } from "./rows.js";

/** Something the controller will ask the daemon to do. `targets` are supervisorctl selectors. */
export interface Op {
  verb: "start" | "stop" | "restart" | "signal" | "clearLogs";
  targets: string[];
  signal?: string;
}

export type Modal =
  | { kind: "help" }
  | { kind: "confirm"; op: Op; prompt: string }
  | { kind: "signal"; targets: string[]; index: number };

export type ConnectionStatus = "connecting" | "connected" | "disconnected";

export interface Connection {
  status: ConnectionStatus;
  /** Bumped on every successful (re)connect, so log follows restart after the daemon comes back. */
  epoch: number;
  error: string | null;
  /** Local epoch ms of the next reconnect attempt while disconnected. */
  retryAt: number | null;
}

/** A process as last reported, plus when (local clock) it arrived, to age its uptime between events. */
export interface ProcessRecord extends ProcessInfo {
  receivedAt: number;
}

export interface LogPane {
  open: boolean;
  channel: LogChannel;
  /** The process followed (null when the pane is closed or a group row is selected). */
  key: string | null;
  /** Bumped whenever what is followed changes; chunks from an older follow are dropped. */
  generation: number;
  log: LogLines;
  /** Lines scrolled up from the bottom; 0 = following the newest output. */
  scroll: number;
}

export interface StatusMessage {
  text: string;
  level: "info" | "error";
}

export interface TopState {
  connection: Connection;
  daemon: DaemonInfo | null;
  /** issue 19: the hosts of a multi-host view, in the order given (empty for one daemon). */
  hosts: ReadonlyMap<string, HostConnection>;
  /** Local epoch ms when `daemon` was received. */
  daemonReceivedAt: number;
  processes: ReadonlyMap<string, ProcessRecord>;
  /** Local epoch ms, advanced by `tick`, for uptimes. */
  now: number;
  viewport: Viewport;
  sort: SortOrder;
  filter: string;
  /** The filter being typed after `/`, or null when not editing. */
  filterDraft: string | null;
  collapsed: ReadonlySet<string>;
  /** Row id of the selection; null = the first row. */
  selectedId: string | null;
  /** Where the selection was, to land nearby when its row disappears. */
  selectedIndex: number;
  /** Multi-selection (process keys), toggled with space. */
  marked: ReadonlySet<string>;
  /** First table row on screen. */
  tableTop: number;
  logPane: LogPane;
  logLimits: LogLimits;
  modal: Modal | null;
  status: StatusMessage | null;
  quitting: boolean;
}

export const SIGNALS = ["TERM", "HUP", "INT", "QUIT", "KILL", "USR1", "USR2", "STOP", "CONT"] as const;

export type UiAction =
  | { type: "move"; delta: number }
  | { type: "moveTo"; where: "first" | "last" }
  | { type: "page"; direction: 1 | -1 }
  | { type: "toggleMark" }
  | { type: "clearMarks" }
  | { type: "markAll" }
  | { type: "collapse"; collapsed: boolean }
  | { type: "cycleSort" }
  | { type: "reverseSort" }
  | { type: "filterStart" }
  | { type: "filterInput"; text: string }
  | { type: "filterBackspace" }
  | { type: "filterApply" }
  | { type: "filterCancel" }
  | { type: "toggleLogPane" }
  | { type: "switchChannel" }
  | { type: "logScroll"; delta: number }
  | { type: "logBottom" }
  | { type: "help" }
  | { type: "closeModal" }
  | { type: "openConfirm"; op: Op; prompt: string }
  | { type: "openSignal"; targets: string[] }
  | { type: "signalMove"; delta: number }
  | { type: "quit" };

export type DataAction =
  | { type: "connecting" }
  | { type: "disconnected"; error: string; retryAt: number }
  | { type: "watch"; event: WatchEvent; at: number }
  | { type: "log"; key: string; channel: LogChannel; generation: number; text: string }
  | { type: "tick"; at: number }
  | { type: "resize"; viewport: Viewport }
  | { type: "status"; text: string; level: "info" | "error" };

export type Action = UiAction | DataAction;

export function initialState(options: { viewport: Viewport; now: number; logLimits?: LogLimits }): TopState {
  return {
    connection: { status: "connecting", epoch: 0, error: null, retryAt: null },
    daemon: null,
    hosts: new Map(),
    daemonReceivedAt: options.now,
    processes: new Map(),
    now: options.now,
    viewport: options.viewport,
    sort: { key: "name", reversed: false },
    filter: "",
    filterDraft: null,
    collapsed: new Set(),
    selectedId: null,
    selectedIndex: 0,
    marked: new Set(),
    tableTop: 0,
    logPane: { open: false, channel: "stdout", key: null, generation: 0, log: EMPTY_LOG, scroll: 0 },
    logLimits: options.logLimits ?? DEFAULT_LOG_LIMITS,
    modal: null,
    status: null,
    quitting: false,
  };
}

// Rows are derived, and many actions need them: memoise on the inputs' identities (they only change by copy).
let rowsCache: { inputs: unknown[]; rows: Row[] } | null = null;

export function selectRows(state: TopState): Row[] {
  const inputs = [state.processes, state.sort, activeFilter(state), state.collapsed];
  if (rowsCache && rowsCache.inputs.every((v, i) => v === inputs[i])) return rowsCache.rows;
  const rows = buildRows({
    processes: state.processes,
    sort: state.sort,
    filter: activeFilter(state),
    collapsed: state.collapsed,
  });
  rowsCache = { inputs, rows };
  return rows;
}

/** While typing after `/`, the table filters live. */
export function activeFilter(state: TopState): string {
  return state.filterDraft ?? state.filter;
}

export function selectedRowIndex(state: TopState, rows: Row[] = selectRows(state)): number {
  if (rows.length === 0) return -1;
  if (state.selectedId !== null) {
    const i = rows.findIndex((r) => r.id === state.selectedId);
    if (i >= 0) return i;
  }
  return Math.min(Math.max(0, state.selectedIndex), rows.length - 1);
}

export function selectedRow(state: TopState): Row | null {
  const rows = selectRows(state);
  return rows[selectedRowIndex(state, rows)] ?? null;
}

/** The process the log pane should follow: the selected row, if it is a process. */
function followedKey(state: TopState): string | null {
  if (!state.logPane.open) return null;
  const row = selectedRow(state);
  return row?.kind === "process" ? row.key : null;
}

export function reduce(state: TopState, action: Action): TopState {
  const next = apply(state, action);
  return next === state ? state : settle(next);
}

/** Keep derived bookkeeping consistent after any change: the selection on a row, visible, the log target. */
function settle(state: TopState): TopState {
  const rows = selectRows(state);
  const index = selectedRowIndex(state, rows);
  const selectedId = rows[index]?.id ?? state.selectedId;
  const { tableRows } = computeLayout(state.viewport, state.logPane.open);
  const tableTop = clampTop(state.tableTop, index, tableRows, rows.length);
  let s: TopState =
    selectedId === state.selectedId && index === state.selectedIndex && tableTop === state.tableTop
      ? state
      : { ...state, selectedId, selectedIndex: Math.max(0, index), tableTop };
  const key = followedKey(s);
  if (key !== s.logPane.key) {
    s = {
      ...s,
      logPane: { ...s.logPane, key, generation: s.logPane.generation + 1, log: EMPTY_LOG, scroll: 0 },
    };
  }
  return s;
}

/** Scroll just enough to keep the selection on screen, and never past the end. */
export function clampTop(top: number, selected: number, height: number, count: number): number {
  let t = top;
  if (selected >= 0) {
    if (selected < t) t = selected;
    if (selected >= t + height) t = selected - height + 1;
  }
  return Math.max(0, Math.min(t, Math.max(0, count - height)));
}

function apply(state: TopState, action: Action): TopState {
  switch (action.type) {
    case "connecting":
      return { ...state, connection: { ...state.connection, status: "connecting", retryAt: null } };
    case "disconnected":
      return {
        ...state,
        connection: { ...state.connection, status: "disconnected", error: action.error, retryAt: action.retryAt },
      };
    case "watch":
      return applyWatch(state, action.event, action.at);
    case "log": {
      const pane = state.logPane;
      if (action.generation !== pane.generation || action.key !== pane.key || action.channel !== pane.channel) {
        return state;
      }
      const log = appendLog(pane.log, action.text, state.logLimits);
      // While scrolled up, keep the same lines in view as new ones arrive below.
      const added = log.lines.length - pane.log.lines.length + (log.dropped - pane.log.dropped);
      const scroll = pane.scroll === 0 ? 0 : Math.min(pane.scroll + added, Math.max(0, log.lines.length - 1));
      return { ...state, logPane: { ...pane, log, scroll } };
    }
    case "tick":
      return action.at === state.now ? state : { ...state, now: action.at };
    case "resize":
      return { ...state, viewport: action.viewport };
    case "status":
      return { ...state, status: { text: action.text, level: action.level } };
    default:
      return applyUi(state, action);
  }
}

function applyWatch(state: TopState, event: WatchEvent, at: number): TopState {
  switch (event.kind) {
    case "snapshot": {
      const processes = new Map<string, ProcessRecord>();
      for (const info of event.processes) processes.set(processKey(info), { ...info, receivedAt: at });
      const marked = new Set([...state.marked].filter((k) => processes.has(k)));
      return {
        ...state,
        connection: { status: "connected", epoch: state.connection.epoch + 1, error: null, retryAt: null },
        daemon: event.daemon,
        daemonReceivedAt: at,
        processes,
        marked,
        now: Math.max(state.now, at),
      };
    }
    case "process": {
      const key = processKey(event.info);
      const old = state.processes.get(key);
      const record: ProcessRecord = {
        ...event.info,
        cpuPercent: event.info.cpuPercent ?? (event.info.pid === old?.pid ? old.cpuPercent : null),
        rssBytes: event.info.rssBytes ?? (event.info.pid === old?.pid ? old.rssBytes : null),
        fds: event.info.fds ?? (event.info.pid === old?.pid ? (old.fds ?? null) : null),
        receivedAt: at,
      };
      const processes = new Map(state.processes);
      processes.set(key, record);
      return { ...state, processes };
    }
    case "removed": {
      if (!state.processes.has(event.key)) return state;
      const processes = new Map(state.processes);
      processes.delete(event.key);
      const marked = new Set(state.marked);
      marked.delete(event.key);
      return { ...state, processes, marked };
    }
    case "groupRemoved": {
      const gone = [...state.processes.values()].filter((p) => p.group === event.group).map(processKey);
      if (gone.length === 0) return state;
      const processes = new Map(state.processes);
      const marked = new Set(state.marked);
      for (const k of gone) {
        processes.delete(k);
        marked.delete(k);
      }
      return { ...state, processes, marked };
    }
    case "stats": {
      // Coalesced to what the screen shows: a sample that changes no figure on screen (RSS 3.1M → 3.1M) changes no
      // state, so it costs no repaint.
      let processes: Map<string, ProcessRecord> | null = null;
      for (const s of event.stats) {
        const old = (processes ?? state.processes).get(s.key);
        const fds = s.fds ?? null;
        if (!old || (sameFigures(old, s) && (old.fds ?? null) === fds)) continue;
        processes ??= new Map(state.processes);
        processes.set(s.key, { ...old, cpuPercent: s.cpuPercent, rssBytes: s.rssBytes, fds });
      }
      return processes ? { ...state, processes } : state;
    }
    case "daemon":
      return { ...state, daemon: event.daemon, daemonReceivedAt: at };
    case "host": {
      const hosts = new Map(state.hosts);
      hosts.set(event.host.name, event.host);
      return { ...state, hosts };
    }
    case "hostSnapshot": {
      const processes = new Map([...state.processes].filter(([, p]) => p.host !== event.host));
      for (const info of event.processes) processes.set(processKey(info), { ...info, receivedAt: at });
      const marked = new Set([...state.marked].filter((k) => processes.has(k)));
      return { ...state, processes, marked, now: Math.max(state.now, at) };
    }
  }
}

function sameFigures(a: { cpuPercent: number | null; rssBytes: number | null }, b: typeof a): boolean {
  return formatCpu(a.cpuPercent) === formatCpu(b.cpuPercent) && formatBytes(a.rssBytes) === formatBytes(b.rssBytes);
}

function applyUi(state: TopState, action: UiAction): TopState {
  const rows = selectRows(state);
  const index = selectedRowIndex(state, rows);
  const layout = computeLayout(state.viewport, state.logPane.open);
  const select = (i: number): TopState => {
    if (rows.length === 0) return state;
    const j = Math.max(0, Math.min(rows.length - 1, i));
    return { ...state, selectedId: rows[j]?.id ?? null, selectedIndex: j };
  };

  switch (action.type) {
    case "move":
      return select(index + action.delta);
    case "moveTo":
      return select(action.where === "first" ? 0 : rows.length - 1);
    case "page":
      // With the log pane open, paging scrolls the log (up = older); the table has the arrows.
      if (state.logPane.open) return applyUi(state, { type: "logScroll", delta: -action.direction * layout.logRows });
      return select(index + action.direction * Math.max(1, layout.tableRows - 1));
    case "toggleMark": {
      const row = rows[index];
      if (!row) return state;
      const keys = row.kind === "process" ? [row.key] : row.members.map(processKey);
      const marked = new Set(state.marked);
      const allMarked = keys.every((k) => marked.has(k));
      for (const k of keys) {
        if (allMarked) marked.delete(k);
        else marked.add(k);
      }
      return { ...select(index + 1), marked };
    }
    case "markAll": {
      // Every process the table shows (the filter applies; collapsed groups count), or none if all are marked.
      const keys = rows.flatMap((r) => (r.kind === "process" ? [r.key] : r.members.map(processKey)));
      const all = keys.length > 0 && keys.every((k) => state.marked.has(k));
      return { ...state, marked: all ? new Set() : new Set([...state.marked, ...keys]) };
    }
    case "clearMarks":
      return state.marked.size === 0 && state.status === null ? state : { ...state, marked: new Set(), status: null };
    case "collapse": {
      const row = rows[index];
      if (!row || state.sort.key !== "name") return state;
      const group = row.kind === "group" ? row.group : row.nested ? row.info.group : null;
      if (group === null || state.collapsed.has(group) === action.collapsed) return state;
      const collapsed = new Set(state.collapsed);
      if (action.collapsed) collapsed.add(group);
      else collapsed.delete(group);
      // Collapsing from a member moves the selection onto the group's header.
      return { ...state, collapsed, selectedId: groupRowId(group) };
    }
    case "cycleSort": {
      const i = SORT_KEYS.indexOf(state.sort.key);
      return { ...state, sort: { key: SORT_KEYS[(i + 1) % SORT_KEYS.length] ?? "name", reversed: false } };
    }
    case "reverseSort":
      return { ...state, sort: { ...state.sort, reversed: !state.sort.reversed } };
    case "filterStart":
      return { ...state, filterDraft: state.filter };
    case "filterInput":
      return state.filterDraft === null ? state : { ...state, filterDraft: state.filterDraft + action.text };
    case "filterBackspace":
      return state.filterDraft === null ? state : { ...state, filterDraft: state.filterDraft.slice(0, -1) };
    case "filterApply":
      return state.filterDraft === null ? state : { ...state, filter: state.filterDraft, filterDraft: null };
    case "filterCancel":
      return { ...state, filter: "", filterDraft: null };
    case "toggleLogPane":
      return { ...state, logPane: { ...state.logPane, open: !state.logPane.open } };
    case "switchChannel": {
      const channel: LogChannel = state.logPane.channel === "stdout" ? "stderr" : "stdout";
      // A new channel is a new follow: force the target to be re-derived.
      return {
        ...state,
        logPane: {
          ...state.logPane,
          channel,
          key: null,
          generation: state.logPane.generation + 1,
          log: EMPTY_LOG,
          scroll: 0,
        },
      };
    }
    case "logScroll": {
      const pane = state.logPane;
      const total = pane.log.lines.length + (pane.log.partial === "" ? 0 : 1);
      const max = Math.max(0, total - layout.logRows);
      const scroll = Math.max(0, Math.min(max, pane.scroll + action.delta));
      return scroll === pane.scroll ? state : { ...state, logPane: { ...pane, scroll } };
    }
    case "logBottom":
      return state.logPane.scroll === 0 ? state : { ...state, logPane: { ...state.logPane, scroll: 0 } };
    case "help":
      return { ...state, modal: { kind: "help" } };
    case "closeModal":
      return state.modal === null ? state : { ...state, modal: null };
    case "openConfirm":
      return { ...state, modal: { kind: "confirm", op: action.op, prompt: action.prompt } };
    case "openSignal":
      return { ...state, modal: { kind: "signal", targets: action.targets, index: 0 } };
    case "signalMove": {
      if (state.modal?.kind !== "signal") return state;
      const n = SIGNALS.length;
      return { ...state, modal: { ...state.modal, index: (((state.modal.index + action.delta) % n) + n) % n } };
    }
    case "quit":
      return { ...state, quitting: true };
  }
}
