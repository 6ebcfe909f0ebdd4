import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { LogLevelName } from "@tsupervisord/config";
import { pyIntOrThrow, pyRepr } from "@tsupervisord/pycompat";

export { byteSize, octalType } from "@tsupervisord/pycompat";

/**
 * supervisord's datatype converters as its command line uses them (D-CLI-01): each throws an Error whose
 * message is Python's ValueError text, which the caller wraps as `invalid value for -x 'v': <message>`.
 */

/** Python `int(v)` with CPython's message. */
export function pyInt(value: string): number {
  return pyIntOrThrow(value);
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
