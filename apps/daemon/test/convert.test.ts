import type { ProcessInfo } from "@tsupervisord/engine";
import { describe, expect, it } from "vitest";
import { processInfoToWire, wireSeconds } from "../src/service/convert.js";

const base: ProcessInfo = {
  name: "web",
  group: "web",
  state: "STOPPED",
  description: "Not started",
  pid: null,
  startedAt: null,
  stoppedAt: null,
  observedAt: 1_700_000_000_999,
  spawnError: null,
  exit: null,
  stdoutLogfile: "/logs/web-stdout.log",
  stderrLogfile: null,
  cpuPercent: null,
  rssBytes: null,
  // issue 14
  readiness: "none",
  readinessStatus: "",
  liveness: "none",
  livenessStatus: "",
  waitingFor: "",
  dependsOn: [],
  program: "web",
  restarts: 0,
};

describe("engine record -> supervisord's ProcessInfo (spec §5.3)", () => {
  it("never-started: zeros, empty strings, the logfile alias of stdout_logfile", () => {
    expect(processInfoToWire(base)).toMatchObject({
      state: 0,
      statename: "STOPPED",
      start: 0,
      stop: 0,
      now: 1_700_000_000,
      pid: 0,
      exitstatus: 0,
      spawnerr: "",
      logfile: "/logs/web-stdout.log",
      stdoutLogfile: "/logs/web-stdout.log",
      stderrLogfile: "",
      cpuPercent: 0,
      rssBytes: 0,
      restarts: 0,
    });
  });

  it("restarts (proto field 55) goes on the gRPC wire as the engine counts it", () => {
    expect(processInfoToWire({ ...base, restarts: 4 }).restarts).toBe(4);
  });

  it("exitstatus: the code, -1 for a signal death (RAP-03)", () => {
    expect(processInfoToWire({ ...base, state: "EXITED", exit: { code: 3, signal: null } })).toMatchObject({ state: 100, exitstatus: 3 });
    expect(processInfoToWire({ ...base, exit: { code: null, signal: "SIGTERM" } }).exitstatus).toBe(-1);
  });

  it("RPC-08: seconds are truncated and capped to XML-RPC's int32 (2038+ clocks)", () => {
    expect(wireSeconds(1999)).toBe(1);
    expect(wireSeconds(null)).toBe(0);
    expect(wireSeconds(2 ** 31 * 1000 + 5000)).toBe(2 ** 31 - 1);
    expect(processInfoToWire({ ...base, observedAt: 4_000_000_000_000 }).now).toBe(2 ** 31 - 1);
  });
});
