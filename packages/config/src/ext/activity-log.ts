/** `[supervisord]` issue-15 keys for the daemon's activity log: the same rotation options, and JSON lines. */
import type { ReadContext, SectionReader } from "../context.js";
import { normalizePath } from "../converters.js";
import type { ActivityLogExtensions } from "../types.js";
import { activityLogFormat, compression, duration, rotateSpec, rotateSuffix, writableDirectoryOf } from "./logs.js";

export const ACTIVITY_LOG_KEYS = ["logfile_rotate", "logfile_rotate_suffix", "logfile_compress", "logfile_maxage", "logfile_format"] as const;

export function readActivityLogExtensions(
  r: SectionReader,
  get: (option: string) => string | null,
  logfile: string,
  ctx: ReadContext,
): ActivityLogExtensions | undefined {
  if (!ACTIVITY_LOG_KEYS.some((k) => r.has(k))) return undefined;
  const opt = <T>(option: string, convert: (v: string) => T): T | null =>
    r.soft(
      option,
      () => {
        const v = get(option);
        return v === null ? null : convert(v);
      },
      null,
    );
  const rotate = opt("logfile_rotate", rotateSpec) ?? { size: true, time: null };
  const ext: ActivityLogExtensions = {
    rotate,
    suffix: opt("logfile_rotate_suffix", rotateSuffix) ?? (rotate.time !== null ? "date" : "number"),
    compress: opt("logfile_compress", compression) ?? "none",
    maxageMs: opt("logfile_maxage", duration) ?? 0,
    format: opt("logfile_format", activityLogFormat) ?? "text",
  };
  const rotates = rotate.time !== null || ext.compress !== "none" || ext.suffix === "date" || ext.maxageMs > 0;
  if (rotates && logfile !== "syslog") {
    const option = r.has("logfile") ? "logfile" : "logfile_rotate";
    r.soft(option, () => writableDirectoryOf(normalizePath(logfile, ctx.cwd, ctx.home)), undefined);
  }
  return ext;
}
