// Short, fixed-width-friendly renderings of durations, sizes and percentages for table cells.

/**
 * `7s`, `20s`, `3m`, `4h02m`, `3d04h`, always rounded down. Negative or non-finite input renders as `0s`. The text
 * is only as fine as it needs to be, so a screen of uptimes rarely needs a repaint (see `durationChangesIn`):
 * every second for the first 10 s (a start in progress), then every 10 s up to a minute, then once a minute, and
 * past a day once an hour.
 */
export function formatDuration(seconds: number): string {
  const s = wholeSeconds(seconds);
  if (s < 10) return `${s}s`;
  if (s < 60) return `${s - (s % 10)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h${pad2(m % 60)}m`;
  return `${Math.floor(h / 24)}d${pad2(h % 24)}h`;
}

/** Seconds from `seconds` until `formatDuration` renders a different text (always > 0). */
export function durationChangesIn(seconds: number): number {
  const exact = Number.isFinite(seconds) && seconds > 0 ? seconds : 0;
  // Each step divides the next threshold (10, 60, 86 400), so stepping never skips a change of unit.
  const step = exact < 10 ? 1 : exact < 60 ? 10 : exact < 86_400 ? 60 : 3600;
  return step - (exact % step);
}

function wholeSeconds(seconds: number): number {
  return Number.isFinite(seconds) && seconds > 0 ? Math.floor(seconds) : 0;
}

/** `512B`, `12.0K`, `340M`, `1.5G`; `-` when unknown. */
export function formatBytes(bytes: number | null): string {
  if (bytes === null || !Number.isFinite(bytes) || bytes < 0) return "-";
  const units = ["B", "K", "M", "G", "T"];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  if (i === 0) return `${v}B`;
  return `${v >= 100 ? v.toFixed(0) : v.toFixed(1)}${units[i] ?? ""}`;
}

/** `0.0`, `12.5`, `250`; `-` when unknown. */
export function formatCpu(percent: number | null): string {
  if (percent === null || !Number.isFinite(percent)) return "-";
  return percent >= 100 ? percent.toFixed(0) : percent.toFixed(1);
}

/** Fit text into exactly `width` cells: cut with an ellipsis, or pad on the right (left for `alignRight`). */
export function fit(text: string, width: number, alignRight = false): string {
  if (width <= 0) return "";
  if (text.length > width) return width === 1 ? "…" : `${text.slice(0, width - 1)}…`;
  return alignRight ? text.padStart(width) : text.padEnd(width);
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
