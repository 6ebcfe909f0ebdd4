import path from "node:path";
import { readConfig, type Config } from "@tsupervisord/config";
import { formatConfigIssue, isConfigError } from "@tsupervisord/errors";
import { locateConfigFile } from "./config-search.js";
import type { CliOptions } from "./options.js";
import { resolveUser } from "../runtime/privileges.js";
import { usageError } from "./terminal.js";

/**
 * §7.2 step 1: find the file (CFG-02/03), read it, and lay the command line over it (CLI values win; flags
 * only turn things on, D-CLI-02). Every failure is a UsageExit carrying supervisord's `Error: …` lines.
 */
export async function loadConfig(cli: CliOptions, progname: string): Promise<Config> {
  let file: string;
  try {
    file = locateConfigFile(cli.configFile, progname);
  } catch (err) {
    throw usageError((err as Error).message, progname);
  }
  let config: Config;
  try {
    config = await readConfig(file);
  } catch (err) {
    throw usageError(configErrorLines(err), progname);
  }
  try {
    return applyCommandLine(config, cli);
  } catch (err) {
    throw usageError((err as Error).message, progname);
  }
}

/** Every problem of a failed read, one message each (file, line and option when known). */
export function configErrorLines(err: unknown): string[] {
  if (isConfigError(err)) return err.issues.map(formatConfigIssue);
  return [(err as Error).message ?? String(err)];
}

export function applyCommandLine(config: Config, cli: CliOptions): Config {
  const s = { ...config.supervisord };
  if (cli.nodaemon) s.nodaemon = true;
  if (cli.silent) s.silent = true;
  if (cli.nocleanup) s.nocleanup = true;
  if (cli.stripAnsi) s.stripAnsi = true;
  if (cli.user !== null) s.user = resolveUser(cli.user);
  if (cli.umask !== null) s.umask = cli.umask;
  if (cli.directory !== null) s.directory = cli.directory;
  if (cli.logfile !== null) s.logfile = cli.logfile === "syslog" ? "syslog" : path.resolve(cli.logfile);
  if (cli.logfileMaxbytes !== null) s.logfileMaxbytes = cli.logfileMaxbytes;
  if (cli.logfileBackups !== null) s.logfileBackups = cli.logfileBackups;
  if (cli.loglevel !== null) s.loglevel = cli.loglevel;
  if (cli.pidfile !== null) s.pidfile = path.resolve(cli.pidfile);
  if (cli.identifier !== null) s.identifier = cli.identifier;
  if (cli.childlogdir !== null) s.childlogdir = cli.childlogdir;
  if (cli.minfds !== null) s.minfds = cli.minfds;
  if (cli.minprocs !== null) s.minprocs = cli.minprocs;
  return { ...config, supervisord: s };
}
