/**
 * reread's group diff (spec §1.8, D-RLD-03): added / changed / removed group names, comparing every option
 * except where a value came from (`source`) and except log file names that are AUTO on either side (EQ-02).
 */
import type { GroupConfig, LogChannelConfig, ProcessConfig } from "@tsupervisord/config";
import type { ReloadResult } from "./types.js";

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function channelsEqual(a: LogChannelConfig, b: LogChannelConfig): boolean {
  const logfilesComparable = a.logfile.kind !== "auto" && b.logfile.kind !== "auto";
  return deepEqual({ ...a, logfile: logfilesComparable ? a.logfile : null }, { ...b, logfile: logfilesComparable ? b.logfile : null });
}

export function processConfigsEqual(a: ProcessConfig, b: ProcessConfig): boolean {
  const strip = (p: ProcessConfig): Record<string, unknown> => {
    const { source: _source, stdout: _stdout, stderr: _stderr, ...rest } = p;
    return rest;
  };
  return deepEqual(strip(a), strip(b)) && channelsEqual(a.stdout, b.stdout) && channelsEqual(a.stderr, b.stderr);
}

export function groupConfigsEqual(a: GroupConfig, b: GroupConfig): boolean {
  const { processes: pa, ...ra } = a;
  const { processes: pb, ...rb } = b;
  if (!deepEqual(ra, rb) || pa.length !== pb.length) return false;
  return pa.every((p, i) => processConfigsEqual(p, pb[i] as ProcessConfig));
}

/** diff_to_active(): names in new-config order for added/changed, active order for removed. */
export function diffGroups(active: readonly GroupConfig[], next: readonly GroupConfig[]): ReloadResult {
  const current = new Map(active.map((g) => [g.name, g]));
  const incoming = new Set(next.map((g) => g.name));
  return {
    added: next.filter((g) => !current.has(g.name)).map((g) => g.name),
    changed: next
      .filter((g) => {
        const cur = current.get(g.name);
        return cur !== undefined && !groupConfigsEqual(cur, g);
      })
      .map((g) => g.name),
    removed: active.filter((g) => !incoming.has(g.name)).map((g) => g.name),
  };
}
