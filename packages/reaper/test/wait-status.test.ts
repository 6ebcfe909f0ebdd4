import { describe, expect, it } from "vitest";
import { describeWaitStatus, signalName } from "../src/index.js";

describe("RAP-03 wait status texts", () => {
  const child = (status: number | null, signal: number | null, coreDumped = false, raw = 0) => ({ status, signal, coreDumped, raw });

  it("RAP-03: exit status <n>", () => {
    expect(describeWaitStatus(child(0, null))).toBe("exit status 0");
    expect(describeWaitStatus(child(255, null))).toBe("exit status 255");
  });

  it("RAP-03: terminated by <SIGNAME>, with (core dumped)", () => {
    expect(describeWaitStatus(child(null, 9))).toBe("terminated by SIGKILL");
    expect(describeWaitStatus(child(null, 6, true))).toBe("terminated by SIGABRT (core dumped)");
  });

  it("RAP-03: Python's names for aliased and real-time signals", () => {
    expect(signalName(17)).toBe("SIGCHLD");
    expect(signalName(29)).toBe("SIGPOLL");
    expect(signalName(34)).toBe("SIGRTMIN");
    expect(signalName(40)).toBe("signal 40");
    expect(describeWaitStatus(child(null, 40))).toBe("terminated by signal 40");
  });

  it("RAP-03: unknown termination cause 0x<hhhh>", () => {
    expect(describeWaitStatus(child(null, null, false, 0x137f))).toBe("unknown termination cause 0x137f");
    expect(describeWaitStatus(child(null, null, false, 0xffff))).toBe("unknown termination cause 0xffff");
  });
});
