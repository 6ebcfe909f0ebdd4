// scripts/install.sh into a temporary PREFIX, then used as a user would: by name on PATH. `tsupervisord` and
// `tsctl` run (--version names both releases), the daemon started by the installed name serves the installed
// tsctl (`tsctl --json status`, the flag before the command), bash completion completes, and --uninstall removes
// exactly what was installed.

import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configHead } from "../lib/config.js";
import { waitFor } from "../lib/wait.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const installer = join(root, "scripts/install.sh");
const built = existsSync(join(root, "apps/daemon/dist/main.js")) && existsSync(join(root, "apps/ctl/dist/main.js"));
const version = (app: string): string =>
  (JSON.parse(readFileSync(join(root, `apps/${app}/package.json`), "utf8")) as { version: string }).version;

describe.skipIf(!built)(`scripts/install.sh${built ? "" : " — skipped: run pnpm build first"}`, { timeout: 60_000 }, () => {
  let prefix = "";
  let work = "";
  let daemon: ChildProcess | null = null;
  let env: NodeJS.ProcessEnv = {};
  const sh = (command: string, args: string[] = []) =>
    spawnSync(command, args, { encoding: "utf8", env, cwd: work, timeout: 30_000 });

  beforeAll(() => {
    prefix = mkdtempSync(join(tmpdir(), "tsd-prefix-"));
    work = mkdtempSync(join(tmpdir(), "tsd-install-work-"));
    env = { ...process.env, PATH: `${join(prefix, "bin")}:${process.env.PATH ?? ""}` };
  });

  afterAll(async () => {
    if (daemon && daemon.exitCode === null) {
      const exited = new Promise((r) => daemon?.once("exit", r));
      daemon.kill("SIGTERM");
      await exited;
    }
    rmSync(prefix, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  it("installs both commands and the completions under PREFIX; --version names our release and supervisord's", () => {
    const r = spawnSync("sh", [installer], { encoding: "utf8", env: { ...env, PREFIX: prefix } });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    for (const f of [
      "bin/tsupervisord",
      "bin/tsctl",
      "share/bash-completion/completions/tsctl",
      "share/zsh/site-functions/_tsctl",
      "share/fish/vendor_completions.d/tsctl.fish",
    ]) {
      expect(existsSync(join(prefix, f)), f).toBe(true);
    }
    // By name, from PATH.
    expect(sh("tsupervisord", ["--version"]).stdout).toBe(`tsupervisord ${version("daemon")} (supervisord 4.2.5 compatible)\n`);
    expect(sh("tsupervisord", ["-v"]).stdout).toBe("4.2.5\n");
    expect(sh("tsctl", ["--version"]).stdout).toBe(`tsctl ${version("ctl")} (supervisorctl 4.2.5 compatible)\n`);
    const help = sh("tsupervisord", ["-h"]).stdout;
    expect(help).toContain("Usage: tsupervisord [options]");
    expect(readFileSync(join(prefix, "share/zsh/site-functions/_tsctl"), "utf8")).toMatch(/^#compdef tsctl\n/);
  });

  it("the installed daemon serves the installed tsctl: `tsctl --json status` (flag first) answers JSON", async () => {
    const socket = join(work, "supervisor.sock");
    const conf = join(work, "supervisord.conf");
    writeFileSync(
      conf,
      [
        ...configHead(work, { socket }),
        "[program:sleeper]",
        "command=/bin/sleep 1000",
        "startsecs=0",
        "",
      ].join("\n"),
    );
    daemon = spawn("tsupervisord", ["-n", "-c", conf], { env, stdio: "ignore" });
    await waitFor("the installed daemon's socket", () => existsSync(socket), 20_000);
    const status = await waitFor("sleeper RUNNING via tsctl --json status", () => {
      const r = sh("tsctl", ["-c", conf, "--json", "status"]);
      const list = r.status === 0 ? (JSON.parse(r.stdout) as Array<{ name: string; statename: string }>) : [];
      return list.some((p) => p.name === "sleeper" && p.statename === "RUNNING") ? r : null;
    }, 20_000);
    expect(status.stderr).toBe("");
    // The same document as the flag after the command.
    const after = JSON.parse(sh("tsctl", ["-c", conf, "status", "--json"]).stdout) as Array<{ name: string; pid: number }>;
    const before = JSON.parse(status.stdout) as Array<{ name: string; pid: number }>;
    expect(before.map((p) => [p.name, p.pid])).toEqual(after.map((p) => [p.name, p.pid]));
  });

  it("bash completion from the installed file completes actions", () => {
    const file = join(prefix, "share/bash-completion/completions/tsctl");
    const r = sh("bash", ["-c", `source ${file}; COMP_WORDS=(tsctl st); COMP_CWORD=1; _tsctl; echo "\${COMPREPLY[*]}"`]);
    expect(r.stdout.trim().split(" ").sort()).toEqual(["start", "status", "stop"]);
  });

  it("--uninstall removes exactly what it installed", () => {
    writeFileSync(join(prefix, "bin", "someone-elses-tool"), "");
    const r = spawnSync("sh", [installer, "--uninstall"], { encoding: "utf8", env: { ...env, PREFIX: prefix } });
    expect(r.status).toBe(0);
    expect(readdirSync(join(prefix, "bin"))).toEqual(["someone-elses-tool"]);
    expect(() => lstatSync(join(prefix, "share/zsh/site-functions/_tsctl"))).toThrow();
  });
});
