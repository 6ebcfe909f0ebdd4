import { describe, expect, it } from "vitest";
import { EXTENSION_KEYS, processConfigEquals, sizeInBytes } from "../src/index.js";
import { issuesOf, onlyProcess, readWithBase } from "./helpers.js";

const program = (keys: string): string => `[program:web]\ncommand=/bin/cat\n${keys}\n`;

describe("issue 17 extension keys: limits", () => {
  it("reads rlimits (N, SOFT:HARD, unlimited, sizes), cgroup limits and the RSS watchdog", () => {
    const p = onlyProcess(
      readWithBase(
        program(
          [
            "rlimit_nofile = 4096",
            "rlimit_nproc = 100:200",
            "rlimit_core = unlimited",
            "rlimit_as = 2GB",
            "memory_max = 512MB",
            "memory_high = max",
            "cpu_max = 150%%",
            "pids_max = 64",
            "restart_if_rss_over = 1.5GB for 2m",
          ].join("\n"),
        ),
      ),
    );
    expect(p.limits).toEqual({
      rlimits: {
        nofile: { soft: 4096, hard: 4096 },
        nproc: { soft: 100, hard: 200 },
        core: { soft: null, hard: null },
        as: { soft: 2 * 1024 ** 3, hard: 2 * 1024 ** 3 },
      },
      memoryMax: 512 * 1024 ** 2,
      memoryHigh: null,
      cpuMax: { quotaUs: 150_000, periodUs: 100_000 },
      pidsMax: 64,
      restartIfRssOver: { bytes: Math.round(1.5 * 1024 ** 3), forMs: 120_000 },
      killDescendants: true,
    });
  });

  it("a program without any key has no limits (the config is what supervisord's is)", () => {
    expect(onlyProcess(readWithBase(program(""))).limits).toBeUndefined();
    expect(onlyProcess(readWithBase(program("kill_descendants = false"))).limits).toEqual({
      rlimits: {},
      killDescendants: false,
    });
  });

  it("reports every bad value with file, line and option", () => {
    const { issues } = issuesOf(
      `[supervisord]\nlogfile=%(here)s/sd.log\ncgroups = maybe\n\n` +
        program(["rlimit_nofile = lots", "rlimit_nproc = 10:5", "memory_max = 1XB", "cpu_max = 0.001cpus", "restart_if_rss_over = 1GB for ever"].join("\n")),
    );
    const byOption = new Map(issues.map((i) => [i.option, i]));
    for (const [option, line] of [["cgroups", 3], ["rlimit_nofile", 7], ["rlimit_nproc", 8], ["memory_max", 9], ["cpu_max", 10], ["restart_if_rss_over", 11]] as const) {
      const issue = byOption.get(option);
      expect(issue, option).toBeDefined();
      expect(issue?.line, option).toBe(line);
      expect(issue?.file).toMatch(/supervisord\.conf$/);
    }
    expect(byOption.get("rlimit_nproc")?.message).toContain("soft limit may not exceed the hard limit");
    expect(byOption.get("restart_if_rss_over")?.message).toContain("not a duration");
  });

  it("a changed limit makes the program changed for reread/update", () => {
    const a = onlyProcess(readWithBase(program("rlimit_nofile = 100")));
    const b = onlyProcess(readWithBase(program("rlimit_nofile = 200")));
    expect(processConfigEquals(a, a)).toBe(true);
    expect(processConfigEquals(a, b)).toBe(false);
  });

  it("cpu_max also takes a number of CPUs", () => {
    expect(onlyProcess(readWithBase(program("cpu_max = 0.5 cpus"))).limits?.cpuMax).toEqual({ quotaUs: 50_000, periodUs: 100_000 });
  });

  it("sizes use binary units like supervisord's byte_size", () => {
    expect(sizeInBytes("1.5GB")).toBe(1610612736);
    expect(sizeInBytes("64 KiB")).toBe(65536);
    expect(sizeInBytes("4096")).toBe(4096);
  });

  it("every key is registered in the extension-key table", () => {
    const keys = new Set(EXTENSION_KEYS.map((k) => `${k.section}.${k.key}`));
    for (const key of ["rlimit_nofile", "rlimit_nproc", "rlimit_core", "rlimit_as", "memory_max", "memory_high", "cpu_max", "pids_max", "restart_if_rss_over", "kill_descendants"]) {
      expect(keys.has(`program.${key}`), key).toBe(true);
    }
    expect(keys.has("supervisord.cgroups")).toBe(true);
  });
});
