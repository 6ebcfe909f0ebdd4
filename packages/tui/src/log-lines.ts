// The log pane's memory: the last N complete lines (and at most M characters of them) plus the unfinished line.
// Immutable, so the store stays a pure reducer; appends arrive batched (≤ 10 per second, see log-follower.ts), so
// copying a bounded array per append is cheap whatever the child prints.

export interface LogLimits {
  /** Most lines kept. */
  maxLines: number;
  /** Most characters kept across all lines (a few huge lines cannot blow the bound either). */
  maxChars: number;
  /** A line longer than this is cut into pieces (a child printing without newlines still shows output). */
  maxLineLength: number;
}

export const DEFAULT_LOG_LIMITS: LogLimits = { maxLines: 2000, maxChars: 512 * 1024, maxLineLength: 4096 };

export interface LogLines {
  readonly lines: readonly string[];
  /** Text after the last newline, shown as the last line until it is completed. */
  readonly partial: string;
  readonly chars: number;
  /** Lines dropped off the front since the pane started following (to tell the user output was skipped). */
  readonly dropped: number;
}

export const EMPTY_LOG: LogLines = { lines: [], partial: "", chars: 0, dropped: 0 };

// CSI/OSC and other escape sequences, then any remaining C0 control (but tab) and DEL: a child's colours or cursor
// moves must never reach our terminal, they would corrupt the frame.
// eslint-disable-next-line no-control-regex
const ESCAPES = /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])/g;
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\x00-\x08\x0b-\x1f\x7f]/g;

/** Make one line of child output safe to print inside our frame. */
export function sanitizeLine(line: string): string {
  return line.replace(ESCAPES, "").replace(/\t/g, "    ").replace(CONTROLS, "");
}

export function appendLog(current: LogLines, chunk: string, limits: LogLimits = DEFAULT_LOG_LIMITS): LogLines {
  let log = current;
  if (chunk === "") return log;
  let text = log.partial + chunk;
  // A flood brings far more lines than can be kept: skip to the last maxLines before splitting, so the work
  // (and the garbage) per append is bounded by what survives, not by how fast the child prints.
  let skipped = 0;
  const start = tailStart(text, limits.maxLines);
  if (start > 0) {
    skipped = countNewlines(text, start);
    text = text.slice(start);
    log = { ...log, lines: [], chars: 0, dropped: log.dropped + log.lines.length };
  }
  const parts = text.split("\n");
  let partial = parts.pop() ?? "";
  const complete: string[] = [];
  for (const raw of parts) pushCut(complete, sanitizeLine(raw.endsWith("\r") ? raw.slice(0, -1) : raw), limits);
  if (partial.length > limits.maxLineLength) {
    const cut: string[] = [];
    pushCut(cut, sanitizeLine(partial), limits);
    partial = cut.pop() ?? "";
    complete.push(...cut);
  }
  if (partial.length >= 13) partial = detach(partial);
  if (complete.length === 0) return { ...log, partial, dropped: log.dropped + skipped };

  // Only the tail can survive, so never concatenate more than maxLines. Kept lines are copied out of the chunk
  // they were split from: V8 represents a substring as a view on its parent, so one retained 70-byte line would
  // otherwise pin a whole 512 KiB flood chunk in memory (2000 lines, 2000 chunks).
  const fresh = (complete.length > limits.maxLines ? complete.slice(-limits.maxLines) : complete).map(detach);
  let lines = log.lines.concat(fresh);
  let dropped = log.dropped + skipped + (complete.length - fresh.length);
  let chars = log.chars + sum(fresh);
  let cutFront = Math.max(0, lines.length - limits.maxLines);
  let cutChars = 0;
  for (let i = 0; i < cutFront; i++) cutChars += lines[i]?.length ?? 0;
  while (chars - cutChars > limits.maxChars && cutFront < lines.length - 1) {
    cutChars += lines[cutFront]?.length ?? 0;
    cutFront++;
  }
  if (cutFront > 0) {
    lines = lines.slice(cutFront);
    dropped += cutFront;
    chars -= cutChars;
  }
  return { lines, partial, chars, dropped };
}

/** Index where the last `maxLines` complete lines (and the unfinished one) begin; 0 when all of `text` fits. */
function tailStart(text: string, maxLines: number): number {
  let i = text.length;
  for (let n = 0; n <= maxLines; n++) {
    i = text.lastIndexOf("\n", i - 1);
    if (i < 0) return 0;
  }
  return i + 1;
}

function countNewlines(text: string, end: number): number {
  let n = 0;
  for (let i = text.indexOf("\n"); i >= 0 && i < end; i = text.indexOf("\n", i + 1)) n++;
  return n;
}

function detach(line: string): string {
  return line.length < 13 ? line : Buffer.from(line, "utf8").toString("utf8");
}

function pushCut(out: string[], line: string, limits: LogLimits): void {
  if (line.length <= limits.maxLineLength) {
    out.push(line);
    return;
  }
  for (let i = 0; i < line.length; i += limits.maxLineLength) out.push(line.slice(i, i + limits.maxLineLength));
}

function sum(lines: readonly string[]): number {
  let n = 0;
  for (const l of lines) n += l.length;
  return n;
}

/** All lines to display, the unfinished one last. */
export function displayLines(log: LogLines): readonly string[] {
  return log.partial === "" ? log.lines : [...log.lines, sanitizeLine(log.partial)];
}
