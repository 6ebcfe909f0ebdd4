import { describe, expect, it } from "vitest";
import {
  byteSize,
  describeProcess,
  makeNamespec,
  octalType,
  processStateName,
  ProcessStates,
  pyIntOrThrow,
  splitNamespec,
  ValueError,
} from "../src/index.js";

describe("namespecs (NUM-04, SEL-01, SEL-02)", () => {
  it("split on the first colon; `g:` and `g:*` name the group", () => {
    expect(splitNamespec("web")).toEqual({ group: "web", process: "web" });
    expect(splitNamespec("g:p:q")).toEqual({ group: "g", process: "p:q" });
    expect(splitNamespec("g:")).toEqual({ group: "g", process: null });
    expect(splitNamespec("g:*")).toEqual({ group: "g", process: null });
  });

  it("make: the bare name when it equals the group, None for a null process", () => {
    expect(makeNamespec("web", "web")).toBe("web");
    expect(makeNamespec("g", "p")).toBe("g:p");
    expect(makeNamespec("g", null)).toBe("g:None");
  });
});

describe("converters (TYP-01)", () => {
  it("byte_size: kb/mb/gb suffixes in any case, ValueError with CPython's text", () => {
    expect(byteSize("10KB")).toBe(10240);
    expect(byteSize(" 2mb")).toBe(2 * 1024 * 1024);
    expect(byteSize("1_0")).toBe(10);
    expect(() => byteSize("10XB")).toThrow(new ValueError("invalid literal for int() with base 10: '10xb'"));
  });

  it("octal_type: int(v, 8) with supervisord's message", () => {
    expect(octalType("022")).toBe(0o22);
    expect(octalType("0o777")).toBe(0o777);
    expect(() => octalType("8")).toThrow(new ValueError("8 can not be converted to an octal type"));
  });

  it("int(): CPython's %.200R cut of the message", () => {
    expect(() => pyIntOrThrow("x".repeat(300))).toThrow(`invalid literal for int() with base 10: '${"x".repeat(199)}`);
  });
});

describe("states and descriptions (spec §0, CMD-STATUS-4)", () => {
  it("codes both ways; an unknown code is UNKNOWN", () => {
    expect(ProcessStates.FATAL).toBe(200);
    expect(processStateName(40)).toBe("STOPPING");
    expect(processStateName(7)).toBe("UNKNOWN");
  });

  it("describeProcess: uptime, spawn error, not started", () => {
    const base = { name: "web", pid: 7, start: 100, stop: 0, now: 165, spawnerr: "" };
    expect(describeProcess({ ...base, state: "RUNNING" })).toBe("pid 7, uptime 0:01:05");
    expect(describeProcess({ ...base, state: "FATAL" })).toBe('unknown error (try "tail web")');
    expect(describeProcess({ ...base, state: "STOPPED", start: 0 })).toBe("Not started");
    expect(describeProcess({ ...base, state: "STOPPING" })).toBe("");
  });
});
