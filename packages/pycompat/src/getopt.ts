/**
 * Python's `getopt.getopt` (not gnu_getopt), because supervisord parses its argv with it and its error
 * messages are part of the observable interface (D-CLI-01): options stop at the first non-option argument,
 * `--` ends them, long options may be abbreviated to a unique prefix, short options may be clustered
 * (`-nc FILE`, `-cFILE`).
 */
export class GetoptError extends Error {
  override readonly name = "GetoptError";
}

export interface GetoptSpec {
  /** Python-style short option string, e.g. `"c:nh?"` (a `:` after a letter means it takes a value). */
  short: string;
  /** Long option names; a trailing `=` means it takes a value. */
  long: readonly string[];
}

/** One parsed option as Python returns it: `["-c", "file"]`, `["--nodaemon", ""]`. */
export type ParsedOption = [option: string, value: string];

export function getopt(args: readonly string[], spec: GetoptSpec): { options: ParsedOption[]; rest: string[] } {
  const options: ParsedOption[] = [];
  let i = 0;
  while (i < args.length) {
    const arg = args[i] as string;
    if (!arg.startsWith("-") || arg === "-") break;
    if (arg === "--") {
      i += 1;
      break;
    }
    if (arg.startsWith("--")) {
      i = parseLong(arg.slice(2), args, i + 1, spec.long, options);
    } else {
      i = parseShort(arg.slice(1), args, i + 1, spec.short, options);
    }
  }
  return { options, rest: args.slice(i) };
}

function parseLong(
  text: string,
  args: readonly string[],
  next: number,
  longs: readonly string[],
  out: ParsedOption[],
): number {
  const eq = text.indexOf("=");
  const opt = eq === -1 ? text : text.slice(0, eq);
  let value: string | undefined = eq === -1 ? undefined : text.slice(eq + 1);
  const { name, takesValue } = matchLong(opt, longs);
  if (takesValue) {
    if (value === undefined) {
      if (next >= args.length) throw new GetoptError(`option --${name} requires argument`);
      value = args[next] as string;
      next += 1;
    }
  } else if (value !== undefined) {
    throw new GetoptError(`option --${name} must not have an argument`);
  }
  out.push([`--${name}`, value ?? ""]);
  return next;
}

function matchLong(opt: string, longs: readonly string[]): { name: string; takesValue: boolean } {
  if (longs.includes(opt)) return { name: opt, takesValue: false };
  if (longs.includes(`${opt}=`)) return { name: opt, takesValue: true };
  const candidates = longs.filter((l) => l.startsWith(opt));
  if (candidates.length === 0) throw new GetoptError(`option --${opt} not recognized`);
  if (candidates.length > 1) throw new GetoptError(`option --${opt} not a unique prefix`);
  const only = candidates[0] as string;
  return only.endsWith("=") ? { name: only.slice(0, -1), takesValue: true } : { name: only, takesValue: false };
}

function parseShort(
  cluster: string,
  args: readonly string[],
  next: number,
  shorts: string,
  out: ParsedOption[],
): number {
  let rest = cluster;
  while (rest !== "") {
    const opt = rest[0] as string;
    rest = rest.slice(1);
    const at = opt === ":" ? -1 : shorts.indexOf(opt);
    if (at === -1) throw new GetoptError(`option -${opt} not recognized`);
    if (shorts[at + 1] === ":") {
      let value = rest;
      if (value === "") {
        if (next >= args.length) throw new GetoptError(`option -${opt} requires argument`);
        value = args[next] as string;
        next += 1;
      }
      out.push([`-${opt}`, value]);
      rest = "";
    } else {
      out.push([`-${opt}`, ""]);
    }
  }
  return next;
}
