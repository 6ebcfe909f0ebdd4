import { randomInt } from "node:crypto";
import * as fs from "node:fs/promises";
import * as path from "node:path";
import type { OutputChannel } from "./types.js";

/** Python's tempfile alphabet (mkstemp names such as `3_38mw75`). */
const RANDOM_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789_";

function randomSuffix(): string {
  let s = "";
  for (let i = 0; i < 8; i += 1) s += RANDOM_CHARS[randomInt(RANDOM_CHARS.length)];
  return s;
}

/**
 * LOG-07: `<childlogdir>/<process name>-<channel>---<identifier>-<8 random chars>.log`. A new random name every
 * call (each group activation). The file itself is created (empty, mode 0600) by the channel's writer.
 */
export function autoLogPath(childlogdir: string, processName: string, channel: OutputChannel, identifier: string): string {
  return path.join(childlogdir, `${processName}-${channel}---${identifier}-${randomSuffix()}.log`);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** LOG-08: supervisord's `.+?---<identifier>-\S+\.log\.{0,1}\d{0,4}`, matched at the start of the name. */
export function autoLogPattern(identifier: string): RegExp {
  return new RegExp(`^.+?---${escapeRegExp(identifier)}-\\S+\\.log\\.?\\d{0,4}`);
}

export interface CleanupResult {
  removed: string[];
  /** Warnings in supervisord's words (`Could not clear childlog dir`, `Failed to clean up '<path>'`). */
  warnings: string[];
}

/**
 * LOG-08: delete old AUTO logs and their rotated backups of this identifier from `childlogdir` (at start and
 * reload, unless nocleanup). Never throws: failures come back as warnings for the activity log.
 */
export async function cleanupAutoLogs(childlogdir: string, identifier: string): Promise<CleanupResult> {
  const result: CleanupResult = { removed: [], warnings: [] };
  let names: string[];
  try {
    names = await fs.readdir(childlogdir);
  } catch {
    result.warnings.push("Could not clear childlog dir");
    return result;
  }
  const pattern = autoLogPattern(identifier);
  for (const name of names) {
    if (!pattern.test(name)) continue;
    const full = path.join(childlogdir, name);
    try {
      await fs.unlink(full);
      result.removed.push(full);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") result.warnings.push(`Failed to clean up '${full}'`);
    }
  }
  return result;
}
