/** supervisord's `datatypes` converters that more than one layer applies (config files and command lines, TYP-01). */
import { ValueError } from "./errors.js";
import { pyInt, pyIntOrThrow } from "./int.js";

const BYTE_SUFFIXES: ReadonlyArray<[string, number]> = [
  ["kb", 1024],
  ["mb", 1024 * 1024],
  ["gb", 1024 * 1024 * 1024],
];

/** `byte_size`: a `kb`/`mb`/`gb` suffix (any case) on a Python int, else a plain int; ValueError otherwise. */
export function byteSize(value: string): number {
  const lower = value.toLowerCase();
  for (const [suffix, multiplier] of BYTE_SUFFIXES) {
    if (lower.slice(-2) === suffix) return pyIntOrThrow(lower.slice(0, -2)) * multiplier;
  }
  return pyIntOrThrow(lower);
}

/** `octal_type`: Python `int(v, 8)` (`022`, `22`, `0o22`); ValueError with supervisord's text otherwise. */
export function octalType(value: string): number {
  const n = pyInt(value, 8);
  if (n === null) throw new ValueError(`${value} can not be converted to an octal type`);
  return n;
}
