/**
 * `*_logfile_maxage` (and, for date names, `*_logfile_backups`): deletes rotated files that are too old or too
 * many. Only names matching the given pattern in the log's directory are ever touched.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export interface RetentionRule {
  /** Which siblings are rotated files of this log. */
  pattern: RegExp;
  /** Delete files whose mtime is older than now - maxageMs (0 = no age limit). */
  maxageMs: number;
  /** Keep at most this many (newest by mtime); 0 = no count limit. */
  keep: number;
  now: number;
}

export interface RotatedFile {
  path: string;
  mtimeMs: number;
  size: number;
}

/** Rotated siblings of `logPath` matching `pattern`, oldest first. */
export async function listRotated(logPath: string, pattern: RegExp): Promise<RotatedFile[]> {
  const dir = path.dirname(logPath);
  let names: string[];
  try {
    names = await fs.promises.readdir(dir);
  } catch {
    return [];
  }
  const out: RotatedFile[] = [];
  for (const name of names) {
    if (!pattern.test(name)) continue;
    const p = path.join(dir, name);
    try {
      const st = await fs.promises.stat(p);
      if (st.isFile()) out.push({ path: p, mtimeMs: st.mtimeMs, size: st.size });
    } catch {
      // Removed meanwhile.
    }
  }
  // Oldest first; equal mtimes by name so the order is stable.
  return out.sort((a, b) => a.mtimeMs - b.mtimeMs || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Applies the rule; returns the bytes deleted. */
export async function applyRetention(logPath: string, rule: RetentionRule): Promise<number> {
  if (rule.maxageMs <= 0 && rule.keep <= 0) return 0;
  const files = await listRotated(logPath, rule.pattern);
  const doomed = new Set<RotatedFile>();
  if (rule.maxageMs > 0) for (const f of files) if (f.mtimeMs < rule.now - rule.maxageMs) doomed.add(f);
  if (rule.keep > 0) for (const f of files.slice(0, Math.max(0, files.length - rule.keep))) doomed.add(f);
  let freed = 0;
  for (const f of doomed) {
    try {
      await fs.promises.unlink(f.path);
      freed += f.size;
    } catch {
      // Already gone.
    }
  }
  return freed;
}
