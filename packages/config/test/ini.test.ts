/** INI dialect, spec §1.2 (INI-01…INI-12): Python's RawConfigParser as supervisord configures it. */
import { describe, expect, it } from "vitest";
import { IniParser, IniSyntaxError } from "../src/index.js";

function parse(text: string, file = "/etc/s.conf"): IniParser {
  const p = new IniParser();
  p.readString(text, file);
  return p;
}
function value(text: string, section = "s", option = "a"): string | undefined {
  return parse(text).get(section, option)?.value;
}

describe("INI-01 full-line comments", () => {
  it.each([
    ["# hash comment", "[s]\n# a=1\na=2\n", "2"],
    ["; semicolon comment", "[s]\n; a=1\na=2\n", "2"],
    ["indented comment", "[s]\n    ; a=1\na=2\n", "2"],
    ["comment inside a multi-line value", "[s]\na=1\n  ; not part\n  2\n", "1\n2"],
  ])("%s", (_n, text, expected) => expect(value(text)).toBe(expected));
});

describe("INI-02 inline comments only after whitespace", () => {
  it.each([
    ["a=v;c keeps v;c", "[s]\na=v;c\n", "v;c"],
    ["a=v ;c gives v", "[s]\na=v ;c\n", "v"],
    ["a=v<tab>#c gives v", "[s]\na=v\t#c\n", "v"],
    ["a=v#c keeps v#c", "[s]\na=v#c\n", "v#c"],
    ["quotes do not protect", "[s]\na=bash -c 'foo ; bar'\n", "bash -c 'foo"],
    ["double quotes do not protect", '[s]\na="a ; b"\n', '"a'],
    ["no escape mechanism", "[s]\na=x\\ ;y\n", "x\\"],
    ["python's round-by-round search: '#' after a space wins over a later ' ;'", "[s]\na=x;y ;c #d\n", "x;y ;c"],
    ["a comment right after the delimiter empties the value", "[s]\na= ;c\n", ""],
  ])("%s", (_n, text, expected) => expect(value(text)).toBe(expected));
});

describe("INI-03 blank lines in values", () => {
  it.each([
    ["a blank line inside a continued value is kept", "[s]\na=1\n\n  2\n", "1\n\n2"],
    ["trailing blank lines are dropped", "[s]\na=1\n  2\n\n\n[t]\n", "1\n2"],
    ["a blank line carrying a comment is not kept", "[s]\na=1\n ;c\n  2\n", "1\n2"],
  ])("%s", (_n, text, expected) => expect(value(text)).toBe(expected));
});

describe("INI-04 continuation lines", () => {
  it.each([
    ["indented more than the option: appended, stripped, joined with \\n", "[s]\na=x\n   y  \n\tz\n", "x\ny\nz"],
    ["same indentation: a new option", "[s]\n  a=x\n  b=y\n", "x"],
    ["continuation after a comment line", "[s]\na=x\n# c\n  y\n", "x\ny"],
    ["a header indented under an option is a continuation", "[s]\na=x\n  [t]\n", "x\n[t]"],
  ])("%s", (_n, text, expected) => expect(value(text)).toBe(expected));

  it("INI-04 right after a section header an indented line is an option", () => {
    const p = parse("[s]\n    a=1\n    b=2\n");
    expect(p.get("s", "a")?.value).toBe("1");
    expect(p.get("s", "b")?.value).toBe("2");
  });
});

describe("INI-05 section headers", () => {
  it.each([
    ["trailing comment ignored", "[a] ; note\nx=1\n", "a"],
    ["case-sensitive", "[Program:x]\nx=1\n", "Program:x"],
    ["not trimmed", "[ program:x ]\nx=1\n", " program:x "],
    ["greedy to the last ]", "[a]b]\nx=1\n", "a]b"],
    ["dots kept", "[program:app.web]\nx=1\n", "program:app.web"],
  ])("%s", (_n, text, name) => expect(parse(text).sectionNames()).toEqual([name]));
});

describe("INI-06 option lines", () => {
  it.each([
    ["split at the first = ", "[s]\na=b=c\n", "a", "b=c"],
    ["':' is a delimiter", "[s]\na: /bin/cat\n", "a", "/bin/cat"],
    ["first of = and :", "[s]\na:b=c\n", "a", "b=c"],
    ["name lower-cased", "[s]\nCommand=x\n", "command", "x"],
    ["name right-trimmed, value stripped", "[s]\na   =   x y   \n", "a", "x y"],
    ["empty value", "[s]\na=\n", "a", ""],
    ["quotes kept", '[s]\na="x"\n', "a", '"x"'],
    ["true stays a string", "[s]\na=true\n", "a", "true"],
  ])("%s", (_n, text, option, expected) => expect(value(text, "s", option)).toBe(expected));
});

describe("INI-07/INI-08 syntax errors", () => {
  it("INI-07 bad lines are collected and reported together with python's text", () => {
    let err: unknown;
    try {
      parse("[s]\na=1\njunk line\nb=2\nmore junk\n", "/tmp/c.conf");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(IniSyntaxError);
    const e = err as IniSyntaxError;
    expect(e.message).toBe(
      "Source contains parsing errors: '/tmp/c.conf'\n\t[line  3]: 'junk line\\n'\n\t[line  5]: 'more junk\\n'",
    );
    expect(e.lines.map((l) => l.line)).toEqual([3, 5]);
  });

  it("INI-06 an empty option name is an error", () => {
    expect(() => parse("[s]\n=x\n")).toThrow("[line  2]: '=x\\n'");
  });

  it("INI-08 an option before the first section", () => {
    expect(() => parse("\n; c\na=1\n[s]\n", "/tmp/c.conf")).toThrow(
      "File contains no section headers.\nfile: '/tmp/c.conf', line: 3\n'a=1\\n'",
    );
  });
});

describe("INI-09 duplicates merge", () => {
  it("duplicate sections merge and the last value wins", () => {
    const p = parse("[s]\na=1\nb=1\n[t]\n[s]\na=2\n");
    expect(p.get("s", "a")?.value).toBe("2");
    expect(p.get("s", "b")?.value).toBe("1");
    expect(p.sectionNames()).toEqual(["s", "t"]);
  });
  it("sections merge across files, each value keeps its own file and line", () => {
    const p = new IniParser();
    p.readString("[s]\na=1\nb=1\n", "/one.conf");
    p.readString("[s]\n\nb=2\n", "/two.conf");
    expect(p.get("s", "a")).toEqual({ value: "1", file: "/one.conf", line: 2 });
    expect(p.get("s", "b")).toEqual({ value: "2", file: "/two.conf", line: 3 });
    expect(p.sections.get("s")?.file).toBe("/one.conf");
  });
});

describe("INI-10 [DEFAULT]", () => {
  it("keys are visible in every section and DEFAULT is not a section", () => {
    const p = parse("[DEFAULT]\nautostart=false\n[s]\na=1\n[t]\nautostart=true\n");
    expect(p.sectionNames()).toEqual(["s", "t"]);
    expect(p.get("s", "autostart")?.value).toBe("false");
    expect(p.get("t", "autostart")?.value).toBe("true");
    expect(p.options("s")).toEqual(["a", "autostart"]);
  });
});

describe("INI-12 text", () => {
  it("non-ASCII names and values", () => {
    expect(parse("[program:test_öäü]\ncommand=echo ü\n").get("program:test_öäü", "command")?.value).toBe("echo ü");
  });
  it("CRLF and CR line ends", () => {
    expect(value("[s]\r\na=1\r\n  2\r\n")).toBe("1\n2");
    expect(value("[s]\ra=1\r")).toBe("1");
  });
  it("file and line are recorded for every value", () => {
    const p = parse("[s]\n\n# c\na=1\n  more\n", "/f.conf");
    expect(p.get("s", "a")).toEqual({ value: "1\nmore", file: "/f.conf", line: 4 });
    expect(p.sections.get("s")).toMatchObject({ file: "/f.conf", line: 1 });
  });
});

describe("INI-12 python's notion of whitespace and of printable characters", () => {
  it("a UTF-8 BOM is not whitespace: the first line is then not a section header", () => {
    expect(() => parse("\ufeff[s]\na=1\n", "/c.conf")).toThrow("File contains no section headers.\nfile: '/c.conf', line: 1\n'\\ufeff[s]\\n'");
  });
  it("\\x1c and \\x85 are whitespace to python", () => {
    expect(value("[s]\na=1\x1c\n")).toBe("1");
    expect(parse("[s]\na\x85=1\n").get("s", "a")?.value).toBe("1");
    expect(value("[s]\na=x\x1c;c\n")).toBe("x");
  });
});
