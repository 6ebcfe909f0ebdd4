import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { LogLevelName } from "@tsupervisord/config";
import { pyRepr } from "./python-repr.js";

/**
 * supervisord's datatype converters as its command line uses them (D-CLI-01): each throws an Error whose
 * message is Python's ValueError text, which the caller wraps as `invalid value for -x 'v': <message>`.
 */

/** Python `int(v)` base 10: surrounding whitespace, a sign and `_` between digits are accepted. */
export function pyInt(value: string): number {
  const trimmed = value.trim();
  if (!/^[+-]?\d+(_\d+)*$/.test(trimmed)) {
    throw new Error(`invalid literal for int() with base 10: ${pyRepr(value)}`);
  }
  return Number.parseInt(trimmed.replaceAll("_", ""), 10);
}

export function octalType(value: string): number {
  const trimmed = value.trim();
  if (!/^[+-]?[0-7]+(_[0-7]+)*$/.test(trimmed)) throw new Error(`${value} can not be converted to an octal type`);
  return Number.parseInt(trimmed.replaceAll("_", ""), 8);
}

const BYTE_SUFFIXES: ReadonlyArray<[string, number]> = [
  ["kb", 1024],
  ["mb", 1024 * 1024],
  ["gb", 1024 * 1024 * 1024],
];

export function byteSize(value: string): number {
  const lower = value.toLowerCase();
  for (const [suffix, multiplier] of BYTE_SUFFIXES) {
    if (lower.endsWith(suffix)) return pyInt(lower.slice(0, -suffix.length)) * multiplier;
  }
  return pyInt(lower);
}

const LEVELS: readonly LogLevelName[] = ["critical", "error", "warn", "info", "debug", "trace", "blather"];

export function loggingLevel(value: string): LogLevelName {
  const lower = value.toLowerCase() as LogLevelName;
  if (!LEVELS.includes(lower)) throw new Error(`bad logging level name ${pyRepr(value)}`);
  return lower;
}

function expandUser(value: string): string {
  if (value === "~" || value.startsWith("~/")) return path.join(os.homedir(), value.slice(1));
  return value;
}

export function existingDirectory(value: string): string {
  const expanded = expandUser(value);
  if (!isDirectory(expanded)) throw new Error(`${value} is not an existing directory`);
  return expanded;
}

export function existingDirpath(value: string): string {
  const expanded = expandUser(value);
  const dir = path.dirname(expanded);
  if (!expanded.includes("/") || isDirectory(dir)) return expanded;
  throw new Error(`The directory named as part of the path ${value} does not exist`);
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}
