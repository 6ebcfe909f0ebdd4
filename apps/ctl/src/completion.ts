/** Tab completion in the shell (CTL-05), as supervisorctl's `Controller.complete`. */
import { ACTIONS } from "./help.js";

export interface NameInfo {
  name: string;
  group: string;
}

/** readline's default word delimiters minus `:`, `*` and `-`, so `group:name`, `group:*`, `a-b` are one word. */
const DELIMS = " \t\n`~!@#$%^&()=+[{]}\\|;'\",<>/?";

const GROUP_ACTIONS = new Set(["add", "remove", "update"]);
const PROCESS_ACTIONS = new Set(["clear", "fg", "pid", "restart", "signal", "start", "status", "stop", "tail"]);

/** The word under the cursor: what follows the last delimiter. */
export function currentWord(line: string): string {
  let i = line.length;
  while (i > 0 && !DELIMS.includes(line[i - 1] as string)) i--;
  return line.slice(i);
}

function completeActions(text: string): string[] {
  return ["help", ...ACTIONS.filter((a) => a !== "help")].filter((a) => a.startsWith(text)).map((a) => `${a} `);
}

function completeGroups(text: string, infos: readonly NameInfo[]): string[] {
  const groups: string[] = [];
  for (const info of infos) if (!groups.includes(info.group)) groups.push(info.group);
  return groups.filter((g) => g.startsWith(text)).map((g) => `${g} `);
}

function completeProcesses(text: string, infos: readonly NameInfo[]): string[] {
  const names: string[] = [];
  for (const info of infos) {
    if (text.includes(":") || info.name !== info.group) {
      names.push(`${info.group}:${info.name}`);
      if (!names.includes(`${info.group}:*`)) names.push(`${info.group}:*`);
    } else {
      names.push(info.name);
    }
  }
  return names.filter((n) => n.startsWith(text)).map((n) => `${n} `);
}

/**
 * Completions for `line` (the text left of the cursor) in node:readline's form: [candidates, the word they
 * replace]. `infos` is asked only when names are needed.
 */
export async function complete(line: string, infos: () => Promise<readonly NameInfo[]>): Promise<[string[], string]> {
  const text = currentWord(line);
  if (line.trim() === "") return [completeActions(text), text];
  const words = line.trim().split(/\s+/);
  const action = words[0] as string;
  if (words.length === 1 && !/\s$/.test(line)) return [completeActions(text), text];
  if (action === "help") return [completeActions(text), text];
  if (GROUP_ACTIONS.has(action)) return [completeGroups(text, await infos()), text];
  if (PROCESS_ACTIONS.has(action)) return [completeProcesses(text, await infos()), text];
  return [[], text];
}
