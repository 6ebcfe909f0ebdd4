/**
 * Reads the issue-15 keys of one output channel of a program section (see ./logs.ts for the keys and values).
 * Kept out of programs.ts so the supervisord options there stay as supervisord reads them.
 */
import type { ReadContext, SectionReader } from "../context.js";
import { existingDirpath, normalizePath } from "../converters.js";
import type { LogChannelExtensions, LogfileSetting } from "../types.js";
import {
  CHANNEL_KEYS,
  channelExtensions,
  compression,
  duration,
  lineMaxbytes,
  logFormat,
  rate,
  rateAction,
  rotateSpec,
  rotateSuffix,
  writableDirectoryOf,
} from "./logs.js";

export function readChannelExtensions(
  r: SectionReader,
  name: "stdout" | "stderr",
  get: (option: string) => string | null,
  listed: string[],
  logfile: LogfileSetting,
  ctx: ReadContext,
): LogChannelExtensions | undefined {
  const key = (suffix: string) => `${name}_${suffix}`;
  const opt = <T>(suffix: string, convert: (v: string) => T): T | null =>
    r.soft(
      key(suffix),
      () => {
        const v = get(key(suffix));
        return v === null ? null : convert(v);
      },
      null,
    );
  // `*_logfile_also = /dev/stdout, /var/log/copy.log`: the same list in a form supervisord ignores.
  const also =
    opt("logfile_also", (v) =>
      v
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== "")
        .map((p) => normalizePath(existingDirpath(p, ctx.cwd, ctx.home), ctx.cwd, ctx.home)),
    ) ?? [];
  const destinations = [...listed.map((p) => normalizePath(p, ctx.cwd, ctx.home)), ...also];
  const anyKeySet = CHANNEL_KEYS.some((k) => r.has(key(k)));
  const ext = channelExtensions(
    {
      rotate: opt("logfile_rotate", rotateSpec),
      suffix: opt("logfile_rotate_suffix", rotateSuffix),
      compress: opt("logfile_compress", compression),
      maxageMs: opt("logfile_maxage", duration),
      format: opt("log_format", logFormat),
      maxLineBytes: opt("log_line_maxbytes", lineMaxbytes),
      rateBytesPerSecond: opt("rate_limit", rate),
      rateBurst: opt("rate_limit_burst", lineMaxbytes),
      rateAction: opt("rate_limit_action", rateAction),
      destinations,
    },
    anyKeySet,
  );
  if (ext === undefined) return undefined;
  // Rotated files are created next to each log: check now that they can be.
  const rotates = ext.rotate.time !== null || ext.compress !== "none" || ext.suffix === "date" || ext.maxageMs > 0;
  if (rotates || destinations.length > 0) {
    const files = [...(logfile.kind === "file" ? [normalizePath(logfile.path, ctx.cwd, ctx.home)] : []), ...destinations];
    for (const f of files) {
      r.soft(r.has(key("logfile")) ? key("logfile") : key(rotates ? "logfile_rotate" : "logfile_also"), () => writableDirectoryOf(f), undefined);
    }
  }
  return ext;
}
