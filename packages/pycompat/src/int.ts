/**
 * Python's `int(text)` / `int(text, 8)` and `str.strip()`: the acceptance rules of supervisord's option values
 * and supervisorctl's arguments (surrounding Python whitespace, a sign, `_` between digits, any Unicode decimal
 * digit, `0o` for base 8).
 */
import { ValueError } from "./errors.js";
import { pyRepr } from "./repr.js";

/** The characters Python's `str.isspace()` (and `str.strip()`, and `re`'s `\s`) treat as whitespace, as a class body. */
export const PY_WHITESPACE = "\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";

const STRIP_RE = new RegExp(`^[${PY_WHITESPACE}]+|[${PY_WHITESPACE}]+$`, "gu");

/** `str.strip()` with no argument. */
export function pyStrip(text: string): string {
  return text.replace(STRIP_RE, "");
}

/**
 * int() strips less than str.strip(): CPython maps Unicode spaces to ' ' and then skips only ASCII whitespace, so
 * the information separators \x1c-\x1f (which isspace() accepts) make int() fail.
 */
const INT_SPACE = PY_WHITESPACE.replace("\\x1c-\\x1f ", " ");
const INT_STRIP_RE = new RegExp(`^[${INT_SPACE}]+|[${INT_SPACE}]+$`, "gu");

const DIGIT = /^\p{Nd}$/u;

/** Value of a decimal digit of any script: Unicode lays each script's digits out as runs of ten from 0. */
function digitValue(ch: string): number {
  let cp = ch.codePointAt(0) ?? 0;
  let offset = 0;
  while (DIGIT.test(String.fromCodePoint(cp - 1))) {
    cp -= 1;
    offset += 1;
  }
  return offset % 10;
}

/**
 * `int(text, base)` for base 10 or 8 as an exact bigint, or null where Python raises ValueError. Base 8 also
 * takes the `0o` prefix (`int('0o22', 8)`).
 */
export function pyIntBig(text: string, base: 10 | 8 = 10): bigint | null {
  let s = text.replace(INT_STRIP_RE, "");
  let negative = false;
  if (s.startsWith("+") || s.startsWith("-")) {
    negative = s.startsWith("-");
    s = s.slice(1);
  }
  if (base === 8 && /^0[oO]/.test(s)) {
    s = s.slice(2);
    if (s.startsWith("_")) s = s.slice(1);
  }
  if (s === "" || s.startsWith("_") || s.endsWith("_") || s.includes("__")) return null;
  let value = 0n;
  for (const ch of s) {
    if (ch === "_") continue;
    if (!DIGIT.test(ch)) return null;
    const d = digitValue(ch);
    if (d >= base) return null;
    value = value * BigInt(base) + BigInt(d);
  }
  return negative ? -value : value;
}

/** `int(text)` as a number (exact up to 2**53), or null where Python raises ValueError. */
export function pyInt(text: string, base: 10 | 8 = 10): number | null {
  const big = pyIntBig(text, base);
  return big === null ? null : Number(big);
}

/** CPython's message for a bad base-10 literal (`%.200R`: the repr cut after 200 characters). */
export function intLiteralMessage(text: string): string {
  return `invalid literal for int() with base 10: ${[...pyRepr(text)].slice(0, 200).join("")}`;
}

/** `int(text)` or ValueError with CPython's message. */
export function pyIntOrThrow(text: string): number {
  const n = pyInt(text);
  if (n === null) throw new ValueError(intLiteralMessage(text));
  return n;
}
