// What a key means in context: turns a command (from the keymap) into store actions and, for the commands that
// act on processes, an Op for the controller to send to the daemon. Pure: the decision about targets, confirm
// steps and the signal picker is all here and unit-tested; controller.ts only carries it out.

import { selectedRow, SIGNALS, type Action, type Op, type TopState, type UiAction } from "./reducer.js";

export type OpVerb = "start" | "stop" | "restart" | "clearLogs";

export type Command =
  | UiAction
  | { type: "op"; verb: OpVerb }
  | { type: "restartGroup" }
  | { type: "pickSignal" }
  | { type: "chooseSignal"; index?: number }
  | { type: "confirm" };

export interface Decision {
  actions: Action[];
  op: Op | null;
}

const NOTHING: Decision = { actions: [], op: null };

/**
 * Targets of an action: the marked processes if any (space), else the selected row (a group header means the
 * whole group, as `group:*`). Marks that no longer exist are ignored.
 */
export function actionTargets(state: TopState): string[] {
  const marked = [...state.marked].filter((k) => state.processes.has(k)).sort();
  if (marked.length > 0) return marked;
  const row = selectedRow(state);
  if (!row) return [];
  return row.kind === "process" ? [row.key] : [`${row.group}:*`];
}

function expandGroup(state: TopState, target: string): string[] {
  if (!target.endsWith(":*")) return [target];
  const group = target.slice(0, -2);
  return [...state.processes.values()]
    .filter((p) => p.group === group)
    .map((p) => `${p.group}:${p.name}`)
    .sort();
}

/** Acting on more than one process at once (a group or several marks) asks first. */
function isWide(targets: string[]): boolean {
  return targets.length > 1 || targets.some((t) => t.endsWith(":*"));
}

const VERB_LABEL: Record<Op["verb"], string> = {
  start: "Start",
  stop: "Stop",
  restart: "Restart",
  signal: "Send signal to",
  clearLogs: "Clear logs of",
};

export function describeTargets(targets: string[]): string {
  if (targets.length === 1) {
    const t = targets[0] ?? "";
    return t.endsWith(":*") ? `group ${t.slice(0, -2)}` : t;
  }
  return `${targets.length} processes`;
}

export function confirmPrompt(op: Op): string {
  const what = describeTargets(op.targets);
  if (op.verb === "signal") return `Send SIG${op.signal ?? "?"} to ${what}?`;
  return `${VERB_LABEL[op.verb]} ${what}?`;
}

/** An op that is destructive (everything but start) and wide needs a confirm step; the rest runs at once. */
function runOrConfirm(op: Op): Decision {
  if (op.verb !== "start" && isWide(op.targets)) {
    return { actions: [{ type: "openConfirm", op, prompt: confirmPrompt(op) }], op: null };
  }
  return { actions: [], op };
}

function noTarget(): Decision {
  return { actions: [{ type: "status", text: "nothing selected", level: "error" }], op: null };
}

export function decide(state: TopState, command: Command): Decision {
  switch (command.type) {
    case "op": {
      let targets = actionTargets(state);
      if (targets.length === 0) return noTarget();
      // There is no group form of clearProcessLogs (supervisord answers BAD_NAME to `group:*`): name each member.
      if (command.verb === "clearLogs") targets = targets.flatMap((t) => expandGroup(state, t));
      return runOrConfirm({ verb: command.verb, targets });
    }
    case "restartGroup": {
      const row = selectedRow(state);
      if (!row) return noTarget();
      const group = row.kind === "group" ? row.group : row.info.group;
      // Always asks: `R` reaches beyond the selected row by definition.
      const op: Op = { verb: "restart", targets: [`${group}:*`] };
      return { actions: [{ type: "openConfirm", op, prompt: confirmPrompt(op) }], op: null };
    }
    case "pickSignal": {
      const targets = actionTargets(state);
      if (targets.length === 0) return noTarget();
      return { actions: [{ type: "openSignal", targets }], op: null };
    }
    case "chooseSignal": {
      if (state.modal?.kind !== "signal") return NOTHING;
      const signal = SIGNALS[command.index ?? state.modal.index];
      if (signal === undefined) return NOTHING;
      const decision = runOrConfirm({ verb: "signal", targets: state.modal.targets, signal });
      return { actions: [{ type: "closeModal" }, ...decision.actions], op: decision.op };
    }
    case "confirm":
      if (state.modal?.kind !== "confirm") return NOTHING;
      return { actions: [{ type: "closeModal" }], op: state.modal.op };
    default:
      return { actions: [command], op: null };
  }
}

/** The marks are spent once an op has been sent for them. */
export function marksUsedBy(state: TopState, op: Op): boolean {
  return op.targets.some((t) => state.marked.has(t)) && [...state.marked].every((k) => op.targets.includes(k));
}
