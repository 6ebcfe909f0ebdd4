import * as fs from "node:fs";
import * as path from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { isSupervisorError } from "@tsupervisord/errors";
import { createActivityLog, createSyslogSender, redactEnvironment, redactSecrets } from "../src/index.js";
import type { ActivityLogSettings } from "../src/index.js";
import { read, tempDir } from "./helpers.js";

const LINE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3} (CRIT|ERRO|WARN|INFO|DEBG|TRAC|BLAT) /;

function settings(dir: string, overrides: Partial<ActivityLogSettings> = {}): ActivityLogSettings {
  return {
    logfile: path.join(dir, "supervisord.log"),
    logfileMaxbytes: 50 * 1024 * 1024,
    logfileBackups: 10,
    loglevel: "info",
    nodaemon: false,
    silent: false,
    ...overrides,
  };
}

function lines(file: string): string[] {
  return read(file).split("\n").filter((l) => l !== "");
}

describe("createActivityLog", () => {
  it("MLG-01: `YYYY-MM-DD HH:MM:SS,mmm LEVEL message` lines, local time, multi-line messages as is", async () => {
    const dir = tempDir();
    const log = createActivityLog(settings(dir, { loglevel: "blather" }));
    const before = new Date();
    log.critical("crit");
    log.error("erro");
    log.warn("warn");
    log.info("spawned: 'web' with pid 42");
    log.debug("debg");
    log.trace("trac");
    log.blather("blat");
    log.info("two\nlines");
    await log.close();
    const text = read(path.join(dir, "supervisord.log"));
    const got = text.split("\n").filter((l) => LINE.test(l)).map((l) => l.slice(24));
    expect(got).toEqual([
      "CRIT crit",
      "ERRO erro",
      "WARN warn",
      "INFO spawned: 'web' with pid 42",
      "DEBG debg",
      "TRAC trac",
      "BLAT blat",
      "INFO two",
    ]);
    expect(text.endsWith("INFO two\nlines\n")).toBe(true);
    const pad = (n: number) => String(n).padStart(2, "0");
    expect(text.slice(0, 13)).toBe(`${before.getFullYear()}-${pad(before.getMonth() + 1)}-${pad(before.getDate())} ${pad(before.getHours())}`);
  });

  it("MLG-02: only messages at or above loglevel are written", async () => {
    const dir = tempDir();
    const log = createActivityLog(settings(dir, { loglevel: "warn" }));
    log.info("hidden");
    log.debug("hidden");
    log.warn("shown");
    log.error("shown too");
    expect(log.isLevelEnabled("warn")).toBe(true);
    expect(log.isLevelEnabled("info")).toBe(false);
    await log.close();
    expect(lines(path.join(dir, "supervisord.log")).map((l) => l.slice(24))).toEqual(["WARN shown", "ERRO shown too"]);
  });

  it("MLG-03: stdout copy when nodaemon and not silent; none when silent", async () => {
    const dir = tempDir();
    const out = new PassThrough();
    let copied = "";
    out.on("data", (c: Buffer) => (copied += c.toString()));
    const log = createActivityLog(settings(dir, { nodaemon: true, stdout: out }));
    log.info("to both");
    await log.close();
    expect(copied).toMatch(LINE);
    expect(copied.endsWith("INFO to both\n")).toBe(true);

    const quiet = new PassThrough();
    let quietText = "";
    quiet.on("data", (c: Buffer) => (quietText += c.toString()));
    const silent = createActivityLog(settings(dir, { nodaemon: true, silent: true, stdout: quiet }));
    silent.info("file only");
    await silent.close();
    expect(quietText).toBe("");
  });

  it("MLG-03 / ROT-01: the activity log rotates by logfile_maxbytes / logfile_backups", async () => {
    const dir = tempDir();
    const log = createActivityLog(settings(dir, { logfileMaxbytes: 200, logfileBackups: 2 }));
    for (let i = 0; i < 30; i += 1) log.info(`message number ${i}`);
    await log.close();
    const f = path.join(dir, "supervisord.log");
    expect(fs.readdirSync(dir).sort()).toEqual(["supervisord.log", "supervisord.log.1", "supervisord.log.2"]);
    // Rotation happens after a write, so the newest line is at the end of the current file or of `.1`.
    expect([...lines(`${f}.1`), ...lines(f)].at(-1)).toMatch(/INFO message number 29$/);
    for (const backup of [`${f}.1`, `${f}.2`]) expect(fs.statSync(backup).size).toBeGreaterThanOrEqual(200);
  });

  it("JSON mode writes one pino JSON object per line with supervisord's level numbers", async () => {
    const dir = tempDir();
    const log = createActivityLog(settings(dir, { json: true }));
    log.log("warn", "structured", { group: "web", password: "hunter22", environment: { TOKEN: "abc" } });
    await log.close();
    const record = JSON.parse(lines(path.join(dir, "supervisord.log"))[0]!) as Record<string, unknown>;
    expect(record).toMatchObject({ level: 30, levelName: "warn", msg: "structured", group: "web" });
    expect(record.password).toBe("[redacted]");
    expect(record.environment).toBe("[redacted]");
    expect(typeof record.time).toBe("number");
  });

  it("secrets are never logged: addSecrets masks them in messages; helpers for text and environments", async () => {
    const dir = tempDir();
    const log = createActivityLog(settings(dir));
    log.addSecrets(["s3cret-pass"]);
    log.info("auth failed for user with password s3cret-pass");
    await log.close();
    const text = read(path.join(dir, "supervisord.log"));
    expect(text).not.toContain("s3cret-pass");
    expect(text).toContain("password [redacted]");
    expect(redactSecrets("a=hunter22 b=x", ["hunter22", "x"])).toBe("a=[redacted] b=x");
    expect(redactEnvironment({ A: "1", B: "2" })).toEqual({ A: "[redacted]", B: "[redacted]" });
  });

  it("CLR-01: reopen() after an external rename writes to a new file", async () => {
    const dir = tempDir();
    const f = path.join(dir, "supervisord.log");
    const log = createActivityLog(settings(dir));
    log.info("before");
    await log.flush();
    fs.renameSync(f, `${f}.old`);
    await log.reopen();
    log.info("after");
    await log.close();
    expect(lines(`${f}.old`).map((l) => l.slice(24))).toEqual(["INFO before"]);
    expect(lines(f).map((l) => l.slice(24))).toEqual(["INFO after"]);
  });

  it("CLR-03: clear() deletes and reopens; NO_FILE when the file is absent or the log goes to syslog", async () => {
    const dir = tempDir();
    const f = path.join(dir, "supervisord.log");
    const log = createActivityLog(settings(dir));
    log.info("old content");
    await log.flush();
    await log.clear();
    log.info("new content");
    await log.flush();
    expect(lines(f).map((l) => l.slice(24))).toEqual(["INFO new content"]);
    fs.unlinkSync(f);
    await expect(log.clear()).rejects.toSatisfy((e: unknown) => isSupervisorError(e) && e.code === "NO_FILE");
    await log.close();

    const warnings: string[] = [];
    const syslog = createSyslogSender({ socketPath: path.join(dir, "no-dev-log"), onWarning: (m) => warnings.push(m) });
    const viaSyslog = createActivityLog(settings(dir, { logfile: "syslog", syslog }));
    expect(viaSyslog.file).toBeNull();
    await expect(viaSyslog.clear()).rejects.toSatisfy((e: unknown) => isSupervisorError(e) && e.code === "NO_FILE");
    viaSyslog.info("dropped: no syslog here");
    viaSyslog.info("dropped too, without a second warning");
    await viaSyslog.close();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/syslog unavailable/);
    expect(syslog.linesDropped).toBe(2);
  });
});
