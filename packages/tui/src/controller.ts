// Carries out what the user asks: key → command (keymap) → decision (commands) → store actions, plus the op sent
// to the daemon. An op's outcome lands in the status line; a failed call never throws into React.

import { errorMessage } from "./connect.js";
import { decide, describeTargets, marksUsedBy } from "./commands.js";
import { inputMode, keyToCommand, type KeyInfo } from "./keymap.js";
import { isErrorCode, resultLine, resultReason, type ResultVerb } from "@tsupervisord/errors";
import { OpFailure, type TopDataSource } from "./model.js";
import type { Op } from "./reducer.js";
import type { TopStore } from "./store.js";

const PROGRESS: Record<Op["verb"], string> = {
  start: "starting",
  stop: "stopping",
  restart: "restarting",
  signal: "signalling",
  clearLogs: "clearing logs of",
};
const DONE: Record<Op["verb"], string> = {
  start: "started",
  stop: "stopped",
  restart: "restarted",
  signal: "signalled",
  clearLogs: "cleared logs of",
};

/** Which of supervisorctl's result tables words a fault of each op (restart: start's, then stop's). */
const RESULT_VERBS: Record<Op["verb"], ResultVerb[]> = {
  start: ["start"],
  stop: ["stop"],
  restart: ["start", "stop"],
  signal: ["signal"],
  clearLogs: ["clear"],
};

/**
 * supervisorctl's lines for a failed op: `flaky:flaky: ERROR (spawn error)` for a daemon fault (never the raw
 * `SPAWN_ERROR: flaky:flaky`), one per failed process of a group, and `target: ERROR (message)` for anything else
 * (the connection went away).
 */
export function failureLines(verb: Op["verb"], target: string, error: unknown): string[] {
  if (error instanceof OpFailure) return [...error.lines];
  const code = (error as { code?: unknown } | null)?.code;
  if (isErrorCode(code)) {
    const verbs = RESULT_VERBS[verb];
    const words = verbs.find((v) => resultReason(v, code) !== undefined) ?? verbs[0] ?? "start";
    return [resultLine(words, target, code, errorMessage(error))];
  }
  return [`${target}: ERROR (${errorMessage(error)})`];
}

/** One character of a chunk as Ink would have reported it alone: Enter, Tab, Backspace, Escape, Ctrl-letter. */
export function keyOfChar(ch: string): [string, KeyInfo] {
  switch (ch) {
    case "\r":
    case "\n":
      return ["", { return: true }];
    case "\t":
      return ["", { tab: true }];
    case "\x7f":
    case "\b":
      return ["", { backspace: true }];
    case "\x1b":
      return ["", { escape: true }];
  }
  const code = ch.codePointAt(0) ?? 0;
  if (code >= 1 && code <= 26) return [String.fromCharCode(code + 96), { ctrl: true }];
  return [ch, {}];
}

function hasSpecialKey(key: KeyInfo): boolean {
  // Shift only says a letter is upper case; it does not make "oR" a key combination.
  return Object.entries(key).some(([name, v]) => name !== "shift" && v === true);
}

export class TopController {
  constructor(
    private readonly store: TopStore,
    private readonly source: TopDataSource,
  ) {}

  handleKey(input: string, key: KeyInfo): void {
    // Keys typed quickly (or sent by tmux/paste) can arrive as one chunk: "/web\r" must be "/" then "w" "e" "b"
    // then Enter, each in the mode the previous one left. Ink names the special key only when it is the whole
    // chunk, so the control characters inside one are named here.
    const chars = Array.from(input);
    if (chars.length > 1 && !hasSpecialKey(key)) {
      for (const ch of chars) this.handleKey(...keyOfChar(ch));
      return;
    }
    const state = this.store.getState();
    const command = keyToCommand(input, key, inputMode(state));
    if (!command) return;
    const { actions, op } = decide(state, command);
    for (const action of actions) this.store.dispatch(action);
    if (op) void this.run(op);
  }

  /** Sends one op for every target; resolves when all have answered. Never rejects. */
  async run(op: Op): Promise<void> {
    if (marksUsedBy(this.store.getState(), op)) this.store.dispatch({ type: "clearMarks" });
    const what = describeTargets(op.targets);
    const sig = op.verb === "signal" ? ` SIG${op.signal ?? ""}` : "";
    this.store.dispatch({ type: "status", text: `${PROGRESS[op.verb]}${sig} ${what}…`, level: "info" });
    const results = await Promise.allSettled(op.targets.map((t) => this.call(op, t)));
    const failures: string[] = [];
    results.forEach((r, i) => {
      if (r.status === "rejected") failures.push(...failureLines(op.verb, op.targets[i] ?? "?", r.reason));
    });
    if (failures.length === 0) {
      this.store.dispatch({ type: "status", text: `${DONE[op.verb]}${sig} ${what}`, level: "info" });
    } else {
      const more = failures.length > 1 ? ` (+${failures.length - 1} more)` : "";
      this.store.dispatch({ type: "status", text: `${failures[0] ?? ""}${more}`, level: "error" });
    }
  }

  private call(op: Op, target: string): Promise<void> {
    try {
      switch (op.verb) {
        case "start":
          return this.source.start(target);
        case "stop":
          return this.source.stop(target);
        case "restart":
          return this.source.restart(target);
        case "signal":
          return this.source.signal(target, op.signal ?? "TERM");
        case "clearLogs":
          return this.source.clearLogs(target);
      }
    } catch (error) {
      // A data source that throws synchronously is a bug there, but it still must not take the view down.
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }
}
