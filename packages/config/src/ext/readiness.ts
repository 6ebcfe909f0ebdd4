/**
 * Issue 14's extension keys of `[program:x]`: `ready_check*`, `live_check*`, `depends_on` (see
 * packages/config/README.md). supervisord ignores them; here each is validated with file, line and option
 * like every other option, and the result is plain typed data for the engine.
 */
import type { SectionReader } from "../context.js";
import { ValueError } from "../errors.js";
import type { Expansions } from "../expand.js";
import { pyStrip } from "../ini.js";

/** What one probe does. */
export type ProbeSpec =
  /** Connect succeeds. */
  | { kind: "tcp"; host: string; port: number }
  /** GET answers 2xx or 3xx. */
  | { kind: "http"; url: string }
  /** The command exits 0 (split like `command=` at run time, killed at the timeout). */
  | { kind: "exec"; command: string }
  /** A line of the program's stdout/stderr matches (JS RegExp source and flags). */
  | { kind: "log"; source: string; flags: string }
  /** sd_notify: READY=1 (readiness) or WATCHDOG=1 within the interval (liveness). */
  | { kind: "notify" };

export interface CheckConfig {
  probe: ProbeSpec;
  /** The option's value as written (for status texts). */
  text: string;
  intervalMs: number;
  timeoutMs: number;
  /** Consecutive failures before readiness reports failing / liveness restarts the program. */
  retries: number;
  /** Delay before the first probe (readiness: after the spawn; liveness: after ready, or after the spawn). */
  startPeriodMs: number;
}

export type DependencyCondition = "started" | "running" | "ready" | "completed";
export const DEPENDENCY_CONDITIONS: readonly DependencyCondition[] = ["started", "running", "ready", "completed"];

export interface Dependency {
  /** A program name (`[program:NAME]`): every process of it must meet the condition. */
  program: string;
  condition: DependencyCondition;
}

export interface ReadinessConfig {
  readyCheck: CheckConfig | null;
  liveCheck: CheckConfig | null;
  dependsOn: Dependency[];
}

const DEFAULTS = {
  ready_check: { interval: "1", timeout: "5", retries: "3", start_period: "0" },
  live_check: { interval: "10", timeout: "5", retries: "3", start_period: "0" },
} as const;

/** Seconds, fractions allowed (`0.5`), as a whole number of milliseconds. */
export function seconds(value: string, allowZero: boolean): number {
  const s = pyStrip(value);
  if (!/^\d+(\.\d+)?$|^\.\d+$/u.test(s)) throw new ValueError(`not a number of seconds: '${value}'`);
  const ms = Math.round(Number(s) * 1000);
  if (!allowZero && ms <= 0) throw new ValueError(`must be more than 0 seconds: '${value}'`);
  if (ms > 2_147_483_647) throw new ValueError(`too many seconds: '${value}'`);
  return ms;
}

function positiveInteger(value: string): number {
  const s = pyStrip(value);
  if (!/^\d+$/u.test(s) || Number(s) < 1 || Number(s) > 1_000_000) {
    throw new ValueError(`not a whole number from 1 to 1000000: '${value}'`);
  }
  return Number(s);
}

/** `tcp:HOST:PORT`, `http://…`, `exec:CMD`, `log:/REGEX/FLAGS`, `notify`. */
export function parseProbe(value: string): ProbeSpec {
  const v = pyStrip(value);
  if (v === "notify") return { kind: "notify" };
  if (v.startsWith("tcp:")) {
    const m = /^tcp:(\[[^\]]+\]|[^:\s]+):(\d+)$/u.exec(v);
    const port = Number(m?.[2]);
    if (m === null || port < 1 || port > 65535) {
      throw new ValueError(`expected tcp:HOST:PORT with a port from 1 to 65535, got '${value}'`);
    }
    const host = (m[1] ?? "").replace(/^\[|\]$/gu, "");
    return { kind: "tcp", host, port };
  }
  if (v.startsWith("http://")) {
    let url: URL;
    try {
      url = new URL(v);
    } catch {
      throw new ValueError(`not a valid http URL: '${value}'`);
    }
    if (url.hostname === "") throw new ValueError(`not a valid http URL (no host): '${value}'`);
    return { kind: "http", url: url.href };
  }
  if (v.startsWith("exec:")) {
    const command = pyStrip(v.slice(5));
    if (command === "") throw new ValueError(`exec: needs a command, got '${value}'`);
    return { kind: "exec", command };
  }
  if (v.startsWith("log:")) {
    const m = /^log:\/(.*)\/([a-z]*)$/su.exec(v);
    if (m === null) throw new ValueError(`expected log:/REGEX/ (flags after the last slash: i), got '${value}'`);
    const source = m[1] ?? "";
    const flags = m[2] ?? "";
    if (source === "") throw new ValueError(`log: needs a non-empty regular expression, got '${value}'`);
    if (/[^i]/u.test(flags)) throw new ValueError(`log: only the flag i is allowed, got '${flags}'`);
    try {
      new RegExp(source, flags);
    } catch (err) {
      throw new ValueError(`log: invalid regular expression /${source}/: ${(err as Error).message}`);
    }
    return { kind: "log", source, flags };
  }
  throw new ValueError(
    `expected tcp:HOST:PORT, http://HOST[:PORT]/PATH, exec:COMMAND, log:/REGEX/ or notify, got '${value}'`,
  );
}

/** `depends_on = redis:ready, migrate:completed, web` (condition defaults to running). */
export function parseDependsOn(value: string): Dependency[] {
  const out: Dependency[] = [];
  for (const raw of value.split(",")) {
    const item = pyStrip(raw);
    if (item === "") continue;
    const colon = item.lastIndexOf(":");
    const program = pyStrip(colon < 0 ? item : item.slice(0, colon));
    const condition = colon < 0 ? "running" : pyStrip(item.slice(colon + 1));
    if (program === "" || /[\s:/]/u.test(program)) throw new ValueError(`invalid program name in depends_on: '${item}'`);
    if (!(DEPENDENCY_CONDITIONS as readonly string[]).includes(condition)) {
      throw new ValueError(
        `unknown condition '${condition}' in depends_on entry '${item}' (expected ${DEPENDENCY_CONDITIONS.join(", ")})`,
      );
    }
    if (out.some((d) => d.program === program)) throw new ValueError(`${program} is named twice in depends_on`);
    out.push({ program, condition: condition as DependencyCondition });
  }
  return out;
}

function readCheck(r: SectionReader, names: () => Expansions, prefix: "ready_check" | "live_check"): CheckConfig | null {
  const text = r.soft(prefix, () => r.get(prefix, null, names()), null);
  const probe = text === null ? null : r.soft(prefix, () => parseProbe(text), null);
  const d = DEFAULTS[prefix];
  const num = (suffix: keyof typeof d, convert: (v: string) => number, fallback: number): number => {
    const option = `${prefix}_${suffix}`;
    return r.soft(option, () => convert(r.get(option, d[suffix], names())), fallback);
  };
  const intervalMs = num("interval", (v) => seconds(v, false), 1000);
  const timeoutMs = num("timeout", (v) => seconds(v, false), 5000);
  const retries = num("retries", positiveInteger, 3);
  const startPeriodMs = num("start_period", (v) => seconds(v, true), 0);
  if (probe === null || text === null) {
    for (const suffix of ["interval", "timeout", "retries", "start_period"]) {
      const option = `${prefix}_${suffix}`;
      if (r.has(option) && !r.has(prefix)) r.record(option, `${option} is set but ${prefix} is not`);
    }
    return null;
  }
  return { probe, text: pyStrip(text), intervalMs, timeoutMs, retries, startPeriodMs };
}

/** The issue-14 keys of one program section; undefined when it sets none (the config stays as before). */
export function readReadinessOptions(r: SectionReader, names: () => Expansions): ReadinessConfig | undefined {
  const keys = ["ready_check", "live_check", "depends_on"];
  const any = r.ctx.parser
    .options(r.section)
    .some((k) => keys.some((prefix) => k === prefix || k.startsWith(`${prefix}_`)));
  if (!any) return undefined;
  const readyCheck = readCheck(r, names, "ready_check");
  const liveCheck = readCheck(r, names, "live_check");
  const dependsOn = r.soft("depends_on", () => parseDependsOn(r.get("depends_on", "", names())), []);
  return { readyCheck, liveCheck, dependsOn };
}
