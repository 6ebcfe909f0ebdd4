/**
 * `[program:x]`, `[eventlistener:x]`, `[fcgi-program:x]` and `[group:x]` (spec §1.5.5–1.5.8, §1.6, §1.7):
 * per-process options, numprocs expansion, and group construction in supervisord's order.
 */
import path from "node:path";
import {
  OptionFailure,
  SectionReader,
  mergeNames,
  sectionSuffix,
  type ReadContext,
} from "./context.js";
import {
  autoRestart,
  boolean,
  byteSize,
  existingDirpath,
  exitCodes,
  integer,
  listOfStrings,
  logfileName,
  normalizePath,
  octal,
  processOrGroupName,
} from "./converters.js";
import { ValueError } from "./errors.js";
import { splitDestinations } from "./ext/logs.js";
import { readEnvironmentFiles, readEssential } from "./ext/container.js";
import { DEFAULT_RESULT_HANDLER, EVENT_TYPE_NAMES, badEntryPointMessage, normaliseEntryPoint } from "./events.js";
import { expand, pyCompare, type ExpansionValue, type Expansions } from "./expand.js";
import { pyStrip } from "./ini.js";
import { dictOfKeyValuePairs } from "./shlex.js";
import { parseSignal } from "./signals.js";
import type {
  GroupConfig,
  LogChannelConfig,
  LogfileSetting,
  ProcessConfig,
  ProgramKind,
} from "./types.js";
import { colonSeparatedUserGroup, gidForUid, nameToUid, resolveUser } from "./users.js";
import { readProgramLimits } from "./ext/limits.js";
import { readChannelExtensions } from "./ext/channel.js";
import { readReadinessOptions } from "./ext/readiness.js";

/** Python's `Config.__lt__`: by priority, then name. */
export function byPriorityThenName<T extends { priority: number; name: string }>(a: T, b: T): number {
  return a.priority !== b.priority ? a.priority - b.priority : pyCompare(a.name, b.name);
}

function afterColon(section: string): string {
  return section.slice(section.indexOf(":") + 1);
}

/** `_processes_from_section`: one ProcessConfig per process_num; [] when the section has errors. */
export function processesFromSection(
  ctx: ReadContext,
  section: string,
  groupName: string,
  kind: ProgramKind,
): ProcessConfig[] {
  const r = new SectionReader(ctx, section, sectionSuffix(ctx, section));
  let programName: string;
  try {
    programName = r.attempt(undefined, () => processOrGroupName(afterColon(section)));
  } catch (err) {
    if (err instanceof OptionFailure) return [];
    throw err;
  }
  // One mutable map, as supervisord mutates its `common_expansions` per process (EXP-04 quirks included).
  const expansions = new Map<string, ExpansionValue>([
    ["here", ctx.here],
    ["program_name", programName],
    ["host_node_name", ctx.hostname],
    ["group_name", groupName],
  ]);
  const names = (): Expansions => mergeNames(ctx.envExpansions, expansions);
  const opt = <T>(option: string, def: string, convert: (v: string) => T, fallback: T): T =>
    r.soft(option, () => convert(r.get(option, def, names())), fallback);
  const optOrNull = <T>(option: string, convert: (v: string) => T): T | null =>
    r.soft(
      option,
      () => {
        const v = r.get(option, null, names());
        return v === null ? null : convert(v);
      },
      null,
    );

  const priority = opt("priority", "999", integer, 999);
  const autostart = opt("autostart", "true", boolean, true);
  const autorestart = opt("autorestart", "unexpected", autoRestart, "unexpected" as const);
  const startsecs = opt("startsecs", "1", integer, 1);
  const startretries = opt("startretries", "3", integer, 3);
  const stopsignal = opt("stopsignal", "TERM", parseSignal, { name: "TERM", number: 15 });
  // issue 18: `restartsignal = HUP` (extension key): restart / reload send it instead of stop+start.
  const restartsignal = optOrNull("restartsignal", parseSignal);
  const stopwaitsecs = opt("stopwaitsecs", "10", integer, 10);
  const stopasgroup = opt("stopasgroup", "false", boolean, false);
  const killasgroup = r.has("killasgroup") ? opt("killasgroup", "false", boolean, stopasgroup) : stopasgroup;
  const exitcodes = opt("exitcodes", "0", exitCodes, [0]);
  const redirectStderr = opt("redirect_stderr", "false", boolean, false);
  const override = kind === "eventlistener" ? undefined : ctx.numprocsOverrides?.[programName]; // issue 18: scale
  const numprocs = override ?? opt("numprocs", "1", integer, 1);
  const numprocsStart = opt("numprocs_start", "0", integer, 0);
  const environmentStr = r.get("environment", "", null);
  const stdoutCapture = opt("stdout_capture_maxbytes", "0", byteSize, 0);
  const stdoutEvents = opt("stdout_events_enabled", "false", boolean, false);
  const stderrCapture = opt("stderr_capture_maxbytes", "0", byteSize, 0);
  const stderrEvents = opt("stderr_events_enabled", "false", boolean, false);
  let serverurl = optOrNull("serverurl", (v) => v);
  if (serverurl && pyStrip(serverurl).toUpperCase() === "AUTO") serverurl = null;
  const user = optOrNull("user", (v) => resolveUser(ctx.userDb, v));
  const umask = optOrNull("umask", octal);
  // Extension keys (issue 17): rlimits, cgroup limits, descendant sweep, RSS watchdog.
  const limits = readProgramLimits(optOrNull, (option, def) => opt(option, String(def), boolean, def));
  const processName = r.soft("process_name", () => processOrGroupName(r.get("process_name", "%(program_name)s", null)), null);

  if (processName !== null && numprocs > 1 && !processName.includes("%(process_num)")) {
    r.record(
      r.has("process_name") ? "process_name" : "numprocs",
      "%(process_num) must be present within process_name when numprocs > 1",
    );
  }
  if (stopasgroup && !killasgroup) r.record("killasgroup", "Cannot set stopasgroup=true and killasgroup=false");
  // Container keys (ext/container.ts), read once per section: `%(process_num)s` is not known yet here.
  const essential = readEssential(r, names());
  const envFiles = readEnvironmentFiles(r, names(), ctx.cwd, ctx.home);
  // issue 14 extension keys (ready_check*, live_check*, depends_on): [program:x] sections only.
  const readiness = section.startsWith("program:") ? readReadinessOptions(r, names) : undefined;

  const sec = ctx.parser.sections.get(section);
  const source = { file: ctx.absolute(sec?.file ?? ctx.mainFileAsGiven), line: sec?.line ?? 0 };
  const processes: ProcessConfig[] = [];
  for (let processNum = numprocsStart; processNum < numprocs + numprocsStart; processNum++) {
    expansions.set("process_num", processNum);
    expansions.set("numprocs", numprocs);
    for (const [k, v] of ctx.envExpansions) expansions.set(k, v);

    const ownEnvironment = r.soft(
      "environment",
      () => dictOfKeyValuePairs(expand(environmentStr, expansions, "environment")),
      {} as Record<string, string>,
    );
    // `environment=` wins over the section's own environment_file (documented in packages/config/README.md).
    const environment = { ...envFiles.values, ...ownEnvironment };
    for (const [k, v] of Object.entries(ownEnvironment)) expansions.set(`ENV_${k}`, v);

    const directory = optOrNull("directory", (v) => v);

    const channel = (name: "stdout" | "stderr", capture: number, events: boolean): LogChannelConfig => {
      const lfKey = `${name}_logfile`;
      // issue 15: `a, b` (absolute paths) is a list of destinations; the first is the log tail/read use.
      let listed: string[] = [];
      const logfile = r.soft<LogfileSetting | "syslog">(
        lfKey,
        () => {
          const raw = r.get(lfKey, null, names());
          if (raw === null) return { kind: "auto" };
          const value = expand(raw, expansions, lfKey);
          const list = splitDestinations(value);
          if (list !== null) listed = list.slice(1).map((p) => existingDirpath(p, ctx.cwd, ctx.home));
          const lf = logfileName(list?.[0] ?? value, ctx.cwd, ctx.home);
          return lf.kind === "syslog" ? "syslog" : lf;
        },
        { kind: "auto" },
      );
      const backups = opt(`${name}_logfile_backups`, "10", integer, 10);
      const maxbytes = opt(`${name}_logfile_maxbytes`, "50MB", byteSize, 50 * 1024 * 1024);
      let syslog = opt(`${name}_syslog`, "false", boolean, false);
      let setting: LogfileSetting;
      if (logfile === "syslog") {
        ctx.warnings.push(
          `For [${section}], ${lfKey}=syslog but this is deprecated and will be removed.  ` +
            `Use ${name}_syslog=true to enable syslog instead.`,
        );
        setting = { kind: "none" };
        syslog = true;
      } else setting = logfile;
      if (setting.kind === "auto" && !maxbytes) {
        ctx.warnings.push(
          `For [${section}], AUTO logging used for ${lfKey} without rollover, ` +
            `set maxbytes > 0 to avoid filling up filesystem unintentionally`,
        );
      }
      const ext = readChannelExtensions(r, name, (option) => r.get(option, null, names()), listed, setting, ctx);
      return {
        logfile: setting,
        maxbytes,
        backups,
        captureMaxbytes: capture,
        eventsEnabled: events,
        syslog,
        ...(ext !== undefined ? { ext } : {}),
      };
    };
    const stdout = channel("stdout", stdoutCapture, stdoutEvents);
    const stderr = channel("stderr", stderrCapture, stderrEvents);
    if (redirectStderr) {
      if (stderr.logfile.kind === "file") {
        ctx.warnings.push(
          `For [${section}], redirect_stderr=true but stderr_logfile has also been set to a filename, ` +
            `the filename has been ignored`,
        );
      }
      stderr.logfile = { kind: "none" };
    }

    const command = optOrNull("command", (v) => v);
    if (command === null && !r.has("command")) {
      r.record("command", `program section ${section} does not specify a command`);
    }
    const name =
      processName === null ? null : r.soft("process_name", () => expand(processName, expansions, "process_name"), null);
    if (r.failed || command === null || name === null) continue;
    processes.push({
      name,
      groupName,
      programName,
      kind,
      command,
      directory,
      umask,
      user,
      priority,
      autostart,
      autorestart,
      startsecs,
      startretries,
      exitcodes,
      stopsignal,
      stopwaitsecs,
      stopasgroup,
      killasgroup,
      redirectStderr,
      stdout,
      stderr,
      environment,
      serverurl,
      processNum,
      numprocs,
      section,
      source,
      ...(limits !== undefined ? { limits } : {}),
      ...(essential ? { essential } : {}),
      ...(envFiles.files.length > 0 ? { environmentFiles: envFiles.files } : {}),
      ...(readiness !== undefined ? { readiness } : {}),
      ...(restartsignal !== null ? { restartsignal } : {}),
    });
  }
  if (r.failed) return [];
  return collapseDuplicateNames(processes).sort(byPriorityThenName);
}

/** NUM-02: a name seen twice is one process (the last config wins, at the first one's place). */
function collapseDuplicateNames(processes: ProcessConfig[]): ProcessConfig[] {
  const byName = new Map<string, ProcessConfig>();
  for (const p of processes) byName.set(p.name, p);
  return [...byName.values()];
}

/** `process_groups_from_parser` (GRP-01): groups, programs, listeners, fcgi programs; then sorted. */
export function groupsFromParser(ctx: ReadContext): GroupConfig[] {
  const all = ctx.parser.sectionNames();
  const has = new Set(all);
  const groups: GroupConfig[] = [];
  const excluded = new Set<string>();
  const hereNames = (): Expansions => mergeNames(ctx.envExpansions, [["here", ctx.here]]);

  for (const section of all) {
    if (!section.startsWith("group:")) continue;
    const r = new SectionReader(ctx, section, "");
    const groupName = r.soft(undefined, () => processOrGroupName(afterColon(section)), null);
    const programs = listOfStrings(r.soft("programs", () => r.get("programs", null, hereNames()), null));
    const priority = r.soft("priority", () => integer(r.get("priority", "999", hereNames())), 999);
    if (groupName === null) continue;
    // supervisord reuses its loop variable here, so later messages name the last program section seen
    let shown = section;
    const processes: ProcessConfig[] = [];
    for (const program of programs) {
      const ps = `program:${program}`;
      const fs = `fcgi-program:${program}`;
      if (!has.has(ps) && !has.has(fs)) {
        r.record("programs", `[${shown}] names unknown program or fcgi-program ${program}`);
        continue;
      }
      if (has.has(ps) && has.has(fs)) {
        r.record("programs", `[${shown}] name ${program} is ambiguous (exists as program and fcgi-program)`);
        continue;
      }
      shown = has.has(ps) ? ps : fs;
      excluded.add(shown);
      processes.push(...processesFromSection(ctx, shown, groupName, "program"));
    }
    // supervisord keeps `programs=` order here (each program's own processes sorted); starting sorts anyway
    groups.push({ name: groupName, priority, kind: "heterogeneous", processes: collapseDuplicateNames(processes) });
  }

  for (const section of all) {
    if (!section.startsWith("program:") || excluded.has(section)) continue;
    const r = new SectionReader(ctx, section, "");
    const programName = r.soft(undefined, () => processOrGroupName(afterColon(section)), null);
    if (programName === null) continue;
    const priority = r.soft("priority", () => integer(r.get("priority", "999", hereNames())), 999);
    if (r.failed) continue;
    const processes = processesFromSection(ctx, section, programName, "program");
    groups.push({ name: programName, priority, kind: "program", processes });
  }

  for (const section of all) {
    if (!section.startsWith("eventlistener:")) continue;
    const r = new SectionReader(ctx, section, "");
    const poolName = afterColon(section);
    const priority = r.soft("priority", () => integer(r.get("priority", "-1", hereNames())), -1);
    const bufferSize = r.soft("buffer_size", () => integer(r.get("buffer_size", "10", hereNames())), 10);
    if (bufferSize < 1) r.record("buffer_size", `[${section}] section sets invalid buffer_size (${bufferSize})`);
    const resultHandler = r.soft("result_handler", () => r.get("result_handler", DEFAULT_RESULT_HANDLER, hereNames()), DEFAULT_RESULT_HANDLER);
    const handler = normaliseEntryPoint(resultHandler);
    if (handler === null) r.record("result_handler", badEntryPointMessage(resultHandler));
    else if (handler !== DEFAULT_RESULT_HANDLER) {
      r.record(
        "result_handler",
        `${resultHandler} cannot be resolved within [${section}] (tsupervisord supports only ${DEFAULT_RESULT_HANDLER})`,
      );
    }
    const events: string[] = [];
    for (const e of listOfStrings(r.soft("events", () => r.get("events", "", hereNames()), ""))) {
      const upper = e.toUpperCase();
      if (!events.includes(upper)) events.push(upper);
    }
    if (events.length === 0) r.record("events", `[${section}] section requires an "events" line`);
    for (const e of events) {
      if (!EVENT_TYPE_NAMES.includes(e)) r.record("events", `Unknown event type ${e} in [${section}] events`);
    }
    const redirect = r.soft("redirect_stderr", () => boolean(r.get("redirect_stderr", "false", hereNames())), false);
    if (redirect) {
      r.record(
        "redirect_stderr",
        `[${section}] section sets redirect_stderr=true but this is not allowed because it will interfere with the eventlistener protocol`,
      );
    }
    if (r.failed) continue;
    const processes = processesFromSection(ctx, section, poolName, "eventlistener");
    groups.push({
      name: poolName,
      priority,
      kind: "eventlistener",
      processes,
      pool: { events, bufferSize, resultHandler },
    });
  }

  for (const section of all) {
    if (!section.startsWith("fcgi-program:") || excluded.has(section)) continue;
    const r = new SectionReader(ctx, section, "");
    const programName = r.soft(undefined, () => processOrGroupName(afterColon(section)), null);
    if (programName === null) continue;
    const priority = r.soft("priority", () => integer(r.get("priority", "999", hereNames())), 999);
    const procUser = r.soft("user", () => r.get("user", null, hereNames()), null);
    const procUid = procUser === null ? null : r.soft("user", () => nameToUid(ctx.userDb, procUser), null);
    const backlogRaw = r.soft("socket_backlog", () => r.get("socket_backlog", null, hereNames()), null);
    let backlog: number | null = null;
    if (backlogRaw !== null) {
      backlog = r.soft("socket_backlog", () => integer(backlogRaw), null);
      if (backlog !== null && (backlog < 1 || backlog > 65535)) {
        r.record("socket_backlog", `Invalid socket_backlog value ${backlog}`);
      }
    }
    const ownerRaw = r.soft("socket_owner", () => r.get("socket_owner", null, hereNames()), null);
    let owner: { uid: number; gid: number } | null = null;
    if (ownerRaw !== null) {
      owner = r.soft(
        "socket_owner",
        () => {
          try {
            return colonSeparatedUserGroup(ctx.userDb, ownerRaw);
          } catch {
            throw new ValueError(`Invalid socket_owner value ${ownerRaw}`);
          }
        },
        null,
      );
    }
    const modeRaw = r.soft("socket_mode", () => r.get("socket_mode", null, hereNames()), null);
    let mode: number | null = null;
    if (modeRaw !== null) {
      mode = r.soft(
        "socket_mode",
        () => {
          try {
            return octal(modeRaw);
          } catch {
            throw new ValueError(`Invalid socket_mode value ${modeRaw}`);
          }
        },
        null,
      );
    }
    const socketNames = mergeNames(hereNames(), [["program_name", programName]]);
    const socket = r.soft("socket", () => r.get("socket", null, socketNames), null);
    let fcgi: GroupConfig["fcgi"] | undefined;
    if (!socket) {
      if (!r.failed || !r.has("socket")) r.record("socket", `[${section}] section requires a "socket" line`);
    } else {
      fcgi = r.soft(
        "socket",
        () => {
          try {
            return parseFcgiSocket(ctx, socket, procUid, ownerRaw !== null ? owner : null, modeRaw !== null ? mode : null, backlog);
          } catch (err) {
            if (err instanceof ValueError) throw new ValueError(`${err.message} in [${section}] socket`);
            throw err;
          }
        },
        undefined,
      );
    }
    if (r.failed || !fcgi) continue;
    const processes = processesFromSection(ctx, section, programName, "fcgi-program");
    groups.push({ name: programName, priority, kind: "fcgi-program", processes, fcgi });
  }

  // GRP-03: the global environment under each process's own
  const global = ctx.globalEnvironment;
  for (const g of groups) for (const p of g.processes) p.environment = { ...global, ...p.environment };
  return groups.sort(byPriorityThenName);
}

function parseFcgiSocket(
  ctx: ReadContext,
  sock: string,
  procUid: number | null,
  owner: { uid: number; gid: number } | null,
  mode: number | null,
  backlog: number | null,
): NonNullable<GroupConfig["fcgi"]> {
  if (sock.startsWith("unix://")) {
    const p = sock.slice(7);
    if (!path.isAbsolute(p)) throw new ValueError(`Unix socket path ${p} is not an absolute path`);
    let socketOwner = owner;
    if (socketOwner === null && procUid !== null && procUid !== ctx.uid) {
      socketOwner = { uid: procUid, gid: gidForUid(ctx.userDb, procUid) };
    }
    return { socket: `unix://${normalizePath(p, ctx.cwd, ctx.home)}`, backlog, owner: socketOwner, mode: mode ?? 0o700 };
  }
  if (owner !== null || mode !== null) {
    throw new ValueError("socket_owner and socket_mode params should only be used with a Unix domain socket");
  }
  const m = /^tcp:\/\/([^\s:]+):(\d+)$/u.exec(sock);
  if (m) {
    const port = Number(m[2]);
    if (port < 1) throw new ValueError(`${port} is below lower bound (1)`);
    if (port > 65535) throw new ValueError(`${port} is above upper bound (65535)`);
    return { socket: `tcp://${(m[1] ?? "").toLowerCase()}:${port}`, backlog, owner: null, mode: 0o700 };
  }
  throw new ValueError(`Bad socket format ${sock}`);
}
