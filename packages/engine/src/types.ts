/** Public data shapes of the engine API (what the daemon maps onto gRPC and XML-RPC). */
import type { Config, ProgramLimits } from "@tsupervisord/config";
import type { GovernanceInfo } from "./limits/governor.js";
import type { ErrorCode } from "@tsupervisord/errors";
import type { AnyEventName, SupervisorEvent } from "./events.js";
import type { EngineLogger } from "./logger.js";
import type { ProcessOutputPort } from "./output-port.js";
import type { ProcessStateName, SupervisorStateName } from "./states.js";

export interface SupervisorOptions {
  config: Config;
  output: ProcessOutputPort;
  logger?: EngineLogger;
  /**
   * SPN-13: the daemon's own URL for SUPERVISOR_SERVER_URL (`unix:///abs/sock` or `http://host:port`), used when a
   * program's `serverurl` is AUTO. Null/absent: the variable is not set.
   */
  serverUrl?: string | null;
  /** Wall clock in epoch milliseconds (default Date.now). Timers still use real time. */
  now?: () => number;
  /** The environment children inherit (default process.env), SPN-12. */
  env?: Record<string, string | undefined>;
  /** Issue 17: cgroup mode (default: the config's `[supervisord] cgroups`, else auto); see CgroupMode. */
  cgroups?: "auto" | "all" | "off";
  /** Per-subscriber event queue bound (default 10000); see `subscribe()`. */
  eventQueueLimit?: number;
}

/** supervisord's ProcessInfo struct (spec §5.3) plus live resource use of the process tree. */
export interface ProcessInfo {
  name: string;
  group: string;
  /** CMD-STATUS-4 text: `pid 123, uptime 0:00:05`, `Nov 23 07:40 PM`, `Not started`, spawn error, … */
  description: string;
  /** Epoch seconds of the last spawn attempt, 0 if never. */
  start: number;
  /** Epoch seconds of the last exit, 0 if never. */
  stop: number;
  /** Current epoch seconds. */
  now: number;
  state: number;
  statename: ProcessStateName;
  spawnerr: string;
  /** Last exit status; 0 when unknown; -1 for signal deaths. */
  exitstatus: number;
  logfile: string;
  stdout_logfile: string;
  stderr_logfile: string;
  pid: number;
  /** CPU use of the process and all its descendants, percent of one core, since the previous query (or since
   * start on the first query); null when not running or not measurable. */
  cpuPercent: number | null;
  /** Resident memory of the process and all its descendants in bytes; null when not running. */
  rssBytes: number | null;
  /** The last exit of the child (exactly one of code/signal set); null before the first exit. */
  lastExit: { code: number | null; signal: string | null } | null;
  /** Spawns after the first since the daemon started. */
  restarts: number;
  /** CPU seconds (user + system) of the process tree; null when not sampled. */
  cpuSeconds: number | null;
  /** Open file descriptors of the process tree; null when not sampled or not readable. */
  fds: number | null;
  /** Processes in the tree (the cgroup's members where the program has one); null when not sampled. */
  treeProcesses: number | null;
  /** Restarts by restart_if_rss_over, descendants ended after stops, the cgroup directory (issue 17). */
  governance: GovernanceInfo;
  /** The program's configured limits (extension keys), absent when none. */
  limits?: ProgramLimits;
}

/** Per-process result of group/all operations (spec §5.3): status SUCCESS with description `OK`, or the fault. */
export interface ProcessResult {
  name: string;
  group: string;
  status: ErrorCode;
  /** `OK` or the fault string, e.g. `SPAWN_ERROR: web`. */
  description: string;
}

/** `reloadConfig` result: group names (spec §5.4). */
export interface ReloadResult {
  added: string[];
  changed: string[];
  removed: string[];
}

/** One group touched by `update()` (supervisorctl's `update`, D-RLD-03). */
export interface UpdateOutcome {
  group: string;
  action: "added" | "changed" | "removed";
  /** Set when the step failed (e.g. STILL_RUNNING); other groups are still processed. */
  error?: { code: ErrorCode; message: string };
}

export interface SubscribeOptions {
  /** Concrete or abstract names (`PROCESS_STATE`, `EVENT`); default everything except TICK_*. */
  events?: AnyEventName[];
  /** Maximum queued events (default SupervisorOptions.eventQueueLimit). */
  maxQueue?: number;
  /**
   * What happens when a slow subscriber's queue is full:
   * - `disconnect` (default): the subscription ends (iteration finishes) with `overflowed = true`; a client
   *   reconnects with a fresh snapshot, so it never sees a state it missed a transition into.
   * - `drop-oldest`: the oldest queued event is discarded and `dropped` counts it (for ticks/log tails).
   */
  overflow?: "disconnect" | "drop-oldest";
}

/** A live subscription: an async iterable of later events, in order, bounded. */
export interface Subscription extends AsyncIterable<SupervisorEvent> {
  /** Stop receiving; pending iteration finishes. */
  close(): void;
  /** True when the subscription was ended because its queue overflowed (overflow = disconnect). */
  readonly overflowed: boolean;
  /** Events discarded by overflow = drop-oldest. */
  readonly dropped: number;
  /** Pull one event, or undefined once closed (alternative to for-await). */
  next(): Promise<SupervisorEvent | undefined>;
}

export interface Snapshot {
  state: SupervisorStateName;
  processes: ProcessInfo[];
  /** Every event after the snapshot, with no gap (snapshot and subscription are taken in one synchronous step). */
  events: Subscription;
}

export interface InfoOptions {
  /** Read /proc for cpuPercent/rssBytes (default true). */
  stats?: boolean;
}
