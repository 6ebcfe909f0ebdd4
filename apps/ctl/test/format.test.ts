import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ProcessInfo } from "../src/backend.js";
import {
  columnize,
  describeProcess,
  formatChanges,
  formatConfigInfo,
  formatStatusLines,
  formatStopDate,
  formatTimedelta,
  statusRows,
} from "../src/format.js";
import { makeNamespec, splitNamespec } from "@tsupervisord/pycompat";
import { paintState, wantsColor } from "../src/color.js";

const base: ProcessInfo = {
  name: "sleeper",
  group: "sleeper",
  start: 1000,
  stop: 0,
  now: 1013,
  state: 20,
  statename: "RUNNING",
  spawnerr: "",
  exitstatus: 0,
  stdoutLogfile: "",
  stderrLogfile: "",
  pid: 6143,
};

describe("uptime text (CMD-STATUS-4: Python timedelta)", () => {
  it.each([
    [5, "0:00:05"],
    [13, "0:00:13"],
    [3600 + 60 + 1, "1:01:01"],
    [86400 + 3605, "1 day, 1:00:05"],
    [3 * 86400 + 7, "3 days, 0:00:07"],
    [-20, "0:00:00"],
  ])("%i seconds → %s", (secs, text) => {
    expect(formatTimedelta(secs)).toBe(text);
  });
});

describe("stop date (CMD-STATUS-4: %b %d %I:%M %p, local time)", () => {
  let tz: string | undefined;
  beforeEach(() => {
    tz = process.env["TZ"];
  });
  afterEach(() => {
    if (tz === undefined) delete process.env["TZ"];
    else process.env["TZ"] = tz;
  });
  it("formats an evening time as the golden transcript shows it", () => {
    process.env["TZ"] = "UTC";
    expect(formatStopDate(Date.UTC(2026, 10, 23, 19, 40, 12) / 1000)).toBe("Nov 23 07:40 PM");
  });
  it("uses 12 for midnight and noon, zero-pads the day", () => {
    process.env["TZ"] = "UTC";
    expect(formatStopDate(Date.UTC(2026, 0, 5, 0, 3) / 1000)).toBe("Jan 05 12:03 AM");
    expect(formatStopDate(Date.UTC(2026, 0, 5, 12, 59) / 1000)).toBe("Jan 05 12:59 PM");
  });
});

describe("process descriptions (CMD-STATUS-4, SHP-01)", () => {
  it("RUNNING: pid and uptime", () => {
    expect(describeProcess(base)).toBe("pid 6143, uptime 0:00:13");
  });
  it("STOPPED never started: Not started", () => {
    expect(describeProcess({ ...base, state: 0, statename: "STOPPED", start: 0, pid: 0 })).toBe("Not started");
  });
  it("FATAL: the spawn error, or the tail hint when there is none", () => {
    const fatal = { ...base, state: 200, statename: "FATAL", pid: 0 };
    expect(describeProcess({ ...fatal, spawnerr: "can't find command '/no/such'" })).toBe(
      "can't find command '/no/such'",
    );
    expect(describeProcess(fatal)).toBe('unknown error (try "tail sleeper")');
  });
  it("STARTING and STOPPING: empty", () => {
    expect(describeProcess({ ...base, state: 10, statename: "STARTING" })).toBe("");
    expect(describeProcess({ ...base, state: 40, statename: "STOPPING" })).toBe("");
  });
});

describe("status lines (CMD-STATUS-1)", () => {
  it("state column at index 33 by default", () => {
    const [line] = formatStatusLines(statusRows([base]));
    expect(line).toBe("sleeper                          RUNNING   pid 6143, uptime 0:00:13");
    expect(line?.indexOf("RUNNING")).toBe(33);
  });
  it("widens to the longest namespec + 3 (laravel-queue-workers)", () => {
    const lines = formatStatusLines([
      { namespec: "laravel-scheduler", statename: "RUNNING", description: "pid 1, uptime 0:00:01" },
      { namespec: "laravel-worker:laravel-worker_00", statename: "STARTING", description: "" },
    ]);
    expect(lines).toEqual([
      "laravel-scheduler                  RUNNING   pid 1, uptime 0:00:01",
      "laravel-worker:laravel-worker_00   STARTING  ",
    ]);
  });
  it("colour wraps only the state word and keeps the columns", () => {
    const [line] = formatStatusLines(statusRows([base]), paintState);
    // eslint-disable-next-line no-control-regex
    expect(line?.replace(/\u001b\[[0-9;]*m/g, "")).toBe(formatStatusLines(statusRows([base]))[0]);
    expect(line).toContain("\u001b[32mRUNNING\u001b[0m   pid");
  });
});

describe("colour policy", () => {
  it("only on a TTY, never with NO_COLOR, never for TERM=dumb", () => {
    expect(wantsColor(true, {})).toBe(true);
    expect(wantsColor(false, {})).toBe(false);
    expect(wantsColor(undefined, {})).toBe(false);
    expect(wantsColor(true, { NO_COLOR: "1" })).toBe(false);
    expect(wantsColor(true, { TERM: "dumb" })).toBe(false);
  });
});

describe("namespecs (SEL-01, SEL-02)", () => {
  it("splits and joins as supervisorctl", () => {
    expect(splitNamespec("web")).toEqual({ group: "web", process: "web" });
    expect(splitNamespec("grp:g1")).toEqual({ group: "grp", process: "g1" });
    expect(splitNamespec("grp:*")).toEqual({ group: "grp", process: null });
    expect(splitNamespec("grp:")).toEqual({ group: "grp", process: null });
    expect(makeNamespec("web", "web")).toBe("web");
    expect(makeNamespec("grp", "g1")).toBe("grp:g1");
    expect(makeNamespec("g", null)).toBe("g:None");
  });
});

describe("avail and reread lines", () => {
  it("CMD-AVAIL-1: %-32s %-9s %-9s prio", () => {
    expect(
      formatConfigInfo({ name: "g2", group: "grp", inuse: true, autostart: false, groupPrio: 999, processPrio: 999 }),
    ).toBe("grp:g2                           in use    manual    999:999");
    expect(
      formatConfigInfo({
        name: "laravel-worker_00",
        group: "laravel-worker",
        inuse: false,
        autostart: true,
        groupPrio: 300,
        processPrio: 10,
      }),
    ).toBe("laravel-worker:laravel-worker_00 avail     auto      300:10");
  });
  it("CMD-REREAD-1: sorted by group name, or no updates", () => {
    expect(formatChanges({ added: ["b"], changed: ["a"], removed: ["c"] })).toEqual([
      "a: changed",
      "b: available",
      "c: disappeared",
    ]);
    expect(formatChanges({ added: [], changed: [], removed: [] })).toEqual(["No config updates to processes"]);
  });
});

describe("columnize (Python cmd)", () => {
  it("a single item, an empty list", () => {
    expect(columnize(["a"])).toEqual(["a"]);
    expect(columnize([])).toEqual(["<empty>"]);
  });
  it("falls back to one column when nothing fits", () => {
    expect(columnize(["x".repeat(50), "y".repeat(50)], 79)).toEqual(["x".repeat(50), "y".repeat(50)]);
  });
});
