// Wires the pieces together and renders the App until it exits: store, watch loop, log follower, controller.

import { render } from "ink";
import { runWatch } from "./connect.js";
import { TopController } from "./controller.js";
import { DEFAULT_LOG_LIMITS, type LogLimits } from "./log-lines.js";
import { LogFollower } from "./log-follower.js";
import type { TopDataSource } from "./model.js";
import { initialState } from "./reducer.js";
import { TopStore } from "./store.js";
import { App } from "./views/app.js";

export interface MountOptions {
  source: TopDataSource;
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  logLimits?: Partial<LogLimits> | undefined;
  /** Called once the view runs, with a function that ends it (used for SIGTERM/SIGHUP). */
  onStarted?: (stop: () => void) => void;
}

export async function mountTop(options: MountOptions): Promise<void> {
  const { source, stdin, stdout } = options;
  const viewport = (): { columns: number; rows: number } => ({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
  const store = new TopStore(
    initialState({ viewport: viewport(), now: Date.now(), logLimits: { ...DEFAULT_LOG_LIMITS, ...options.logLimits } }),
  );
  const controller = new TopController(store, source);
  const follower = new LogFollower(source, store);
  const abort = new AbortController();
  // runWatch never rejects; it returns once the abort below ends the stream.
  void runWatch(source, store, abort.signal);
  // Registered before Ink's own resize listener, so it runs first: wipe the screen and home the cursor (Ink
  // redraws relative to where its last frame ended, which a resize invalidates), then lay out for the new size.
  const onResize = (): void => {
    stdout.write("\x1b[2J\x1b[H");
    store.dispatch({ type: "resize", viewport: viewport() });
  };
  stdout.on("resize", onResize);

  const instance = render(<App store={store} controller={controller} label={source.label} />, {
    stdin,
    stdout,
    exitOnCtrlC: true,
    patchConsole: false,
    // Whole frames, not line diffs: after a resize or a clear the screen must be fully repainted.
    incrementalRendering: false,
    maxFps: 30,
  });
  options.onStarted?.(() => instance.unmount());
  try {
    await instance.waitUntilExit();
  } finally {
    stdout.off("resize", onResize);
    abort.abort();
    follower.dispose();
    store.dispose();
  }
}
