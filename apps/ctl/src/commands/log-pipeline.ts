/**
 * tsctl's own log commands (issue 15; supervisorctl has neither, so nothing of its output changes):
 *   logrotate [--now] [NAME…|all]   reopen (or, with --now, rotate) log files without restarting children
 *   logs NAME [stdout|stderr] [--since 2h|2026-12-04T15:00]   a log across its rotated and gzipped files
 */
import { isSupervisorError } from "@tsupervisord/errors";
import type { Controller } from "../controller.js";
import { makeNamespec } from "@tsupervisord/pycompat";
import { ExitStatus } from "../states.js";
import { splitWords } from "./types.js";

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/** `2h`, `30m`, `7d` ago, or an absolute date/time (`2026-12-04T15:00`, `2026-12-04`); null when neither. */
export function parseSince(value: string, now: number): number | null {
  const rel = /^(\d+)([smhdw])$/u.exec(value.trim());
  if (rel !== null) return now - Number(rel[1]) * (UNITS[rel[2] ?? "s"] ?? 0);
  if (!/^\d{4}-\d{2}-\d{2}/u.test(value)) return null;
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : t;
}

export async function doLogrotate(ctl: Controller, arg: string): Promise<void> {
  if (!(await ctl.upcheck())) return;
  const words = splitWords(arg);
  const now = words.includes("--now");
  const names = words.filter((w) => w !== "--now");
  const unknown = names.find((w) => w.startsWith("-"));
  if (unknown !== undefined) {
    ctl.output(`Error: unknown option ${unknown} (usage: logrotate [--now] [<name>...|all])`);
    ctl.exitstatus = ExitStatus.GENERIC;
    return;
  }
  const backend = ctl.backend();
  if (backend.rotateLogs === undefined) {
    ctl.output("Error: logrotate is not available over this connection");
    ctl.exitstatus = ExitStatus.GENERIC;
    return;
  }
  const results = await backend.rotateLogs(names, now);
  const done = now ? "rotated" : "reopened";
  for (const r of results) {
    const name = r.name === r.group && r.status === 10 ? r.name : makeNamespec(r.group, r.name);
    if (r.status === 80) ctl.output(`${name}: ${done}`);
    else {
      ctl.output(`${name}: ERROR (${r.status === 10 ? "no such process" : r.description})`);
      ctl.setExitFromFault(r.status);
    }
  }
  if (names.length === 0 || names.includes("all")) ctl.output(`activity log: ${done}`);
}

export async function doLogs(ctl: Controller, arg: string): Promise<void> {
  if (!(await ctl.upcheck())) return;
  const words = splitWords(arg);
  let since = 0;
  const rest: string[] = [];
  for (let i = 0; i < words.length; i += 1) {
    const w = words[i] as string;
    if (w === "--since" || w.startsWith("--since=")) {
      const value = w === "--since" ? words[++i] : w.slice("--since=".length);
      const parsed = value === undefined ? null : parseSince(value, Date.now());
      if (parsed === null) {
        ctl.output(`Error: bad --since value ${value ?? "(missing)"} (expected e.g. 2h, 30m, 7d or 2026-12-04T15:00)`);
        ctl.exitstatus = ExitStatus.GENERIC;
        return;
      }
      since = parsed;
    } else rest.push(w);
  }
  const [name, channelWord, ...extra] = rest;
  const channel = (channelWord ?? "stdout").toLowerCase();
  if (name === undefined || extra.length > 0 || (channel !== "stdout" && channel !== "stderr")) {
    ctl.output("Error: usage: logs <name> [stdout|stderr] [--since 2h]");
    ctl.exitstatus = ExitStatus.GENERIC;
    return;
  }
  const backend = ctl.backend();
  if (backend.readProcessLogSince === undefined) {
    ctl.output("Error: logs is not available over this connection");
    ctl.exitstatus = ExitStatus.GENERIC;
    return;
  }
  try {
    await backend.readProcessLogSince(name, channel, since, (data) => ctl.term.writeBytes(data));
  } catch (err) {
    if (!isSupervisorError(err)) throw err;
    ctl.output(`${name}: ERROR (${err.code === "BAD_NAME" ? "no such process" : err.code === "NO_FILE" ? "no log file" : err.message})`);
    ctl.exitstatus = ExitStatus.GENERIC;
  }
}
