// How the screen is split, as a pure function of the terminal size and whether the log pane is open. The
// reducer uses it to page and scroll; the views use it to size themselves, so both agree on every line.

export interface Viewport {
  columns: number;
  rows: number;
}

export interface Layout {
  /** Lines drawn in total: one less than the terminal, so Ink never falls back to clearing the whole screen. */
  height: number;
  /** Process rows visible (table header excluded). */
  tableRows: number;
  /** Log lines visible (0 when the pane is closed). */
  logRows: number;
}

/** Header (2) + table header (1) + status line (1) + key hints (1). */
const CHROME = 5;
/** The log pane's title line. */
const LOG_TITLE = 1;

export function computeLayout(viewport: Viewport, logOpen: boolean): Layout {
  const height = Math.max(CHROME + 2, viewport.rows - 1);
  const body = height - CHROME;
  if (!logOpen) return { height, tableRows: body, logRows: 0 };
  const logRows = Math.max(1, Math.floor((body - LOG_TITLE) / 2));
  const tableRows = Math.max(1, body - LOG_TITLE - logRows);
  return { height, tableRows, logRows };
}
