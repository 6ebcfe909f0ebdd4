/**
 * Every invalid value of spec §1.4/§1.5 with the exact message supervisord 4.2.5 printed for it
 * (fixtures/error-cases.json was recorded by running Debian's supervisord option parser on each config).
 * Each test also checks where we say the problem is: file, line, section and option.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { FIXTURES, issuesOf } from "./helpers.js";

interface ErrorCase {
  name: string;
  spec: string;
  conf: string;
  option: string | null;
  section: string | null;
  line: number | null;
  message: string;
}

const cases = JSON.parse(readFileSync(path.join(FIXTURES, "error-cases.json"), "utf8")) as ErrorCase[];

describe("ERR-05 option errors keep supervisord's wording and name file, line and option", () => {
  it.each(cases.map((c) => [`${c.spec} ${c.name}`, c] as const))("%s", (_title, c) => {
    const { issues, dir } = issuesOf(c.conf);
    const first = issues[0];
    expect(first).toBeDefined();
    if (!first) return;
    const expected = c.message.split("<DIR>").join(dir);
    // our own additions (after supervisord's text) are allowed only as a parenthesised note
    if (first.message !== expected) expect(first.message.startsWith(expected + " (tsupervisord")).toBe(true);
    expect(first.file).toBe(path.join(dir, "supervisord.conf"));
    const parseLine = /\[line +(\d+)\]/.exec(c.message)?.[1] ?? /, line: (\d+)/.exec(c.message)?.[1];
    if (c.line !== null) expect(first.line).toBe(c.line);
    else if (parseLine !== undefined) expect(first.line).toBe(Number(parseLine));
    if (c.option !== null) expect(first.option).toBe(c.option);
    if (c.section !== null) expect(first.section).toBe(c.section);
  });
});
