import path from "node:path";
import { describe, expect, it } from "vitest";
import { EXTENSION_KEYS } from "../src/extension-keys.js";
import { issuesOf, read } from "./helpers.js";

const base = "[supervisord]\nlogfile=%(here)s/sd.log\npidfile=%(here)s/sd.pid\nchildlogdir=%(here)s\n";

describe("[supervisord] statefile (issue 18)", () => {
  it("is registered as an extension key", () => {
    expect(EXTENSION_KEYS).toContainEqual(expect.objectContaining({ section: "supervisord", key: "statefile" }));
  });

  it("absent: no statefile (nothing persisted), the settings read as before", () => {
    expect(read(`${base}[program:a]\ncommand=/bin/cat\n`).supervisord.statefile).toBeUndefined();
  });

  it("expands %(here)s and resolves to an absolute path", () => {
    const config = read(`${base}statefile=%(here)s/desired.json\n[program:a]\ncommand=/bin/cat\n`);
    expect(config.supervisord.statefile).toBe(path.join(config.here, "desired.json"));
  });

  it("a missing directory, a directory and an empty value are errors with file, line and option", () => {
    for (const value of ["%(here)s/nope/state.json", "%(here)s", ""]) {
      const { issues, dir } = issuesOf(`${base}statefile=${value}\n[program:a]\ncommand=/bin/cat\n`);
      expect(issues).toEqual([
        expect.objectContaining({ file: path.join(dir, "supervisord.conf"), line: 5, section: "supervisord", option: "statefile" }),
      ]);
    }
  });
});
