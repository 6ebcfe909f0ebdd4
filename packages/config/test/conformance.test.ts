/**
 * Every conformance case's supervisord.conf (copied from /work/shared/conformance/cases into
 * fixtures/conformance) parses, or is refused for the `invalid-*` ones, and yields exactly the process names
 * supervisord 4.2.5 showed in that case's first `status`/`avail` transcript (and, for `avail`, the same
 * autostart flag and group:process priorities).
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { isConfigError } from "@tsupervisord/errors";
import { makeNamespec, readConfig, type Config } from "../src/index.js";
import { FIXTURES, testOptions } from "./helpers.js";

const DIR = path.join(FIXTURES, "conformance");
const cases = readdirSync(DIR).sort();

/** The rows of the first `$ ctl <command>` block of a transcript. */
function firstBlock(expected: string, command: string): string[] | null {
  const lines = expected.split("\n");
  const start = lines.indexOf(`$ ctl ${command}`);
  if (start === -1) return null;
  const rows: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith("[exit")) break;
    rows.push(line);
  }
  return rows;
}

function readCase(name: string): Config {
  return readConfig(path.join(DIR, name, "supervisord.conf"), testOptions({ env: { CONF_GREETING: "hi", CONF_PORT: "9999", HOME: "/root" } }));
}

describe("conformance configs", () => {
  it("the sample is all there", () => expect(cases.length).toBeGreaterThanOrEqual(15));

  it.each(cases.filter((c) => c.startsWith("invalid-")))("%s is refused like supervisord refused it", (name) => {
    const expected = readFileSync(path.join(DIR, name, "expected.txt"), "utf8");
    const recorded = /\[info\] message: Error: (.*)/.exec(expected)?.[1] ?? "";
    let err: unknown;
    try {
      readCase(name);
    } catch (e) {
      err = e;
    }
    expect(isConfigError(err)).toBe(true);
    if (!isConfigError(err)) return;
    const first = err.issues[0];
    expect(first?.line).toBeGreaterThan(0);
    expect(first?.file).toMatch(new RegExp(`^${path.join(DIR, name)}/`));
    // the recorded message names the case dir as <CASE>; only its first line is recorded
    expect(first?.message.split(path.join(DIR, name)).join("<CASE>").split("\n")[0]).toBe(recorded);
  });

  it.each(cases.filter((c) => !c.startsWith("invalid-")))("%s gives supervisord's process names", (name) => {
    const expected = readFileSync(path.join(DIR, name, "expected.txt"), "utf8");
    const config = readCase(name);
    const ours = config.groups.flatMap((g) => g.processes.map((p) => makeNamespec(g.name, p.name)));
    const status = firstBlock(expected, "status");
    const avail = firstBlock(expected, "avail");
    // cases without a status/avail step stop everything they started: `name: stopped` per process
    const stopped = firstBlock(expected, "stop all")?.map((r) => r.replace(/: [^:]*$/, "")) ?? null;
    expect(status ?? avail ?? stopped).not.toBeNull();
    for (const rows of [status, avail]) {
      if (rows === null) continue;
      expect([...ours].sort()).toEqual(rows.map((r) => r.split(/\s+/)[0]).sort());
    }
    if (status === null && avail === null && stopped !== null) expect([...ours].sort()).toEqual([...stopped].sort());
    if (avail !== null) {
      const byName = new Map(config.groups.flatMap((g) => g.processes.map((p) => [makeNamespec(g.name, p.name), [g, p] as const])));
      for (const row of avail) {
        const [spec, , , auto, prios] = row.split(/\s+/);
        const entry = byName.get(spec ?? "");
        expect(entry).toBeDefined();
        if (!entry) continue;
        const [g, p] = entry;
        expect(auto).toBe(p.autostart ? "auto" : "manual");
        expect(prios).toBe(`${g.priority}:${p.priority}`);
      }
    }
  });
});
