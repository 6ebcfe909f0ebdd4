import type { LogLevelName } from "@tsupervisord/config";
import { getopt, GetoptError, pyListRepr, pyRepr } from "@tsupervisord/pycompat";
import { byteSize, existingDirectory, existingDirpath, loggingLevel, octalType, pyInt } from "./converters.js";

/**
 * The command line of supervisord (spec §7.1), plus three tsupervisord additions: `--test-config`,
 * `--print-sample-config` and `-t`.
 *
 * The `-t` clash: supervisord's `-t` is `--strip_ansi`, but tsupervisord's brief asks for `-t`/`--test-config`
 * (the convention of nginx, sshd, apachectl). We resolve it in favour of the brief: `-t` means
 * `--test-config`. supervisord's meaning stays reachable as `--strip_ansi` (long form, unchanged) and as
 * `strip_ansi=true` in the config file. A config check never starts anything, so the only risk is a script that
 * runs `supervisord -t ...` to start a daemon; to make that visible rather than silent, `-t` combined with a
 * flag that only makes sense when running (`-n`, `-s`) prints a note on stderr explaining the difference.
 */
export class CliUsageError extends Error {
  override readonly name = "CliUsageError";
}

/** `version` is `-v` (supervisord's number, for scripts); `long-version` is `--version` (ours and theirs). */
export type CliAction =
  | "run"
  | "help"
  | "version"
  | "long-version"
  /** issue 20: `--version --verbose`: also which log pump this build runs (splice addon loaded or why not). */
  | "long-version-verbose"
  | "test-config"
  | "print-sample-config"
  | "health"
  | "ready";

export interface CliOptions {
  action: CliAction;
  configFile: string | null;
  nodaemon: boolean;
  silent: boolean;
  nocleanup: boolean;
  stripAnsi: boolean;
  user: string | null;
  umask: number | null;
  directory: string | null;
  logfile: string | null;
  logfileMaxbytes: number | null;
  logfileBackups: number | null;
  loglevel: LogLevelName | null;
  pidfile: string | null;
  identifier: string | null;
  childlogdir: string | null;
  minfds: number | null;
  minprocs: number | null;
  /** Notes to print on stderr (never errors), e.g. the `-t` explanation. */
  notes: string[];
}

type ValueKey = "configFile" | "user" | "umask" | "directory" | "logfile" | "logfileMaxbytes" | "logfileBackups"
  | "loglevel" | "pidfile" | "identifier" | "childlogdir" | "minfds" | "minprocs" | "profileOptions";
type FlagKey = "nodaemon" | "silent" | "nocleanup" | "stripAnsi" | "testConfig" | "health" | "ready" | "verbose";

interface OptionDef {
  short?: string;
  long: string;
  /** A value option (converter) or a flag (kind "flag") or an action that ends parsing. */
  kind: { value: ValueKey; convert: (v: string) => unknown } | { flag: FlagKey } | { action: CliAction };
}

const OPTION_TABLE: readonly OptionDef[] = [
  { short: "c", long: "configuration", kind: { value: "configFile", convert: (v) => v } },
  { short: "n", long: "nodaemon", kind: { flag: "nodaemon" } },
  { short: "s", long: "silent", kind: { flag: "silent" } },
  { short: "h", long: "help", kind: { action: "help" } },
  { short: "?", long: "", kind: { action: "help" } },
  { short: "v", long: "", kind: { action: "version" } },
  { long: "version", kind: { action: "long-version" } },
  { long: "verbose", kind: { flag: "verbose" } },
  { short: "u", long: "user", kind: { value: "user", convert: (v) => v } },
  { short: "m", long: "umask", kind: { value: "umask", convert: octalType } },
  { short: "d", long: "directory", kind: { value: "directory", convert: existingDirectory } },
  { short: "l", long: "logfile", kind: { value: "logfile", convert: existingDirpath } },
  { short: "y", long: "logfile_maxbytes", kind: { value: "logfileMaxbytes", convert: byteSize } },
  { short: "z", long: "logfile_backups", kind: { value: "logfileBackups", convert: pyInt } },
  { short: "e", long: "loglevel", kind: { value: "loglevel", convert: loggingLevel } },
  { short: "j", long: "pidfile", kind: { value: "pidfile", convert: existingDirpath } },
  { short: "i", long: "identifier", kind: { value: "identifier", convert: (v) => v } },
  { short: "q", long: "childlogdir", kind: { value: "childlogdir", convert: existingDirectory } },
  { short: "k", long: "nocleanup", kind: { flag: "nocleanup" } },
  { short: "a", long: "minfds", kind: { value: "minfds", convert: pyInt } },
  { long: "minprocs", kind: { value: "minprocs", convert: pyInt } },
  { long: "strip_ansi", kind: { flag: "stripAnsi" } },
  // Python's profiler does not exist here: accepted (so existing command lines keep working) and ignored.
  { long: "profile_options", kind: { value: "profileOptions", convert: (v) => v } },
  { short: "t", long: "test-config", kind: { flag: "testConfig" } },
  { long: "print-sample-config", kind: { action: "print-sample-config" } },
  // Container mode: ask the running daemon (Docker HEALTHCHECK, exec probes). Flags, so -c may follow them.
  { long: "health", kind: { flag: "health" } },
  { long: "ready", kind: { flag: "ready" } },
];

const SHORT_SPEC = OPTION_TABLE.map((d) => (d.short === undefined ? "" : d.short + ("value" in d.kind ? ":" : ""))).join("");
const LONG_SPEC = OPTION_TABLE.filter((d) => d.long !== "").map((d) => d.long + ("value" in d.kind ? "=" : ""));

function findDef(option: string): OptionDef {
  const def = option.startsWith("--")
    ? OPTION_TABLE.find((d) => d.long === option.slice(2))
    : OPTION_TABLE.find((d) => d.short === option.slice(1));
  if (def === undefined) throw new Error(`unreachable: getopt returned unknown option ${option}`);
  return def;
}

/** Parses argv (without node and the script). Throws CliUsageError with supervisord's message text. */
export function parseCommandLine(argv: readonly string[]): CliOptions {
  let parsed;
  try {
    parsed = getopt(argv, { short: SHORT_SPEC, long: LONG_SPEC });
  } catch (err) {
    if (err instanceof GetoptError) throw new CliUsageError(err.message);
    throw err;
  }
  if (parsed.rest.length > 0) {
    throw new CliUsageError(`positional arguments are not supported: ${pyListRepr(parsed.rest)}`);
  }

  const values = new Map<ValueKey, unknown>();
  const flags = new Set<FlagKey>();
  let action: CliAction = "run";
  for (const [option, raw] of parsed.options) {
    const { kind } = findDef(option);
    if ("action" in kind) {
      // supervisord runs -h/-v handlers in order, so they win over anything after them.
      action = kind.action;
      const verbose = flags.has("verbose") || parsed.options.some(([o]) => o === "--verbose");
      if (action === "long-version" && verbose) action = "long-version-verbose";
      break;
    }
    if ("flag" in kind) {
      if (flags.has(kind.flag)) throw new CliUsageError(`conflicting command line option ${pyRepr(option)}`);
      flags.add(kind.flag);
      continue;
    }
    if (values.has(kind.value)) throw new CliUsageError(`conflicting command line option ${pyRepr(option)}`);
    try {
      values.set(kind.value, kind.convert(raw));
    } catch (err) {
      throw new CliUsageError(`invalid value for ${option} ${pyRepr(raw)}: ${(err as Error).message}`);
    }
  }

  if (action === "run" && flags.has("testConfig")) action = "test-config";
  if (action === "run" && flags.has("health")) action = "health";
  if (action === "run" && flags.has("ready")) action = "ready";
  const notes: string[] = [];
  if (action === "test-config" && (flags.has("nodaemon") || flags.has("silent"))) {
    notes.push(
      "Note: -t means --test-config in tsupervisord (the config is checked, nothing is started); " +
        "supervisord's -t (strip ANSI codes) is --strip_ansi here.",
    );
  }
  const get = <T>(key: ValueKey): T | null => (values.has(key) ? (values.get(key) as T) : null);
  return {
    action,
    configFile: get<string>("configFile"),
    nodaemon: flags.has("nodaemon"),
    silent: flags.has("silent"),
    nocleanup: flags.has("nocleanup"),
    stripAnsi: flags.has("stripAnsi"),
    user: get<string>("user"),
    umask: get<number>("umask"),
    directory: get<string>("directory"),
    logfile: get<string>("logfile"),
    logfileMaxbytes: get<number>("logfileMaxbytes"),
    logfileBackups: get<number>("logfileBackups"),
    loglevel: get<LogLevelName>("loglevel"),
    pidfile: get<string>("pidfile"),
    identifier: get<string>("identifier"),
    childlogdir: get<string>("childlogdir"),
    minfds: get<number>("minfds"),
    minprocs: get<number>("minprocs"),
    notes,
  };
}
