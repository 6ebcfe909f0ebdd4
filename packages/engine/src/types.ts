/** Public data shapes of the engine API (what the daemon maps onto gRPC and XML-RPC). */
import type { Config, GroupPlan, ProcessConfig, ProgramLimits } from "@tsupervisord/config";
import type { MemberOutcome } from "./update/apply-plan.js";
import type { GovernanceInfo } from "./limits/governor.js";
import type { ErrorCode } from "@tsupervisord/errors";
import type { AnyEventName, SupervisorEvent } from "./events.js";
import type { EngineLogger } from "./logger.js";
import type { ProcessOutputPort } from "./output-port.js";
import type { NotifyPort } from "./readiness/notify-port.js";
import type { ChildSpawnerPort, ChildStart } from "./spawner-port.js";
import type { FcgiSocketPort, ProcessTreePort } from "./ports.js";
import type { ExitRecord } from "./signals.js";
import type { DesiredStatePort } from "./desired-state.js";
import type { ProcessStateName, SupervisorStateName } from "@tsupervisord/pycompat";

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
  /** issue 14: sd_notify sockets for `ready_check = notify` / `live_check = notify` (the daemon plugs reaper's in). */
  notify?: NotifyPort | null;
  /** issue 20: posix_spawn for children whose output goes to splice pumps (the daemon plugs reaper's in). */
  spawner?: ChildSpawnerPort | null;
  /** Reads process trees for the stats sampler (default: /proc and the programs' cgroups). */
  stats?: ProcessTreePort;
  /** `[fcgi-program:x]` sockets (default: real sockets through a helper process). */
  fcgiSockets?: FcgiSocketPort;
  /** Lifecycle hooks of features that follow processes (see SupervisorHooks). */
  hooks?: SupervisorHooks[];
  /** issue 18: wishes recorded by hand (statefile) that override `autostart` when a group is activated. */
  desiredState?: DesiredStatePort;
}

/**
 * One process as the engine sees it: camelCase, epoch milliseconds, `null` for "none". Wire faces (gRPC, XML-RPC)
 * derive supervisord's struct from it (seconds, int32 clamping, `exitstatus`, the `logfile` alias) in their own
 * layer. New per-process facts (readiness, restart counts, limits…) are added HERE as fields and filled in
 * `process-info.ts`, the one place a record is built.
 */
export interface ProcessInfo {
  name: string;
  group: string;
  state: ProcessStateName;
  /** CMD-STATUS-4 text: `pid 123, uptime 0:00:05`, `Nov 23 07:40 PM`, `Not started`, spawn error, … */
  description: string;
  /** The running child's pid, null when there is none. */
  pid: number | null;
  /** Epoch ms of the last spawn attempt, null if never. */
  startedAt: number | null;
  /** Epoch ms of the last exit, null if never. */
  stoppedAt: number | null;
  /** Epoch ms at which this record was taken (the engine's clock). */
  observedAt: number;
  /** Why the last spawn failed (or `Exited too quickly…`, `Bad exit code n`), null when nothing to say. */
  spawnError: string | null;
  /** The last exit supervisord counts (null while unknown, e.g. after a too-quick exit); see `exitStatusOf`. */
  exit: ExitRecord | null;
  stdoutLogfile: string | null;
  stderrLogfile: string | null;
  /** CPU use of the process and all its descendants, percent of one core, since the previous query (or since
   * start on the first query); null when not running, not measured or not measurable. */
  cpuPercent: number | null;
  /** Resident memory of the process and all its descendants in bytes; null when not running or not measured. */
  rssBytes: number | null;
  // ---- issue 14 (beside supervisord's state, never instead of it; not on XML-RPC) ----
  /** `none` (no ready_check), `pending` (no child), `checking`, `failing` (retries used up, still probing), `ready`. */
  readiness: string;
  /** Why (not) ready, e.g. `tcp:127.0.0.1:6379 failed 3 times: connect ECONNREFUSED …`; "" without a check. */
  readinessStatus: string;
  /** Same values for live_check (`ready` = passing). */
  liveness: string;
  livenessStatus: string;
  /** issue 18: the `restartsignal=` name without SIG (`HUP`), "" when restart is stop+start. */
  restartSignal?: string;
  /** Set while a start is held back by depends_on: `waiting for redis:ready (RUNNING, checking …)`. */
  waitingFor: string;
  /** The depends_on entries, `program:condition`. */
  dependsOn: string[];
  /** The program (`[program:NAME]`) the process belongs to: what depends_on names. */
  program: string;
  /** Spawns after the first since the daemon started (autorestart, BACKOFF retries, restarts by hand): a
   * tsupervisord extra that supervisord does not have, so never sent over XML-RPC. */
  restarts: number;
  /** The child's last exit as the OS reported it, kept across respawns (metrics); `exit` is supervisord's view. */
  lastExit: ExitRecord | null;
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

/**
 * A namespec resolved against the active groups (the one place: `Supervisor.resolve`): `name` and `group:name`
 * name a process, `group:` and `group:*` the whole group.
 */
export type Target =
  | { kind: "process"; group: string; name: string; namespec: string }
  | { kind: "group"; group: string };

/** A read-only view of one process handed to lifecycle hooks. */
export interface ProcessView {
  readonly name: string;
  readonly group: string;
  readonly config: ProcessConfig;
  readonly state: ProcessStateName;
  /** 0 when there is no child. */
  readonly pid: number;
  /**
   * issue 20: the child's start time and process group as the spawner read them right after starting it (the
   * posix_spawn path); null when there is no child or nobody read them (node:child_process: read /proc yourself).
   */
  readonly childStart: ChildStart | null;
}

/**
 * Lifecycle hooks: the place for features that follow processes (readiness probes, restart counters, limits,
 * metrics). Every hook is optional and synchronous; an exception in a hook is logged and never reaches the engine.
 */
export interface SupervisorHooks {
  /** A process object was created (its group was activated). */
  processCreated?(proc: ProcessView): void;
  /** A process finished handling a batch of events (state, pid or spawn error may have changed). */
  processSettled?(proc: ProcessView): void;
  /** A process object is gone (its group was removed, or the daemon shut down). */
  processDisposed?(proc: ProcessView): void;
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
  /** issue 18: the plan applied to this group (hot / restart / structural changes, per member). */
  plan?: GroupPlan;
  /** issue 18: what happened to each member of a group updated member by member. */
  members?: MemberOutcome[];
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

/** `Supervisor.shutdown()` options. */
export interface ShutdownOptions {
  /** A restart (SIGHUP, Restart RPC): state RESTARTING instead of SHUTDOWN. */
  restart?: boolean;
  /**
   * Container mode's stop deadline, on the monotonic clock (`monotonicNow()`, i.e. performance.now(); issue 18: a
   * wall-clock jump must not move it): groups get shares of the time left, and whatever is still alive
   * shortly before it is SIGKILLed and logged (stop-deadline.ts). Absent: supervisord's unbounded stop.
   */
  deadlineAt?: number;
}
