import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach } from "vitest";
import { isConfigError, type ConfigIssue } from "@tsupervisord/errors";
import { readConfig } from "../src/index.js";
import type { Config, ReadConfigOptions } from "../src/index.js";

export const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures");

/** The fixed outside world every test reads configs in (the goldens were recorded with the same). */
export const TEST_ENV: Record<string, string> = {
  PATH: "/usr/bin:/bin",
  HOME: "/root",
  TMPDIR: "/tmp",
  LC_CTYPE: "C.UTF-8",
};

export function testOptions(extra: ReadConfigOptions = {}): ReadConfigOptions {
  return {
    env: TEST_ENV,
    hostname: "testhost",
    passwdFile: path.join(FIXTURES, "users", "passwd"),
    groupFile: path.join(FIXTURES, "users", "group"),
    uid: 0,
    tempDir: "/tmp",
    ...extra,
  };
}

const tempDirs: string[] = [];
afterEach(() => {
  while (tempDirs.length > 0) rmSync(tempDirs.pop() ?? "", { recursive: true, force: true });
});

/** A fresh directory under the OS temp dir, removed after the test. */
export function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tsup-config-"));
  tempDirs.push(dir);
  return dir;
}

/** Writes `files` (relative path -> text) into a fresh temp dir; returns the dir. */
export function writeTree(files: Record<string, string>): string {
  const dir = tempDir();
  for (const [rel, text] of Object.entries(files)) {
    const full = path.join(dir, rel);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, text);
  }
  return dir;
}

/** The minimal valid `[supervisord]` section, with every path inside the config's directory. */
export const BASE = "[supervisord]\nlogfile=%(here)s/sd.log\npidfile=%(here)s/sd.pid\nchildlogdir=%(here)s\n\n";

/** Writes `text` as supervisord.conf in a temp dir and reads it. */
export function read(text: string, extra: ReadConfigOptions = {}, files: Record<string, string> = {}): Config {
  const dir = writeTree({ "supervisord.conf": text, ...files });
  return readConfig(path.join(dir, "supervisord.conf"), testOptions(extra));
}

/** Like `read` with BASE prepended. */
export function readWithBase(text: string, extra: ReadConfigOptions = {}): Config {
  return read(BASE + text, extra);
}

/** Reads and returns the issues (fails the test when the config is accepted). */
export function issuesOf(text: string, extra: ReadConfigOptions = {}, files: Record<string, string> = {}): {
  issues: readonly ConfigIssue[];
  dir: string;
} {
  const dir = writeTree({ "supervisord.conf": text, ...files });
  try {
    readConfig(path.join(dir, "supervisord.conf"), testOptions(extra));
  } catch (err) {
    if (isConfigError(err)) return { issues: err.issues, dir };
    throw err;
  }
  throw new Error("expected a ConfigError, the config was accepted");
}

/** The single process of a one-program config. */
export function onlyProcess(config: Config): Config["groups"][number]["processes"][number] {
  const procs = config.groups.flatMap((g) => g.processes);
  if (procs.length !== 1 || !procs[0]) throw new Error(`expected one process, got ${procs.length}`);
  return procs[0];
}
