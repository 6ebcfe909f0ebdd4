/**
 * The help texts of supervisorctl 4.2.5's default plugin, verbatim (tabs included: CMD-HELP-1), and the
 * `help` index layout of Python's cmd module.
 */
import { columnize } from "./format.js";

export const HELP_TEXTS: Readonly<Record<string, readonly string[]>> = {
  add: ["add <name> [...]\tActivates any updates in config for process/group"],
  avail: ["avail\t\t\tDisplay all configured processes"],
  clear: [
    "clear <name>\t\tClear a process' log files.",
    "clear <name> <name>\tClear multiple process' log files",
    "clear all\t\tClear all process' log files",
  ],
  exit: ["exit\tExit the supervisor shell."],
  fg: ["fg <process>\tConnect to a process in foreground mode", "\t\tCtrl-C to exit"],
  maintail: [
    "maintail -f \tContinuous tail of supervisor main log file (Ctrl-C to exit)",
    "maintail -100\tlast 100 *bytes* of supervisord main log file",
    "maintail\tlast 1600 *bytes* of supervisor main log file",
    "",
  ],
  open: ["open <url>\tConnect to a remote supervisord process.", "\t\t(for UNIX domain socket, use unix:///socket/path)"],
  pid: [
    "pid\t\t\tGet the PID of supervisord.",
    "pid <name>\t\tGet the PID of a single child process by name.",
    "pid all\t\t\tGet the PID of every child process, one per line.",
  ],
  quit: ["quit\tExit the supervisor shell."],
  reload: ["reload \t\tRestart the remote supervisord."],
  remove: ["remove <name> [...]\tRemoves process/group from active config"],
  reread: ["reread \t\t\tReload the daemon's configuration files without add/remove"],
  restart: [
    "restart <name>\t\tRestart a process",
    "restart <gname>:*\tRestart all processes in a group",
    "restart <name> <name>\tRestart multiple processes or groups",
    "restart all\t\tRestart all processes",
    "Note: restart does not reread config files. For that, see reread and update.",
  ],
  shutdown: ["shutdown \tShut the remote supervisord down."],
  signal: [
    "signal <signal name> <name>\t\tSignal a process",
    "signal <signal name> <gname>:*\t\tSignal all processes in a group",
    "signal <signal name> <name> <name>\tSignal multiple processes or groups",
    "signal <signal name> all\t\tSignal all processes",
  ],
  start: [
    "start <name>\t\tStart a process",
    "start <gname>:*\t\tStart all processes in a group",
    "start <name> <name>\tStart multiple processes or groups",
    "start all\t\tStart all processes",
  ],
  status: [
    "status <name>\t\tGet status for a single process",
    "status <gname>:*\tGet status for all processes in a group",
    "status <name> <name>\tGet status for multiple named processes",
    "status\t\t\tGet all process status info",
  ],
  stop: [
    "stop <name>\t\tStop a process",
    "stop <gname>:*\t\tStop all processes in a group",
    "stop <name> <name>\tStop multiple processes or groups",
    "stop all\t\tStop all processes",
  ],
  tail: [
    "tail [-f] <name> [stdout|stderr] (default stdout)",
    "Ex:",
    "tail -f <name>\t\tContinuous tail of named process stdout",
    "\t\t\tCtrl-C to exit.",
    "tail -100 <name>\tlast 100 *bytes* of process stdout",
    "tail <name> stderr\tlast 1600 *bytes* of process stderr",
  ],
  update: [
    "update\t\t\tReload config and add/remove as necessary, and will restart affected programs",
    "update all\t\tReload config and add/remove as necessary, and will restart affected programs",
    "update <gname> [...]\tUpdate specific groups",
  ],
  version: ["version\t\t\tShow the version of the remote supervisord process"],
};

/**
 * issue 14: `graph` and `wait` (tsctl's own, they run in the shell too). `help <topic>` explains them; the `help`
 * index is left as it is (supervisorctl's section, then top/completion, compared side by side with a ctlplugin).
 */
export const READINESS_HELP_TEXTS: Readonly<Record<string, readonly string[]>> = {
  graph: [
    "graph			Print the depends_on graph: programs in start order, what each needs",
    "graph <name>		Only <name>, what it needs and what needs it",
    "graph --json | --dot	As JSON, or as Graphviz DOT",
  ],
  wait: [
    "wait <name> [...] --for ready|running|stopped [--timeout S]",
    "			Wait until every named process (or group:*, all) gets there.",
    "			Exit 0 done, 1 timed out, 2 bad name or usage, 3 cannot get there (FATAL).",
  ],
};

/**
 * issue 18: operations (tsctl's own; `help operations`, `help cancel`). `help restart` stays supervisorctl's text,
 * so the new flags are explained here.
 */
export const OPERATIONS_HELP_TEXTS: Readonly<Record<string, readonly string[]>> = {
  operations: [
    "operations		List running and recently finished operations",
    "restart --rolling [--batch N] [--wait running|ready] <name>...",
    "			Restart a batch at a time (default 1), each batch RUNNING (or ready)",
    "			before the next; stops at the first failure, the rest keep running",
    "start|stop|restart --no-wait <name>...",
    "			Return at once with an operation id; it runs in the daemon",
    "wait op <id>		Follow an operation to its end (exit 0 succeeded, 1 failed);",
    "			Ctrl-C stops following, not the operation",
    "reload <name>...	Send processes their restartsignal= (graceful reload)",
  ],
  cancel: ["cancel op <id>		Stop a running operation at its next safe point (between batches)"],
};

/**
 * issue 18: `scale` and the typed-diff flags of update/reread (tsctl's own; `help update` stays supervisorctl's).
 * Like READINESS_HELP_TEXTS, reached with `help <topic>` only, so the `help` index is unchanged.
 */
export const UPDATE_HELP_TEXTS: Readonly<Record<string, readonly string[]>> = {
  scale: [
    "scale <name> <N>		Run N processes of program <name>: starts or stops only the",
    "			difference (highest process_num first). Runtime only: the",
    "			config file is not changed, the next update follows the file.",
  ],
  "update-plan": [
    "update --dry-run [--json] [<gname>...]	Show what update would do, per option and process:",
    "			hot (applied in place), restart (that process only), structural",
    "update --verbose | --json	Update, then say what was done to each process",
    "reread --verbose | --json	Reread, with the same typed diff under each changed group",
  ],
};

/** The actions `help` lists: every documented one, sorted. */
export const ACTIONS: readonly string[] = Object.keys(HELP_TEXTS).sort();

/**
 * tsctl's own commands, listed by `help` in a section of their own after supervisorctl's, as supervisorctl lists
 * the commands of a ctlplugin: its default section stays byte for byte. `top` and `completion` run from the
 * command line (`tsctl top`, `tsctl completion bash`), not inside the interactive shell; `logrotate` and `logs`
 * run in both.
 */
export const TSCTL_HELP_TEXTS: Readonly<Record<string, readonly string[]>> = {
  // issue 15 (these two also run inside the shell)
  logrotate: [
    "logrotate\t\t\tReopen all log files (processes and supervisord's), as SIGUSR2",
    "logrotate <name> [...]\t\tReopen the log files of processes (after an external logrotate)",
    "logrotate --now [<name>...]\tRotate log files now, as their configured triggers would",
  ],
  logs: [
    "logs <name> [stdout|stderr]\t\tPrint a process log across its rotated (and gzipped) files",
    "logs <name> [...] --since 2h\t\tOnly what was logged since (30m, 2h, 7d, or 2026-12-04T15:00)",
  ],
  // issue 18 (run in the shell too; need [supervisord] statefile in the daemon's config)
  disable: [
    "disable <name>\t\tStop a process and keep it stopped across daemon restarts",
    "disable <gname>:*\t\tDisable all processes in a group",
    "disable <name> <name>\tDisable multiple processes or groups",
    "disable all\t\tDisable all processes",
  ],
  enable: [
    "enable <name>\t\tStart a process and start it at every daemon start",
    "\t\t\t(even with autostart=false; undoes disable)",
    "enable <gname>:*\t\tEnable all processes in a group",
    "enable <name> <name>\tEnable multiple processes or groups",
    "enable all\t\tEnable all processes",
  ],
  completion: [
    "completion bash|zsh|fish\tPrint a shell completion script for tsctl",
    "\t\t\t(from the command line: tsctl completion bash)",
  ],
  // issue 19
  whoami: ["whoami\t\t\tThe user, role (viewer, operator, admin) and address the daemon sees"],
  top: [
    "top\t\t\tA live full-screen view of every process: state, pid,",
    "\t\t\tuptime, restarts, CPU, memory and logs; start, stop,",
    "\t\t\trestart and signal with a key (from the command line:",
    "\t\t\ttsctl top; ? in the view lists the keys)",
  ],
};

export const TSCTL_ACTIONS: readonly string[] = Object.keys(TSCTL_HELP_TEXTS).sort();

export const HELP_HELP: readonly string[] = ["help\t\tPrint a list of available actions", "help <action>\tPrint help for <action>"];

/** One plugin's part of `help` with no topic: a newline, then Python cmd's print_topics(header, cmds, 15, 80). */
function topics(plugin: string, actions: readonly string[]): string[] {
  const header = `${plugin} commands (type help <topic>):`;
  return ["", header, "=".repeat(header.length), ...columnize(actions, 79), ""];
}

/** `help` with no topic: supervisorctl's default commands, then tsctl's own (top, completion). */
export function helpIndex(): string[] {
  return [...topics("default", ACTIONS), ...topics("tsctl", TSCTL_ACTIONS)];
}

/** `help <topic>` (CMD-HELP-1); unknown topics get cmd's `*** No help on <topic>`. */
export function helpFor(topic: string): string[] {
  if (topic === "help") return [...HELP_HELP];
  const own = (table: Readonly<Record<string, readonly string[]>>): readonly string[] | undefined =>
    Object.prototype.hasOwnProperty.call(table, topic) ? table[topic] : undefined;
  const text =
    own(HELP_TEXTS) ?? own(TSCTL_HELP_TEXTS) ?? own(READINESS_HELP_TEXTS) ?? own(OPERATIONS_HELP_TEXTS) ?? own(UPDATE_HELP_TEXTS);
  return text !== undefined ? [...text] : [`*** No help on ${topic}`];
}
