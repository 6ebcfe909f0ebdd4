import { describe, expect, it } from "vitest";
import { keyToCommand, type InputMode, type KeyInfo } from "../src/keymap.js";

function key(input: string, info: KeyInfo = {}, mode: InputMode = "normal") {
  return keyToCommand(input, info, mode);
}

describe("keymap", () => {
  it.each([
    ["j", {}, { type: "move", delta: 1 }],
    ["k", {}, { type: "move", delta: -1 }],
    ["", { downArrow: true }, { type: "move", delta: 1 }],
    ["", { upArrow: true }, { type: "move", delta: -1 }],
    ["s", {}, { type: "op", verb: "start" }],
    ["x", {}, { type: "op", verb: "stop" }],
    ["r", {}, { type: "op", verb: "restart" }],
    ["R", {}, { type: "restartGroup" }],
    ["K", {}, { type: "pickSignal" }],
    ["c", {}, { type: "op", verb: "clearLogs" }],
    ["", { return: true }, { type: "toggleLogPane" }],
    ["e", {}, { type: "switchChannel" }],
    ["?", {}, { type: "help" }],
    ["q", {}, { type: "quit" }],
    [" ", {}, { type: "toggleMark" }],
    ["/", {}, { type: "filterStart" }],
    ["o", {}, { type: "cycleSort" }],
    ["", { pageUp: true }, { type: "page", direction: -1 }],
    ["", { leftArrow: true }, { type: "collapse", collapsed: true }],
  ] as const)("normal mode: %j %j", (input, info, expected) => {
    expect(key(input, info)).toEqual(expected);
  });

  it("ignores unknown keys and ctrl combinations in normal mode", () => {
    expect(key("z")).toBeNull();
    expect(key("s", { ctrl: true })).toBeNull();
  });

  it("types into the filter, where letters are text and not commands", () => {
    expect(key("q", {}, "filter")).toEqual({ type: "filterInput", text: "q" });
    expect(key("", { return: true }, "filter")).toEqual({ type: "filterApply" });
    expect(key("", { escape: true }, "filter")).toEqual({ type: "filterCancel" });
    expect(key("", { backspace: true }, "filter")).toEqual({ type: "filterBackspace" });
  });

  it("asks y/n in the confirm step, and anything else does nothing", () => {
    expect(key("y", {}, "confirm")).toEqual({ type: "confirm" });
    expect(key("", { return: true }, "confirm")).toEqual({ type: "confirm" });
    expect(key("n", {}, "confirm")).toEqual({ type: "closeModal" });
    expect(key("", { escape: true }, "confirm")).toEqual({ type: "closeModal" });
    expect(key("x", {}, "confirm")).toBeNull();
  });

  it("chooses a signal by arrows and enter or by number", () => {
    expect(key("j", {}, "signal")).toEqual({ type: "signalMove", delta: 1 });
    expect(key("", { return: true }, "signal")).toEqual({ type: "chooseSignal" });
    expect(key("5", {}, "signal")).toEqual({ type: "chooseSignal", index: 4 });
    expect(key("", { escape: true }, "signal")).toEqual({ type: "closeModal" });
  });

  it("closes help on any key", () => {
    expect(key("q", {}, "help")).toEqual({ type: "closeModal" });
  });
});
