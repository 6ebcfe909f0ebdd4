/** [include], spec §1.5.9 (INC-01…INC-06) and the glob it uses. */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { pyGlob, readCtlConfig } from "../src/index.js";
import { BASE, issuesOf, read, tempDir, testOptions, writeTree } from "./helpers.js";

const prog = (name: string): string => `[program:${name}]\ncommand=/bin/${name}\n`;

describe("INC-01…05 [include]", () => {
  it("INC-03 matches of one pattern are read in sorted order; patterns in order", () => {
    const files: Record<string, string> = {};
    for (const l of "zyxwvutsrqponmlkjihgfedcba") files[`conf.d/${l}.conf`] = `[program:p]\ncommand=/bin/${l}\n`;
    files["late/last.ini"] = "[program:q]\ncommand=/bin/q\n";
    const c = read(BASE + "[include]\nfiles=late/*.ini conf.d/*.conf\n", {}, files);
    expect(c.groups.find((g) => g.name === "p")?.processes[0]?.command).toBe("/bin/z");
    expect(c.files.map((f) => path.relative(c.here, f))).toEqual([
      "supervisord.conf",
      "late/last.ini",
      ..."abcdefghijklmnopqrstuvwxyz".split("").map((l) => `conf.d/${l}.conf`),
    ]);
    expect(c.messages.filter((m) => m.level === "info").map((m) => m.message)[0]).toBe(
      `Included extra file "${c.here}/late/last.ini" during parsing`,
    );
  });

  it("INC-02 several patterns over continuation lines, absolute and %(here)s ones, ? and [..]", () => {
    const c = read(BASE + "[include]\nfiles = a?.conf\n   %(here)s/b/[xy].conf\n", {}, {
      "a1.conf": prog("a1"),
      "a22.conf": prog("a22"),
      "b/x.conf": prog("x"),
      "b/z.conf": prog("z"),
    });
    expect(c.groups.map((g) => g.name).sort()).toEqual(["a1", "x"]);
  });

  it("INC-02 files may use %(host_node_name)s and ENV_", () => {
    const c = read(BASE + "[include]\nfiles=%(host_node_name)s/*.conf %(ENV_EXTRA)s.conf\n", { env: { EXTRA: "extra" } }, {
      "testhost/a.conf": prog("a"),
      "extra.conf": prog("b"),
    });
    expect(c.groups.map((g) => g.name).sort()).toEqual(["a", "b"]);
  });

  it("INC-04 a pattern matching nothing is a warning with the joined pattern", () => {
    const c = read(BASE + "[include]\nfiles=missing/*.conf\n");
    expect(c.messages).toEqual([{ level: "warn", message: `No file matches via include "${c.here}/missing/*.conf"` }]);
  });

  it("INC-05 sections merge across files; later keys win", () => {
    const c = read(BASE + prog("web") + "[include]\nfiles=*.ini\n", {}, { "o.ini": "[program:web]\npriority=5\n" });
    expect(c.groups[0]).toMatchObject({ name: "web", priority: 5, processes: [{ command: "/bin/web" }] });
  });

  it("INC-05 a parse error in an included file names that file and line", () => {
    const { issues, dir } = issuesOf(BASE + "[include]\nfiles=conf.d/*.conf\n", {}, { "conf.d/web.conf": "[program:web]\ncommand=x\njunk\n" });
    expect(issues[0]).toMatchObject({ file: `${dir}/conf.d/web.conf`, line: 3 });
    expect(issues[0]?.message).toBe(`Source contains parsing errors: '${dir}/conf.d/web.conf'\n\t[line  3]: 'junk\\n'`);
  });

  it("INC-05 option errors name the file that introduced the section", () => {
    const { issues, dir } = issuesOf(BASE + "[include]\nfiles=*.ini\n", {}, { "x.ini": "\n[program:cat]\ncommand=x\nautostart=maybe\n" });
    expect(issues[0]).toMatchObject({ file: `${dir}/x.ini`, line: 4, section: "program:cat", option: "autostart" });
    expect(issues[0]?.message).toBe(`not a valid boolean value: 'maybe' in section 'program:cat' (file: '${dir}/x.ini')`);
  });

  it("INC-01 includes inside included files are not followed", () => {
    const c = read(BASE + "[include]\nfiles=a.conf\n", {}, { "a.conf": "[include]\nfiles=b.conf\n" + prog("a"), "b.conf": prog("b") });
    expect(c.groups.map((g) => g.name)).toEqual(["a"]);
  });

  it("INC-01 [include] without files", () => {
    const { issues } = issuesOf(BASE + "[include]\n");
    expect(issues[0]).toMatchObject({ message: ".ini file has [include] section, but no files setting", section: "include", option: "files", line: 6 });
  });

  it("INC-03 a file matched by two patterns is read twice", () => {
    const c = read(BASE + "[include]\nfiles=a.conf *.conf\n", {}, { "a.conf": prog("a") });
    expect(c.files.filter((f) => f.endsWith("/a.conf"))).toHaveLength(2);
  });

  it("INC-06 supervisorctl ignores [include]", () => {
    const dir = writeTree({
      "supervisord.conf": "[supervisorctl]\nserverurl=http://a:1\n[include]\nfiles=x.conf\n",
      "x.conf": "[supervisorctl]\nserverurl=http://b:2\n",
    });
    expect(readCtlConfig(path.join(dir, "supervisord.conf"), testOptions()).serverurl).toBe("http://a:1");
  });
});

describe("INC-02 glob", () => {
  it("* ? [..] [!..], hidden files only for patterns starting with a dot, directories may match", () => {
    const dir = tempDir();
    for (const f of ["a.conf", "b.conf", "ab.conf", ".hidden.conf", "c.ini"]) writeFileSync(path.join(dir, f), "");
    mkdirSync(path.join(dir, "d.conf"));
    mkdirSync(path.join(dir, "sub1"));
    mkdirSync(path.join(dir, "sub2"));
    writeFileSync(path.join(dir, "sub1", "x.conf"), "");
    writeFileSync(path.join(dir, "sub2", "y.conf"), "");
    const g = (p: string): string[] => pyGlob(path.join(dir, p)).map((f) => path.relative(dir, f)).sort();
    expect(g("*.conf")).toEqual(["a.conf", "ab.conf", "b.conf", "d.conf"]);
    expect(g("?.conf")).toEqual(["a.conf", "b.conf", "d.conf"]);
    expect(g("[ab].conf")).toEqual(["a.conf", "b.conf"]);
    expect(g("[!a].conf")).toEqual(["b.conf", "d.conf"]);
    expect(g(".*.conf")).toEqual([".hidden.conf"]);
    expect(g("sub*/*.conf")).toEqual(["sub1/x.conf", "sub2/y.conf"]);
    expect(g("c.ini")).toEqual(["c.ini"]);
    expect(g("nope.ini")).toEqual([]);
    expect(g("[.conf")).toEqual([]);
  });
});
