// Key → command, per input mode. Pure: takes Ink's (input, key) pair as plain data, so it is tested without a
// terminal. The help overlay (views/help.tsx) is generated from KEY_HELP below, so the two cannot drift apart.

import type { Command } from "./commands.js";
import type { TopState } from "./reducer.js";

/** The subset of Ink's `Key` the keymap reads (all optional, so tests only name what they press). */
export interface KeyInfo {
  upArrow?: boolean;
  downArrow?: boolean;
  leftArrow?: boolean;
  rightArrow?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  home?: boolean;
  end?: boolean;
  return?: boolean;
  escape?: boolean;
  backspace?: boolean;
  delete?: boolean;
  tab?: boolean;
  ctrl?: boolean;
  meta?: boolean;
}

export type InputMode = "normal" | "filter" | "help" | "confirm" | "signal";

export function inputMode(state: TopState): InputMode {
  if (state.modal) return state.modal.kind;
  if (state.filterDraft !== null) return "filter";
  return "normal";
}

export function keyToCommand(input: string, key: KeyInfo, mode: InputMode): Command | null {
  switch (mode) {
    case "filter":
      return filterKey(input, key);
    case "help":
      return { type: "closeModal" };
    case "confirm":
      if (key.return || input === "y" || input === "Y") return { type: "confirm" };
      if (key.escape || input === "n" || input === "N" || input === "q") return { type: "closeModal" };
      return null;
    case "signal":
      return signalKey(input, key);
    case "normal":
      return normalKey(input, key);
  }
}

function filterKey(input: string, key: KeyInfo): Command | null {
  if (key.return) return { type: "filterApply" };
  if (key.escape) return { type: "filterCancel" };
  if (key.backspace || key.delete) return { type: "filterBackspace" };
  if (key.ctrl || key.meta || key.tab || key.upArrow || key.downArrow) return null;
  // Printable text only (a paste may arrive as several characters at once).
  // eslint-disable-next-line no-control-regex
  const text = input.replace(/[\x00-\x1f\x7f]/g, "");
  return text === "" ? null : { type: "filterInput", text };
}

function signalKey(input: string, key: KeyInfo): Command | null {
  if (key.escape || input === "q") return { type: "closeModal" };
  if (key.return) return { type: "chooseSignal" };
  if (key.upArrow || input === "k") return { type: "signalMove", delta: -1 };
  if (key.downArrow || input === "j") return { type: "signalMove", delta: 1 };
  if (/^[1-9]$/.test(input)) return { type: "chooseSignal", index: Number(input) - 1 };
  return null;
}

function normalKey(input: string, key: KeyInfo): Command | null {
  if (key.upArrow) return { type: "move", delta: -1 };
  if (key.downArrow) return { type: "move", delta: 1 };
  if (key.leftArrow) return { type: "collapse", collapsed: true };
  if (key.rightArrow) return { type: "collapse", collapsed: false };
  if (key.pageUp) return { type: "page", direction: -1 };
  if (key.pageDown) return { type: "page", direction: 1 };
  if (key.home) return { type: "moveTo", where: "first" };
  if (key.end) return { type: "moveTo", where: "last" };
  if (key.return) return { type: "toggleLogPane" };
  if (key.escape) return { type: "clearMarks" };
  // Ink quits on a Ctrl-C of its own; this one came inside a chunk of several keys (controller.ts).
  if (key.ctrl && input === "c") return { type: "quit" };
  if (key.ctrl || key.meta) return null;
  switch (input) {
    case "k":
      return { type: "move", delta: -1 };
    case "j":
      return { type: "move", delta: 1 };
    case "h":
      return { type: "collapse", collapsed: true };
    case "l":
      return { type: "collapse", collapsed: false };
    case "g":
      return { type: "moveTo", where: "first" };
    case "G":
      return { type: "moveTo", where: "last" };
    case " ":
      return { type: "toggleMark" };
    case "a":
      return { type: "markAll" };
    case "s":
      return { type: "op", verb: "start" };
    case "x":
      return { type: "op", verb: "stop" };
    case "r":
      return { type: "op", verb: "restart" };
    case "R":
      return { type: "restartGroup" };
    case "K":
      return { type: "pickSignal" };
    case "c":
      return { type: "op", verb: "clearLogs" };
    case "e":
      return { type: "switchChannel" };
    case "f":
      return { type: "logBottom" };
    case "o":
      return { type: "cycleSort" };
    case "O":
      return { type: "reverseSort" };
    case "/":
      return { type: "filterStart" };
    case "?":
      return { type: "help" };
    case "q":
      return { type: "quit" };
    default:
      return null;
  }
}

/** Key reference for the help overlay and the hints line. */
export const KEY_HELP: ReadonlyArray<readonly [string, string]> = [
  ["↑ ↓  k j", "select process"],
  ["PgUp PgDn", "scroll the log pane (page the table when it is closed)"],
  ["Home End  g G", "first / last row"],
  ["← →  h l", "collapse / expand the group"],
  ["space", "mark for a multi-process action (esc clears)"],
  ["a", "mark every process shown (again: none)"],
  ["s  x  r", "start / stop / restart the selection"],
  ["R", "restart the whole group (asks first)"],
  ["K", "send a signal (choose which)"],
  ["c", "clear the process's logs"],
  ["enter", "open / close the log pane"],
  ["e", "follow stdout / stderr"],
  ["f", "back to the newest log output"],
  ["o  O", "sort by name, state, CPU, memory / reverse"],
  ["/", "filter by name or state (enter keeps, esc clears)"],
  ["?", "this help"],
  ["q  ctrl-c", "quit"],
];
