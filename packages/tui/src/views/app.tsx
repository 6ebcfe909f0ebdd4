import { Box, useApp, useInput } from "ink";
import { useEffect, useMemo, useSyncExternalStore } from "react";
import { nextRepaintDelayMs } from "../clock.js";
import type { TopController } from "../controller.js";
import { computeLayout } from "../layout.js";
import { clampTop, selectedRowIndex, selectRows, type ProcessRecord, type TopState } from "../reducer.js";
import type { Row } from "../rows.js";
import type { TopStore } from "../store.js";
import { Footer } from "./footer.js";
import { Header } from "./header.js";
import { LogPane } from "./log-pane.js";
import { Overlay } from "./overlays.js";
import { ProcessTable } from "./process-table.js";

export interface AppProps {
  store: TopStore;
  controller: TopController;
  /** Where we are connected, for the header. */
  label: string;
  /** Repaint when an uptime on screen changes; false disables the clock (tests). @default true */
  clock?: boolean;
}

/**
 * The whole screen, top to bottom: header, process table, log pane (when open), status line and key hints. Its
 * height is fixed by the layout so the frame never scrolls the terminal.
 */
export function App({ store, controller, label, clock = true }: AppProps) {
  const state = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const { exit } = useApp();

  useInput((input, key) => controller.handleKey(input, key));

  useEffect(() => {
    if (state.quitting) exit();
  }, [state.quitting, exit]);

  const layout = computeLayout(state.viewport, state.logPane.open);
  const rows = useMemo(() => selectRows(state), [state]);
  const selected = selectedRowIndex(state, rows);
  const top = clampTop(state.tableTop, selected, layout.tableRows, rows.length);

  // A local clock only ages the uptimes on screen and never asks the daemon anything. It is one timer set for the
  // moment the first time-dependent text on screen would read differently (clock.ts), re-armed after each
  // repaint: an idle screen whose uptimes are past their first minute repaints once a minute, not every second.
  useEffect(() => {
    if (!clock) return;
    const now = Date.now();
    const visible = visibleProcesses(state, rows.slice(top, top + layout.tableRows));
    const delay = nextRepaintDelayMs(state, visible, now);
    if (delay === null) return;
    const timer = setTimeout(() => store.dispatch({ type: "tick", at: Date.now() }), delay);
    timer.unref?.();
    return () => clearTimeout(timer);
  }, [store, clock, state, rows, top, layout.tableRows]);
  const bodyHeight = layout.tableRows + 1 + (state.logPane.open ? layout.logRows + 1 : 0);

  return (
    <Box flexDirection="column" height={layout.height} width={state.viewport.columns}>
      <Header state={state} label={label} />
      {state.modal ? (
        <Overlay modal={state.modal} height={bodyHeight} width={state.viewport.columns - 1} />
      ) : (
        <>
          <ProcessTable state={state} rows={rows} selected={selected} top={top} height={layout.tableRows} />
          {state.logPane.open ? <LogPane state={state} height={layout.logRows} /> : null}
        </>
      )}
      <Footer state={state} />
    </Box>
  );
}

function visibleProcesses(state: TopState, rows: readonly Row[]): ProcessRecord[] {
  const out: ProcessRecord[] = [];
  for (const row of rows) {
    if (row.kind !== "process") continue;
    const p = state.processes.get(row.key);
    if (p !== undefined) out.push(p);
  }
  return out;
}
