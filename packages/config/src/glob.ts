/**
 * Python's `glob.glob` for the `[include] files=` patterns (INC-02): `*`, `?` and `[...]` (with `!`
 * negation) in any path segment, no `~`, no braces, no `**`; names starting with `.` only match a segment
 * pattern that starts with `.`. Results come in directory order; the caller sorts them (INC-03).
 */
import { lstatSync, readdirSync, statSync } from "node:fs";

function hasMagic(s: string): boolean {
  return /[*?[]/.test(s);
}

/** `re.escape` for a literal outside a class; `-` is not special there (and `\\-` is invalid under the `u` flag). */
function escapeLiteral(c: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(c) ? "\\" + c : c;
}

/** One character as a member of a JS `u`-flag class. */
function escapeClassMember(c: string): string {
  return "\\]^-[".includes(c) ? "\\" + c : c;
}

/**
 * Python 3.11's class body (what `fnmatch.translate` puts between `[` and `]`, as a Python regex: doubled
 * backslashes, `\\-` for literal hyphens, bare `-` only between range ends, `\\&`/`\\~`/`\\|` escaped;
 * reversed ranges already dropped) rewritten for a JS `u`-flag class: every member escaped as needed.
 */
function pyClassBodyToJs(body: string[]): string {
  let out = "";
  for (let k = 0; k < body.length; k++) {
    const c = body[k] ?? "";
    if (c === "\\") out += escapeClassMember(body[++k] ?? "");
    else if (c === "-") out += "-"; // unescaped: a range operator (literal hyphens arrive escaped)
    else out += escapeClassMember(c);
  }
  return out;
}

/** `fnmatch.translate` (Python 3.11) for one path segment; null when nothing can match. */
export function segmentToRegExp(pattern: string): RegExp | null {
  const pat = [...pattern]; // code points, as Python indexes str
  const slice = (a: number, b: number): string[] => pat.slice(a, b);
  const esc = (cs: string[]): string[] => cs.flatMap((ch) => (ch === "\\" ? ["\\", "\\"] : ch === "-" ? ["\\", "-"] : [ch]));
  let re = "";
  let i = 0;
  const n = pat.length;
  while (i < n) {
    const c = pat[i++] ?? "";
    if (c === "*") {
      while (pat[i] === "*") i++;
      re += "[^]*";
    } else if (c === "?") re += "[^]";
    else if (c === "[") {
      let j = i;
      if (j < n && pat[j] === "!") j++;
      if (j < n && pat[j] === "]") j++;
      while (j < n && pat[j] !== "]") j++;
      if (j >= n) {
        re += "\\[";
        continue;
      }
      let stuff: string[];
      if (!slice(i, j).includes("-")) stuff = slice(i, j).flatMap((ch) => (ch === "\\" ? ["\\", "\\"] : [ch]));
      else {
        // split into range chunks exactly as Python does: the hyphens between chunks are range operators
        const chunks: string[][] = [];
        let k = pat[i] === "!" ? i + 2 : i + 1;
        for (;;) {
          k = pat.indexOf("-", k);
          if (k < 0 || k >= j) break;
          chunks.push(slice(i, k));
          i = k + 1;
          k = k + 3;
        }
        const chunk = slice(i, j);
        if (chunk.length > 0) chunks.push(chunk);
        else chunks[chunks.length - 1]?.push("-");
        // drop reversed ranges (`z-a`), which match nothing
        for (let m = chunks.length - 1; m > 0; m--) {
          const prev = chunks[m - 1] ?? [];
          const cur = chunks[m] ?? [];
          const last = prev[prev.length - 1];
          const first = cur[0];
          if (last !== undefined && first !== undefined && (last.codePointAt(0) ?? 0) > (first.codePointAt(0) ?? 0)) {
            chunks[m - 1] = [...prev.slice(0, -1), ...cur.slice(1)];
            chunks.splice(m, 1);
          }
        }
        stuff = chunks.flatMap((ch, idx) => (idx === 0 ? esc(ch) : ["-", ...esc(ch)]));
      }
      stuff = stuff.flatMap((ch) => ("&~|".includes(ch) ? ["\\", ch] : [ch]));
      i = j + 1;
      if (stuff.length === 0) re += "(?!)";
      else if (stuff.length === 1 && stuff[0] === "!") re += "[^]";
      else if (stuff[0] === "!") re += `[^${pyClassBodyToJs(stuff.slice(1))}]`;
      else re += `[${pyClassBodyToJs(stuff)}]`;
    } else re += escapeLiteral(c);
  }
  try {
    return new RegExp(`^(?:${re})$`, "u");
  } catch {
    return null;
  }
}

function lexists(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** `os.path.split`. */
function split(p: string): [string, string] {
  const i = p.lastIndexOf("/") + 1;
  let head = p.slice(0, i);
  const tail = p.slice(i);
  if (head && head !== "/".repeat(head.length)) head = head.replace(/\/+$/, "");
  return [head, tail];
}

/** `os.path.join(a, b)` for a relative `b`. */
function join(a: string, b: string): string {
  if (a === "" || a.endsWith("/")) return a + b;
  return `${a}/${b}`;
}

function glob1(dir: string, pattern: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir === "" ? "." : dir);
  } catch {
    return [];
  }
  const re = segmentToRegExp(pattern);
  if (!re) return [];
  return names.filter((name) => (!name.startsWith(".") || pattern.startsWith(".")) && re.test(name));
}

function glob0(dir: string, basename: string): string[] {
  if (basename === "") return isDir(dir) ? [basename] : [];
  return lexists(join(dir, basename)) ? [basename] : [];
}

/** `glob.glob(pattern)` (non-recursive, no hidden files for wildcards). */
export function pyGlob(pattern: string): string[] {
  if (!hasMagic(pattern)) return lexists(pattern) ? [pattern] : [];
  const [dirname, basename] = split(pattern);
  if (dirname === "") return glob1("", basename);
  const dirs = dirname !== pattern && hasMagic(dirname) ? pyGlob(dirname) : [dirname];
  const out: string[] = [];
  for (const d of dirs) {
    const names = hasMagic(basename) ? glob1(d, basename) : glob0(d, basename);
    for (const name of names) out.push(join(d, name));
  }
  return out;
}
