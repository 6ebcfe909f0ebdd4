import { ALL_ERROR_CODES, ErrorCodes } from "@tsupervisord/errors";
import { describe, expect, it } from "vitest";
import { exitStatusForFault, FAULT_EXIT_STATUS, resultLine } from "../src/faults.js";

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

  it("result lines: the shared words, FAILED's fault string on stop/signal, supervisorctl's error otherwise", () => {
    const r = (status: number) => ({ status, description: "FAILED: boom" });
    expect(resultLine("start", r(80), "web")).toBe("web: started");
    expect(resultLine("start", r(50), "web")).toBe("web: ERROR (spawn error)");
    expect(resultLine("stop", r(30), "web")).toBe("FAILED: boom");
    expect(resultLine("signal", r(11), "web")).toBe("web: ERROR (bad signal name)");
    expect(() => resultLine("start", r(30), "web")).toThrow("Unknown result code 30 for web");
    expect(() => resultLine("clear", r(60), "g:web")).toThrow("Unknown result code 60 for g:web");
  });
});
