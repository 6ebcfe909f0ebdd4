import { describe, expect, it } from "vitest";
import { limitsText, mapProcess, WatchMapper, type WireProcessInfo } from "../src/grpc-source.js";
import { initialState } from "../src/reducer.js";
import { infoText } from "../src/views/process-table.js";

function wire(extra: Partial<WireProcessInfo> = {}): WireProcessInfo {
  return {
    name: "web_0",
    group: "web",
    description: "pid 10, uptime 0:00:05",
    start: 100,
    stop: 0,
    now: 105,
    state: 20,
    statename: "RUNNING",
    spawnerr: "",
    exitstatus: 0,
    pid: 10,
    cpuPercent: 1.5,
    rssBytes: 4096,
    restarts: 3,
    ...extra,
  };
}

describe("gRPC mapping (protocol messages → TUI model)", () => {
  it("maps ProcessInfo, with no CPU/RSS for a process that has no pid", () => {
    expect(mapProcess(wire())).toMatchObject({ state: "RUNNING", pid: 10, cpuPercent: 1.5, rssBytes: 4096, restarts: 3 });
    expect(mapProcess(wire({ pid: 0, state: 200, statename: "FATAL", cpuPercent: 0, rssBytes: 0 }))).toMatchObject({
      state: "FATAL",
      cpuPercent: null,
      rssBytes: null,
    });
    expect(mapProcess(wire({ state: 30, statename: "" })).state).toBe("BACKOFF");
    // Just spawned, not sampled yet.
    expect(mapProcess(wire({ cpuPercent: 0, rssBytes: 0 }))).toMatchObject({ cpuPercent: null, rssBytes: null });
  });

  it("issue 17: tree fds and the program's limits reach the model; limits follow the uptime in the table", () => {
    const limits = { rlimits: "nofile=512:1024", memoryMaxBytes: 512 * 1024 * 1024, cpuMax: "50000 100000", pidsMax: 64, rssRestartBytes: 1.5 * 1024 ** 3, rssRestartForMs: 120_000 };
    const p = mapProcess(wire({ fds: 12, limits }));
    expect(p).toMatchObject({ fds: 12, limits: "nofile=512:1024 mem≤512M cpu≤50% pids≤64 rss>1.5G/2m" });
    expect(mapProcess(wire({ pid: 0, state: 0, statename: "STOPPED", fds: 3 })).fds).toBeUndefined();
    expect(limitsText({ rlimits: "", cpuMax: "", rssRestartBytes: 0, rssRestartForMs: 0 })).toBeNull();
    const state = initialState({ viewport: { columns: 120, rows: 30 }, now: 0 });
    expect(infoText(state, { ...p, receivedAt: 0 }, 0)).toBe("up 5s  nofile=512:1024 mem≤512M cpu≤50% pids≤64 rss>1.5G/2m");
  });

  it("maps the Watch stream: snapshot with daemon info, changes, groups, daemon state, stats", () => {
    const m = new WatchMapper();
    const [snap] = m.map({
      event: {
        $case: "snapshot",
        snapshot: {
          processes: [wire()],
          statename: "RUNNING",
          identification: "supervisor",
          supervisorVersion: "4.2.5",
          startTime: 50,
          pid: 7,
        },
      },
    });
    expect(snap).toMatchObject({
      kind: "snapshot",
      daemon: { identification: "supervisor", version: "4.2.5", pid: 7, startedAt: 50, now: 105, state: "RUNNING" },
    });
    expect(m.map({ event: { $case: "processStateChanged", processStateChanged: { process: wire({ pid: 11 }) } } })).toMatchObject([
      { kind: "process", info: { pid: 11 } },
    ]);
    expect(m.map({ event: { $case: "groupAdded", groupAdded: { name: "g", processes: [wire(), wire({ name: "web_1" })] } } })).toHaveLength(2);
    expect(m.map({ event: { $case: "groupRemoved", groupRemoved: { name: "web" } } })).toEqual([
      { kind: "groupRemoved", group: "web" },
    ]);
    expect(m.map({ event: { $case: "supervisorStateChanged", supervisorStateChanged: { statename: "SHUTDOWN" } } })).toMatchObject([
      { kind: "daemon", daemon: { state: "SHUTDOWN", pid: 7 } },
    ]);
    expect(
      m.map({
        event: {
          $case: "processStats",
          processStats: { processes: [{ name: "web_0", group: "web", pid: 10, cpuPercent: 3, rssBytes: 99 }] },
        },
      }),
    ).toEqual([{ kind: "stats", stats: [{ key: "web:web_0", cpuPercent: 3, rssBytes: 99 }] }]);
    expect(m.map({ event: undefined })).toEqual([]);
  });
});
