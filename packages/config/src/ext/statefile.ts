/**
 * `[supervisord] statefile` (issue 18): where the daemon keeps each process's desired state (stopped or started
 * by hand, `tsctl enable/disable`). A path like `pidfile`'s: `~` and `%(here)s` expanded, its directory must exist,
 * and it must not name a directory (the daemon writes it by temp file + rename).
 */
import { statSync } from "node:fs";
import path from "node:path";
import { existingDirpath } from "../converters.js";
import { ValueError } from "../errors.js";

export function statefilePath(value: string, cwd: string, home?: string): string {
  if (value.trim() === "") throw new ValueError("statefile must name a file (got an empty value)");
  const checked = existingDirpath(value.trim(), cwd, home);
  const absolute = path.resolve(cwd, checked);
  let isDirectory = false;
  try {
    isDirectory = statSync(absolute).isDirectory();
  } catch {
    // Not there yet: the daemon creates it on the first write.
  }
  if (isDirectory) throw new ValueError(`statefile ${value} is a directory, expected a file path`);
  return checked;
}
