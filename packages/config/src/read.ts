/**
 * `readConfig`: supervisord 4.2.5's `ServerOptions.read_config` + `realize` (spec §1) for tsupervisord.
 * Unlike supervisord it does not stop at the first problem: every issue it can find is collected and
 * thrown at once as a ConfigError, each with file, line, section and option, keeping supervisord's wording.
 */
import { readActivityLogExtensions } from "./ext/activity-log.js";
import { existsSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { isDefaultContainer, readContainerSettings } from "./ext/container.js";
import { ConfigError, type ConfigIssue } from "@tsupervisord/errors";
import { cgroupMode } from "./ext/limits.js";
import { statefilePath } from "./ext/statefile.js";
import { SectionReader, collectMessages, mergeNames, type ReadContext } from "./context.js";
import {
  boolean,
  byteSize,
  existingDirectory,
  existingDirpath,
  inetAddress,
  integer,
  logLevel,
  normalizePath,
  octal,
} from "./converters.js";
import { ValueError } from "./errors.js";
import { DEFAULT_GRPC_IDLE_TIMEOUT_SECONDS, grpcIdleTimeout } from "./ext/grpc-idle.js";
import { MAIN_RPCINTERFACE_FACTORY, badEntryPointMessage, normaliseEntryPoint } from "./events.js";
import { expand, pySorted, type ExpansionValue, type Expansions } from "./expand.js";
import { pyGlob } from "./glob.js";
import { PY_WHITESPACE, pyRepr } from "@tsupervisord/pycompat";

const PY_SPLIT = new RegExp(`[${PY_WHITESPACE}]+`, "u");
import { IniParser, IniSyntaxError, pyStrip } from "./ini.js";
import { groupsFromParser } from "./programs.js";
import { validateDependencies } from "./ext/dependencies.js";
import { readCtlTls, readInetTls } from "./ext/tls-keys.js";
import { readServerAccess } from "./ext/access.js";
import { extensionKeysUsed } from "./extension-keys.js";
import { dictOfKeyValuePairs } from "./shlex.js";
import type {
  Config,
  HttpAuth,
  InetHttpServerConfig,
  ReadConfigOptions,
  RpcInterfaceConfig,
  ServerAccess,
  SupervisorctlConfig,
  SupervisordSettings,
  UnixHttpServerConfig,
} from "./types.js";
import { colonSeparatedUserGroup, loadUserDb, resolveUser, type UserDb } from "./users.js";

/** Everything a read needs from the outside world, with defaults filled in. */
export interface ResolvedEnvironment {
  cwd: string;
  env: Record<string, string | undefined>;
  hostname: string;
  userDb: UserDb;
  uid: number;
  tempDir: string;
  numprocsOverrides: Record<string, number>;
}

export function resolveEnvironment(opts: ReadConfigOptions = {}): ResolvedEnvironment {
  const env = opts.env ?? process.env;
  return {
    cwd: opts.cwd ?? process.cwd(),
    env,
    hostname: opts.hostname ?? os.hostname(),
    userDb: opts.userDb ?? loadUserDb(opts.passwdFile, opts.groupFile),
    uid: opts.uid ?? (typeof process.getuid === "function" ? process.getuid() : 0),
    tempDir: opts.tempDir ?? pythonTempDir(env),
    numprocsOverrides: opts.numprocsOverrides ?? {},
  };
}

/** Python's `tempfile.gettempdir()` candidates: $TMPDIR, $TEMP, $TMP, then /tmp. */
function pythonTempDir(env: Record<string, string | undefined>): string {
  for (const k of ["TMPDIR", "TEMP", "TMP"]) {
    const v = env[k];
    if (v) return v;
  }
  return "/tmp";
}

function envExpansionsOf(env: Record<string, string | undefined>): Map<string, ExpansionValue> {
  const out = new Map<string, ExpansionValue>();
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out.set(`ENV_${k}`, v);
  return out;
}

function syntaxIssues(err: IniSyntaxError, absolute: (f: string) => string): ConfigIssue[] {
  const header = err.message.split("\n")[0] ?? err.message;
  if (!header.startsWith("Source contains parsing errors")) {
    return [{ file: absolute(err.file), line: err.lines[0]?.line ?? 1, message: err.message }];
  }
  return err.lines.map((l) => ({
    file: absolute(err.file),
    line: l.line,
    message: `${header}\n\t[line ${String(l.line).padStart(2)}]: ${pyRepr(l.raw)}`,
  }));
}

/** Reads one file's text into the parser; returns the issues (read or syntax errors). */
function readInto(parser: IniParser, file: string, shownAs: string, absolute: (f: string) => string): ConfigIssue[] {
  let text: string;
  try {
    text = readFileSync(absolute(file), "utf8");
  } catch {
    return [{ file: absolute(file), message: `could not read config file ${shownAs}` }];
  }
  try {
    parser.readString(text, file);
    return [];
  } catch (err) {
    if (err instanceof IniSyntaxError) return syntaxIssues(err, absolute);
    throw err;
  }
}

export interface ParsedFiles {
  parser: IniParser;
  files: string[];
  warnings: string[];
  infos: string[];
  issues: ConfigIssue[];
}

/** Reads the main file and (for supervisord) its `[include]` files (INC-01…05). */
export function parseFiles(
  file: string,
  envr: ResolvedEnvironment,
  here: string,
  followIncludes: boolean,
): ParsedFiles {
  const absolute = (f: string): string => path.resolve(envr.cwd, f);
  const parser = new IniParser();
  const result: ParsedFiles = { parser, files: [], warnings: [], infos: [], issues: [] };
  if (!existsSync(absolute(file))) {
    result.issues.push({ file: absolute(file), message: `could not find config file ${file}` });
    return result;
  }
  result.files.push(absolute(file));
  result.issues.push(...readInto(parser, file, file, absolute));
  if (result.issues.length > 0 || !followIncludes || !parser.hasSection("include")) return result;

  parser.expandHere(here);
  const entry = parser.get("include", "files");
  const sec = parser.sections.get("include");
  if (!entry) {
    result.issues.push({
      file: absolute(file),
      line: sec?.line ?? 1,
      section: "include",
      option: "files",
      message: ".ini file has [include] section, but no files setting",
    });
    return result;
  }
  const names = mergeNames([["here", here], ["host_node_name", envr.hostname]], envExpansionsOf(envr.env));
  let patterns: string[];
  try {
    patterns = expand(entry.value, names, "include.files").split(PY_SPLIT).filter((p) => p !== "");
  } catch (err) {
    if (!(err instanceof ValueError)) throw err;
    result.issues.push({ file: absolute(entry.file), line: entry.line, section: "include", option: "files", message: err.message });
    return result;
  }
  const base = path.dirname(absolute(file));
  for (const p of patterns) {
    const pattern = path.isAbsolute(p) ? p : base.endsWith("/") ? base + p : `${base}/${p}`;
    const matches = pyGlob(pattern);
    if (matches.length === 0) {
      result.warnings.push(`No file matches via include "${pattern}"`);
      continue;
    }
    for (const filename of pySorted(matches)) {
      result.infos.push(`Included extra file "${filename}" during parsing`);
      let text: string;
      try {
        text = readFileSync(filename, "utf8");
      } catch {
        continue; // RawConfigParser.read skips files it cannot open (a directory matched by the glob, …)
      }
      result.files.push(filename);
      try {
        parser.readString(text, filename);
        parser.expandHere(path.dirname(path.resolve(filename)));
      } catch (err) {
        if (!(err instanceof IniSyntaxError)) throw err;
        result.issues.push(...syntaxIssues(err, absolute));
      }
    }
  }
  return result;
}

function readAuth(r: SectionReader, names: Expansions): HttpAuth | null {
  const username = r.soft("username", () => r.get("username", null, names), null);
  const password = r.soft("password", () => r.get("password", null, names), null);
  if (username !== null || password !== null) {
    if (username === null || password === null) {
      r.record(
        username === null ? "password" : "username",
        `Section [${r.section}] contains incomplete authentication: If a username or a password is specified, ` +
          `both the username and password must be specified`,
      );
      return null;
    }
    return { username, password };
  }
  return null;
}

const ACCESS_KEYS = ["users", "users_file", "allow_uids", "allow_groups", "uid_roles"];

/** Issue 19's keys, as `{ access }` when the section sets any of them (else nothing: the old shape). */
function accessOf(
  r: SectionReader,
  names: Expansions,
  auth: HttpAuth | null,
  kind: "inet" | "unix",
  ctx: ReadContext,
): { access?: ServerAccess } {
  if (!ACCESS_KEYS.some((key) => r.has(key))) return {};
  return { access: readServerAccess(r, names, auth, kind, { cwd: ctx.cwd, home: ctx.home, userDb: ctx.userDb }) };
}

/** issue 19 extension key of both server sections (ext/grpc-idle.ts). */
function readGrpcIdleTimeout(r: SectionReader, envOnly: ReadContext["envExpansions"]): number {
  return r.soft(
    "grpc_idle_timeout",
    () => grpcIdleTimeout(r.get("grpc_idle_timeout", String(DEFAULT_GRPC_IDLE_TIMEOUT_SECONDS), envOnly)),
    DEFAULT_GRPC_IDLE_TIMEOUT_SECONDS,
  );
}

/** `server_configs_from_parser`: every section whose name starts with `inet_http_server` / `unix_http_server`. */
function readServers(ctx: ReadContext): { inet: InetHttpServerConfig[]; unix: UnixHttpServerConfig[] } {
  const inet: InetHttpServerConfig[] = [];
  const unix: UnixHttpServerConfig[] = [];
  const envOnly = ctx.envExpansions;
  for (const section of ctx.parser.sectionNames()) {
    if (!section.startsWith("inet_http_server")) continue;
    const r = new SectionReader(ctx, section, "");
    const auth = readAuth(r, envOnly);
    const port = r.soft("port", () => r.get("port", null, envOnly), null);
    if (port === null) {
      if (!r.has("port")) r.record("port", `section [${section}] has no port value`);
      continue;
    }
    const addr = r.soft("port", () => inetAddress(port), null);
    // Extension key (issue 21): supervisord ignores it, so one file runs under both.
    const allowUnauthenticated = r.soft("allow_unauthenticated", () => boolean(r.get("allow_unauthenticated", "false", envOnly)), false);
    // issue 19: TLS files, loaded and checked now (missing, unreadable, key/cert mismatch, expired).
    const tls = readInetTls(r, mergeNames(envOnly, [["here", ctx.here]]));
    const access = accessOf(r, mergeNames(envOnly, [["here", ctx.here]]), auth, "inet", ctx);
    const grpcIdleTimeoutSeconds = readGrpcIdleTimeout(r, envOnly);
    if (addr && !r.failed) {
      inet.push({ section, host: addr.host, port: addr.port, auth, allowUnauthenticated, grpcIdleTimeoutSeconds, ...(tls === undefined ? {} : { tls }), ...access });
    }
  }
  for (const section of ctx.parser.sectionNames()) {
    if (!section.startsWith("unix_http_server")) continue;
    const r = new SectionReader(ctx, section, "");
    const names = mergeNames(envOnly, [["here", ctx.here]]);
    const file = r.soft("file", () => r.get("file", null, names), null);
    if (file === null) {
      if (!r.has("file")) r.record("file", `section [${section}] has no file value`);
      continue;
    }
    const auth = readAuth(r, envOnly);
    const chownRaw = r.soft("chown", () => r.get("chown", null, envOnly), null);
    const chown =
      chownRaw === null
        ? null
        : r.soft(
            "chown",
            () => {
              try {
                return colonSeparatedUserGroup(ctx.userDb, chownRaw);
              } catch {
                throw new ValueError(`Invalid sockchown value ${chownRaw}`);
              }
            },
            null,
          );
    const chmodRaw = r.soft("chmod", () => r.get("chmod", null, envOnly), null);
    const chmod =
      chmodRaw === null
        ? 0o700
        : r.soft(
            "chmod",
            () => {
              try {
                return octal(chmodRaw);
              } catch {
                throw new ValueError(`Invalid chmod value ${chmodRaw}`);
              }
            },
            0o700,
          );
    const access = accessOf(r, names, auth, "unix", ctx);
    const grpcIdleTimeoutSeconds = readGrpcIdleTimeout(r, envOnly);
    if (!r.failed) unix.push({ section, file: normalizePath(pyStrip(file), ctx.cwd, ctx.home), chmod, chown, auth, grpcIdleTimeoutSeconds, ...access });
  }
  return { inet, unix };
}

/**
 * PLG-01/INI-10: supervisord calls `make_main_rpcinterface(supervisord, **extras)` when it opens its HTTP
 * servers, where `extras` is every other key of the section, `[DEFAULT]` keys included. That factory takes
 * no keyword arguments, so any extra key makes 4.2.5 log a TypeError and exit 2 with
 * `Could not make <name> rpc interface`. Without an HTTP server the factory never runs and nothing fails.
 * The first key in `RawConfigParser.options` order is the one Python names.
 */
function checkRpcFactoryArguments(ctx: ReadContext, rpc: readonly RpcInterfaceConfig[]): void {
  const factoryKey = "supervisor.rpcinterface_factory";
  for (const iface of rpc) {
    const section = `rpcinterface:${iface.name}`;
    const first = ctx.parser.options(section).find((k) => k !== factoryKey);
    if (first === undefined) continue;
    const fromDefault = !ctx.parser.sections.get(section)?.options.has(first);
    const why = fromDefault
      ? "keys in [DEFAULT] are passed to the rpcinterface factory as keyword arguments, which supervisor's factory does not accept"
      : `keys of [${section}] other than ${factoryKey} are passed to the rpcinterface factory as keyword arguments, which supervisor's factory does not accept`;
    new SectionReader(ctx, section, "").record(
      first,
      `Could not make ${iface.name} rpc interface (TypeError: make_main_rpcinterface() got an unexpected keyword argument ${pyRepr(first)}: ${why})`,
    );
  }
}

/** `[rpcinterface:x]` (PLG-01/02): only supervisor's own factory can run here. */
function readRpcInterfaces(ctx: ReadContext): RpcInterfaceConfig[] {
  const out: RpcInterfaceConfig[] = [];
  const key = "supervisor.rpcinterface_factory";
  for (const section of ctx.parser.sectionNames()) {
    if (!section.startsWith("rpcinterface:")) continue;
    const r = new SectionReader(ctx, section, "");
    const name = section.slice(section.indexOf(":") + 1);
    const spec = r.soft(key, () => r.get(key, null, ctx.envExpansions), null);
    if (spec === null) {
      if (!r.has(key)) r.record(key, `section [${section}] does not specify a ${key}`);
      continue;
    }
    const normalised = normaliseEntryPoint(spec);
    if (normalised === null) {
      r.record(key, badEntryPointMessage(spec));
      continue;
    }
    if (normalised !== MAIN_RPCINTERFACE_FACTORY) {
      r.record(
        key,
        `${spec} cannot be resolved within [${section}] (tsupervisord cannot load Python plugins; only ${MAIN_RPCINTERFACE_FACTORY} is supported)`,
      );
      continue;
    }
    const extras: Record<string, string> = {};
    for (const k of ctx.parser.options(section)) {
      if (k === key) continue;
      const v = r.soft(k, () => r.get(k, "", ctx.envExpansions), null);
      if (v !== null) extras[k] = v;
    }
    out.push({ name, factory: MAIN_RPCINTERFACE_FACTORY, extras });
  }
  return out;
}

function readSupervisordSection(ctx: ReadContext, envr: ResolvedEnvironment): SupervisordSettings {
  const r = new SectionReader(ctx, "supervisord", "");
  const names = (): Expansions => mergeNames(ctx.envExpansions, [["here", ctx.here]]);
  const opt = <T>(option: string, def: string, convert: (v: string) => T, fallback: T): T =>
    r.soft(option, () => convert(r.get(option, def, names())), fallback);

  const minfds = opt("minfds", "1024", integer, 1024);
  const minprocs = opt("minprocs", "200", integer, 200);
  const directoryRaw = r.soft("directory", () => r.get("directory", null, names()), null);
  const directory = directoryRaw === null ? null : r.soft("directory", () => existingDirectory(directoryRaw, ctx.cwd, ctx.home), null);
  const userRaw = r.soft("user", () => r.get("user", null, names()), null);
  const umask = opt("umask", "022", octal, 0o22);
  const logfile = opt("logfile", "supervisord.log", (v) => existingDirpath(v, ctx.cwd, ctx.home), "supervisord.log");
  const logfileMaxbytes = opt("logfile_maxbytes", "50MB", byteSize, 50 * 1024 * 1024);
  const logfileBackups = opt("logfile_backups", "10", integer, 10);
  const loglevel = opt("loglevel", "info", logLevel, "info" as const);
  const pidfile = opt("pidfile", "supervisord.pid", (v) => existingDirpath(v, ctx.cwd, ctx.home), "supervisord.pid");
  const identifier = r.soft("identifier", () => r.get("identifier", "supervisor", names()), "supervisor");
  const nodaemon = opt("nodaemon", "false", boolean, false);
  const silent = opt("silent", "false", boolean, false);
  const childlogdir = opt("childlogdir", envr.tempDir, (v) => existingDirectory(v, ctx.cwd, ctx.home), envr.tempDir);
  const nocleanup = opt("nocleanup", "false", boolean, false);
  const stripAnsi = opt("strip_ansi", "false", boolean, false);
  const cgroups = opt("cgroups", "auto", cgroupMode, "auto" as const);
  // issue 18: desired state persisted across restarts; a path like pidfile's (%(here)s, ~, existing directory).
  const statefile = r.has("statefile") ? opt("statefile", "", (v) => statefilePath(v, ctx.cwd, ctx.home), null) : null;
  const logfileExt = readActivityLogExtensions(r, (option) => r.get(option, null, names()), logfile, ctx);
  // [4.2.5] expanded twice: once as `supervisord.environment` (here + ENV_*), then as `environment`
  const environment = r.soft(
    "environment",
    () => {
      const once = r.get("environment", "", names());
      const twice = expand(once, mergeNames([["here", ctx.here], ["host_node_name", ctx.hostname]], ctx.envExpansions), "environment");
      return dictOfKeyValuePairs(twice);
    },
    {} as Record<string, string>,
  );
  for (const [k, v] of Object.entries(environment)) ctx.envExpansions.set(`ENV_${k}`, v);
  // Container keys (ext/container.ts): `environment=` wins over the section's own environment_file.
  const container = readContainerSettings(r, names(), envr.env, ctx.cwd, ctx.home);
  ctx.globalEnvironment = { ...container.environment, ...environment };

  // `realize()` resolves `user` after the whole file was read (see resolveSupervisordUser)
  const user = userRaw === null ? null : { name: userRaw, uid: -1, gid: -1 };
  return {
    logfile: logfile === "syslog" ? "syslog" : normalizePath(logfile, ctx.cwd, ctx.home),
    logfileMaxbytes,
    logfileBackups,
    loglevel,
    pidfile: normalizePath(pidfile, ctx.cwd, ctx.home),
    umask,
    nodaemon,
    silent,
    minfds,
    minprocs,
    nocleanup,
    childlogdir,
    user,
    directory,
    stripAnsi,
    environment: ctx.globalEnvironment,
    identifier,
    // Only when written: a config without extension keys reads exactly as before.
    ...(r.has("cgroups") ? { cgroups } : {}),
    ...(statefile !== null ? { statefile: normalizePath(statefile, ctx.cwd, ctx.home) } : {}),
    ...(logfileExt !== undefined ? { logfileExt } : {}),
    ...(isDefaultContainer(container.settings) ? {} : { container: container.settings }),
  };
}

/** `[supervisorctl]` options (spec §1.5.4); `r.soft` records problems, defaults stand in. */
export function readSupervisorctlSection(ctx: ReadContext): SupervisorctlConfig {
  const r = new SectionReader(ctx, "supervisorctl", "");
  const withHere = mergeNames(ctx.envExpansions, [["here", ctx.here]]);
  let serverurl = r.soft("serverurl", () => r.get("serverurl", "http://localhost:9001", withHere), "http://localhost:9001");
  if (serverurl.startsWith("unix://")) serverurl = `unix://${normalizePath(serverurl.slice(7), ctx.cwd, ctx.home)}`;
  const prompt = r.soft("prompt", () => r.get("prompt", "supervisor", ctx.envExpansions), "supervisor");
  const username = r.soft("username", () => r.get("username", null, ctx.envExpansions), null);
  const password = r.soft("password", () => r.get("password", null, ctx.envExpansions), null);
  const history = r.soft("history_file", () => r.get("history_file", null, withHere), null);
  return {
    serverurl,
    username,
    password,
    prompt,
    historyFile: history ? normalizePath(history, ctx.cwd, ctx.home) : null,
    ...readCtlTls(r, withHere), // issue 19
  };
}

export function makeContext(parser: IniParser, envr: ResolvedEnvironment, here: string, mainFileAsGiven: string): ReadContext {
  return {
    parser,
    issues: [],
    warnings: [],
    infos: [],
    envExpansions: envExpansionsOf(envr.env),
    globalEnvironment: {},
    here,
    hostname: envr.hostname,
    cwd: envr.cwd,
    home: envr.env["HOME"] ?? os.homedir(),
    userDb: envr.userDb,
    uid: envr.uid,
    numprocsOverrides: envr.numprocsOverrides,
    mainFileAsGiven,
    absolute: (f) => path.resolve(envr.cwd, f),
  };
}

/**
 * Reads a supervisord.conf as supervisord 4.2.5 does (spec §1) and returns the typed Config.
 * Throws ConfigError carrying every issue found.
 */
export function readConfig(file: string, opts: ReadConfigOptions = {}): Config {
  const envr = resolveEnvironment(opts);
  const absFile = path.resolve(envr.cwd, file);
  const here = path.dirname(absFile);
  const parsed = parseFiles(file, envr, here, true);
  if (parsed.issues.length > 0) throw new ConfigError(parsed.issues);

  const ctx = makeContext(parsed.parser, envr, here, file);
  ctx.warnings.push(...parsed.warnings);
  ctx.infos.push(...parsed.infos);
  if (!ctx.parser.hasSection("supervisord")) {
    ctx.issues.push({ file: absFile, message: ".ini file does not include supervisord section" });
  }
  const supervisord = readSupervisordSection(ctx, envr);
  const rpc = readRpcInterfaces(ctx);
  const groups = groupsFromParser(ctx);
  validateDependencies(ctx, groups); // issue 14: depends_on across programs
  const servers = readServers(ctx);
  if (servers.unix.length + servers.inet.length > 0) checkRpcFactoryArguments(ctx, rpc);
  let supervisorctl: SupervisorctlConfig | null = null;
  if (ctx.parser.hasSection("supervisorctl")) {
    // supervisord itself never reads this section: its problems are tsctl's to report (readCtlConfig)
    const scratch = { ...ctx, issues: [] };
    supervisorctl = readSupervisorctlSection(scratch);
  }
  if (supervisord.user !== null) {
    const r = new SectionReader(ctx, "supervisord", "");
    const name = supervisord.user.name;
    supervisord.user = r.soft("user", () => resolveUser(ctx.userDb, name), null);
  }
  if (ctx.issues.length > 0) throw new ConfigError(ctx.issues);
  return {
    file: absFile,
    here,
    files: parsed.files,
    supervisord,
    unixHttpServers: servers.unix,
    inetHttpServers: servers.inet,
    supervisorctl,
    groups,
    standardRpcInterface: rpc.some((x) => x.name === "supervisor"),
    rpcInterfaces: rpc,
    messages: collectMessages(ctx),
    ...extensionKeysField(ctx),
  };
}

function extensionKeysField(ctx: ReadContext): Pick<Config, "extensionKeys"> {
  const used = extensionKeysUsed(ctx.parser, (f) => ctx.absolute(f));
  return used.length > 0 ? { extensionKeys: used } : {};
}
