import { Box, useApp, useInput } from "ink";
import { useEffect, useMemo, useSyncExternalStore } from "react";
import type { TopController } from "../controller.js";
import { computeLayout } from "../layout.js";
import { clampTop, selectedRowIndex, selectRows } from "../reducer.js";
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
  /** Milliseconds between uptime refreshes; 0 disables the clock (tests). @default 1000 */
  clockMs?: number;
}

/**
 * The whole screen, top to bottom: header, process table, log pane (when open), status line and key hints. Its
 * height is fixed by the layout so the frame never scrolls the terminal.
 */
export function App({ store, controller, label, clockMs = 1000 }: AppProps) {
  const state = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const { exit } = useApp();

  useInput((input, key) => controller.handleKey(input, key));

  useEffect(() => {
    if (state.quitting) exit();
  }, [state.quitting, exit]);

  // A local clock only ages the uptimes on screen; it never asks the daemon anything.
  useEffect(() => {
    if (clockMs <= 0) return;
    const timer = setInterval(() => store.dispatch({ type: "tick", at: Date.now() }), clockMs);
    timer.unref?.();
    return () => clearInterval(timer);
  }, [store, clockMs]);

  const layout = computeLayout(state.viewport, state.logPane.open);
  const rows = useMemo(() => selectRows(state), [state]);
  const selected = selectedRowIndex(state, rows);
  const top = clampTop(state.tableTop, selected, layout.tableRows, rows.length);
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
