/** `tsupervisord -t` output for a valid config. */
import type { Config } from "./types.js";

/**
 * First line `config OK`, then one line per process in config order (GRP-01 group order, then each group's
 * process order): `<group>\t<process name>\t<command>`, tab-separated; newlines inside a multi-line command
 * are shown as spaces so every process stays on one line. Of groups sharing a name only the first (the one
 * that runs) is listed.
 */
export function describeConfig(config: Config): string {
  const lines = ["config OK"];
  const seen = new Set<string>();
  for (const group of config.groups) {
    // Only the first group of a name runs (supervisord's add_process_group; an [eventlistener:x] before a
    // [program:x]), so only it is listed.
    if (seen.has(group.name)) continue;
    seen.add(group.name);
    for (const p of group.processes) lines.push(`${group.name}\t${p.name}\t${p.command.replace(/\n/g, " ")}`);
  }
  // Extension keys (tsupervisord only; supervisord ignores them): `extension\t<file>:<line>\t[section]\tkey`.
  for (const use of config.extensionKeys ?? []) lines.push(`extension\t${use.file}:${use.line}\t[${use.section}]\t${use.key}`);
  return lines.join("\n") + "\n";
}
