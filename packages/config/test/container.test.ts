import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseEnvFile, parseEnvFileList } from "../src/ext/env-file.js";
import { parseDuration, STOP_DEADLINE_ENV } from "../src/ext/container.js";
import { EXTENSION_KEYS } from "../src/extension-keys.js";
import { BASE, TEST_ENV, issuesOf, read } from "./helpers.js";

describe("environment files: systemd EnvironmentFile rules", () => {
  it("KEY=VALUE lines; comments (# and ;) and blank lines ignored; blanks around key and value dropped", () => {
    const parsed = parseEnvFile("# a comment\n; another\n\nA=1\n  B = two words  \nC=\n\tD=x # not a comment\n");
    expect(parsed.problems).toEqual([]);
    expect(parsed.values).toEqual({ A: "1", B: "two words", C: "", D: "x # not a comment" });
  });

  it("single quotes are literal, double quotes know \\\" \\\\ \\` \\$ and keep other backslashes", () => {
    const parsed = parseEnvFile(`S='a \\n "b" $HOME'\nD="say \\"hi\\" \\\\ \\$HOME \\q"\nM="line1\nline2"\nZ=x'y z'w\n`);
    expect(parsed.problems).toEqual([]);
    expect(parsed.values).toEqual({
      S: 'a \\n "b" $HOME',
      D: 'say "hi" \\ $HOME \\q',
      M: "line1\nline2",
      Z: "xy zw",
    });
  });

  it("unquoted backslash escapes the next character; backslash-newline continues the value", () => {
    const parsed = parseEnvFile("A=one\\ two\\\\\nB=first \\\n  second\nC=after\n");
    expect(parsed.problems).toEqual([]);
    expect(parsed.values).toEqual({ A: "one two\\", B: "first   second", C: "after" });
  });

  it("no expansion, a key set twice keeps the last value, CRLF files read as LF", () => {
    const parsed = parseEnvFile("P=$PATH:/x\r\nP=${HOME}\r\n");
    expect(parsed.values).toEqual({ P: "${HOME}" });
  });

  it("malformed lines are problems with their line number; the good lines still parse", () => {
    const parsed = parseEnvFile("A=1\nexport B=2\nnot an assignment\n3C=x\nD=\"open\n");
    expect(parsed.values).toEqual({ A: "1" });
    expect(parsed.problems).toEqual([
      { line: 2, message: '"export B" is not a valid environment variable name' },
      { line: 3, message: 'expected KEY=VALUE, found "not an assignment"' },
      { line: 4, message: '"3C" is not a valid environment variable name' },
      { line: 5, message: "D: unterminated double-quoted value" },
    ]);
  });

  it("lists: comma-separated, '-' marks a file optional", () => {
    expect(parseEnvFileList("-/etc/a.env, /etc/b.env")).toEqual([
      { path: "/etc/a.env", optional: true },
      { path: "/etc/b.env", optional: false },
    ]);
  });
});

describe("stop_deadline durations", () => {
  it.each([
    ["25s", 25_000],
    ["25", 25_000],
    ["2.5", 2_500],
    ["1m30s", 90_000],
    ["500ms", 500],
    ["1h", 3_600_000],
  ])("%s -> %d ms", (raw, ms) => {
    expect(parseDuration(raw)).toBe(ms);
  });
  it.each(["", "0", "0s", "-5s", "5 sec", "s", "1d"])("%j is refused", (raw) => {
    expect(() => parseDuration(raw)).toThrow();
  });
});

describe("container keys in supervisord.conf", () => {
  it("defaults: nothing essential, exit_when any-essential-failed, no deadline, no env files", () => {
    const config = read(`${BASE}[program:a]\ncommand=/bin/cat\n`);
    expect(config.supervisord.container).toBeUndefined();
    expect(config.groups[0]?.processes[0]?.essential).toBeUndefined();
  });

  it("essential, exit_when and stop_deadline are read; TSUPERVISORD_STOP_DEADLINE overrides the file", () => {
    const text = `${BASE.replace("[supervisord]\n", "[supervisord]\nexit_when = all-exited\nstop_deadline = 25s\n")}[program:a]\ncommand=/bin/cat\nessential=true\n`;
    const config = read(text);
    expect(config.supervisord.container?.exitWhen).toBe("all-exited");
    expect(config.supervisord.container?.stopDeadlineMs).toBe(25_000);
    expect(config.supervisord.container?.stopDeadlineSource).toBe("config");
    expect(config.groups[0]?.processes[0]?.essential).toBe(true);
    const fromEnv = read(text, { env: { ...TEST_ENV, [STOP_DEADLINE_ENV]: "7s" } });
    expect(fromEnv.supervisord.container?.stopDeadlineMs).toBe(7_000);
    expect(fromEnv.supervisord.container?.stopDeadlineSource).toBe("env");
  });

  it("bad values are errors with file, line, section and option", () => {
    const text = `${BASE.replace("[supervisord]\n", "[supervisord]\nexit_when = sometimes\nstop_deadline = soon\n")}[program:a]\ncommand=/bin/cat\nessential=maybe\n`;
    const { issues, dir } = issuesOf(text);
    const conf = path.join(dir, "supervisord.conf");
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ file: conf, line: 2, section: "supervisord", option: "exit_when" }),
        expect.objectContaining({ file: conf, line: 3, section: "supervisord", option: "stop_deadline" }),
        expect.objectContaining({ file: conf, line: 10, section: "program:a", option: "essential" }),
      ]),
    );
    const env = issuesOf(`${BASE}[program:a]\ncommand=/bin/cat\n`, { env: { ...TEST_ENV, [STOP_DEADLINE_ENV]: "x" } });
    expect(env.issues.map((i) => i.message)).toEqual([expect.stringContaining(STOP_DEADLINE_ENV)]);
  });

  it("precedence: daemon env < [supervisord] environment_file < [supervisord] environment < program file < program environment", () => {
    const text = [
      BASE.replace("[supervisord]\n", "[supervisord]\nenvironment_file=%(here)s/global.env\nenvironment=G2=global-inline,SHARED=global-inline\n"),
      "[program:a]",
      "command=/bin/cat",
      "environment_file=%(here)s/a.env, -%(here)s/missing.env",
      "environment=OWN=inline",
      "",
    ].join("\n");
    const files = {
      "global.env": "G1=global-file\nG2=global-file\nSHARED=global-file\n",
      "a.env": "SHARED=program-file\nOWN=program-file\nSECRET='s3 cr3t'\n",
    };
    const config = read(text, {}, files);
    const proc = config.groups[0]?.processes[0];
    expect(proc?.environment).toEqual({
      G1: "global-file",
      G2: "global-inline",
      SHARED: "program-file",
      OWN: "inline",
      SECRET: "s3 cr3t",
    });
    expect(proc?.environmentFiles?.map((f) => path.basename(f))).toEqual(["a.env", "missing.env"]);
    expect(config.supervisord.container?.environmentFiles.map((f) => path.basename(f))).toEqual(["global.env"]);
  });

  it("a missing required file and a malformed line are errors (the line points into the env file)", () => {
    const text = `${BASE}[program:a]\ncommand=/bin/cat\nenvironment_file=%(here)s/nope.env\n\n[program:b]\ncommand=/bin/cat\nenvironment_file=%(here)s/bad.env\n`;
    const { issues, dir } = issuesOf(text, {}, { "bad.env": "OK=1\n\nBROKEN LINE\n" });
    expect(issues).toEqual([
      expect.objectContaining({
        section: "program:a",
        option: "environment_file",
        line: 8,
        message: expect.stringContaining(`${path.join(dir, "nope.env")} does not exist`),
      }),
      expect.objectContaining({
        file: path.join(dir, "bad.env"),
        line: 3,
        section: "program:b",
        option: "environment_file",
      }),
    ]);
  });

  it("every key is registered in the extension-key table", () => {
    const rows = EXTENSION_KEYS.map((k) => `${k.section}.${k.key}`);
    for (const key of ["program.essential", "program.environment_file", "supervisord.exit_when", "supervisord.stop_deadline", "supervisord.environment_file"]) {
      expect(rows).toContain(key);
    }
  });
});
