/**
 * One scenario, two systems: the same config and the same CLI steps run against supervisord + supervisorctl
 * 4.2.5 (the reference) and tsupervisord + tsctl; the normalised transcripts must be equal. For the commands the
 * conformance sample does not cover (reread/update/add/remove after config edits, maintail, clear, …).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { waitFor } from "./daemon.js";
import { normalizeCtl } from "./normalize.js";
import { DAEMON, SUPERVISORCTL, TSCTL } from "./paths.js";
import { caseEnv, runCommand } from "./run.js";

export const SUPERVISORD = process.env["SUPERVISORD_BIN"] ?? "/usr/bin/supervisord";
export const HAVE_SUPERVISORD = existsSync(SUPERVISORD) && existsSync(SUPERVISORCTL);

export type ScenarioStep =
  | string
  | { edit: string }
  | { wait: string; until: RegExp; timeoutMs?: number }
  | { sh: string };

export interface Scenario {
  /** supervisord.conf without the boilerplate sections (header() adds them). */
  programs: string;
  files?: Record<string, string>;
  steps: ScenarioStep[];
}

/** The sections every scenario needs: a private socket, logs in the case dir, the RPC interface. */
export function header(): string {
  return [
    "[unix_http_server]",
    "file=%(here)s/supervisor.sock",
    "[supervisord]",
    "logfile=%(here)s/supervisord.log",
    "pidfile=%(here)s/supervisord.pid",
    "childlogdir=%(here)s",
    "[rpcinterface:supervisor]",
    "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface",
    "[supervisorctl]",
    "serverurl=unix://%(here)s/supervisor.sock",
    "",
  ].join("\n");
}

function accepts(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(path);
    s.once("connect", () => (s.destroy(), resolve(true)));
    s.once("error", () => resolve(false));
  });
}

export async function runScenario(system: "supervisord" | "tsupervisord", scenario: Scenario): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), `tsctl-scn-${system}-`));
  chmodSync(dir, 0o755);
  const conf = join(dir, "supervisord.conf");
  writeFileSync(conf, header() + scenario.programs);
  for (const [name, text] of Object.entries(scenario.files ?? {})) {
    writeFileSync(join(dir, name), text);
    chmodSync(join(dir, name), 0o755);
  }
  const env = caseEnv();
  const daemonArgv = system === "supervisord" ? [SUPERVISORD, "-n", "-c", conf] : [process.execPath, DAEMON, "-n", "-c", conf];
  const ctlArgv = system === "supervisord" ? [SUPERVISORCTL, "-c", conf] : [process.execPath, TSCTL, "-c", conf];
  const daemon: ChildProcess = spawn(daemonArgv[0] as string, daemonArgv.slice(1), {
    cwd: dir,
    env,
    stdio: "ignore",
    detached: true,
  });
  let exited = false;
  daemon.on("exit", () => (exited = true));
  const transcript: string[] = [];
  try {
    await waitFor("the socket", async () => existsSync(join(dir, "supervisor.sock")) && (await accepts(join(dir, "supervisor.sock"))));
    for (const step of scenario.steps) {
      if (typeof step === "string") {
        const r = await runCommand([...ctlArgv, ...step.split(" ")], { cwd: dir, env, timeoutMs: 60_000 });
        transcript.push(`$ ${step}`, normalizeCtl(step, r.output, [[dir, "<CASE>"]]), `[exit ${r.code}]`);
      } else if ("edit" in step) {
        writeFileSync(conf, header() + step.edit);
      } else if ("sh" in step) {
        await runCommand(["bash", "-c", step.sh], { cwd: dir, env });
      } else {
        await waitFor(
          `${step.wait} to match ${step.until}`,
          async () => step.until.test((await runCommand([...ctlArgv, ...step.wait.split(" ")], { cwd: dir, env })).output),
          step.timeoutMs ?? 15_000,
          200,
        );
      }
    }
  } finally {
    if (!exited) daemon.kill("SIGTERM");
    await waitFor("the daemon to exit", () => exited, 20_000).catch(() => undefined);
    try {
      process.kill(-(daemon.pid as number), "SIGKILL");
    } catch {
      // the group is gone
    }
    rmSync(dir, { recursive: true, force: true });
  }
  return transcript.filter((l) => l !== "").join("\n");
}
