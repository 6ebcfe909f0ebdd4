import { Box, Text } from "ink";
import { fit } from "../format.js";
import { sanitizeLine } from "../log-lines.js";
import type { TopState } from "../reducer.js";

/**
 * The followed process's output: a title line, then the newest `height` lines (or older ones when scrolled up).
 *
 *   ── web:web_00 · stdout · following ───────────────────────────── (1200 older lines dropped) ──
 *   GET /health 200 1ms
 */
export function LogPane({ state, height }: { state: TopState; height: number }) {
  const pane = state.logPane;
  const width = state.viewport.columns;
  const lines = visibleLines(state, height);
  const where = pane.scroll === 0 ? "following" : `scrolled up ${pane.scroll} lines (f: follow)`;
  const title = pane.key === null ? "── log: select a process " : `── ${pane.key} · ${pane.channel} · ${where} `;
  const dropped = pane.log.dropped > 0 ? ` (${pane.log.dropped} older lines dropped) ──` : "";
  const rule = "─".repeat(Math.max(0, width - 1 - title.length - dropped.length));
  return (
    <Box flexDirection="column" height={height + 1}>
      <Text color="blue" wrap="truncate">
        {fit(title + rule + dropped, width - 1)}
      </Text>
      {pane.key !== null && lines.length === 0 ? <Text dimColor>(no output yet)</Text> : null}
      {lines.map((line, i) => (
        <Text key={i} wrap="truncate">
          {line === "" ? " " : line.slice(0, width - 1)}
        </Text>
      ))}
    </Box>
  );
}

/** The slice of lines on screen, counted from the bottom by the scroll offset, without copying the whole log. */
export function visibleLines(state: TopState, height: number): string[] {
  const { log, scroll } = state.logPane;
  const total = log.lines.length + (log.partial === "" ? 0 : 1);
  const end = Math.max(0, total - scroll);
  const start = Math.max(0, end - height);
  const out: string[] = [];
  for (let i = start; i < end; i++) {
    out.push(i < log.lines.length ? (log.lines[i] ?? "") : sanitizeLine(log.partial));
  }
  return out;
}
