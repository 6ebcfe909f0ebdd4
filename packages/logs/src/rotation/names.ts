/**
 * Names of rotated files. `number`: supervisord's `<path>.1` (newest) … `<path>.N`, `.gz` appended when
 * compressed. `date`: `<path>.<label>` (`app.log.2026-12-04`, hourly `app.log.2026-12-04-15`), `.1`, `.2` … added
 * when a period is rotated more than once (size+daily), `.gz` when compressed.
 */
import * as path from "node:path";

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/gu, "\\$&");

/** Every rotated sibling of `logPath` in either naming (what retention and `--since` reads consider). */
export function rotatedPattern(logPath: string): RegExp {
  const base = escape(path.basename(logPath));
  return new RegExp(`^${base}\\.(?:\\d+|\\d{4}-\\d{2}-\\d{2}(?:-\\d{2})?(?:\\.\\d+)?|pending-\\d+-\\d+)(?:\\.gz)?$`, "u");
}

/** Only the date-named ones (their count is what `*_logfile_backups` bounds in date mode). */
export function datedPattern(logPath: string): RegExp {
  const base = escape(path.basename(logPath));
  return new RegExp(`^${base}\\.\\d{4}-\\d{2}-\\d{2}(?:-\\d{2})?(?:\\.\\d+)?(?:\\.gz)?$`, "u");
}

/** Only supervisord's numbered ones. */
export function numberedPattern(logPath: string): RegExp {
  const base = escape(path.basename(logPath));
  return new RegExp(`^${base}\\.\\d+(?:\\.gz)?$`, "u");
}
