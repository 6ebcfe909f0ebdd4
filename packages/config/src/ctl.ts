/** tsctl's reading of a config file: only `[supervisorctl]`, `[include]` ignored (CFG-04/05, INC-06). */
import path from "node:path";
import { ConfigError } from "@tsupervisord/errors";
import { makeContext, parseFiles, readSupervisorctlSection, resolveEnvironment } from "./read.js";
import type { ReadConfigOptions, SupervisorctlConfig } from "./types.js";

/** supervisorctl's defaults when it runs without a config file (CFG-04). */
export const DEFAULT_SUPERVISORCTL_CONFIG: Readonly<SupervisorctlConfig> = {
  serverurl: "http://localhost:9001",
  username: null,
  password: null,
  prompt: "supervisor",
  historyFile: null,
};

/**
 * Reads `[supervisorctl]` from `file`. Throws ConfigError for a missing/unreadable file, INI syntax errors,
 * bad expansions, or a file without the section (`.ini file does not include supervisorctl section`).
 */
export function readCtlConfig(file: string, opts: ReadConfigOptions = {}): SupervisorctlConfig {
  const envr = resolveEnvironment(opts);
  const absFile = path.resolve(envr.cwd, file);
  const here = path.dirname(absFile);
  const parsed = parseFiles(file, envr, here, false);
  if (parsed.issues.length > 0) throw new ConfigError(parsed.issues);
  if (!parsed.parser.hasSection("supervisorctl")) {
    throw new ConfigError([{ file: absFile, message: ".ini file does not include supervisorctl section" }]);
  }
  const ctx = makeContext(parsed.parser, envr, here, file);
  const config = readSupervisorctlSection(ctx);
  if (ctx.issues.length > 0) throw new ConfigError(ctx.issues);
  return config;
}
