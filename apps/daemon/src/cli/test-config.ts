import type { Config } from "@tsupervisord/config";

/**
 * `--test-config` output on success: `config OK`, then one line per process in config order:
 * `<group>:<name> <command>` (tab-separated fields: group, name, command, so scripts can cut them).
 */
export function describeForTestConfig(config: Config): string {
  const lines = ["config OK"];
  for (const group of config.groups) {
    for (const proc of group.processes) lines.push(`${group.name}\t${proc.name}\t${proc.command}`);
  }
  return `${lines.join("\n")}\n`;
}
