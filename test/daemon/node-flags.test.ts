/**
 * issue 20: the daemon's V8 flags (bin/tsupervisord: heap sizing, --no-opt, --v8-pool-size=1) are node
 * command-line flags, never NODE_OPTIONS, so the programs see exactly the environment supervisord would give them:
 * the daemon's own plus SUPERVISOR_*. Checked for both ways the launcher starts: foreground, and daemon mode,
 * where the daemon re-spawns itself with process.execArgv (src/runtime/daemonize.ts).
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cleanupAfterEach, isAlive, REPO_ROOT, TestDir, waitFor } from "./lib/daemon.js";

const track = cleanupAfterEach();
const LAUNCHER = join(REPO_ROOT, "apps/daemon/bin/tsupervisord");
// The flags' one source (its first line); the rest of the file says why each.
const FLAGS = fs.readFileSync(join(REPO_ROOT, "apps/daemon/node-flags"), "utf8").split("\n", 1)[0]!.trim().split(/\s+/);

/** What the daemon is started with: a small environment of our choosing, without NODE_OPTIONS. */
function daemonEnv(): Record<string, string> {
  return { PATH: process.env["PATH"] ?? "/usr/bin:/bin", HOME: process.env["HOME"] ?? "/", LANG: "C.UTF-8", H22C_MARK: "kept" };
}

function parseEnv(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split("\0")
      .filter((l) => l !== "")
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );
}

function config(dir: TestDir): string {
  return ["[program:printenv]", "command=/usr/bin/env -0", "startsecs=0", "autorestart=false", `stdout_logfile=${dir.file("env.out")}`, ""].join("\n");
}

async function childEnvOf(dir: TestDir): Promise<Record<string, string>> {
  const out = dir.file("env.out");
  await waitFor("the program's environment", () => fs.existsSync(out) && fs.readFileSync(out, "utf8").includes("SUPERVISOR_GROUP_NAME="), 20_000);
  return parseEnv(fs.readFileSync(out, "utf8"));
}

function expectSupervisordEnvironment(child: Record<string, string>, cwd: string): void {
  const ours = Object.fromEntries(Object.entries(child).filter(([k]) => !k.startsWith("SUPERVISOR_")));
  // The launcher is a /bin/sh script, and sh exports PWD (its cwd) before the exec: the one variable it adds,
  // and one a login shell has set anyway. Nothing of node's flags shows.
  const { PWD, ...rest } = ours;
  expect(rest).toEqual(daemonEnv());
  expect(PWD === undefined || PWD === cwd).toBe(true);
  expect(child["SUPERVISOR_ENABLED"]).toBe("1");
  expect(child["SUPERVISOR_PROCESS_NAME"]).toBe("printenv");
  expect(child["NODE_OPTIONS"]).toBeUndefined();
}

function cmdline(pid: number): string[] {
  return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
}

describe("node flags of the launcher (issue 20)", () => {
  it("are written once: the bundle's shebang carries the same flags as the launcher", () => {
    expect(FLAGS).toContain("--no-opt");
    const firstLine = fs.readFileSync(join(REPO_ROOT, "apps/daemon/dist/tsupervisord.js"), "utf8").split("\n", 1)[0];
    expect(firstLine).toBe(`#!/usr/bin/env -S node ${FLAGS.join(" ")}`);
  });

  it("foreground: the daemon runs with the flags; its program's environment is the daemon's plus SUPERVISOR_*", async () => {
    const dir = track.dir();
    dir.writeConfig(config(dir));
    const daemon = spawn(LAUNCHER, ["-n", "-c", dir.conf], { cwd: dir.root, env: daemonEnv(), stdio: "ignore" });
    track.pid(daemon.pid!);
    const env = await childEnvOf(dir);
    expect(cmdline(daemon.pid!).slice(1, 1 + FLAGS.length)).toEqual(FLAGS);
    expectSupervisordEnvironment(env, dir.root);
    daemon.kill("SIGTERM");
    await waitFor("the daemon to exit", () => daemon.exitCode !== null || daemon.signalCode !== null, 30_000);
  });

  it("daemon mode: the re-spawned daemon keeps the flags (execArgv), and its program's environment is unchanged", async () => {
    const dir = track.dir();
    dir.writeConfig(config(dir));
    const parent = spawn(LAUNCHER, ["-c", dir.conf], { cwd: dir.root, env: daemonEnv(), stdio: "ignore" });
    const status = await new Promise<number | null>((resolve) => parent.once("exit", (code) => resolve(code)));
    expect(status).toBe(0);
    const pid = Number(fs.readFileSync(dir.pidfile, "utf8").trim());
    track.pid(pid);
    const env = await childEnvOf(dir);
    expect(cmdline(pid).slice(1, 1 + FLAGS.length)).toEqual(FLAGS);
    expect(parseEnv(fs.readFileSync(`/proc/${pid}/environ`, "utf8"))["NODE_OPTIONS"]).toBeUndefined();
    expectSupervisordEnvironment(env, dir.root);
    process.kill(pid, "SIGTERM");
    await waitFor("the daemon to exit", () => !isAlive(pid), 30_000);
  });
});
