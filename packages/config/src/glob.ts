/**
 * Python's `glob.glob` for the `[include] files=` patterns (INC-02): `*`, `?` and `[...]` (with `!`
 * negation) in any path segment, no `~`, no braces, no `**`; names starting with `.` only match a segment
 * pattern that starts with `.`. Results come in directory order; the caller sorts them (INC-03).
 */
import { lstatSync, readdirSync, statSync } from "node:fs";

function hasMagic(s: string): boolean {
  return /[*?[]/.test(s);
}

/** `fnmatch.translate` for one path segment. */
export function segmentToRegExp(pat: string): RegExp | null {
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
      if (pat[j] === "!") j++;
      if (pat[j] === "]") j++;
      while (j < n && pat[j] !== "]") j++;
      if (j >= n) {
        re += "\\[";
        continue;
      }
      let stuff = pat.slice(i, j);
      i = j + 1;
      if (stuff === "") re += "(?!)";
      else if (stuff === "!") re += "[^]";
      else {
        let neg = false;
        if (stuff.startsWith("!")) {
          neg = true;
          stuff = stuff.slice(1);
        }
        const body = [...stuff].map((ch) => ("\\][^".includes(ch) ? "\\" + ch : ch)).join("");
        re += `[${neg ? "^" : ""}${body}]`;
      }
    } else re += c.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
  }
  try {
    return new RegExp(`^(?:${re})$`, "u");
  } catch {
    return null; // e.g. a reversed range `[z-a]`, which Python treats as matching nothing
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
