// Colours for process states, shared by the header counts and the table.

import type { ProcessStateName } from "../model.js";

export const STATE_COLOR: Record<ProcessStateName, string> = {
  RUNNING: "green",
  STARTING: "cyan",
  STOPPING: "yellow",
  BACKOFF: "yellow",
  STOPPED: "gray",
  EXITED: "white",
  FATAL: "red",
  UNKNOWN: "magenta",
};
