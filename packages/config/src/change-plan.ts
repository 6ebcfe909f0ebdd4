/**
 * issue 18: the typed diff behind `tsctl update --dry-run` / `reread --verbose` and the surgical `update`.
 *
 * Every field of a process config (and of a group config) is classed by what a *running* process does with it:
 * - `hot`: read by the daemon when something happens (an exit, a stop, the next spawn's environment) and never
 *   fixed in the child: applied in place, nothing restarts.
 * - `restart`: fixed into the child or into its per-process machinery (argv, uid, cwd, umask, its log writer,
 *   probes, limits): the member is stopped and replaced by a new process object (autostart applies, as for
 *   supervisord's re-added group), its siblings are never touched.
 * - `structural`: decides which members exist (numprocs, process_num); handled by adding/removing members.
 * - `none`: metadata that no running process reads (where the section was written); never a change.
 *
 * The tables are total over the config types' keys (mapped types): a new option does not compile until it is
 * classed here. Which groups are "changed" at all stays supervisord's rule (diffGroups, EQ-01/02): the plan
 * only explains those groups, so plain `reread`/`update` output cannot move.
 */
import { diffGroups, sameEnvironment, sameLogfile } from "./diff.js";
import type { GroupConfig, LogChannelConfig, LogfileSetting, ProcessConfig } from "./types.js";

export type ChangeClass = "hot" | "restart" | "structural";

/** One option that differs between the running config and the new one. */
export interface FieldChange {
  /** The option as written in supervisord.conf (`autorestart`, `stdout_logfile_maxbytes`, `numprocs`, …). */
  option: string;
  class: ChangeClass;
  /** Display forms; environment values are never shown (they may be secrets), only which keys changed. */
  old: string;
  new: string;
}

/** What `update` does to one member of a changed group. */
export type MemberAction = "keep" | "hot" | "restart" | "add" | "remove";

export interface MemberPlan {
  /** Process name within the group. */
  name: string;
  action: MemberAction;
  /** Empty for keep/add/remove. */
  changes: FieldChange[];
  /** `process_num` of the member (new config's for add/keep/hot/restart, old config's for remove). */
  processNum: number;
}

/**
 * One group of the plan. `status` is reread's word for it; `action` is what update does: add/remove the whole
 * group, `replace` it as supervisord does (a changed pool, fcgi socket or kind), or touch only its `members`.
 */
export interface GroupPlan {
  name: string;
  status: "added" | "changed" | "removed";
  action: "add" | "remove" | "replace" | "members";
  /** Group-level changes (priority, kind, pool, socket, member order, numprocs). */
  changes: FieldChange[];
  /** Every member, the new config's order first, then the removed ones; empty unless action is `members`. */
  members: MemberPlan[];
}

// ---- field tables ---------------------------------------------------------------------------------------------

interface FieldRule<T> {
  /** The option name users write (for display). */
  option: string;
  class: ChangeClass | "none";
  /** Equal as supervisord's EQ-02 compares (AUTO logfiles excepted, uid not user name, ...). */
  same(a: T, b: T): boolean;
  show(v: T): string;
}

interface ChannelRule<T> {
  /** Suffix after `stdout_` / `stderr_`. */
  option: string;
  class: ChangeClass;
  same(a: T, b: T): boolean;
  show(v: T): string;
}

const json = (v: unknown): string => (v === undefined ? "" : JSON.stringify(v));
const sameJson = (a: unknown, b: unknown): boolean => json(a ?? null) === json(b ?? null);
const eq = <T>(a: T, b: T): boolean => a === b;
const str = (v: unknown): string => (v === null || v === undefined ? "none" : String(v));

function showLogfile(v: LogfileSetting): string {
  return v.kind === "file" ? v.path : v.kind.toUpperCase();
}

function rule<T>(option: string, cls: ChangeClass | "none", same: (a: T, b: T) => boolean = eq, show: (v: T) => string = str): FieldRule<T> {
  return { option, class: cls, same, show };
}

/**
 * Per output channel. The daemon writes a child's output through a per-process log writer that is created with
 * the process object and kept across its restarts; a new writer means a new process object, hence `restart`.
 */
const CHANNEL_RULES: { [K in keyof Required<LogChannelConfig>]: ChannelRule<LogChannelConfig[K]> } = {
  logfile: {
    option: "logfile",
    class: "restart",
    // EQ-02: an AUTO logfile on either side is not compared (it has a concrete name once active).
    same: sameLogfile,
    show: showLogfile,
  },
  maxbytes: { option: "logfile_maxbytes", class: "restart", same: eq, show: str },
  backups: { option: "logfile_backups", class: "restart", same: eq, show: str },
  captureMaxbytes: { option: "capture_maxbytes", class: "restart", same: eq, show: str },
  eventsEnabled: { option: "events_enabled", class: "restart", same: eq, show: str },
  syslog: { option: "syslog", class: "restart", same: eq, show: str },
  // issue 15's pipeline keys (rotation, format, rate limits): same writer, same rule.
  ext: { option: "logfile_ext", class: "restart", same: sameJson, show: json },
};

function environmentChanges(a: Record<string, string>, b: Record<string, string>): { old: string; new: string } {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  const removed = keys.filter((k) => !(k in b));
  const added = keys.filter((k) => !(k in a));
  const changed = keys.filter((k) => k in a && k in b && a[k] !== b[k]);
  const parts = [
    ...added.map((k) => `+${k}`),
    ...changed.map((k) => `~${k}`),
    ...removed.map((k) => `-${k}`),
  ];
  return { old: `${Object.keys(a).length} variables`, new: parts.join(" ") };
}


/** The rows of `stdout` / `stderr`: their options are compared one by one with CHANNEL_RULES (diffChannel). */
const CHANNEL: FieldRule<LogChannelConfig> = rule("(stdout_*/stderr_*)", "restart", () => true);

/** Every key of ProcessConfig, classed. Adding a key to ProcessConfig fails to compile until it has a row here. */
export const PROCESS_FIELD_RULES: { [K in keyof Required<ProcessConfig>]: FieldRule<ProcessConfig[K]> } = {
  // Identity: members are matched by (group, name), so these never differ between matched members.
  name: rule("process_name", "structural"),
  groupName: rule("group", "structural"),
  programName: rule("program", "structural"),
  numprocs: rule("numprocs", "structural"),
  processNum: rule("process_num", "structural"),
  // A section that turns from [program:x] into [fcgi-program:x] is another kind of process.
  kind: rule("kind", "restart"),
  // Fixed into the child at spawn.
  command: rule("command", "restart"),
  directory: rule("directory", "restart"),
  umask: rule("umask", "restart", eq, (v) => (v === null ? "none" : `0${v.toString(8)}`)),
  user: rule("user", "restart", (a, b) => (a?.uid ?? null) === (b?.uid ?? null), (v) => (v === null ? "none" : v.name)),
  // One pipe or two, chosen at spawn (and the log writer's layout).
  redirectStderr: rule("redirect_stderr", "restart"),
  stdout: CHANNEL,
  stderr: CHANNEL,
  // rlimits are set in the child, cgroups at its spawn (issue 17).
  limits: rule("limits", "restart", sameJson, json),
  // Probes are built with the process object (issue 14).
  readiness: rule("ready_check/live_check/depends_on", "restart", sameJson, json),
  // Read by the state machine at each event: the next exit, stop or start uses the new value.
  autostart: rule("autostart", "hot"),
  autorestart: rule("autorestart", "hot"),
  startsecs: rule("startsecs", "hot"),
  startretries: rule("startretries", "hot"),
  exitcodes: rule<number[]>("exitcodes", "hot", sameJson, (v) => v.join(",")),
  stopsignal: rule("stopsignal", "hot", (a, b) => a.number === b.number, (v) => v.name),
  stopwaitsecs: rule("stopwaitsecs", "hot"),
  stopasgroup: rule("stopasgroup", "hot"),
  killasgroup: rule("killasgroup", "hot"),
  // Start/stop order only.
  priority: rule("priority", "hot"),
  // Read when the process goes FATAL or exits for good (container mode).
  essential: rule("essential", "hot", (a, b) => (a ?? false) === (b ?? false), (v) => String(v ?? false)),
  // issue 18: read at each `restart NAME` / `reload NAME`, so a running process takes the new signal at once.
  restartsignal: rule("restartsignal", "hot", (a, b) => a?.number === b?.number, (v) => v?.name ?? "none"),
  // The running child keeps the environment it was started with (nothing can change it from outside); the
  // next start gets the new one. `tsctl restart NAME` applies it now.
  environment: {
    option: "environment",
    class: "hot",
    same: sameEnvironment,
    show: (v) => `${Object.keys(v).length} variables`,
  },
  serverurl: rule("serverurl", "hot", eq, (v) => v ?? "AUTO"),
  // Already merged into `environment` (which carries the change); where a section was written changes nothing.
  environmentFiles: rule("environment_file", "none", sameJson, json),
  section: rule("(section)", "none"),
  source: rule("(source)", "none", sameJson, json),
};

/** A group field: `identity` (matched by it), `members` (diffed member by member), or a change class. */
interface GroupRule<T> {
  option: string;
  class: ChangeClass | "identity" | "members";
  same(a: T, b: T): boolean;
  show(v: T): string;
}

/** Every key of GroupConfig, classed (total, like the process table). */
export const GROUP_FIELD_RULES: { [K in keyof Required<GroupConfig>]: GroupRule<GroupConfig[K]> } = {
  name: { option: "name", class: "identity", same: eq, show: str },
  // Start/stop order among groups only.
  priority: { option: "priority", class: "hot", same: eq, show: str },
  // A group that becomes another kind (program -> [group:x], listener pool, fcgi) is rebuilt whole.
  kind: { option: "kind", class: "structural", same: eq, show: str },
  processes: { option: "programs", class: "members", same: () => true, show: () => "" },
  // The pool owns its members' event queue: a changed pool is replaced with its members, as supervisord does.
  pool: { option: "events/buffer_size/result_handler", class: "structural", same: sameJson, show: json },
  // The listening socket is shared by every member: a new one means a new group.
  fcgi: { option: "socket", class: "structural", same: (a, b) => a?.socket === b?.socket, show: (v) => v?.socket ?? "none" },
};

// ---- the diff ---------------------------------------------------------------------------------------------------

/** Every option that differs between two configs of the same member, classed (empty = equal). */
export function diffProcessConfig(a: ProcessConfig, b: ProcessConfig): FieldChange[] {
  const out: FieldChange[] = [];
  for (const key of Object.keys(PROCESS_FIELD_RULES) as (keyof ProcessConfig)[]) {
    if (key === "stdout" || key === "stderr") {
      out.push(...diffChannel(key, a[key], b[key]));
      continue;
    }
    const r = PROCESS_FIELD_RULES[key] as FieldRule<unknown>;
    if (r.class === "none" || r.same(a[key], b[key])) continue;
    if (key === "environment") {
      const env = environmentChanges(a.environment, b.environment);
      out.push({ option: r.option, class: r.class, ...env });
    } else out.push({ option: r.option, class: r.class, old: r.show(a[key]), new: r.show(b[key]) });
  }
  return out;
}

function diffChannel(channel: "stdout" | "stderr", a: LogChannelConfig, b: LogChannelConfig): FieldChange[] {
  const out: FieldChange[] = [];
  for (const key of Object.keys(CHANNEL_RULES) as (keyof LogChannelConfig)[]) {
    const r = CHANNEL_RULES[key] as ChannelRule<unknown>;
    if (r.same(a[key], b[key])) continue;
    out.push({ option: `${channel}_${r.option}`, class: r.class, old: r.show(a[key]), new: r.show(b[key]) });
  }
  return out;
}

/**
 * What update does with a member present on both sides: `restart` if any restart-class option differs, `hot` if
 * only hot ones do, `keep` otherwise (structural changes such as numprocs are the group's business).
 */
export function memberAction(changes: readonly FieldChange[]): "keep" | "hot" | "restart" {
  if (changes.some((c) => c.class === "restart")) return "restart";
  return changes.some((c) => c.class === "hot") ? "hot" : "keep";
}

function groupChanges(a: GroupConfig, b: GroupConfig): FieldChange[] {
  const out: FieldChange[] = [];
  for (const key of Object.keys(GROUP_FIELD_RULES) as (keyof GroupConfig)[]) {
    const r = GROUP_FIELD_RULES[key] as GroupRule<unknown>;
    if (r.class === "identity" || r.class === "members" || r.same(a[key], b[key])) continue;
    out.push({ option: r.option, class: r.class, old: r.show(a[key]), new: r.show(b[key]) });
  }
  const oldNames = a.processes.map((p) => p.name);
  const newNames = b.processes.map((p) => p.name);
  const oldCount = numprocsOf(a);
  const newCount = numprocsOf(b);
  if (oldCount !== newCount) out.push({ option: "numprocs", class: "structural", old: oldCount, new: newCount });
  else if ([...oldNames].sort().join("\0") !== [...newNames].sort().join("\0")) {
    out.push({ option: "process_name", class: "structural", old: oldNames.join(","), new: newNames.join(",") });
  } else if (oldNames.join("\0") !== newNames.join("\0")) {
    // Same members in another order ([group:x] programs= reordered): only the order of group operations moves.
    out.push({ option: "programs", class: "hot", old: oldNames.join(","), new: newNames.join(",") });
  }
  return out;
}

/** numprocs per program of a group, as `prog=N` (a [group:x] has several programs). */
function numprocsOf(g: GroupConfig): string {
  if (g.processes.length === 0) return "0";
  const counts = new Map<string, number>();
  for (const p of g.processes) counts.set(p.programName, (counts.get(p.programName) ?? 0) + 1);
  if (counts.size === 1 && g.processes[0]?.programName === g.name) return String(g.processes.length);
  return [...counts].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([prog, n]) => `${prog}=${n}`).join(",");
}

function planMembers(a: GroupConfig, b: GroupConfig): MemberPlan[] {
  const oldByName = new Map(a.processes.map((p) => [p.name, p]));
  const newNames = new Set(b.processes.map((p) => p.name));
  const members: MemberPlan[] = [];
  for (const p of b.processes) {
    const old = oldByName.get(p.name);
    if (old === undefined) {
      members.push({ name: p.name, action: "add", changes: [], processNum: p.processNum });
      continue;
    }
    // numprocs differs on every member when it changes: said once, at the group level.
    const changes = diffProcessConfig(old, p).filter((c) => c.option !== "numprocs");
    members.push({ name: p.name, action: memberAction(changes), changes, processNum: p.processNum });
  }
  for (const p of a.processes) {
    if (!newNames.has(p.name)) members.push({ name: p.name, action: "remove", changes: [], processNum: p.processNum });
  }
  return members;
}

/** The plan for one group present on both sides (supervisord calls it changed). */
export function planChangedGroup(a: GroupConfig, b: GroupConfig): GroupPlan {
  const changes = groupChanges(a, b);
  const whole = changes.some((c) => c.option === "kind" || c.option === GROUP_FIELD_RULES.pool.option || c.option === "socket");
  // An event listener pool's members share its queue and its buffer: rebuilt whole (supervisord's way).
  if (whole || a.kind === "eventlistener") {
    return { name: b.name, status: "changed", action: "replace", changes, members: [] };
  }
  return { name: b.name, status: "changed", action: "members", changes, members: planMembers(a, b) };
}

/**
 * The whole plan, in supervisorctl's update order: removed, changed, added (each as diffGroups lists them, so
 * the groups and their order are exactly those of reloadConfig's answer).
 */
export function planUpdate(active: readonly GroupConfig[], next: readonly GroupConfig[]): GroupPlan[] {
  const diff = diffGroups(active, next);
  const oldByName = new Map(active.map((g) => [g.name, g]));
  const newByName = new Map(next.map((g) => [g.name, g]));
  const plans: GroupPlan[] = [];
  for (const name of diff.removed) plans.push({ name, status: "removed", action: "remove", changes: [], members: [] });
  for (const name of diff.changed) {
    const a = oldByName.get(name);
    const b = newByName.get(name);
    if (a !== undefined && b !== undefined) plans.push(planChangedGroup(a, b));
  }
  for (const name of diff.added) plans.push({ name, status: "added", action: "add", changes: [], members: [] });
  return plans;
}
