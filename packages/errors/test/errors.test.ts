import { describe, expect, it } from "vitest";
import {
  ALL_ERROR_CODES,
  ConfigError,
  ErrorCodes,
  SupervisorError,
  errorCodeFromFault,
  formatConfigIssue,
  isErrorCode,
  resultLine,
  resultReason,
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

  it("has exactly supervisord's 18 faults, tsupervisord's PERMISSION_DENIED (issue 19), and no duplicates", () => {
    expect(ALL_ERROR_CODES).toHaveLength(19);
    expect(new Set(Object.values(ErrorCodes)).size).toBe(19);
    expect(ErrorCodes.PERMISSION_DENIED).toBe(100);
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

describe("supervisorctl's result lines", () => {
  it("word each fault as supervisorctl's _startresult/_stopresult/_signalresult/_clearresult do", () => {
    expect(resultLine("start", "web:web_00", "SPAWN_ERROR", "SPAWN_ERROR: web:web_00")).toBe("web:web_00: ERROR (spawn error)");
    expect(resultLine("start", "a", "ABNORMAL_TERMINATION")).toBe("a: ERROR (abnormal termination)");
    expect(resultLine("start", "a", "NOT_EXECUTABLE")).toBe("a: ERROR (file is not executable)");
    expect(resultLine("start", "a", "SUCCESS")).toBe("a: started");
    expect(resultLine("stop", "a", "NOT_RUNNING")).toBe("a: ERROR (not running)");
    expect(resultLine("signal", "a", "BAD_SIGNAL")).toBe("a: ERROR (bad signal name)");
    expect(resultLine("clear", "a", "FAILED")).toBe("a: ERROR (failed)");
    // supervisorctl prints a stop/signal FAILED as the fault string alone.
    expect(resultLine("stop", "a", "FAILED", "FAILED: a couldn't be stopped")).toBe("FAILED: a couldn't be stopped");
    // No words for it in supervisorctl: the fault string is kept, never dropped.
    expect(resultLine("start", "a", "SHUTDOWN_STATE", "SHUTDOWN_STATE")).toBe("a: ERROR (SHUTDOWN_STATE)");
    expect(resultReason("start", "BAD_SIGNAL")).toBeUndefined();
  });
});
