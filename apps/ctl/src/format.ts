/** Text layouts that must match supervisorctl byte for byte. */
import type { ConfigChanges, ConfigInfo, ProcessInfo } from "./backend.js";
import { describeProcess as describeProcessInfo, makeNamespec, processStateName } from "@tsupervisord/pycompat";

/** Python `str.ljust` / `%-Ns`. */
export function ljust(text: string, width: number): string {
  return text.length >= width ? text : text + " ".repeat(width - text.length);
}

export { formatTimedelta, formatLocalStopTime as formatStopDate } from "@tsupervisord/pycompat";

/** supervisord's `_interpretProcessInfo` (CMD-STATUS-4, SHP-01) of a wire ProcessInfo. */
export function describeProcess(info: ProcessInfo): string {
  return describeProcessInfo({ ...info, state: processStateName(info.state) });
}

/** The server's description when it sent one, else ours. */
export function descriptionOf(info: ProcessInfo): string {
  return info.description !== undefined && info.description !== "" ? info.description : describeProcess(info);
}

export interface StatusRow {
  namespec: string;
  statename: string;
  description: string;
}

export function statusRows(infos: readonly ProcessInfo[]): StatusRow[] {
  return infos.map((info) => ({
    namespec: makeNamespec(info.group, info.name),
    statename: info.statename,
    description: descriptionOf(info),
  }));
}

/**
 * CMD-STATUS-1: `<namespec padded to W><state padded to 10><description>`, W = max(30, longest) + 3.
 * `paintState` colours the state word after padding is computed, so colour never shifts the columns.
 */
export function formatStatusLines(
  rows: readonly StatusRow[],
  paintState: (statename: string, padded: string) => string = (_s, padded) => padded,
): string[] {
  const width = Math.max(30, ...rows.map((r) => r.namespec.length)) + 3;
  return rows.map(
    (r) => ljust(r.namespec, width) + paintState(r.statename, ljust(r.statename, 10)) + r.description,
  );
}

/** CMD-AVAIL-1: `%-32s %-9s %-9s %s`. */
export function formatConfigInfo(info: ConfigInfo): string {
  return [
    ljust(makeNamespec(info.group, info.name), 32),
    ljust(info.inuse ? "in use" : "avail", 9),
    ljust(info.autostart ? "auto" : "manual", 9),
    `${info.groupPrio}:${info.processPrio}`,
  ].join(" ");
}

/** CMD-REREAD-1: `<group>: available|changed|disappeared` sorted by name, or the no-change line. */
export function formatChanges(changes: ConfigChanges): string[] {
  const byName = new Map<string, string>();
  for (const name of changes.added) byName.set(name, "available");
  for (const name of changes.changed) byName.set(name, "changed");
  for (const name of changes.removed) byName.set(name, "disappeared");
  if (byName.size === 0) return ["No config updates to processes"];
  return [...byName.keys()].sort(comparePython).map((name) => `${name}: ${byName.get(name)}`);
}

/** Python's default string ordering (by code point), not locale collation. */
export function comparePython(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Python `cmd.Cmd.columnize(list, displaywidth)`: as few rows as fit, columns joined by two spaces. */
export function columnize(items: readonly string[], displayWidth = 80): string[] {
  if (items.length === 0) return ["<empty>"];
  if (items.length === 1) return [items[0] as string];
  const size = items.length;
  let nrows = size;
  let ncols = 1;
  let colwidths: number[] = [0];
  let fitted = false;
  for (let rows = 1; rows < size; rows++) {
    const cols = Math.ceil(size / rows);
    const widths: number[] = [];
    let total = -2;
    for (let col = 0; col < cols; col++) {
      let w = 0;
      for (let row = 0; row < rows; row++) {
        const i = row + rows * col;
        if (i >= size) break;
        w = Math.max(w, (items[i] as string).length);
      }
      widths.push(w);
      total += w + 2;
      if (total > displayWidth) break;
    }
    if (total <= displayWidth) {
      nrows = rows;
      ncols = cols;
      colwidths = widths;
      fitted = true;
      break;
    }
  }
  if (!fitted) {
    nrows = size;
    ncols = 1;
    colwidths = [0];
  }
  const lines: string[] = [];
  for (let row = 0; row < nrows; row++) {
    const texts: string[] = [];
    for (let col = 0; col < ncols; col++) {
      const i = row + nrows * col;
      texts.push(i >= size ? "" : (items[i] as string));
    }
    while (texts.length > 0 && texts[texts.length - 1] === "") texts.pop();
    lines.push(texts.map((t, col) => ljust(t, colwidths[col] ?? 0)).join("  "));
  }
  return lines;
}
