/** issue 19: `tsctl context list` and `tsctl context show NAME` (never a password). */
import { ConfigError } from "@tsupervisord/errors";
import { describeContext, loadContexts } from "./contexts.js";

export function runContextCommand(
  args: readonly string[],
  env: Record<string, string | undefined>,
  out: (text: string) => void,
  err: (text: string) => void,
): number {
  const [verb, name, ...extra] = args;
  let loaded;
  try {
    loaded = loadContexts(env);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    err(`Error: ${e.message}\n`);
    return 2;
  }
  const { file, contexts } = loaded;
  if (verb === "list" && name === undefined) {
    if (contexts.size === 0) err(`no contexts in ${file}\n`);
    const width = Math.max(0, ...[...contexts.keys()].map((k) => k.length));
    for (const ctx of contexts.values()) out(`${ctx.name.padEnd(width)}  ${ctx.serverurl}\n`);
    return 0;
  }
  if (verb === "show" && name !== undefined && extra.length === 0) {
    const ctx = contexts.get(name);
    if (ctx === undefined) {
      err(`Error: no context named '${name}' in ${file}\n`);
      return 1;
    }
    out(`${describeContext(ctx).join("\n")}\n`);
    return 0;
  }
  err("Error: usage: tsctl context list | tsctl context show NAME\n");
  return 2;
}
