/**
 * `environment_file=` (extension key): KEY=VALUE files read by systemd's EnvironmentFile= rules, so the same
 * `/etc/app.env` serves a systemd unit, `docker run --env-file`-style tooling and tsupervisord.
 *
 * systemd's rules (systemd.exec(5), "EnvironmentFile="; parser: src/basic/env-file.c):
 * - empty lines and lines whose first non-blank character is `#` or `;` are ignored;
 * - `KEY=VALUE`; blanks around the key and before the value are dropped, trailing blanks of an unquoted value
 *   too; KEY must be a valid variable name (letters, digits, `_`, not starting with a digit);
 * - a value may be wrapped in single quotes (taken literally) or double quotes (`\"`, `\\`, `` \` ``, `\$` and a
 *   backslash-newline are escapes; any other backslash is kept); quoted values may span lines;
 * - outside quotes a backslash escapes the next character, and a backslash at the end of a line continues the
 *   value on the next line;
 * - no variable expansion (`$HOME` stays `$HOME`), no `export` keyword;
 * - the path may start with `-`: a missing file is then silently skipped.
 * Where systemd logs and skips a malformed line, we refuse it with the file and line (a secret silently not
 * set is worse than a start-up error).
 */
import fs from "node:fs";

/** Env files are small; a bound keeps a wrong path (a log, a device) from being read into memory whole. */
export const MAX_ENV_FILE_BYTES = 1024 * 1024;

export interface EnvFileProblem {
  /** 1-based line in the env file. */
  line: number;
  message: string;
}

export interface ParsedEnvFile {
  /** In file order; a key set twice keeps its last value (systemd). */
  values: Record<string, string>;
  problems: EnvFileProblem[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DOUBLE_QUOTE_ESCAPES = new Set(['"', "\\", "`", "$"]);

/** Parses the text of one env file. Pure: no I/O. */
export function parseEnvFile(text: string): ParsedEnvFile {
  const values: Record<string, string> = {};
  const problems: EnvFileProblem[] = [];
  let i = 0;
  let line = 1;
  const n = text.length;
  const skipBlanks = (): void => {
    while (i < n && (text[i] === " " || text[i] === "\t" || text[i] === "\r")) i++;
  };
  const skipRestOfLine = (): void => {
    while (i < n && text[i] !== "\n") i++;
    if (i < n) {
      i++;
      line++;
    }
  };

  while (i < n) {
    skipBlanks();
    if (i >= n) break;
    const c = text[i];
    if (c === "\n") {
      i++;
      line++;
      continue;
    }
    if (c === "#" || c === ";") {
      skipRestOfLine();
      continue;
    }
    const startLine = line;
    let key = "";
    while (i < n && text[i] !== "=" && text[i] !== "\n") key += text[i++];
    key = key.replace(/[ \t\r]+$/, "");
    if (i >= n || text[i] === "\n") {
      problems.push({ line: startLine, message: `expected KEY=VALUE, found ${JSON.stringify(key)}` });
      skipRestOfLine();
      continue;
    }
    i++; // "="
    skipBlanks();
    let value = "";
    // Trailing blanks of unquoted text are dropped; quoted or escaped text is kept as is.
    let keptLength = 0;
    let unterminated: string | null = null;
    while (i < n && text[i] !== "\n") {
      const ch = text[i] as string;
      if (ch === "'") {
        const end = text.indexOf("'", i + 1);
        if (end < 0) {
          unterminated = "single";
          i = n;
          break;
        }
        const quoted = text.slice(i + 1, end);
        line += countNewlines(quoted);
        value += quoted;
        keptLength = value.length;
        i = end + 1;
        continue;
      }
      if (ch === '"') {
        i++;
        let closed = false;
        while (i < n) {
          const q = text[i] as string;
          if (q === '"') {
            closed = true;
            i++;
            break;
          }
          if (q === "\\" && i + 1 < n) {
            const next = text[i + 1] as string;
            if (next === "\n") {
              line++;
              i += 2;
              continue;
            }
            if (DOUBLE_QUOTE_ESCAPES.has(next)) {
              value += next;
              i += 2;
              continue;
            }
          }
          if (q === "\n") line++;
          value += q;
          i++;
        }
        if (!closed) {
          unterminated = "double";
          break;
        }
        keptLength = value.length;
        continue;
      }
      if (ch === "\\") {
        if (i + 1 >= n) {
          i++;
          break;
        }
        const next = text[i + 1] as string;
        i += 2;
        if (next === "\n") {
          line++;
          continue;
        }
        value += next;
        keptLength = value.length;
        continue;
      }
      value += ch;
      if (ch !== " " && ch !== "\t" && ch !== "\r") keptLength = value.length;
      i++;
    }
    value = value.slice(0, keptLength);
    if (unterminated !== null) {
      problems.push({ line: startLine, message: `${key}: unterminated ${unterminated}-quoted value` });
      break;
    }
    if (!NAME.test(key)) {
      problems.push({ line: startLine, message: `${JSON.stringify(key)} is not a valid environment variable name` });
    } else {
      values[key] = value;
    }
  }
  return { values, problems };
}

function countNewlines(s: string): number {
  let count = 0;
  for (const ch of s) if (ch === "\n") count++;
  return count;
}

/** One entry of `environment_file=`: the path and whether a missing file is fine (`-` prefix). */
export interface EnvFileRef {
  path: string;
  optional: boolean;
}

/** `environment_file = -/etc/defaults.env, /etc/app.env`: comma-separated, later files win. */
export function parseEnvFileList(raw: string): EnvFileRef[] {
  return raw
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "")
    .map((part) => (part.startsWith("-") ? { path: part.slice(1).trim(), optional: true } : { path: part, optional: false }));
}

export type EnvFileRead =
  | { kind: "ok"; values: Record<string, string>; problems: EnvFileProblem[] }
  | { kind: "missing" }
  | { kind: "error"; message: string };

/** Reads and parses one env file (bounded). */
export function readEnvFile(file: string): EnvFileRead {
  let text: string;
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) return { kind: "error", message: `${file} is not a regular file` };
    if (stat.size > MAX_ENV_FILE_BYTES) {
      return { kind: "error", message: `${file} is larger than ${MAX_ENV_FILE_BYTES} bytes; is it really an environment file?` };
    }
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return { kind: "missing" };
    return { kind: "error", message: `cannot read ${file}: ${(err as Error).message}` };
  }
  const parsed = parseEnvFile(text);
  return { kind: "ok", values: parsed.values, problems: parsed.problems };
}
