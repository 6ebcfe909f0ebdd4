/**
 * Python's `shlex.shlex` in legacy (non-posix) mode, with supervisord's extra word characters, and
 * supervisord 4.2.5's `dict_of_key_value_pairs` on top (TYP-02 [4.2.5]): no backslash escapes, quotes are
 * kept in the token and stripped from both ends of the value afterwards, `#` starts a comment to end of line.
 */
import { ValueError } from "./errors.js";

const WORDCHARS = new Set(
  "abcdfeghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_" + "/.+-():",
);
const WHITESPACE = new Set(" \t\r\n");
const QUOTES = new Set("'\"");
const COMMENTERS = new Set("#");

/** Tokenises like `list(shlex.shlex(s))` with `wordchars += '/.+-():'`. */
export function shlexNonPosix(input: string): string[] {
  const chars = [...input];
  let pos = 0;
  const pushback: string[] = [];
  const read = (): string => {
    if (pushback.length > 0) return pushback.shift() ?? "";
    return pos < chars.length ? (chars[pos++] ?? "") : "";
  };
  const readline = (): void => {
    while (pos < chars.length) if (chars[pos++] === "\n") return;
  };
  const tokens: string[] = [];
  for (;;) {
    let state: string | null = " ";
    let token = "";
    for (;;) {
      const next = read();
      if (state === " ") {
        if (next === "") {
          state = null;
          break;
        } else if (WHITESPACE.has(next)) {
          if (token) break;
          continue;
        } else if (COMMENTERS.has(next)) {
          readline();
        } else if (WORDCHARS.has(next)) {
          token = next;
          state = "a";
        } else if (QUOTES.has(next)) {
          token = next;
          state = next;
        } else {
          token = next;
          if (token) break;
          continue;
        }
      } else if (state !== null && QUOTES.has(state)) {
        if (next === "") throw new ValueError("No closing quotation");
        if (next === state) {
          token += next;
          state = " ";
          break;
        }
        token += next;
      } else if (state === "a") {
        if (next === "") {
          state = null;
          break;
        } else if (WHITESPACE.has(next)) {
          state = " ";
          if (token) break;
          continue;
        } else if (COMMENTERS.has(next)) {
          readline(); // non-posix: the word goes on with the next line's characters
        } else if (WORDCHARS.has(next) || QUOTES.has(next)) {
          token += next;
        } else {
          pushback.unshift(next);
          state = " ";
          if (token) break;
          continue;
        }
      }
    }
    if (token === "") return tokens; // '' is the eof token in non-posix mode
    tokens.push(token);
  }
}

/** Python's `str.strip('\'"')`. */
function stripQuotes(s: string): string {
  return s.replace(/^['"]+|['"]+$/g, "");
}

/**
 * `dict_of_key_value_pairs` [4.2.5]: tokens as `KEY = VALUE` triples, one separator token skipped after each.
 * Insertion order is kept (a later duplicate key overwrites the value but not the position, as a dict does).
 */
export function dictOfKeyValuePairs(arg: string): Record<string, string> {
  const tokens = shlexNonPosix(arg);
  const out: Record<string, string> = {};
  for (let i = 0; i < tokens.length; i += 4) {
    const k = tokens[i];
    const eq = tokens[i + 1];
    const v = tokens[i + 2];
    if (k === undefined || eq !== "=" || v === undefined) {
      throw new ValueError(`Unexpected end of key/value pairs in value '${arg}'`);
    }
    Object.defineProperty(out, k, { value: stripQuotes(v), enumerable: true, writable: true, configurable: true });
  }
  return out;
}
