/** Value converters of spec §1.4 (TYP-01), `environment=` parsing (TYP-02) and signals. */
import { describe, expect, it } from "vitest";
import {
  autoRestart,
  boolean,
  byteSize,
  dictOfKeyValuePairs,
  exitCodes,
  inetAddress,
  integer,
  logLevel,
  octal,
  parseSignal,
  processOrGroupName,
  pyRepr,
  signame,
  url,
} from "../src/index.js";

describe("TYP-01 integer", () => {
  it.each([
    [" 12 ", 12],
    ["+5", 5],
    ["-0", 0],
    ["1_0", 10],
    ["-3", -3],
  ])("%j -> %d", (v, n) => expect(integer(v)).toBe(n));
  it.each(["1.5", "0x10", "ten", "", "1__0", "_1"])("%j is an error", (v) => {
    expect(() => integer(v)).toThrow(`invalid literal for int() with base 10: '${v}'`);
  });
});

describe("TYP-01 boolean", () => {
  it.each(["yes", "TRUE", "On", "1"])("%j is true", (v) => expect(boolean(v)).toBe(true));
  it.each(["no", "False", "OFF", "0"])("%j is false", (v) => expect(boolean(v)).toBe(false));
  it.each(["maybe", "t", "2", ""])("%j is an error", (v) => {
    expect(() => boolean(v)).toThrow(`not a valid boolean value: '${v}'`);
  });
});

describe("TYP-01 byte size", () => {
  it.each([
    ["1", 1],
    [" 5 mb", 5 * 1024 * 1024],
    ["1KB", 1024],
    ["-1gb", -(1024 ** 3)],
    ["1_000", 1000],
    ["2GB", 2 * 1024 ** 3],
    ["50MB", 50 * 1024 * 1024],
  ])("%j -> %d", (v, n) => expect(byteSize(v)).toBe(n));
  it.each([
    ["10xb", "10xb"],
    ["1.5MB", "1.5"],
    ["1TB", "1tb"],
    ["5b", "5b"],
  ])("%j is an error naming %j", (v, shown) => {
    expect(() => byteSize(v)).toThrow(`invalid literal for int() with base 10: '${shown}'`);
  });
});

describe("TYP-01 octal", () => {
  it.each([
    ["022", 0o22],
    ["22", 0o22],
    ["0o22", 0o22],
    ["0O22", 0o22],
    [" 7 ", 7],
    ["-7", -7],
    ["0_22", 0o22],
  ])("%j -> %d", (v, n) => expect(octal(v)).toBe(n));
  it.each(["999", "8", "0x1", "rwx"])("%j is an error", (v) => {
    expect(() => octal(v)).toThrow(`${v} can not be converted to an octal type`);
  });
});

describe("TYP-01 exit codes", () => {
  it.each([
    ["", []],
    ["0", [0]],
    ["0, 2 ,255", [0, 2, 255]],
    [" 1", [1]],
  ])("%j -> %j", (v, codes) => expect(exitCodes(v)).toEqual(codes));
  it.each(["0,256", "-1", "0,", "a"])("%j is an error", (v) => {
    expect(() => exitCodes(v)).toThrow(`not a valid list of exit codes: '${v}'`);
  });
});

describe("TYP-01 autorestart", () => {
  it.each([
    ["unexpected", "unexpected"],
    ["Unexpected", "unexpected"],
    ["true", true],
    ["YES", true],
    ["1", true],
    ["false", false],
    ["off", false],
  ])("%j -> %j", (v, r) => expect(autoRestart(v)).toBe(r));
  it("an error shows the lower-cased value", () => {
    expect(() => autoRestart("SomeTimes")).toThrow("invalid 'autorestart' value 'sometimes'");
  });
});

describe("TYP-01 log level", () => {
  it.each(["critical", "ERROR", "warn", "info", "debug", "trace", "Blather"])("%j", (v) => {
    expect(logLevel(v)).toBe(v.toLowerCase());
  });
  it.each(["warning", "loud"])("%j is an error", (v) => expect(() => logLevel(v)).toThrow(`bad logging level name '${v}'`));
});

describe("TYP-01 process/group names", () => {
  it("stripped", () => expect(processOrGroupName("  web ")).toBe("web"));
  it.each([
    ["a b", " "],
    ["a:b", ":"],
    ["a/b", "/"],
  ])("%j is rejected for %j", (v, ch) => {
    expect(() => processOrGroupName(v)).toThrow(`Invalid name: '${v}' because of character: '${ch}'`);
  });
  it("brackets are not checked (doc/code disagreement §10 #19)", () => expect(processOrGroupName("a[1]")).toBe("a[1]"));
});

describe("TYP-01 URL (supervisorctl serverurl)", () => {
  it.each(["unix:///tmp/x.sock", "http://localhost:9001", "localhost:9001", "file:/x"])("%j is a URL", (v) => {
    expect(url(v)).toBe(v);
  });
  it.each(["unix://", "http:", "x"])("%j is not", (v) => expect(() => url(v)).toThrow(`value '${v}' is not a URL`));
});

describe("TYP-01 inet address", () => {
  it.each([
    ["9001", "", 9001],
    [":9001", "", 9001],
    ["*:9001", "", 9001],
    ["LocalHost:9001", "localhost", 9001],
    ["a:b:9001", "a:b", 9001],
  ])("%j -> %j %d", (v, host, port) => expect(inetAddress(v)).toEqual({ host, port }));
  it.each([
    ["notaport", "not a valid port number: 'notaport' "],
    ["0", "not a valid port number: '0' "],
    ["localhost:", "no port number specified in ''"],
    [":0", "0 is below lower bound (1)"],
    [":65536", "65536 is above upper bound (65535)"],
    ["h:x", "invalid literal for int() with base 10: 'x'"],
  ])("%j is an error", (v, msg) => expect(() => inetAddress(v)).toThrow(msg));
});

describe("TYP-01 signals", () => {
  it.each([
    ["TERM", "TERM", 15],
    ["sigterm", "TERM", 15],
    [" hup ", "HUP", 1],
    ["9", "KILL", 9],
    ["0", "0", 0],
    ["_DFL", "0", 0],
    ["SIGRTMIN", "RTMIN", 34],
    ["64", "RTMAX", 64],
    ["IOT", "ABRT", 6],
    ["CLD", "CHLD", 17],
  ])("%j -> %s (%d)", (v, name, number) => expect(parseSignal(v)).toEqual({ name, number }));
  it.each([
    ["NOTASIGNAL", "value 'NOTASIGNAL' is not a valid signal name"],
    ["SIG", "value 'SIG' is not a valid signal name"],
    ["32", "value '32' is not a valid signal number"],
    ["99", "value '99' is not a valid signal number"],
  ])("%j is an error", (v, msg) => expect(() => parseSignal(v)).toThrow(msg));
  it("signame gives the canonical name or `signal N`", () => {
    expect(signame(15)).toBe("SIGTERM");
    expect(signame(6)).toBe("SIGABRT");
    expect(signame(29)).toBe("SIGPOLL");
    expect(signame(40)).toBe("signal 40");
  });
});

describe("TYP-02 environment= [4.2.5] (non-posix shlex, quotes stripped)", () => {
  it.each([
    ["A=1,B=2", { A: "1", B: "2" }],
    [" A = 1 , B = 2 ", { A: "1", B: "2" }],
    ["A=1,B=2,", { A: "1", B: "2" }],
    ["A=1;B=2", { A: "1", B: "2" }],
    ["A=1,\nB=2", { A: "1", B: "2" }],
    [`A="a=b",B='c,d'`, { A: "a=b", B: "c,d" }],
    ['A=""', { A: "" }],
    ["A=$HOME/x", { A: "$" }],
    ["A=x#y,B=2", { A: "x" }],
    [`A='say "hi"'`, { A: 'say "hi' }],
    ["a.b-c=1", { "a.b-c": "1" }],
    ["A=é", { A: "é" }],
    ['K="v",K=w', { K: "w" }],
    ["A=/usr/bin:/bin", { A: "/usr/bin:/bin" }],
    ["", {}],
  ])("%j", (v, expected) => expect(dictOfKeyValuePairs(v)).toEqual(expected));
  it.each(["A=", "A=1 B=2", "A=x*y", "KEY1=val1,KEY2=val2,KEY3", 'A="x"\nB=y'])("%j is an error", (v) => {
    expect(() => dictOfKeyValuePairs(v)).toThrow(`Unexpected end of key/value pairs in value '${v}'`);
  });
  it("an unclosed quote", () => expect(() => dictOfKeyValuePairs('A="x')).toThrow("No closing quotation"));
});

describe("python repr (used in messages)", () => {
  it.each([
    ["plain", "'plain'"],
    ["it's", `"it's"`],
    [`both ' and "`, `'both \\' and "'`],
    ["a\u200bb\ufeff\x85\u0300é", "'a\\u200bb\\ufeff\\x85\u0300é'"],
    ["tab\there\n", "'tab\\there\\n'"],
    ["back\\slash", "'back\\\\slash'"],
  ])("%j", (s, r) => expect(pyRepr(s)).toBe(r));
});

describe("TYP-01 integer error text is cut like CPython's %.200R", () => {
  it("a long value shows only the first 200 characters of its repr", () => {
    const v = "x".repeat(300);
    expect(() => integer(v)).toThrow(new RegExp(`^invalid literal for int\\(\\) with base 10: '${"x".repeat(199)}$`));
  });
});
