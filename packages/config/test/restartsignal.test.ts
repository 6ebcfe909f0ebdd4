/** issue 18: `restartsignal =` (extension key): a signal name or number, validated with file, line and option. */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { EXTENSION_KEYS } from "../src/extension-keys.js";
import { BASE, issuesOf, onlyProcess, readWithBase } from "./helpers.js";

describe("restartsignal", () => {
  it("absent by default: restart stays stop+start", () => {
    expect(onlyProcess(readWithBase("[program:a]\ncommand=/bin/cat\n")).restartsignal).toBeUndefined();
  });

  it("takes signal names as stopsignal does (HUP, SIGUSR2, any case) and numbers", () => {
    const of = (value: string): unknown => onlyProcess(readWithBase(`[program:a]\ncommand=/bin/cat\nrestartsignal=${value}\n`)).restartsignal;
    expect(of("HUP")).toEqual({ name: "HUP", number: 1 });
    expect(of("sigusr2")).toEqual({ name: "USR2", number: 12 });
    expect(of("10")).toEqual({ name: "USR1", number: 10 });
  });

  it("a bad value is an error naming the file, line, section and option", () => {
    const { issues, dir } = issuesOf(`${BASE}[program:a]\ncommand=/bin/cat\nrestartsignal=RELOAD\n`);
    expect(issues).toEqual([
      expect.objectContaining({ file: path.join(dir, "supervisord.conf"), line: 8, section: "program:a", option: "restartsignal" }),
    ]);
    expect(issues[0]?.message).toContain("RELOAD");
  });

  it("is registered as an extension key", () => {
    expect(EXTENSION_KEYS.some((k) => k.section === "program" && k.key === "restartsignal")).toBe(true);
  });
});
