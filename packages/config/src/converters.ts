/**
 * The value converters of spec §1.4 (TYP-01), each with supervisord 4.2.5's acceptance set and error text.
 * They throw ValueError; the reader adds the location and the section suffix.
 */
import { statSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { ValueError } from "./errors.js";
import { byteSize, intLiteralMessage, octalType, pyInt, pyRepr, pyStrip } from "@tsupervisord/pycompat";
import type { AutoRestart, LogLevelName } from "./types.js";

/** Python `int(v)` with its error message. */
export function integer(value: string | number): number {
  if (typeof value === "number") return value;
  const n = pyInt(value);
  // CPython formats this with `%.200R`: the repr, cut after 200 characters
  if (n === null) throw new ValueError(intLiteralMessage(value));
  return n;
}

const TRUTHY = ["yes", "true", "on", "1"];
const FALSY = ["no", "false", "off", "0"];

export function boolean(value: string | boolean): boolean {
  if (typeof value === "boolean") return value;
  const s = value.toLowerCase();
  if (TRUTHY.includes(s)) return true;
  if (FALSY.includes(s)) return false;
  throw new ValueError(`not a valid boolean value: ${pyRepr(value)}`);
}

/** `byte_size` and `octal_type` (one copy, in @tsupervisord/pycompat). */
export { byteSize };
export const octal = octalType;

/** `list_of_strings`: split on `,`, strip each; empty → []. */
export function listOfStrings(value: string | null): string[] {
  if (!value) return [];
  return value.split(",").map((x) => pyStrip(x));
}

/** `list_of_exitcodes`: comma list of ints in 0..255. */
export function exitCodes(value: string): number[] {
  if (!value) return [];
  const out: number[] = [];
  for (const part of value.split(",")) {
    const n = pyInt(part);
    if (n === null || n < 0 || n > 255) throw new ValueError(`not a valid list of exit codes: ${pyRepr(value)}`);
    out.push(n);
  }
  return out;
}

/** `auto_restart`: `unexpected`, or a boolean word. */
export function autoRestart(value: string): AutoRestart {
  const v = value.toLowerCase();
  if (TRUTHY.includes(v)) return true;
  if (FALSY.includes(v)) return false;
  if (v === "unexpected") return "unexpected";
  throw new ValueError(`invalid 'autorestart' value ${pyRepr(v)}`);
}

const LEVELS: readonly LogLevelName[] = ["critical", "error", "warn", "info", "debug", "trace", "blather"];

export function logLevel(value: string): LogLevelName {
  const s = value.toLowerCase();
  const found = LEVELS.find((l) => l === s);
  if (!found) throw new ValueError(`bad logging level name ${pyRepr(value)}`);
  return found;
}

/** Python's `os.path.expanduser` for `~` and `~/…` (`~user` is left alone unless it is the current user). */
export function expandUser(v: string, home: string = process.env["HOME"] ?? homedir()): string {
  // Python's expanduser: $HOME of the reading process (the `env` given to readConfig), else the passwd entry
  if (v === "~") return home;
  if (v.startsWith("~/")) return home.replace(/\/+$/, "") + v.slice(1);
  return v;
}

function isDir(p: string, cwd: string): boolean {
  if (p === "") return false; // os.path.isdir('') is False
  try {
    return statSync(path.resolve(cwd, p), { throwIfNoEntry: false })?.isDirectory() ?? false;
  } catch {
    return false; // e.g. ENOTDIR, EACCES
  }
}

/** `existing_directory`: `~` expanded; must be an existing directory (relative paths against `cwd`). */
export function existingDirectory(value: string, cwd: string, home?: string): string {
  const nv = expandUser(value, home);
  if (isDir(nv, cwd)) return nv;
  throw new ValueError(`${value} is not an existing directory`);
}

/** `existing_dirpath`: `~` expanded; when the path has a directory part, that directory must exist. */
export function existingDirpath(value: string, cwd: string, home?: string): string {
  const nv = expandUser(value, home);
  const slash = nv.lastIndexOf("/");
  if (slash === -1) return nv;
  let dir = nv.slice(0, slash);
  // os.path.dirname keeps a leading run of slashes ("/x" -> "/")
  if (dir.replace(/\/+$/, "") === "") dir = nv.slice(0, slash + 1);
  else dir = dir.replace(/\/+$/, "");
  if (isDir(dir, cwd)) return nv;
  throw new ValueError(`The directory named as part of the path ${value} does not exist`);
}

export type LogfileName = { kind: "none" } | { kind: "auto" } | { kind: "syslog" } | { kind: "file"; path: string };

/** `logfile_name`: NONE/OFF, AUTO, SYSLOG (any case), or an existing dirpath. */
export function logfileName(value: string, cwd: string, home?: string): LogfileName {
  const v = value.toLowerCase();
  if (v === "none" || v === "off") return { kind: "none" };
  if (v === "auto") return { kind: "auto" };
  if (v === "syslog") return { kind: "syslog" };
  return { kind: "file", path: existingDirpath(value, cwd, home) };
}

/** `process_or_group_name`: stripped; no space, `:` or `/`. */
export function processOrGroupName(value: string): string {
  const s = pyStrip(value);
  for (const ch of [" ", ":", "/"]) {
    if (s.includes(ch)) throw new ValueError(`Invalid name: ${pyRepr(value)} because of character: ${pyRepr(ch)}`);
  }
  return s;
}

/** `url` (supervisorctl serverurl): needs a scheme and a netloc or a path, as `urlparse` splits them. */
export function url(value: string): string {
  const m = /^([A-Za-z][A-Za-z0-9+\-.]*):(.*)$/su.exec(value);
  let ok = false;
  if (m) {
    const rest = m[2] ?? "";
    let netloc = "";
    let pathPart = rest;
    if (rest.startsWith("//")) {
      const after = rest.slice(2);
      const end = after.search(/[/?#]/);
      netloc = end === -1 ? after : after.slice(0, end);
      pathPart = end === -1 ? "" : after.slice(end);
    }
    pathPart = pathPart.replace(/[?#].*$/s, "").replace(/;.*$/s, "");
    ok = netloc !== "" || pathPart !== "";
  }
  if (!ok) throw new ValueError(`value ${pyRepr(value)} is not a URL`);
  return value;
}

function portNumber(value: string): number {
  const n = integer(value);
  if (n < 1) throw new ValueError(`${n} is below lower bound (1)`);
  if (n > 0xffff) throw new ValueError(`${n} is above upper bound (65535)`);
  return n;
}

/** `inet_address`: `port`, `:port`, `*:port`, `host:port` (split at the last colon, host lower-cased). */
export function inetAddress(value: string): { host: string; port: number } {
  let host = "";
  let port: number;
  const idx = value.lastIndexOf(":");
  if (idx !== -1) {
    host = value.slice(0, idx);
    const p = value.slice(idx + 1);
    if (!p) throw new ValueError(`no port number specified in ${pyRepr(p)}`);
    port = portNumber(p);
    host = host.toLowerCase();
  } else {
    try {
      port = portNumber(value);
    } catch {
      throw new ValueError(`not a valid port number: ${pyRepr(value)} `);
    }
  }
  if (!host || host === "*") host = "";
  return { host, port };
}

/** supervisord's `normalize_path`: `~` expanded, absolute against `cwd`, normalised. */
export function normalizePath(value: string, cwd: string, home?: string): string {
  return path.resolve(cwd, expandUser(value, home));
}
