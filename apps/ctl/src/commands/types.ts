import { splitNamespec } from "@tsupervisord/pycompat";
import type { ProcessInfo } from "../backend.js";
import type { Controller } from "../controller.js";

/** One action: gets the argument text after the command name; resolves true to end the shell. */
export type Command = (ctl: Controller, arg: string) => Promise<boolean | void>;

export type CommandTable = Readonly<Record<string, Command>>;

/** Python `str.split()`: runs of whitespace separate words, none are empty. */
export function splitWords(arg: string): string[] {
  return arg.split(/\s+/).filter((w) => w !== "");
}

/** Whether a supervisorctl selector (`all`, `g:*`, `g:`, `g:n`, `n`) names this process. */
export function selectsProcess(info: Pick<ProcessInfo, "group" | "name">, name: string): boolean {
  if (name === "all") return true;
  const { group, process } = splitNamespec(name);
  return info.group === group && (process === null || info.name === process);
}

/** Removes `--json` from the words (tsctl's addition to status, avail and pid). */
export function takeJsonFlag(words: string[]): { words: string[]; json: boolean } {
  const rest = words.filter((w) => w !== "--json");
  return { words: rest, json: rest.length !== words.length };
}
