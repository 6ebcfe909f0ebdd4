/**
 * From `command=` to an executable and argv, the way supervisord's get_execv_args() does it (SPN-03…05):
 * Python `shlex.split` (posix, no comments), PATH lookup that stops at the first entry where the name exists at
 * all, then the existence/directory/mode/access checks with supervisord's messages. The same check backs the
 * startProcess pre-check (§5.5: NO_FILE vs NOT_EXECUTABLE) and the spawn itself.
 */
import { accessSync, constants, statSync } from "node:fs";
import type { Stats } from "node:fs";
import { pyRepr } from "@tsupervisord/pycompat";

export class ShlexError extends Error {}

const WHITESPACE = new Set([" ", "\t", "\r", "\n"]);

/** Python `shlex.split(s)` (posix=True, comments=False). Throws ShlexError with Python's message. */
export function shlexSplit(input: string): string[] {
  const tokens: string[] = [];
  let current = "";
  let inWord = false;
  let i = 0;
  const n = input.length;
  while (i < n) {
    const c = input[i] as string;
    if (WHITESPACE.has(c)) {
      if (inWord) tokens.push(current);
      current = "";
      inWord = false;
      i += 1;
    } else if (c === "'") {
      const end = input.indexOf("'", i + 1);
      if (end < 0) throw new ShlexError("No closing quotation");
      current += input.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      inWord = true;
      i += 1;
      for (;;) {
        if (i >= n) throw new ShlexError("No closing quotation");
        const d = input[i] as string;
        if (d === '"') {
          i += 1;
          break;
        }
        if (d === "\\") {
          if (i + 1 >= n) throw new ShlexError("No escaped character");
          const e = input[i + 1] as string;
          // Inside double quotes only `"` and `\` are escapable; otherwise the backslash stays.
          current += e === '"' || e === "\\" ? e : `\\${e}`;
          i += 2;
          continue;
        }
        current += d;
        i += 1;
      }
    } else if (c === "\\") {
      if (i + 1 >= n) throw new ShlexError("No escaped character");
      current += input[i + 1] as string;
      inWord = true;
      i += 2;
    } else {
      current += c;
      inWord = true;
      i += 1;
    }
  }
  if (inWord) tokens.push(current);
  return tokens;
}

/** Why a command cannot be run: `missing` maps to NO_FILE, the rest to NOT_EXECUTABLE (§5.5). */
export type CommandProblemKind = "unparsable" | "empty" | "missing" | "directory" | "not-executable" | "no-permission";

export class CommandError extends Error {
  constructor(
    readonly kind: CommandProblemKind,
    message: string,
  ) {
    super(message);
  }
}

export interface ResolvedCommand {
  /** The file to execute (resolved through PATH when the word has no `/`). */
  file: string;
  /** argv with argv[0] as written in the command (SPN-15). */
  argv: string[];
}

const DEFAULT_PATH = ["/bin", "/usr/bin", "/usr/local/bin"];

/** SPN-04: PATH from the program's environment= if it sets one, else the daemon's, else the default. */
export function searchPath(
  programEnv: Record<string, string>,
  daemonEnv: Record<string, string | undefined>,
): string[] {
  const fromProgram = programEnv.PATH;
  if (fromProgram !== undefined) return fromProgram.split(":");
  const fromDaemon = daemonEnv.PATH;
  return fromDaemon !== undefined && fromDaemon !== "" ? fromDaemon.split(":") : DEFAULT_PATH;
}

function tryStat(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

/** get_execv_args() + check_execv_args(): throws CommandError with supervisord's text. */
export function resolveCommand(command: string, path: string[]): ResolvedCommand {
  let argv: string[];
  try {
    argv = shlexSplit(command);
  } catch (err) {
    throw new CommandError("unparsable", `can't parse command ${pyRepr(command)}: ${(err as Error).message}`);
  }
  const program = argv[0];
  if (program === undefined) throw new CommandError("empty", "command is empty");

  let file = program;
  let st: Stats | null;
  if (program.includes("/")) {
    st = tryStat(program);
  } else {
    st = null;
    for (const dir of path) {
      // os.path.join semantics (no normalisation): `./bin` + `x` stays `./bin/x`.
      const candidate = dir === "" ? program : dir.endsWith("/") ? dir + program : `${dir}/${program}`;
      st = tryStat(candidate);
      if (st !== null) {
        file = candidate;
        break;
      }
    }
  }
  if (st === null) throw new CommandError("missing", `can't find command ${pyRepr(file)}`);
  if (st.isDirectory()) throw new CommandError("directory", `command at ${pyRepr(file)} is a directory`);
  if ((st.mode & 0o111) === 0) throw new CommandError("not-executable", `command at ${pyRepr(file)} is not executable`);
  try {
    accessSync(file, constants.X_OK);
  } catch {
    throw new CommandError("no-permission", `no permission to run command ${pyRepr(file)}`);
  }
  return { file, argv };
}
