/** `tsupervisord -t` output for a valid config. */
import type { Config } from "./types.js";

/**
 * First line `config OK`, then one line per process in config order (GRP-01 group order, then each group's
 * process order): `<group>\t<process name>\t<command>`, tab-separated; newlines inside a multi-line command
 * are shown as spaces so every process stays on one line.
 */
export function describeConfig(config: Config): string {
  const lines = ["config OK"];
  for (const group of config.groups) {
    for (const p of group.processes) lines.push(`${group.name}\t${p.name}\t${p.command.replace(/\n/g, " ")}`);
  }
  // Extension keys (tsupervisord only; supervisord ignores them): `extension\t<file>:<line>\t[section]\tkey`.
  for (const use of config.extensionKeys ?? []) lines.push(`extension\t${use.file}:${use.line}\t[${use.section}]\t${use.key}`);
  return lines.join("\n") + "\n";
}
