// The public surface of @tsupervisord/tui: one function, `runTop`, and the types it takes. `tsctl top` imports
// this lazily so no other tsctl command ever loads ink or react.

export { runTop, type TopHost, type TopOptions } from "./run-top.js";
export type { TopDataSource, WatchEvent, ProcessInfo, DaemonInfo, ProcessStats, LogChannel, HostConnection } from "./model.js";
