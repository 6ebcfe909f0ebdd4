/**
 * Issue 17 in the engine: on-demand tree stats, rlimits on the child only, the descendant sweep on stop,
 * per-program cgroups where writable, and the RSS watchdog. Real children throughout.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import type { ProgramLimits } from "@tsupervisord/config";
import { overridePrlimit } from "../src/limits/rlimits.js";
import { CgroupManager } from "../src/limits/cgroups.js";
import { Harness, isGone, isState, program, until, type MemoryPort, type MemorySink } from "./helpers.js";

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures");
const PY = "/usr/bin/python3";

const h = new Harness();
const strays: number[] = [];
afterEach(async () => {
  await h.cleanup();
  overridePrlimit(undefined);
  for (const pid of strays.splice(0)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone
    }
  }
});

const limits = (l: Partial<ProgramLimits>): ProgramLimits => ({ rlimits: {}, killDescendants: true, ...l });

function stdoutOf(port: MemoryPort, name: string): MemorySink {
  return port.sink(name);
}

/** VmRSS of a pid from /proc/<pid>/status, in bytes. */
function vmRss(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(m?.[1] ?? 0) * 1024;
}

function script(body: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tsd-gov-"));
  const file = path.join(dir, "run.sh");
  writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return file;
}

/** Whether this machine lets us create cgroups (printed when not, so a skip is never silent). */
const cgroupProbe = CgroupManager.detect(false);
const cgroupSkip = cgroupProbe.support.mode === "none" ? cgroupProbe.support.reason : null;
void cgroupProbe.close();
if (cgroupSkip !== null) console.log(`[skip] cgroup tests: ${cgroupSkip}`);

describe("stats sampling only while someone watches", () => {
  it("an idle supervisor with running programs arms no timer and reads nothing; a watcher gets passes until it leaves", async () => {
    const { sup, rec } = h.make([program("idle", "/bin/sleep 1000", { startsecs: 0 })], { cgroups: "off" });
    sup.start();
    await rec.waitFor(isState("idle", "RUNNING"));
    expect(sup.stats.passes).toBe(0);
    expect(sup.stats.timerArmed).toBe(false);
    // A plain status (no stats) reads nothing either.
    sup.getAllProcessInfo({ stats: false });
    expect(sup.stats.passes).toBe(0);

    const seen: number[] = [];
    let resolveTwo: () => void = () => {};
    const two = new Promise<void>((r) => (resolveTwo = r));
    const lease = sup.stats.watch(250, (samples) => {
      seen.push(samples.get("idle:idle")?.root ?? 0);
      if (seen.length === 2) resolveTwo();
    });
    expect(sup.stats.timerArmed).toBe(true);
    await two;
    lease.close();
    expect(sup.stats.timerArmed).toBe(false);
    const pid = sup.getProcessInfo("idle").pid;
    expect(seen).toEqual([pid, pid]);
    const passes = sup.stats.passes;
    // The next read is on demand again: exactly one pass.
    sup.stats.fresh(0);
    expect(sup.stats.passes).toBe(passes + 1);
    expect(sup.stats.timerArmed).toBe(false);
  });

  it("tree RSS, CPU seconds, fds and members agree with /proc for a tree of known size", async () => {
    const { sup, rec, port } = h.make(
      [program("alloc", `${PY} ${path.join(FIXTURES, "alloc.py")} 64 32`, { startsecs: 0 })],
      { cgroups: "off" },
    );
    sup.start();
    await rec.waitFor(isState("alloc", "RUNNING"));
    await stdoutOf(port, "alloc").until((s) => s.stdoutText.includes("ready"), "ready", 20_000);
    const info = sup.getProcessInfo("alloc", { stats: true });
    const members = sup.stats.latest().get("alloc:alloc")?.members.map((m) => m.pid) ?? [];
    expect(members).toHaveLength(2);
    expect(members).toContain(info.pid);
    const procRss = members.reduce((n, pid) => n + vmRss(pid), 0);
    // 64 MiB + 32 MiB touched, plus two Python interpreters.
    expect(info.rssBytes).toBeGreaterThan(96 * 1024 * 1024);
    expect(Math.abs((info.rssBytes ?? 0) - procRss)).toBeLessThan(procRss * 0.02);
    const procFds = members.reduce((n, pid) => n + readdirSync(`/proc/${pid}/fd`).length, 0);
    expect(info.fds).toBe(procFds);
    expect(info.treeProcesses).toBe(2);
    expect(info.cpuSeconds).toBeGreaterThan(0);
    expect(info.restarts).toBe(0);
  });
});

describe("rlimit_* apply to the child only, and its pid stays the program's", () => {
  for (const via of ["prlimit", "sh ulimit"] as const) {
    it(`via ${via}: ulimit -n read by the child`, async () => {
      if (via === "sh ulimit") overridePrlimit(null);
      const file = script('echo "pid=$$ nofile=$(ulimit -Sn):$(ulimit -Hn) core=$(ulimit -c)"; exec sleep 1000');
      const { sup, rec, port } = h.make(
        [
          program("limited", file, {
            startsecs: 0,
            limits: limits({ rlimits: { nofile: { soft: 123, hard: 456 }, core: { soft: 0, hard: 0 } } }),
          }),
        ],
        { cgroups: "off" },
      );
      sup.start();
      await rec.waitFor(isState("limited", "RUNNING"));
      await stdoutOf(port, "limited").until((s) => s.stdoutText.includes("nofile="), "child output", 10_000);
      const pid = sup.getProcessInfo("limited").pid;
      expect(stdoutOf(port, "limited").stdoutText.trim()).toBe(`pid=${pid} nofile=123:456 core=0`);
      // The daemon's own limit is untouched.
      expect(readFileSync("/proc/self/limits", "utf8")).not.toMatch(/Max open files\s+123\s/);
    });
  }
});

describe("no leaked descendants", () => {
  const gunicorn = (overrides: Record<string, unknown> = {}) =>
    program("web", `${PY} ${path.join(FIXTURES, "gunicorn_like.py")} 2`, { startsecs: 0, stopasgroup: true, stopwaitsecs: 5, ...overrides });

  async function startWorkers(cgroups: "all" | "off", killDescendants = true) {
    const made = h.make([gunicorn({ limits: limits({ killDescendants }) })], { cgroups });
    made.sup.start();
    await made.rec.waitFor(isState("web", "RUNNING"));
    await stdoutOf(made.port, "web").until((s) => s.stdoutText.includes("workers "), "worker pids", 10_000);
    const workers = /workers ([\d ]+)/.exec(stdoutOf(made.port, "web").stdoutText)?.[1]?.trim().split(" ").map(Number) ?? [];
    expect(workers).toHaveLength(2);
    strays.push(...workers);
    return { ...made, workers };
  }

  it("without cgroups: workers that called setsid are ended after the stop (found through /proc)", async () => {
    const { sup, workers, logger } = await startWorkers("off");
    const master = sup.getProcessInfo("web").pid ?? 0;
    await sup.stopProcess("web");
    expect(isGone(master)).toBe(true);
    await until(() => workers.every(isGone), 10_000, "workers gone");
    expect(logger.lines.filter((l) => l.includes("outlived the stop"))).toEqual([
      `INFO web: 2 descendant(s) outlived the stop (pid ${[...workers].sort((a, b) => a - b).join(", ")}); sending SIGTERM`,
    ]);
    expect(sup.governor.info("web:web").descendantsKilled).toBe(2);
  });

  it("kill_descendants = false keeps supervisord's behaviour: the workers survive the stop", async () => {
    const { sup, workers, rec } = await startWorkers("off", false);
    await sup.stopProcess("web");
    await rec.waitFor(isState("web", "STOPPED"));
    expect(workers.map(isGone)).toEqual([false, false]);
  });

  it.skipIf(cgroupSkip !== null)("with cgroups: the program runs in its own cgroup and the stop ends every member", async () => {
    const { sup, workers } = await startWorkers("all");
    const master = sup.getProcessInfo("web").pid ?? 0;
    const cgroup = sup.governor.info("web:web").cgroup;
    expect(cgroup).not.toBeNull();
    for (const pid of [master, ...workers]) expect(readFileSync(`/proc/${pid}/cgroup`, "utf8")).toMatch(new RegExp(`/tsupervisord-${process.pid}\\.\\d+/web\\.web\\n`));
    expect(sup.getProcessInfo("web", { stats: true }).treeProcesses).toBe(3);
    await sup.stopProcess("web");
    await until(() => workers.every(isGone), 10_000, "workers gone");
    await h.cleanup();
    expect(existsSync(cgroup as string)).toBe(false);
  });
});

describe("cgroup v2 limits", () => {
  const probe = CgroupManager.detect(true);
  const controllers = probe.support.controllers;
  const reason = probe.support.mode === "none" ? probe.support.reason : probe.support.reason ?? null;
  void probe.close();
  if (!controllers.has("memory") || !controllers.has("pids")) console.log(`[skip] memory_max/pids_max applied: ${reason ?? "controllers not delegated"}`);

  it.skipIf(!controllers.has("memory") || !controllers.has("pids"))("memory_max and pids_max are written to the program's own cgroup", async () => {
    const { sup, rec } = h.make([program("capped", "/bin/sleep 1000", { startsecs: 0, limits: limits({ memoryMax: 64 * 1024 * 1024, pidsMax: 16 }) })]);
    sup.start();
    await rec.waitFor(isState("capped", "RUNNING"));
    const dir = sup.governor.info("capped:capped").cgroup as string;
    expect(readFileSync(path.join(dir, "memory.max"), "utf8").trim()).toBe(String(64 * 1024 * 1024));
    expect(readFileSync(path.join(dir, "pids.max"), "utf8").trim()).toBe("16");
  });

  it.skipIf(controllers.has("memory") && controllers.has("pids"))("where the controllers are missing the daemon says so once, naming the program, and rlimits still apply", async () => {
    const file = script('echo "nofile=$(ulimit -Sn)"; exec sleep 1000');
    const { sup, rec, port, logger } = h.make([
      program("capped", file, { startsecs: 0, limits: limits({ memoryMax: 64 * 1024 * 1024, rlimits: { nofile: { soft: 200, hard: 200 } } }) }),
    ]);
    sup.start();
    await rec.waitFor(isState("capped", "RUNNING"));
    await stdoutOf(port, "capped").until((s) => s.stdoutText.includes("nofile="), "child output", 10_000);
    expect(stdoutOf(port, "capped").stdoutText.trim()).toBe("nofile=200");
    await sup.stopProcess("capped");
    await sup.startProcess("capped");
    const warnings = logger.lines.filter((l) => l.startsWith("WARN") && l.includes("may not apply"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("memory_max/memory_high/cpu_max/pids_max of capped may not apply");
    // …and the per-program line for the limit itself, once, not at every spawn.
    expect(logger.lines.filter((l) => l.includes("memory.max not applied"))).toHaveLength(sup.governor.cgroupSupport?.mode === "none" ? 0 : 1);
  });
});

describe("restart_if_rss_over", () => {
  it("restarts a program whose tree RSS stays over the limit, through the normal stop, and counts it", async () => {
    const { sup, rec, logger } = h.make(
      [
        program("leaky", `${PY} ${path.join(FIXTURES, "alloc.py")} 48`, {
          startsecs: 0,
          limits: limits({ restartIfRssOver: { bytes: 32 * 1024 * 1024, forMs: 1000 } }),
        }),
      ],
      { cgroups: "off" },
    );
    sup.start();
    await rec.waitFor(isState("leaky", "RUNNING"));
    const first = sup.getProcessInfo("leaky").pid;
    expect(sup.stats.timerArmed).toBe(true); // the watchdog watches
    const stopping = await rec.waitFor(isState("leaky", "STOPPING"), 30_000);
    const index = rec.events.indexOf(stopping);
    await rec.waitFor(isState("leaky", "RUNNING"), 30_000, index);
    const states = rec.statesOf("leaky");
    const from = states.indexOf("STOPPING");
    expect(states.slice(from, from + 4)).toEqual(["STOPPING", "STOPPED", "STARTING", "RUNNING"]);
    expect(sup.getProcessInfo("leaky").pid).not.toBe(first);
    expect(sup.governor.info("leaky:leaky").rssRestarts).toBeGreaterThanOrEqual(1);
    expect(sup.getProcessInfo("leaky").restarts).toBeGreaterThanOrEqual(1);
    expect(logger.lines.find((l) => l.includes("restarting leaky"))).toMatch(
      /^WARN restarting leaky: process tree RSS [\d.]+ MiB over restart_if_rss_over 32.0 MiB for 1s$/,
    );
  });
});
