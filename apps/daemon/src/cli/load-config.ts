import path from "node:path";
import { findConfigFile, formatConfigErrorForCli, noConfigFileMessage, readConfig, type Config } from "@tsupervisord/config";
import type { CliOptions } from "./options.js";
import { resolveUser } from "../runtime/privileges.js";
import { usageError, UsageExit } from "./terminal.js";

/**
 * §7.2 step 1: find the file (CFG-02/03), read it, and lay the command line over it (CLI values win; flags
 * only turn things on, D-CLI-02). Every failure is a UsageExit carrying supervisord's `Error: …` lines, one per
 * problem with its file, line and option, then `For help, use <argv0> -h`.
 */
export function loadConfig(cli: CliOptions, progname: string): Config {
  const file = cli.configFile ?? findConfigFile(progname, process.cwd());
  if (file === null) throw usageError(noConfigFileMessage(progname), progname);
  let config: Config;
  try {
    config = readConfig(file);
  } catch (err) {
    throw new UsageExit(formatConfigErrorForCli(err, progname).replace(/\n$/, "").split("\n"));
  }
  try {
    return applyCommandLine(config, cli);
  } catch (err) {
    throw usageError((err as Error).message, progname);
  }
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
