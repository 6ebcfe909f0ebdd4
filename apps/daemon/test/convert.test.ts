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
  lastExit: null,
  restarts: 0,
  cpuSeconds: null,
  fds: null,
  treeProcesses: null,
  governance: { rssRestarts: 0, descendantsKilled: 0, cgroup: null },
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

  it("issue 17: tree stats, counters, limits (proto 30-37) and restarts (55); fds unset when unknown", () => {
    const wire = processInfoToWire({
      ...base,
      state: "RUNNING",
      pid: 42,
      lastExit: { code: null, signal: "SIGKILL" },
      restarts: 3,
      cpuSeconds: 1.25,
      fds: 9,
      treeProcesses: 2,
      governance: { rssRestarts: 1, descendantsKilled: 2, cgroup: "/sys/fs/cgroup/x/web.web" },
      limits: { rlimits: { nofile: { soft: 512, hard: 1024 } }, memoryMax: null, pidsMax: 64, restartIfRssOver: { bytes: 1024, forMs: 60_000 }, killDescendants: true },
    });
    expect(wire).toMatchObject({
      restarts: 3,
      cpuSeconds: 1.25,
      fds: 9,
      treeProcesses: 2,
      rssRestarts: 1,
      descendantsKilled: 2,
      lastExitSignal: "SIGKILL",
      cgroup: "/sys/fs/cgroup/x/web.web",
      limits: { rlimits: "nofile=512:1024", memoryMaxBytes: -1, pidsMax: 64, cpuMax: "", rssRestartBytes: 1024, rssRestartForMs: 60_000 },
    });
    expect(processInfoToWire(base).fds).toBeUndefined();
    expect(processInfoToWire(base).limits).toBeUndefined();
  });

  it("RPC-08: seconds are truncated and capped to XML-RPC's int32 (2038+ clocks)", () => {
    expect(wireSeconds(1999)).toBe(1);
    expect(wireSeconds(null)).toBe(0);
    expect(wireSeconds(2 ** 31 * 1000 + 5000)).toBe(2 ** 31 - 1);
    expect(processInfoToWire({ ...base, observedAt: 4_000_000_000_000 }).now).toBe(2 ** 31 - 1);
  });
});
