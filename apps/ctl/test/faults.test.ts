import { ALL_ERROR_CODES, ErrorCodes } from "@tsupervisord/errors";
import { describe, expect, it } from "vitest";
import { CLEAR_RESULT_TEXT, exitStatusForFault, FAULT_EXIT_STATUS, resultLine, SIGNAL_RESULT_TEXT, START_RESULT_TEXT } from "../src/faults.js";

describe("total fault tables (EXIT-01, result lines)", () => {
  it("every ErrorCode has an exit status: 40/50/70 → 7, SUCCESS leaves it, the rest → 1", () => {
    expect(Object.keys(FAULT_EXIT_STATUS).sort()).toEqual([...ALL_ERROR_CODES].sort());
    for (const code of ALL_ERROR_CODES) {
      const fault = ErrorCodes[code];
      const expected = fault === 80 ? null : fault === 40 || fault === 50 || fault === 70 ? 7 : 1;
      expect(exitStatusForFault(fault), code).toBe(expected);
    }
    expect(exitStatusForFault(12345)).toBe(1);
  });

  it("every table covers every code; unknown codes raise supervisorctl's error", () => {
    for (const table of [START_RESULT_TEXT, SIGNAL_RESULT_TEXT, CLEAR_RESULT_TEXT]) {
      expect(Object.keys(table).sort()).toEqual([...ALL_ERROR_CODES].sort());
    }
    const r = (status: number) => ({ status, description: "FAILED: boom" });
    expect(resultLine(START_RESULT_TEXT, r(80), "web", "started")).toBe("web: started");
    expect(resultLine(START_RESULT_TEXT, r(50), "web", "started")).toBe("web: ERROR (spawn error)");
    expect(resultLine(SIGNAL_RESULT_TEXT, r(30), "web", "stopped")).toBe("FAILED: boom");
    expect(() => resultLine(CLEAR_RESULT_TEXT, r(60), "g:web", "cleared")).toThrow("Unknown result code 60 for g:web");
  });
});
