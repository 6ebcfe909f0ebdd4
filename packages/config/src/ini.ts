/**
 * The INI layer of supervisord.conf: Python 3's `RawConfigParser` as Supervisor configures it
 * (`inline_comment_prefixes=(';','#')`, `strict=False`, defaults otherwise), spec §1.2 INI-01…INI-12.
 *
 * Why not the npm `ini` package: it cuts values at any `;`/`#` (Python only after whitespace, so
 * `command=echo a;b` must keep `a;b`), strips and JSON-parses quotes (Python keeps them verbatim),
 * treats backslashes as escapes, does not accept `:` as a delimiter, has no continuation lines, keeps key
 * case, splits dotted section names into nested objects, turns `true`/`false` into booleans, accepts keys
 * without `=`, accepts keys before the first section, has no `[DEFAULT]` inheritance, never reports an
 * error, and keeps no line numbers. Each of these changes the meaning of real configs, so this is a
 * line-by-line port of `RawConfigParser._read` that also records file and line for every value.
 */
import { PY_WHITESPACE, pyRepr, pyStrip } from "@tsupervisord/pycompat";

/** One option value and where its (first) line is. */
export interface IniEntry {
  value: string;
  file: string;
  line: number;
}

export interface IniSection {
  name: string;
  /** The file and line of the header that introduced the section (later duplicates merge into it). */
  file: string;
  line: number;
  options: Map<string, IniEntry>;
}

/** `Source contains parsing errors` / `File contains no section headers` with Python's exact text. */
export class IniSyntaxError extends Error {
  override readonly name = "IniSyntaxError";
  constructor(
    message: string,
    readonly file: string,
    /** Every offending line (1-based) with its raw text. */
    readonly lines: readonly { line: number; raw: string }[],
  ) {
    super(message);
  }
}

const DEFAULT_SECTION = "DEFAULT";
const COMMENT_PREFIXES = ["#", ";"];
const INLINE_COMMENT_PREFIXES = [";", "#"];
/** `\[(?P<header>.+)\]` matched at the start (greedy: the header runs to the last `]`). */
const SECTION_RE = /^\[(.+)\]/su;
/** `(?P<option>.*?)\s*(?P<vi>=|:)\s*(?P<value>.*)$`: split at the first `=` or `:`. */
const OPTION_RE = new RegExp(`^(.*?)[${PY_WHITESPACE}]*(=|:)[${PY_WHITESPACE}]*(.*)$`, "su");
const SPACE_RE = new RegExp(`^[${PY_WHITESPACE}]$`, "u");
const RSTRIP_RE = new RegExp(`[${PY_WHITESPACE}]+$`, "u");
const NONSPACE_RE = new RegExp(`[^${PY_WHITESPACE}]`, "u");

/** Python's `str.isspace()` for one character. */
function isSpace(ch: string | undefined): boolean {
  return ch !== undefined && SPACE_RE.test(ch);
}

export { pyStrip };

/** Python text-mode reading: universal newlines, each line keeps its `\n` terminator. */
export function splitPythonLines(text: string): string[] {
  const normalised = text.replace(/\r\n?/g, "\n");
  const lines: string[] = [];
  let start = 0;
  for (;;) {
    const nl = normalised.indexOf("\n", start);
    if (nl === -1) {
      if (start < normalised.length) lines.push(normalised.slice(start));
      return lines;
    }
    lines.push(normalised.slice(start, nl + 1));
    start = nl + 1;
  }
}

/**
 * Where an inline comment starts, reproducing Python's loop exactly: every prefix is advanced to its next
 * occurrence in rounds, and the first round in which any occurrence is at column 0 or after whitespace
 * decides (so `x;y ;c #d` is cut at `#`, not at ` ;`, as Python does).
 */
function inlineCommentStart(line: string): number | null {
  let commentStart = Number.MAX_SAFE_INTEGER;
  let positions = new Map<string, number>(INLINE_COMMENT_PREFIXES.map((p) => [p, -1]));
  while (commentStart === Number.MAX_SAFE_INTEGER && positions.size > 0) {
    const next = new Map<string, number>();
    for (const [prefix, index] of positions) {
      const found = line.indexOf(prefix, index + 1);
      if (found === -1) continue;
      next.set(prefix, found);
      if (found === 0 || (found > 0 && isSpace(line[found - 1]))) commentStart = Math.min(commentStart, found);
    }
    positions = next;
  }
  return commentStart === Number.MAX_SAFE_INTEGER ? null : commentStart;
}

interface PendingEntry {
  parts: string[];
  file: string;
  line: number;
}

export class IniParser {
  readonly defaults = new Map<string, IniEntry>();
  readonly sections = new Map<string, IniSection>();

  /** Parses one file's text into this parser (sections and options merge, INI-09). */
  readString(text: string, file: string): void {
    const lines = splitPythonLines(text);
    const pending: { target: Map<string, IniEntry>; name: string; entry: PendingEntry }[] = [];
    const bad: { line: number; raw: string }[] = [];
    let cursect: Map<string, IniEntry> | null = null;
    let optname: string | null = null;
    let current: PendingEntry | null = null;
    let indentLevel = 0;

    lines.forEach((line, idx) => {
      const lineno = idx + 1;
      let commentStart = inlineCommentStart(line);
      if (COMMENT_PREFIXES.some((p) => pyStrip(line).startsWith(p))) commentStart = 0;
      const value = pyStrip(commentStart === null ? line : line.slice(0, commentStart));
      if (value === "") {
        // INI-03: a blank line (without a comment) is kept inside a multi-line value
        if (commentStart === null && cursect !== null && optname && current !== null) current.parts.push("");
        return;
      }
      const firstNonSpace = line.search(NONSPACE_RE);
      const curIndent = firstNonSpace === -1 ? 0 : firstNonSpace;
      if (cursect !== null && optname && current !== null && curIndent > indentLevel) {
        current.parts.push(value); // INI-04 continuation
        return;
      }
      indentLevel = curIndent;
      const header = SECTION_RE.exec(value);
      if (header) {
        const name = header[1] ?? "";
        if (name === DEFAULT_SECTION) {
          cursect = this.defaults;
        } else {
          let section = this.sections.get(name);
          if (!section) {
            section = { name, file, line: lineno, options: new Map() };
            this.sections.set(name, section);
          }
          cursect = section.options;
        }
        optname = null; // a section cannot start with a continuation line
        current = null;
        return;
      }
      if (cursect === null) {
        throw new IniSyntaxError(
          `File contains no section headers.\nfile: ${pyRepr(file)}, line: ${lineno}\n${pyRepr(line)}`,
          file,
          [{ line: lineno, raw: line }],
        );
      }
      const opt = OPTION_RE.exec(value);
      if (!opt) {
        bad.push({ line: lineno, raw: line }); // INI-07: collected, reported at the end of the file
        return;
      }
      const rawName = opt[1] ?? "";
      if (rawName === "") bad.push({ line: lineno, raw: line });
      optname = rawName.replace(RSTRIP_RE, "").toLowerCase();
      current = { parts: [pyStrip(opt[3] ?? "")], file, line: lineno };
      pending.push({ target: cursect, name: optname, entry: current });
      // a duplicate option (INI-09): the last one wins, it replaces the value now
      cursect.set(optname, { value: "", file, line: lineno });
    });

    // _join_multiline_values: pieces joined with "\n", trailing blank lines dropped
    for (const { target, name, entry } of pending) {
      const existing = target.get(name);
      if (existing && existing.file === entry.file && existing.line === entry.line) {
        existing.value = entry.parts.join("\n").replace(RSTRIP_RE, "");
      }
    }
    if (bad.length > 0) {
      let message = `Source contains parsing errors: ${pyRepr(file)}`;
      for (const b of bad) message += `\n\t[line ${String(b.line).padStart(2)}]: ${pyRepr(b.raw)}`;
      throw new IniSyntaxError(message, file, bad);
    }
  }

  sectionNames(): string[] {
    return [...this.sections.keys()];
  }

  hasSection(name: string): boolean {
    return this.sections.has(name);
  }

  /** `RawConfigParser.get`: the section's own value, else the `[DEFAULT]` one (INI-10). */
  get(section: string, option: string): IniEntry | undefined {
    return this.sections.get(section)?.options.get(option) ?? this.defaults.get(option);
  }

  /** `RawConfigParser.options`: the section's keys plus the DEFAULT keys. */
  options(section: string): string[] {
    const own = [...(this.sections.get(section)?.options.keys() ?? [])];
    for (const k of this.defaults.keys()) if (!own.includes(k)) own.push(k);
    return own;
  }

  /**
   * `UnhosedConfigParser.expand_here` (EXP-06): every value visible in a section (DEFAULT ones included,
   * which are then copied into the section) has the literal `%(here)s` replaced by `here`.
   */
  expandHere(here: string): void {
    const token = "%(here)s";
    for (const section of this.sections.values()) {
      for (const key of this.options(section.name)) {
        const entry = this.get(section.name, key);
        if (entry && entry.value.includes(token)) {
          section.options.set(key, { ...entry, value: entry.value.split(token).join(here) });
        }
      }
    }
  }
}
