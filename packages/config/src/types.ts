import type { InetTlsFiles } from "./ext/tls.js";
import type { Role } from "@tsupervisord/errors";
import type { ProgramLimits } from "./ext/limits.js";
/**
 * The typed result of reading a supervisord.conf: plain data, every default applied (spec §1.5), every
 * `%(...)s` expanded, programs expanded into their processes (spec §1.6), groups built in supervisord's
 * order (spec §1.7). The engine, the daemon and tsctl consume only these types.
 */
import type { UserDb } from "./users.js";
import type { ReadinessConfig } from "./ext/readiness.js";
import type { ExtensionKeyUse } from "./extension-keys.js";

export type LogLevelName = "critical" | "error" | "warn" | "info" | "debug" | "trace" | "blather";

/** `stdout_logfile=` after conversion (LOG-06). `syslog` is rewritten to `none` + `syslog: true`. */
export type LogfileSetting =
  | { kind: "auto" }
  | { kind: "none" }
  | { kind: "file"; path: string };

/** One output channel of a process: `stdout_*` or `stderr_*` options. */
export interface LogChannelConfig {
  logfile: LogfileSetting;
  maxbytes: number;
  backups: number;
  captureMaxbytes: number;
  eventsEnabled: boolean;
  syslog: boolean;
  /** Extension keys of the log pipeline (issue 15); absent when none is used: supervisord's behaviour. */
  ext?: LogChannelExtensions;
}

/** `autorestart=`: true (always), false (never) or "unexpected" (exit status not in exitcodes). */
export type AutoRestart = boolean | "unexpected";

export type ProgramKind = "program" | "eventlistener" | "fcgi-program";

/** Where a value came from, for error messages and `avail`-style displays. */
export interface SourceLocation {
  file: string;
  line: number;
}

/** One process after numprocs expansion (spec §1.5.5). */
export interface ProcessConfig {
  /** Process name after `process_name` expansion (e.g. `worker_00`). */
  name: string;
  /** The group it belongs to (`[group:x]` name, or the program name). */
  groupName: string;
  /** The part after `program:` / `eventlistener:` / `fcgi-program:`. */
  programName: string;
  kind: ProgramKind;
  /** The raw command after %-expansion (split at spawn time, SPN-03). */
  command: string;
  /** `directory=`, or null to inherit the daemon's cwd. Not validated at parse time (SPN-17). */
  directory: string | null;
  /** `umask=` as a number, or null to inherit. */
  umask: number | null;
  /** `user=` resolved at parse time: uid/gid/name, or null for the daemon's own user. */
  user: { name: string; uid: number; gid: number } | null;
  priority: number;
  autostart: boolean;
  autorestart: AutoRestart;
  startsecs: number;
  startretries: number;
  exitcodes: number[];
  /** Signal name without the SIG prefix, e.g. `TERM`, and its number. */
  stopsignal: { name: string; number: number };
  /**
   * issue 18, `restartsignal = HUP` (extension key): `tsctl restart NAME` and `tsctl reload NAME` send this signal
   * instead of stop+start (a graceful reload: gunicorn, nginx, uwsgi). Absent = supervisorctl's restart.
   */
  restartsignal?: { name: string; number: number };
  stopwaitsecs: number;
  stopasgroup: boolean;
  killasgroup: boolean;
  redirectStderr: boolean;
  stdout: LogChannelConfig;
  stderr: LogChannelConfig;
  /**
   * `[supervisord] environment` merged under the program's `environment=` (program wins, GRP-03).
   * Only what the config sets: the daemon's inherited environment is added at spawn time (SPN-12).
   */
  environment: Record<string, string>;
  /** `serverurl=`, or null for AUTO (computed by the daemon, SPN-13). */
  serverurl: string | null;
  processNum: number;
  numprocs: number;
  /** The section that defined this program and where. */
  section: string;
  source: SourceLocation;
  /** Extension keys (issue 17): rlimits, cgroup limits, RSS watchdog; absent when none is set. */
  limits?: ProgramLimits;
  /**
   * `essential = true` (extension key, container mode): when this process goes FATAL or exits for good, the
   * daemon stops everything and exits non-zero. Absent = false.
   */
  essential?: boolean;
  /** `environment_file=` (extension key): absolute paths, already merged into `environment`. */
  environmentFiles?: string[];
  /** Extension keys (issue 14): readiness/liveness probes and depends_on; absent when none is set. */
  readiness?: ReadinessConfig;
}

/** Event listener pool options (spec §1.5.7); present on eventlistener groups only. */
export interface EventListenerPoolConfig {
  events: string[];
  bufferSize: number;
  resultHandler: string;
}

/** A process group: an implicit one per program, or a `[group:x]`, an event listener pool, an fcgi group. */
export interface GroupConfig {
  name: string;
  priority: number;
  kind: "program" | "heterogeneous" | "eventlistener" | "fcgi-program";
  /**
   * supervisord's order: a program's processes sorted by (priority, name) with Python string comparison
   * (NUM-03, ORD-02); for a `[group:x]`, the programs in `programs=` order, each sorted so. Names are unique
   * (NUM-02). Consumers that start or stop processes sort by (priority, name) themselves, as supervisord does.
   */
  processes: ProcessConfig[];
  pool?: EventListenerPoolConfig;
  /** fcgi-program: `unix:///abs/path` or `tcp://host:port`, with socket options. */
  fcgi?: { socket: string; backlog: number | null; owner: { uid: number; gid: number } | null; mode: number };
}

export interface SupervisordSettings {
  /** Absolute path (resolved against the cwd at startup), or "syslog". */
  logfile: string;
  logfileMaxbytes: number;
  logfileBackups: number;
  loglevel: LogLevelName;
  /** Absolute path. */
  pidfile: string;
  umask: number;
  nodaemon: boolean;
  silent: boolean;
  minfds: number;
  minprocs: number;
  nocleanup: boolean;
  childlogdir: string;
  user: { name: string; uid: number; gid: number } | null;
  directory: string | null;
  stripAnsi: boolean;
  environment: Record<string, string>;
  identifier: string;
  /** Extension key `cgroups` (issue 17): auto (default), all or off; absent = auto. */
  cgroups?: "auto" | "all" | "off";
  /** Extension key `statefile` (issue 18): absolute path of the desired-state file; absent = not persisted. */
  statefile?: string;
  /** Extension keys of the activity log (issue 15); absent when none is used. */
  logfileExt?: ActivityLogExtensions;
  /** Container-mode extension keys (exit_when, stop_deadline, environment_file); absent = defaults. */
  container?: ContainerSettings;
}

/** `[supervisord] exit_when`: when the daemon leaves by itself (besides a shutdown request). */
export type ExitWhen = "any-essential-failed" | "all-exited";

export interface ContainerSettings {
  exitWhen: ExitWhen;
  /** `stop_deadline` or TSUPERVISORD_STOP_DEADLINE in milliseconds; null = no deadline (supervisord's stop). */
  stopDeadlineMs: number | null;
  stopDeadlineSource: "config" | "env" | null;
  /** `[supervisord] environment_file=`, absolute paths, already merged into `environment`. */
  environmentFiles: string[];
}

export interface HttpAuth {
  username: string;
  /** Plain text, or `{SHA}` + 40 lowercase hex characters. */
  password: string;
}

/** One user of an HTTP server section (issue 19): `username`/`password` (admin), `users =` or `users_file =`. */
export interface HttpUser {
  username: string;
  /** Plain text, `{SHA}` + hex (or Apache's base64) SHA-1, or a bcrypt hash. */
  password: string;
  role: Role;
}

/** The access keys of a server section (packages/config/src/ext/access.ts); absent when none is set. */
export interface ServerAccess {
  /** Every user, the section's `username`/`password` (as admin) first. */
  users: HttpUser[];
  usersFile: string | null;
  /** `allow_uids` (unix only), or null when not set. */
  allowUids: number[] | null;
  /** `allow_groups` (unix only), or null when not set. */
  allowGroups: number[] | null;
  /** `uid_roles` (unix only, a section without users): the role of each listed peer uid; others are admin. */
  uidRoles: Array<{ uid: number; role: Role }> | null;
}

export interface UnixHttpServerConfig {
  /** The section name, e.g. `unix_http_server` (used in log messages). */
  section: string;
  /** Absolute path of the socket file. */
  file: string;
  chmod: number;
  chown: { uid: number; gid: number } | null;
  auth: HttpAuth | null;
  /** Issue 19: users with roles, allow_uids/allow_groups. */
  access?: ServerAccess;
  /** issue 19 extension key `grpc_idle_timeout`: close idle gRPC connections after this many seconds (0 = never). */
  grpcIdleTimeoutSeconds: number;
}

export interface InetHttpServerConfig {
  section: string;
  /** Empty string = all interfaces (`*:9001`, `:9001`, `9001`). */
  host: string;
  port: number;
  auth: HttpAuth | null;
  /** Extension key `allow_unauthenticated`: serve a non-loopback address without username/password. */
  allowUnauthenticated: boolean;
  /** issue 19: `tls_cert`/`tls_key`/`tls_client_ca` (checked at read time); absent: the environment decides. */
  tls?: InetTlsFiles;
  /** Issue 19: users with roles. */
  access?: ServerAccess;
  /** issue 19 extension key `grpc_idle_timeout`: close idle gRPC connections after this many seconds (0 = never). */
  grpcIdleTimeoutSeconds: number;
}

export interface SupervisorctlConfig {
  serverurl: string;
  username: string | null;
  password: string | null;
  prompt: string;
  historyFile: string | null;
  /** issue 19 (tsctl only): `tls_ca` (verify an https:// server), `tls_cert`/`tls_key` (mTLS). */
  tlsCa?: string;
  tlsCert?: string;
  tlsKey?: string;
}

/** A message supervisord logs once its activity log is open (ERR-04): criticals, then warnings, then infos. */
export interface ConfigMessage {
  level: "critical" | "warn" | "info";
  message: string;
}

export interface Config {
  /** Absolute path of the main config file. */
  file: string;
  /** Its directory (`%(here)s`). */
  here: string;
  /** Every file read, main first, in read order. */
  files: string[];
  supervisord: SupervisordSettings;
  unixHttpServers: UnixHttpServerConfig[];
  inetHttpServers: InetHttpServerConfig[];
  /** Null when the file has no `[supervisorctl]` section. */
  supervisorctl: SupervisorctlConfig | null;
  /** In config order (GRP-01): sorted by (priority, name). */
  groups: GroupConfig[];
  /** True when `[rpcinterface:supervisor]` names supervisor's own factory (PLG-02). */
  standardRpcInterface: boolean;
  messages: ConfigMessage[];
  /** Every `[rpcinterface:x]` section (only supervisor's own factory is accepted, PLG-02). */
  rpcInterfaces: RpcInterfaceConfig[];
  /** tsupervisord extension keys the files set (for `tsupervisord -t`); absent when none. */
  extensionKeys?: ExtensionKeyUse[];
}

/** One `[rpcinterface:x]` section. */
export interface RpcInterfaceConfig {
  /** The namespace (`x` of `[rpcinterface:x]`). */
  name: string;
  factory: string;
  /** Every other key of the section (DEFAULT keys included, INI-10), %-expanded with `ENV_*` only. */
  extras: Record<string, string>;
}

/** Inputs from the outside world, injectable so tests are deterministic. */
export interface ReadConfigOptions {
  /** The environment `ENV_*` names come from (default `process.env`). */
  env?: Record<string, string | undefined>;
  /** The cwd relative paths are resolved against (default `process.cwd()`). */
  cwd?: string;
  /** `%(host_node_name)s` (default `os.hostname()`). */
  hostname?: string;
  /** User database for `user=`/`chown=` (default: parsed from `passwdFile`/`groupFile`). */
  userDb?: UserDb;
  /** Default `/etc/passwd`. */
  passwdFile?: string;
  /** Default `/etc/group`. */
  groupFile?: string;
  /** The daemon's uid (fcgi socket owner default; default `process.getuid()`). */
  uid?: number;
  /** Default `childlogdir` (default: Python's `tempfile.gettempdir()`: $TMPDIR, $TEMP, $TMP, /tmp). */
  tempDir?: string;
  /** issue 18 (`tsctl scale`): numprocs per program name, in place of the file's (program/fcgi-program only). */
  numprocsOverrides?: Record<string, number>;
}

/** issue 15 log-pipeline extensions; structurally the same as `@tsupervisord/logs`' types of the same names. */
export type LogFormat = "raw" | "line" | "json";
export type RotateTime = { kind: "daily" } | { kind: "hourly" } | { kind: "at"; hour: number; minute: number };
export interface RotateSpec {
  size: boolean;
  time: RotateTime | null;
}
export interface RateLimit {
  bytesPerSecond: number;
  burstBytes: number;
  action: "block" | "drop";
}
export interface LogChannelExtensions {
  /** Destinations after the first (`stdout_logfile = /var/log/app.log, /dev/stdout`), absolute paths. */
  destinations: string[];
  rotate: RotateSpec;
  suffix: "number" | "date";
  compress: "none" | "gzip";
  maxageMs: number;
  format: LogFormat;
  maxLineBytes: number;
  rateLimit: RateLimit | null;
}
/** `[supervisord] logfile_rotate`, `_rotate_suffix`, `_compress`, `_maxage`, `logfile_format`. */
export interface ActivityLogExtensions {
  rotate: RotateSpec;
  suffix: "number" | "date";
  compress: "none" | "gzip";
  maxageMs: number;
  format: "text" | "json";
}
