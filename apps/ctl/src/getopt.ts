/**
 * Python's `getopt.getopt` (not gnu_getopt): options stop at the first non-option word; long options may be
 * abbreviated to a unique prefix; the error texts are Python's, since supervisorctl prints them (CTL-02).
 */
export class GetoptError extends Error {
  override readonly name = "GetoptError";
}

export type ParsedOption = [option: string, value: string];

export function getopt(
  argv: readonly string[],
  shortopts: string,
  longopts: readonly string[],
): { options: ParsedOption[]; args: string[] } {
  const options: ParsedOption[] = [];
  let args = [...argv];
  while (args.length > 0 && (args[0] as string).startsWith("-") && args[0] !== "-") {
    const word = args.shift() as string;
    if (word === "--") break;
    if (word.startsWith("--")) args = doLong(options, word.slice(2), longopts, args);
    else args = doShorts(options, word.slice(1), shortopts, args);
  }
  return { options, args };
}

function doLong(options: ParsedOption[], text: string, longopts: readonly string[], args: string[]): string[] {
  let opt = text;
  let optarg: string | null = null;
  const eq = text.indexOf("=");
  if (eq !== -1) {
    opt = text.slice(0, eq);
    optarg = text.slice(eq + 1);
  }
  const [hasArg, full] = longHasArgs(opt, longopts);
  if (hasArg) {
    if (optarg === null) {
      if (args.length === 0) throw new GetoptError(`option --${full} requires argument`);
      optarg = args.shift() as string;
    }
  } else if (optarg !== null) {
    throw new GetoptError(`option --${full} must not have an argument`);
  }
  options.push([`--${full}`, optarg ?? ""]);
  return args;
}

function longHasArgs(opt: string, longopts: readonly string[]): [boolean, string] {
  const possibilities = longopts.filter((o) => o.startsWith(opt));
  if (possibilities.length === 0) throw new GetoptError(`option --${opt} not recognized`);
  if (possibilities.includes(opt)) return [false, opt];
  if (possibilities.includes(`${opt}=`)) return [true, opt];
  if (possibilities.length > 1) throw new GetoptError(`option --${opt} not a unique prefix`);
  const match = possibilities[0] as string;
  return match.endsWith("=") ? [true, match.slice(0, -1)] : [false, match];
}

function doShorts(options: ParsedOption[], text: string, shortopts: string, args: string[]): string[] {
  let rest = text;
  while (rest !== "") {
    const opt = rest[0] as string;
    rest = rest.slice(1);
    let optarg = "";
    if (shortHasArg(opt, shortopts)) {
      if (rest === "") {
        if (args.length === 0) throw new GetoptError(`option -${opt} requires argument`);
        rest = args.shift() as string;
      }
      optarg = rest;
      rest = "";
    }
    options.push([`-${opt}`, optarg]);
  }
  return args;
}

function shortHasArg(opt: string, shortopts: string): boolean {
  for (let i = 0; i < shortopts.length; i++) {
    if (opt === shortopts[i] && opt !== ":") return shortopts[i + 1] === ":";
  }
  throw new GetoptError(`option -${opt} not recognized`);
}
