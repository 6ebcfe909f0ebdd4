/**
 * Every helper against the real `python3` (the interpreter supervisord runs on): one batch of inputs is sent as
 * JSON, Python answers what repr()/int()/getopt()/timedelta give, and the TypeScript copy must agree.
 */
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { formatTimedelta, getopt, GetoptError, pyBytesRepr, pyIntBig, pyListRepr, pyRepr, pyStrip } from "../src/index.js";

const PYTHON = String.raw`
import getopt, json, sys, datetime
req = json.load(sys.stdin)
def tryint(s, base):
    try:
        return str(int(s, base))
    except ValueError:
        return None
def trygetopt(argv, short, long):
    try:
        opts, rest = getopt.getopt(argv, short, long)
        return {"options": [list(o) for o in opts], "rest": rest}
    except getopt.GetoptError as e:
        return {"error": str(e)}
print(json.dumps({
    "repr": [repr(s) for s in req["strings"]],
    "strip": [s.strip() for s in req["strings"]],
    "list": repr(req["strings"][:3]),
    "bytes": [repr(bytes(b)) for b in req["bytes"]],
    "int10": [tryint(s, 10) for s in req["ints"]],
    "int8": [tryint(s, 8) for s in req["ints"]],
    "getopt": [trygetopt(a, "c:nh?u:", ["configuration=", "nodaemon", "help", "user=", "umask="]) for a in req["argvs"]],
    "timedelta": [str(datetime.timedelta(seconds=n)) for n in req["seconds"]],
}))
`;

const strings = [
  "plain",
  "it's",
  'say "hi"',
  `both ' and "`,
  "back\\slash",
  "tab\tnew\nline\rret",
  "\x00\x01\x1b[31m\x7f",
  "\x85\xa0\xad latin-1 controls and soft hyphen",
  "\u2028\u2029\u200b\ufeff separators and format",
  "\ud800 lone high, \udfff lone low",
  "😀 astral, \u{10ffff} noncharacter, \u{e0001} tag",
  "\u0378 unassigned, \ue000 private use",
  "  \x1c\x1f\u3000 python whitespace \v\f ",
  "héllo wörld ✓",
];
const bytes = [[0, 9, 10, 13, 39, 92, 127, 128, 255], [39], [39, 34], [104, 105]];
const ints = [
  "42", " -17 ", "+5", "1_000", "_1", "1_", "1__0", "0o17", "0o_17", "-0o17", "017", "", " ", "12a", "0x1f",
  "99999999999999999999999999999999", "-123456789012345678901234567890", "٣٤", "１２", "𝟘𝟙𝟚", "8", "\u3000 7 \x1c",
];
const argvs = [
  ["-c", "file", "rest"],
  ["-cfile", "-n"],
  ["-nc", "file"],
  ["--config=x"],
  ["--configuration", "x", "--nod"],
  ["--u=1"],
  ["--nodaemon=1"],
  ["-x"],
  ["-c"],
  ["--", "-n"],
  ["-", "-n"],
  ["-h?", "a"],
  ["--bogus"],
  ["--configuration"],
];
const seconds = [0, 5, 59, 3600, 86399, 86400, 90061, 172800 + 3661];

const py = JSON.parse(
  execFileSync("python3", ["-c", PYTHON], { input: JSON.stringify({ strings, bytes, ints, argvs, seconds }), encoding: "utf8" }),
) as {
  repr: string[];
  strip: string[];
  list: string;
  bytes: string[];
  int10: Array<string | null>;
  int8: Array<string | null>;
  getopt: Array<{ options: string[][]; rest: string[] } | { error: string }>;
  timedelta: string[];
};

describe("pycompat agrees with python3", () => {
  it("repr(str): quotes, short escapes, control characters, lone surrogates, non-printable Unicode", () => {
    expect(strings.map(pyRepr)).toEqual(py.repr);
    expect(pyListRepr(strings.slice(0, 3))).toBe(py.list);
  });

  it("str.strip(): Python's whitespace set", () => {
    expect(strings.map(pyStrip)).toEqual(py.strip);
  });

  it("repr(bytes)", () => {
    expect(bytes.map((b) => pyBytesRepr(Uint8Array.from(b)))).toEqual(py.bytes);
  });

  it("int(s) and int(s, 8): whitespace, signs, underscores, prefixes, big ints, Unicode digits", () => {
    expect(ints.map((s) => pyIntBig(s)?.toString() ?? null)).toEqual(py.int10);
    expect(ints.map((s) => pyIntBig(s, 8)?.toString() ?? null)).toEqual(py.int8);
  });

  it("getopt.getopt: clusters, abbreviations, `--`, and Python's error texts", () => {
    const ours = argvs.map((argv) => {
      try {
        const r = getopt(argv, { short: "c:nh?u:", long: ["configuration=", "nodaemon", "help", "user=", "umask="] });
        return { options: r.options.map((o) => [...o]), rest: r.rest };
      } catch (err) {
        if (err instanceof GetoptError) return { error: err.message };
        throw err;
      }
    });
    expect(ours).toEqual(py.getopt);
  });

  it("str(timedelta(seconds=n))", () => {
    expect(seconds.map(formatTimedelta)).toEqual(py.timedelta);
  });
});
