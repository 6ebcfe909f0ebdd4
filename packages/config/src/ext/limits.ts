/**
 * Extension keys of `[program:x]` for resource governance (issue 17): rlimits applied to the child only, cgroup v2
 * limits, the descendant sweep on stop and the RSS watchdog. supervisord 4.2.5 ignores unknown keys, so a file
 * using them still runs there. Every value is validated here; the engine sees typed values only.
 */
import { integer } from "../converters.js";
import { ValueError } from "../errors.js";
import { pyStrip } from "../ini.js";
import { pyRepr } from "@tsupervisord/pycompat";

/** One rlimit: soft and hard, `null` = unlimited (RLIM_INFINITY). */
export interface RlimitValue {
  soft: number | null;
  hard: number | null;
}

export interface ProgramLimits {
  /** RLIMIT_NOFILE, RLIMIT_NPROC, RLIMIT_CORE (bytes), RLIMIT_AS (bytes); absent = inherited from the daemon. */
  rlimits: Partial<Record<RlimitName, RlimitValue>>;
  /** cgroup v2 `memory.max` / `memory.high` in bytes, `null` = "max". Absent = not set. */
  memoryMax?: number | null;
  memoryHigh?: number | null;
  /** cgroup v2 `cpu.max`: quota and period in microseconds, `null` quota = "max". */
  cpuMax?: { quotaUs: number | null; periodUs: number };
  /** cgroup v2 `pids.max`, `null` = "max". */
  pidsMax?: number | null;
  /** `restart_if_rss_over = 1.5GB for 2m`: restart when the tree's RSS stays above `bytes` for `forMs`. */
  restartIfRssOver?: { bytes: number; forMs: number };
  /** `kill_descendants` (default true): a stop also ends the descendants that left the process group. */
  killDescendants: boolean;
}

export const RLIMIT_NAMES = ["nofile", "nproc", "core", "as"] as const;
export type RlimitName = (typeof RLIMIT_NAMES)[number];

const SIZE_UNITS: Record<string, number> = {
  "": 1,
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
  t: 1024 ** 4,
  tb: 1024 ** 4,
  tib: 1024 ** 4,
};

/** `1.5GB`, `512MB`, `4096`, `2 GiB`: binary units as supervisord's byte_size uses (KB = 1024), fractions allowed. */
export function sizeInBytes(value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/iu.exec(pyStrip(value));
  const unit = m?.[2]?.toLowerCase() ?? "";
  const multiplier = SIZE_UNITS[unit];
  if (m === null || multiplier === undefined) {
    throw new ValueError(`not a size (expected e.g. 512MB, 1.5GB or a number of bytes): ${pyRepr(value)}`);
  }
  return Math.round(Number(m[1]) * multiplier);
}

const DURATION_UNITS: Record<string, number> = { "": 1000, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `2m`, `30s`, `1.5h`, `500ms`, `90` (seconds). */
export function durationMs(value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|)$/iu.exec(pyStrip(value));
  const multiplier = DURATION_UNITS[m?.[2]?.toLowerCase() ?? ""];
  if (m === null || multiplier === undefined) {
    throw new ValueError(`not a duration (expected e.g. 30s, 2m, 1h): ${pyRepr(value)}`);
  }
  return Math.round(Number(m[1]) * multiplier);
}

function unlimitedOr<T>(value: string, words: string[], convert: (v: string) => T): T | null {
  return words.includes(pyStrip(value).toLowerCase()) ? null : convert(value);
}

function count(value: string): number {
  const n = integer(value);
  if (n < 0) throw new ValueError(`must be 0 or more: ${pyRepr(value)}`);
  return n;
}

/** `N`, `unlimited`, or `soft:hard` (each a number or `unlimited`); sizes for core/as. Soft may not exceed hard. */
export function rlimitValue(name: RlimitName): (value: string) => RlimitValue {
  const one = (v: string): number | null =>
    unlimitedOr(v, ["unlimited", "infinity"], name === "core" || name === "as" ? sizeInBytes : count);
  return (value) => {
    const parts = value.split(":");
    if (parts.length > 2) throw new ValueError(`expected N or SOFT:HARD: ${pyRepr(value)}`);
    const soft = one(parts[0] ?? "");
    const hard = parts.length === 2 ? one(parts[1] ?? "") : soft;
    if (hard !== null && (soft === null || soft > hard)) {
      throw new ValueError(`the soft limit may not exceed the hard limit: ${pyRepr(value)}`);
    }
    return { soft, hard };
  };
}

/** `memory_max = 512MB` or `max`. */
export function memoryLimit(value: string): number | null {
  return unlimitedOr(value, ["max"], sizeInBytes);
}

/** `pids_max = 64` or `max`. */
export function pidsLimit(value: string): number | null {
  return unlimitedOr(value, ["max"], count);
}

/**
 * `cpu_max = 1.5 cpus`, `50%%` (percent of one CPU, `%` doubled as every supervisord.conf value needs), `max`, or
 * cgroup's own `QUOTA PERIOD` in microseconds.
 */
export function cpuLimit(value: string): { quotaUs: number | null; periodUs: number } {
  const v = pyStrip(value);
  if (v.toLowerCase() === "max") return { quotaUs: null, periodUs: 100_000 };
  const percent = /^(\d+(?:\.\d+)?)%$/u.exec(v);
  if (percent !== null) {
    const quotaUs = Math.round(Number(percent[1]) * 1000);
    if (quotaUs < 1000) throw new ValueError(`cpu_max must be at least 1%: ${pyRepr(value)}`);
    return { quotaUs, periodUs: 100_000 };
  }
  const cpus = /^(\d+(?:\.\d+)?)\s*cpus?$/iu.exec(v);
  if (cpus !== null) {
    const quotaUs = Math.round(Number(cpus[1]) * 100_000);
    if (quotaUs < 1000) throw new ValueError(`cpu_max must be at least 0.01 cpus: ${pyRepr(value)}`);
    return { quotaUs, periodUs: 100_000 };
  }
  const raw = /^(\d+|max)\s+(\d+)$/u.exec(v);
  if (raw !== null) {
    return { quotaUs: raw[1] === "max" ? null : Number(raw[1]), periodUs: Number(raw[2]) };
  }
  throw new ValueError(`not a CPU limit (expected e.g. 1.5 cpus, 50%%, max or "50000 100000"): ${pyRepr(value)}`);
}

/** `1.5GB for 2m` (the duration may be left out: restart at the first sample over the limit). */
export function rssWatchdog(value: string): { bytes: number; forMs: number } {
  const m = /^(.*?)(?:\s+for\s+(.+))?$/iu.exec(pyStrip(value));
  const bytes = sizeInBytes(m?.[1] ?? "");
  if (bytes <= 0) throw new ValueError(`the RSS limit must be above 0: ${pyRepr(value)}`);
  return { bytes, forMs: m?.[2] === undefined ? 0 : durationMs(m[2]) };
}

/**
 * Reads every limit key of one program section. `read(option, convert)` returns the converted value, null when
 * the key is absent (or invalid: the reader recorded the problem with file, line and option).
 */
export function readProgramLimits(
  read: <T>(option: string, convert: (v: string) => T) => T | null,
  readBoolean: (option: string, def: boolean) => boolean,
): ProgramLimits | undefined {
  const limits: ProgramLimits = { rlimits: {}, killDescendants: readBoolean("kill_descendants", true) };
  let any = !limits.killDescendants;
  for (const name of RLIMIT_NAMES) {
    const value = read(`rlimit_${name}`, rlimitValue(name));
    if (value !== null) {
      limits.rlimits[name] = value;
      any = true;
    }
  }
  // `max` parses to null, which is also "absent" for `read`: present-and-max is kept as an explicit null.
  const memoryMax = read("memory_max", (v) => ({ v: memoryLimit(v) }));
  if (memoryMax !== null) limits.memoryMax = memoryMax.v;
  const memoryHigh = read("memory_high", (v) => ({ v: memoryLimit(v) }));
  if (memoryHigh !== null) limits.memoryHigh = memoryHigh.v;
  const cpuMax = read("cpu_max", cpuLimit);
  if (cpuMax !== null) limits.cpuMax = cpuMax;
  const pidsMax = read("pids_max", (v) => ({ v: pidsLimit(v) }));
  if (pidsMax !== null) limits.pidsMax = pidsMax.v;
  const watchdog = read("restart_if_rss_over", rssWatchdog);
  if (watchdog !== null) limits.restartIfRssOver = watchdog;
  any ||= [memoryMax, memoryHigh, cpuMax, pidsMax, watchdog].some((x) => x !== null);
  return any ? limits : undefined;
}

/** True when the program asks for a cgroup v2 controller (memory, cpu, pids). */
export function wantsCgroupControllers(limits: ProgramLimits | undefined): boolean {
  if (limits === undefined) return false;
  return (
    limits.memoryMax !== undefined ||
    limits.memoryHigh !== undefined ||
    limits.cpuMax !== undefined ||
    limits.pidsMax !== undefined
  );
}

/**
 * `[supervisord] cgroups`: `auto` (default) gives a program its own cgroup v2 when it sets a cgroup limit
 * (memory_max, memory_high, cpu_max, pids_max); `all` gives every program one (exact tree membership and
 * cgroup.kill for all, at the price of one cgroup migration per spawn); `off` never touches cgroups.
 */
export type CgroupMode = "auto" | "all" | "off";

export function cgroupMode(value: string): CgroupMode {
  const v = pyStrip(value).toLowerCase();
  if (v === "auto" || v === "all" || v === "off") return v;
  throw new ValueError(`cgroups must be auto, all or off: ${pyRepr(value)}`);
}
