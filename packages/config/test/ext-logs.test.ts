/** issue 15: the log-pipeline extension keys: values, defaults, errors with file/line/option. */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { EXTENSION_KEYS, splitDestinations } from "../src/index.js";
import { BASE, issuesOf, onlyProcess, read, readWithBase, tempDir } from "./helpers.js";

/** Root with CAP_SYS_ADMIN (a read-only tmpfs is the one unwritable directory root cannot write to). */
function canMountReadOnly(): boolean {
  if (process.getuid?.() !== 0) return false;
  const dir = tempDir();
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "ro,size=16k", "tmpfs", dir], { stdio: "ignore" });
    execFileSync("umount", [dir], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

const prog = (lines: string) => `[program:app]\ncommand=/bin/cat\n${lines}\n`;

describe("log pipeline keys", () => {
  it("no extension key: the channel has no `ext` (supervisord's behaviour exactly)", () => {
    const p = onlyProcess(readWithBase(prog("stdout_logfile=%(here)s/app.log")));
    expect(p.stdout.ext).toBeUndefined();
  });

  it("every key read, with defaults filled in", () => {
    const p = onlyProcess(
      readWithBase(
        prog(
          [
            "stdout_logfile=%(here)s/app.log",
            "stdout_logfile_rotate = size+@02:30",
            "stdout_logfile_compress = gzip",
            "stdout_logfile_maxage = 14d",
            "stdout_log_format = json",
            "stdout_log_line_maxbytes = 4KB",
            "stdout_rate_limit = 10MB/s",
            "stderr_log_format = line",
          ].join("\n"),
        ),
      ),
    );
    expect(p.stdout.ext).toEqual({
      destinations: [],
      rotate: { size: true, time: { kind: "at", hour: 2, minute: 30 } },
      suffix: "date",
      compress: "gzip",
      maxageMs: 14 * 86_400_000,
      format: "json",
      maxLineBytes: 4096,
      rateLimit: { bytesPerSecond: 10 * 1024 * 1024, burstBytes: 10 * 1024 * 1024, action: "block" },
    });
    expect(p.stderr.ext).toMatchObject({ format: "line", rotate: { size: true, time: null }, suffix: "number", compress: "none" });
  });

  it("several destinations: the `a, b` list form with absolute paths, and *_logfile_also", () => {
    const dir = tempDir();
    const p = onlyProcess(
      read(
        BASE +
          prog(`stdout_logfile = ${dir}/app.log, /dev/stdout\nstderr_logfile=${dir}/err.log\nstderr_logfile_also = /dev/stderr, ${dir}/copy.log`),
      ),
    );
    expect(p.stdout.logfile).toEqual({ kind: "file", path: `${dir}/app.log` });
    expect(p.stdout.ext?.destinations).toEqual(["/dev/stdout"]);
    expect(p.stderr.ext?.destinations).toEqual(["/dev/stderr", `${dir}/copy.log`]);
  });

  it("a comma without the list form stays one path, as supervisord reads it", () => {
    expect(splitDestinations("/var/log/a.log,/dev/stdout")).toBeNull();
    expect(splitDestinations("/var/log/a.log, relative.log")).toBeNull();
    expect(splitDestinations("/var/log/a.log, /dev/stdout")).toEqual(["/var/log/a.log", "/dev/stdout"]);
  });

  it("a changed extension key is a changed program for reread/update", async () => {
    const { processConfigEquals } = await import("../src/index.js");
    const a = onlyProcess(readWithBase(prog("stdout_log_format = line")));
    const b = onlyProcess(readWithBase(prog("stdout_log_format = json")));
    const c = onlyProcess(readWithBase(prog("stdout_log_format = line")));
    expect(processConfigEquals(a, b)).toBe(false);
    expect(processConfigEquals(a, c)).toBe(true);
  });

  it("[supervisord] activity-log keys", () => {
    const c = read(
      "[supervisord]\nlogfile=%(here)s/sd.log\npidfile=%(here)s/sd.pid\nlogfile_format=json\nlogfile_rotate=daily\nlogfile_compress=gzip\nlogfile_maxage=2w\n",
    );
    expect(c.supervisord.logfileExt).toEqual({
      rotate: { size: false, time: { kind: "daily" } },
      suffix: "date",
      compress: "gzip",
      maxageMs: 14 * 86_400_000,
      format: "json",
    });
  });

  it("every key this feature reads is registered in EXTENSION_KEYS", () => {
    const keys = new Set(EXTENSION_KEYS.map((k) => `${k.section}.${k.key}`));
    for (const ch of ["stdout", "stderr"]) {
      for (const k of ["logfile_rotate", "logfile_rotate_suffix", "logfile_compress", "logfile_maxage", "logfile_also", "log_format", "log_line_maxbytes", "rate_limit", "rate_limit_burst", "rate_limit_action"]) {
        expect(keys.has(`program.${ch}_${k}`)).toBe(true);
      }
    }
    for (const k of ["logfile_rotate", "logfile_rotate_suffix", "logfile_compress", "logfile_maxage", "logfile_format"]) {
      expect(keys.has(`supervisord.${k}`)).toBe(true);
    }
  });
});

describe("log pipeline keys: bad input is a config error with file, line and option", () => {
  const cases: Array<[string, string, string, RegExp]> = [
    ["unknown format", "stdout_log_format = xml", "stdout_log_format", /'xml' is not a log format \(expected raw, line or json\)/u],
    ["bad rotate spec", "stdout_logfile_rotate = weekly", "stdout_logfile_rotate", /'weekly' is not a rotation spec/u],
    ["bad time", "stderr_logfile_rotate = @25:00", "stderr_logfile_rotate", /'@25:00' is not a rotation spec/u],
    ["two times", "stdout_logfile_rotate = daily+hourly", "stdout_logfile_rotate", /is not a rotation spec/u],
    ["zstd", "stdout_logfile_compress = zstd", "stdout_logfile_compress", /zstd is not available .* use gzip/u],
    ["bad maxage", "stdout_logfile_maxage = 14", "stdout_logfile_maxage", /'14' is not a duration/u],
    ["bad rate", "stdout_rate_limit = fast", "stdout_rate_limit", /'fast' is not a rate/u],
    ["bad action", "stdout_rate_limit_action = ignore", "stdout_rate_limit_action", /not a rate-limit action/u],
    ["bad suffix", "stdout_logfile_rotate_suffix = letters", "stdout_logfile_rotate_suffix", /not a rotated-name style/u],
  ];
  it.each(cases)("%s", (_name, line, option, message) => {
    const text = `${BASE}[program:app]\ncommand=/bin/cat\n${line}\n`;
    const { issues, dir } = issuesOf(text);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ file: path.join(dir, "supervisord.conf"), line: 8, option, section: "program:app" });
    expect(issues[0]?.message).toMatch(message);
  });

  it("[supervisord] logfile_format=xml is located too", () => {
    const { issues } = issuesOf("[supervisord]\nlogfile=%(here)s/sd.log\nlogfile_format = xml\n");
    expect(issues[0]).toMatchObject({ line: 3, option: "logfile_format", section: "supervisord" });
  });

  it.skipIf(!canMountReadOnly())("an unwritable log directory (read-only mount) with rotation keys", () => {
    const ro = tempDir();
    execFileSync("mount", ["-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", ro]);
    try {
      const { issues, dir } = issuesOf(`${BASE}[program:app]\ncommand=/bin/cat\nstdout_logfile=${ro}/app.log\nstdout_logfile_rotate=daily\n`);
      expect(issues[0]).toMatchObject({ file: path.join(dir, "supervisord.conf"), line: 8, option: "stdout_logfile" });
      expect(issues[0]?.message).toMatch(new RegExp(`The directory ${ro} of the log file ${ro}/app.log is not writable \\(EROFS\\)`, "u"));
      // Without extension keys the same file is accepted, as supervisord accepts it.
      expect(() => read(`${BASE}[program:app]\ncommand=/bin/cat\nstdout_logfile=${ro}/app.log\n`)).not.toThrow();
    } finally {
      execFileSync("umount", [ro]);
      fs.rmSync(ro, { recursive: true, force: true });
    }
  });
});
