/** issue 15: tsctl logrotate / logs argument handling (the RPCs themselves: test/daemon/log-pipeline.test.ts). */
import { describe, expect, it } from "vitest";
import { parseSince } from "../src/commands/log-pipeline.js";
import { helpFor, helpIndex } from "../src/help.js";
import { FakeBackend } from "./fake-backend.js";
import { run } from "./helpers.js";

describe("tsctl logs --since values", () => {
  const now = Date.UTC(2026, 11, 4, 15, 0, 0);
  it("relative durations and absolute times", () => {
    expect(parseSince("2h", now)).toBe(now - 2 * 3_600_000);
    expect(parseSince("30m", now)).toBe(now - 30 * 60_000);
    expect(parseSince("7d", now)).toBe(now - 7 * 86_400_000);
    expect(parseSince("2026-12-04T14:00:00Z", now)).toBe(Date.UTC(2026, 11, 4, 14));
    expect(parseSince("yesterday", now)).toBeNull();
    expect(parseSince("2h30", now)).toBeNull();
  });
});

describe("help for tsctl's own log commands", () => {
  it("help logrotate / help logs answer; both are listed in the tsctl section only", () => {
    expect(helpFor("logrotate")[0]).toMatch(/^logrotate\t/u);
    expect(helpFor("logs")[0]).toMatch(/^logs <name>/u);
    const index = helpIndex().join("\n");
    const tsctlSection = index.indexOf("tsctl commands");
    expect(index.slice(0, tsctlSection)).not.toMatch(/logrotate|logs/u);
    expect(index.slice(tsctlSection)).toContain("completion  disable  enable  logrotate  logs  top  whoami");
  });

  it("usage errors without a daemon round trip beyond the upcheck", async () => {
    const r = await run(new FakeBackend([]), "logs");
    expect(r.out).toBe("Error: usage: logs <name> [stdout|stderr] [--since 2h]\n");
    expect(r.exit).toBe(1);
    const bad = await run(new FakeBackend([]), "logrotate --later");
    expect(bad.out).toBe("Error: unknown option --later (usage: logrotate [--now] [<name>...|all])\n");
    expect(bad.exit).toBe(1);
  });
});
