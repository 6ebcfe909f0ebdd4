/**
 * The client side of the config file (spec §1.1 CFG-02/04/05/07, §1.5.4): find it, check it has a
 * `[supervisorctl]` section, read serverurl/username/password/prompt/history_file with `%(here)s` and
 * `%(ENV_X)s` expanded. Only what tsctl needs, with configparser's line rules (comments, inline comments
 * after whitespace, `:` or `=`, continuation lines), so tsctl starts without loading the full config reader.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, isAbsolute, join, normalize, resolve } from "node:path";

export interface CtlFileSettings {
  serverurl: string;
  username: string | null;
  password: string | null;
  prompt: string;
  historyFile: string | null;
}

export class CtlConfigError extends Error {
  override readonly name = "CtlConfigError";
}

/** CFG-02: `<bin>` is two levels up from argv[0]; the first existing path wins; null when none exists. */
export function searchPaths(argv0: string): string[] {
  const here = dirname(dirname(argv0));
  return [
    join(here, "etc", "supervisord.conf"),
    join(here, "supervisord.conf"),
    "supervisord.conf",
    "etc/supervisord.conf",
    "/etc/supervisord.conf",
    "/etc/supervisor/supervisord.conf",
  ];
}

export function findConfigFile(argv0: string, cwd: string, paths: readonly string[] = searchPaths(argv0)): string | null {
  for (const path of paths) {
    if (existsSync(resolve(cwd, path))) return path;
  }
  return null;
}

/** Python `os.path.normpath(os.path.abspath(os.path.expanduser(p)))`. */
export function normalizePath(path: string, cwd: string, home = homedir()): string {
  let p = path;
  if (p === "~" || p.startsWith("~/")) p = home + p.slice(1);
  return normalize(isAbsolute(p) ? p : resolve(cwd, p)).replace(/(.)\/+$/, "$1");
}

/** configparser: section name → option → raw value (last one wins), with inline comments removed. */
export function parseIni(text: string): Map<string, Map<string, string>> {
  const sections = new Map<string, Map<string, string>>();
  let current: Map<string, string> | null = null;
  let lastKey: string | null = null;
  let lastIndent = 0;
  for (const rawLine of text.split(/\r?\n/)) {
    const stripped = rawLine.trim();
    if (stripped.startsWith("#") || stripped.startsWith(";")) continue;
    const value = stripInlineComment(rawLine);
    const indent = rawLine.length - rawLine.trimStart().length;
    if (value.trim() === "") {
      // An empty line inside a value is kept, but trailing ones are dropped when read back.
      if (current !== null && lastKey !== null) current.set(lastKey, `${current.get(lastKey) ?? ""}\n`);
      continue;
    }
    if (current !== null && lastKey !== null && indent > lastIndent) {
      current.set(lastKey, `${(current.get(lastKey) ?? "").replace(/\n+$/, "")}\n${value.trim()}`);
      continue;
    }
    const header = /^\s*\[(.+)\]/.exec(value);
    if (header !== null) {
      const name = header[1] as string;
      current = sections.get(name) ?? new Map<string, string>();
      sections.set(name, current);
      lastKey = null;
      continue;
    }
    if (current === null) throw new CtlConfigError(`File contains no section headers.`);
    const m = /^\s*([^=:]+?)\s*[=:]\s*(.*)$/.exec(value);
    if (m === null) {
      lastKey = null;
      continue;
    }
    lastKey = (m[1] as string).toLowerCase();
    lastIndent = indent;
    current.set(lastKey, (m[2] as string).trim());
  }
  for (const options of sections.values()) {
    for (const [key, v] of options) options.set(key, v.replace(/\n+$/, ""));
  }
  return sections;
}

/** `;` or `#` starts a comment only after whitespace (inline_comment_prefixes). */
function stripInlineComment(line: string): string {
  for (let i = 1; i < line.length; i++) {
    const ch = line[i];
    if ((ch === ";" || ch === "#") && /\s/.test(line[i - 1] as string)) return line.slice(0, i).trimEnd();
  }
  return line;
}

/** Python `%`-expansion with `%(name)s` and `%%`. */
export function expand(value: string, names: Record<string, string>, option: string): string {
  return value.replace(/%\(([^)]*)\)s|%%/g, (match, name: string | undefined) => {
    if (match === "%%") return "%";
    const v = names[name as string];
    if (v === undefined) {
      throw new CtlConfigError(
        `Format string '${value}' for 'supervisorctl.${option}' contains names ('${name}') which cannot be ` +
          `expanded. Available names: ${Object.keys(names).sort().join(", ")}`,
      );
    }
    return v;
  });
}

export function readCtlConfig(
  file: string,
  opts: { cwd: string; env: Record<string, string | undefined> },
): CtlFileSettings {
  const path = resolve(opts.cwd, file);
  if (!existsSync(path)) throw new CtlConfigError(`could not find config file ${file}`);
  let text: string;
  try {
    if (statSync(path).isDirectory()) throw new Error("directory");
    text = readFileSync(path, "utf8");
  } catch {
    throw new CtlConfigError(`could not read config file ${file}`);
  }
  const sections = parseIni(text);
  const section = sections.get("supervisorctl");
  if (section === undefined) throw new CtlConfigError(".ini file does not include supervisorctl section");
  const here = dirname(normalizePath(file, opts.cwd));
  const envNames: Record<string, string> = {};
  for (const [k, v] of Object.entries(opts.env)) if (v !== undefined) envNames[`ENV_${k}`] = v;
  const withHere = { ...envNames, here };
  const get = (option: string, names: Record<string, string>): string | null => {
    const raw = section.get(option);
    return raw === undefined ? null : expand(raw, names, option);
  };
  let serverurl = get("serverurl", withHere) ?? "http://localhost:9001";
  if (serverurl.startsWith("unix://")) serverurl = `unix://${normalizePath(serverurl.slice(7), opts.cwd)}`;
  const history = get("history_file", withHere);
  return {
    serverurl,
    prompt: get("prompt", envNames) ?? "supervisor",
    username: get("username", envNames),
    password: get("password", envNames),
    historyFile: history !== null && history !== "" ? normalizePath(history, opts.cwd) : null,
  };
}
