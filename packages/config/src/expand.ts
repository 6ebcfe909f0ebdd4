/**
 * Python `str % dict` (spec §1.3, EXP-01/02): `%(name)s`, `%(name)02d`, `%%`, with CPython's error texts, and
 * supervisord's `expand()` wrapper that turns them into its `Format string … for …` messages.
 */
import { ValueError } from "./errors.js";
import { pyRepr } from "@tsupervisord/pycompat";

export type ExpansionValue = string | number;
/** The names a %-expansion may use (a Map, or a chained view over several). */
export interface Expansions {
  get(key: string): ExpansionValue | undefined;
  keys(): Iterable<string>;
}

class PyFormatError extends Error {
  constructor(
    message: string,
    readonly kind: "key" | "value" | "type",
  ) {
    super(message);
  }
}

function typeName(v: ExpansionValue): string {
  return typeof v === "number" ? "int" : "str";
}

function pad(body: string, flags: string, width: number, numeric: boolean): string {
  if (body.length >= width) return body;
  if (flags.includes("-")) return body.padEnd(width);
  if (numeric && flags.includes("0")) {
    const sign = /^[+\- ]/.test(body) ? body[0] ?? "" : "";
    const prefixMatch = /^(0[xXo])/.exec(body.slice(sign.length));
    const prefix = prefixMatch ? (prefixMatch[1] ?? "") : "";
    const digits = body.slice(sign.length + prefix.length);
    return sign + prefix + digits.padStart(width - sign.length - prefix.length, "0");
  }
  return body.padStart(width);
}

function formatOne(conv: string, value: ExpansionValue, flags: string, width: number, prec: number | null): string {
  const signed = (n: number, digits: string): string =>
    n < 0 ? "-" + digits : flags.includes("+") ? "+" + digits : flags.includes(" ") ? " " + digits : digits;
  switch (conv) {
    case "s":
    case "r":
    case "a": {
      let s = typeof value === "number" ? String(value) : conv === "s" ? value : pyRepr(value);
      if (prec !== null) s = s.slice(0, prec);
      return pad(s, flags, width, false);
    }
    case "d":
    case "i":
    case "u":
    case "o":
    case "x":
    case "X": {
      if (typeof value !== "number") {
        throw new PyFormatError(
          conv === "d" || conv === "i" || conv === "u"
            ? `%${conv} format: a real number is required, not ${typeName(value)}`
            : `%${conv} format: an integer is required, not ${typeName(value)}`,
          "type",
        );
      }
      const n = Math.trunc(value);
      const abs = Math.abs(n);
      let digits =
        conv === "o" ? abs.toString(8) : conv === "x" ? abs.toString(16) : conv === "X" ? abs.toString(16).toUpperCase() : String(abs);
      if (prec !== null) digits = digits.padStart(prec, "0");
      if (flags.includes("#")) digits = (conv === "o" ? "0o" : conv === "x" ? "0x" : conv === "X" ? "0X" : "") + digits;
      return pad(signed(n, digits), flags, width, true);
    }
    case "e":
    case "E":
    case "f":
    case "F":
    case "g":
    case "G": {
      if (typeof value !== "number") {
        throw new PyFormatError(`must be real number, not ${typeName(value)}`, "type");
      }
      const p = prec ?? 6;
      const abs = Math.abs(value);
      let digits: string;
      if (conv === "f" || conv === "F") digits = abs.toFixed(p);
      else if (conv === "e" || conv === "E") digits = abs.toExponential(p).replace(/e([+-])(\d)$/, "e$10$2");
      else digits = String(Number(abs.toPrecision(p === 0 ? 1 : p)));
      if (conv === "E" || conv === "G") digits = digits.toUpperCase();
      return pad(signed(value, digits), flags, width, true);
    }
    case "c": {
      const s = typeof value === "number" ? String.fromCodePoint(value) : value;
      if (typeof value === "string" && [...value].length !== 1) {
        throw new PyFormatError("%c requires int or char", "type");
      }
      return pad(s, flags, width, false);
    }
    default:
      throw new PyFormatError("unreachable", "value");
  }
}

const CONVERSIONS = "sradiuoxXeEfFgGc";

/** Python's `fmt % mapping`. Throws PyFormatError with CPython's message. */
function pyFormat(fmt: string, names: Expansions): string {
  let out = "";
  let i = 0;
  const n = fmt.length;
  // CPython's argument cursor over a mapping: one un-named spec may take the mapping itself, and only
  // before any named one (a named lookup consumes the cursor); any further un-named spec has no argument.
  let mappingAvailable = true;
  while (i < n) {
    const c = fmt[i];
    if (c !== "%") {
      const next = fmt.indexOf("%", i);
      const end = next === -1 ? n : next;
      out += fmt.slice(i, end);
      i = end;
      continue;
    }
    i++;
    if (i >= n) throw new PyFormatError("incomplete format", "value");
    if (fmt[i] === "%") {
      out += "%";
      i++;
      continue;
    }
    let value: ExpansionValue | undefined;
    let keyed = false;
    if (fmt[i] === "(") {
      let depth = 1;
      const start = ++i;
      while (i < n && depth > 0) {
        if (fmt[i] === "(") depth++;
        else if (fmt[i] === ")") depth--;
        i++;
      }
      if (depth > 0) throw new PyFormatError("incomplete format key", "value");
      const key = fmt.slice(start, i - 1);
      value = names.get(key);
      if (value === undefined) throw new PyFormatError(pyRepr(key), "key");
      keyed = true;
      mappingAvailable = false;
    }
    let flags = "";
    while (i < n && "-+ #0".includes(fmt[i] ?? "")) flags += fmt[i++];
    let width = 0;
    if (fmt[i] === "*") throw new PyFormatError(mappingAvailable ? "* wants int" : "not enough arguments for format string", "type");
    while (i < n && /[0-9]/.test(fmt[i] ?? "")) width = width * 10 + Number(fmt[i++]);
    let prec: number | null = null;
    if (fmt[i] === ".") {
      i++;
      if (fmt[i] === "*") throw new PyFormatError(mappingAvailable ? "* wants int" : "not enough arguments for format string", "type");
      prec = 0;
      while (i < n && /[0-9]/.test(fmt[i] ?? "")) prec = prec * 10 + Number(fmt[i++]);
    }
    while (i < n && "hlL".includes(fmt[i] ?? "")) i++;
    if (i >= n) throw new PyFormatError("incomplete format", "value");
    const conv = fmt[i] ?? "";
    const index = i;
    i++;
    // the argument is fetched before the conversion character is checked
    if (!keyed && !mappingAvailable) throw new PyFormatError("not enough arguments for format string", "type");
    if (!keyed) mappingAvailable = false;
    if (!CONVERSIONS.includes(conv) || conv === "") {
      const cp = conv.codePointAt(0) ?? 0;
      const shown = cp >= 31 && cp <= 126 ? conv : "?";
      throw new PyFormatError(`unsupported format character '${shown}' (0x${cp.toString(16)}) at index ${index}`, "value");
    }
    if (!keyed || value === undefined) {
      // `%s` without a name formats the whole dictionary in Python: never meaningful in a config (EXP-01)
      // `%d` and friends then fail on the dict in Python; `%s`/`%r` would print it, which we refuse
      if ("diu".includes(conv)) throw new PyFormatError(`%${conv} format: a real number is required, not dict`, "type");
      if ("oxX".includes(conv)) throw new PyFormatError(`%${conv} format: an integer is required, not dict`, "type");
      if ("eEfFgG".includes(conv)) throw new PyFormatError("must be real number, not dict", "type");
      if (conv === "c") throw new PyFormatError("%c requires int or char", "type");
      throw new PyFormatError(`positional format %${conv} is not supported, use %(name)${conv}`, "type");
    }
    out += formatOne(conv, value, flags, width, prec);
  }
  return out;
}

/** Python's `sorted()` of str: code point order (JS compares UTF-16 units, which differs only for surrogates). */
export function pySorted(items: Iterable<string>): string[] {
  return [...items].sort(pyCompare);
}

const SURROGATE = /[\uD800-\uDFFF]/;

/** Python string comparison (`a < b`), for the (priority, name) sort orders. */
export function pyCompare(a: string, b: string): number {
  if (a === b) return 0;
  if (!SURROGATE.test(a) && !SURROGATE.test(b)) return a < b ? -1 : 1;
  const ac = [...a].map((c) => c.codePointAt(0) ?? 0);
  const bc = [...b].map((c) => c.codePointAt(0) ?? 0);
  for (let k = 0; k < Math.min(ac.length, bc.length); k++) {
    const d = (ac[k] ?? 0) - (bc[k] ?? 0);
    if (d !== 0) return d;
  }
  return ac.length - bc.length;
}

/** supervisord's `expand(s, expansions, name)` (EXP-02): the %-formatting with its error wording. */
export function expand(s: string, names: Expansions, where: string): string {
  if (!s.includes("%")) return s;
  try {
    return pyFormat(s, names);
  } catch (err) {
    if (!(err instanceof PyFormatError)) throw err;
    if (err.kind === "key") {
      throw new ValueError(
        `Format string ${pyRepr(s)} for ${pyRepr(where)} contains names (${err.message}) which cannot be expanded. ` +
          `Available names: ${pySorted(names.keys()).join(", ")}`,
      );
    }
    throw new ValueError(`Format string ${pyRepr(s)} for ${pyRepr(where)} is badly formatted: ${err.message}`);
  }
}
