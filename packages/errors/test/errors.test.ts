import { describe, expect, it } from "vitest";
import {
  ALL_ERROR_CODES,
  ConfigError,
  ErrorCodes,
  SupervisorError,
  errorCodeFromFault,
  formatConfigIssue,
  isErrorCode,
} from "../src/index.js";

describe("ErrorCodes (spec §0 fault codes)", () => {
  it.each([
    ["UNKNOWN_METHOD", 1], ["INCORRECT_PARAMETERS", 2], ["BAD_ARGUMENTS", 3], ["SIGNATURE_UNSUPPORTED", 4],
    ["SHUTDOWN_STATE", 6], ["BAD_NAME", 10], ["BAD_SIGNAL", 11], ["NO_FILE", 20], ["NOT_EXECUTABLE", 21],
    ["FAILED", 30], ["ABNORMAL_TERMINATION", 40], ["SPAWN_ERROR", 50], ["ALREADY_STARTED", 60],
    ["NOT_RUNNING", 70], ["SUCCESS", 80], ["ALREADY_ADDED", 90], ["STILL_RUNNING", 91], ["CANT_REREAD", 92],
  ] as const)("%s is fault %i", (name, code) => {
    expect(ErrorCodes[name]).toBe(code);
    expect(errorCodeFromFault(code)).toBe(name);
  });

  it("has exactly supervisord's 18 faults and no duplicates", () => {
    expect(ALL_ERROR_CODES).toHaveLength(18);
    expect(new Set(Object.values(ErrorCodes)).size).toBe(18);
    expect(errorCodeFromFault(5)).toBeUndefined();
    expect(isErrorCode("BAD_NAME")).toBe(true);
    expect(isErrorCode("toString")).toBe(false);
  });
});

describe("SupervisorError (RPC-09 fault strings)", () => {
  it("renders CODE: detail", () => {
    const err = new SupervisorError("BAD_NAME", "foo:bar");
    expect(err.faultString).toBe("BAD_NAME: foo:bar");
    expect(err.fault).toBe(10);
    expect(err).toBeInstanceOf(Error);
  });
  it("renders a bare code without detail", () => {
    expect(new SupervisorError("UNKNOWN_METHOD").faultString).toBe("UNKNOWN_METHOD");
  });
});

describe("ConfigError", () => {
  it("carries every issue and names file, line, section and option", () => {
    const err = new ConfigError([
      { file: "/etc/s.conf", line: 4, section: "program:a", option: "autostart", message: "not a valid boolean value: 'maybe'" },
      { file: "/etc/s.conf", message: "File contains no section headers." },
    ]);
    expect(err.issues).toHaveLength(2);
    expect(formatConfigIssue(err.issues[0]!)).toBe("/etc/s.conf:4 [program:a] autostart: not a valid boolean value: 'maybe'");
    expect(err.message.split("\n")).toHaveLength(2);
    expect(err.toSupervisorError().code).toBe("CANT_REREAD");
  });
  it("refuses to be empty", () => {
    expect(() => new ConfigError([])).toThrow(TypeError);
  });
});
