#!/usr/bin/env node
// The bundle (dist/tsupervisord.js) runs with the daemon's node flags in its shebang: build.mjs writes them from ../node-flags.
import { describeConfig, readConfig, renderSampleConfig, serverAuthVerdict } from "@tsupervisord/config";
import { CliUsageError, parseCommandLine, type CliOptions } from "./cli/options.js";
import { usageText } from "./cli/usage.js";
import { programName, usageError, UsageExit } from "./cli/terminal.js";
import { applyCommandLine, loadConfig } from "./cli/load-config.js";
import { daemonVersion, longVersion } from "./version.js";
import { describeLogPump, logPump } from "./runtime/log-pump.js";
import { childSpawner, describeSpawner } from "./runtime/child-spawner.js";
import { guardStdio } from "./runtime/terminal-echo.js";
import { consumeDaemonMarker, isDaemonChild, ParentChannel, spawnDaemonChild } from "./runtime/daemonize.js";

/** The `tsupervisord` entry point: dispatch on the command line (§7.1), then run (§7.2). */
async function main(argv: readonly string[]): Promise<number> {
  guardStdio();
  const progname = programName();
  const daemonChild = isDaemonChild();
  if (daemonChild) consumeDaemonMarker();
  const channel = new ParentChannel(daemonChild);
  const toTerminal = (line: string): void => {
    if (channel.active) channel.stderr(line);
    else process.stderr.write(`${line}\n`);
  };

  try {
    let cli: CliOptions;
    try {
      cli = parseCommandLine(argv);
    } catch (err) {
      if (err instanceof CliUsageError) throw usageError(err.message, progname);
      throw err;
    }
    for (const note of cli.notes) toTerminal(note);

    switch (cli.action) {
      case "help":
        process.stdout.write(`${usageText(progname)}\n`);
        return 0;
      case "version":
        process.stdout.write(`${daemonVersion()}\n`);
        return 0;
      case "long-version":
        process.stdout.write(`${longVersion()}\n`);
        return 0;
      case "long-version-verbose":
        process.stdout.write(`${longVersion()}\n${describeLogPump(logPump())}\n${describeSpawner(childSpawner(logPump()))}\n`);
        return 0;
      case "print-sample-config":
        process.stdout.write(renderSampleConfig());
        return 0;
      case "test-config": {
        const config = loadConfig(cli, progname);
        // Exactly what the daemon will do with its HTTP servers (issue 21 defect 2): a refusal is an error,
        // supervisord's CRIT line for a TCP server without credentials is shown as it will be logged.
        const verdict = serverAuthVerdict(config, process.env);
        if (verdict.refusals.length > 0) throw usageError(verdict.refusals, progname);
        for (const line of verdict.warnings) toTerminal(`CRIT ${line}`);
        process.stdout.write(describeConfig(config));
        return 0;
      }
      case "health":
      case "ready": {
        const config = loadConfig(cli, progname);
        const { probeDaemon } = await import("./container/health-client.js");
        return await probeDaemon(config, cli.action === "health" ? "/healthz" : "/readyz", toTerminal);
      }
      case "run":
        break;
    }

    if (cli.configFile === null && process.getuid?.() === 0 && !daemonChild) {
      // CFG-08: supervisord prints this Python UserWarning and carries on.
      toTerminal(
        'UserWarning: Supervisord is running as root and it is searching for its configuration file in default ' +
          "locations (including its current working directory); you probably want to specify a \"-c\" argument " +
          "specifying an absolute path to a configuration file for improved security.",
      );
    }
    const config = loadConfig(cli, progname);
    if (!config.supervisord.nodaemon && !daemonChild) {
      // D-DMN-04: the parent waits for the detached daemon to be serving, then leaves.
      return await spawnDaemonChild();
    }
    // Loaded only to run: -h, -v, -t and --print-sample-config never pay for the engine and the faces.
    const { runDaemon } = await import("./daemon.js");
    return await runDaemon({
      cli,
      config,
      progname,
      daemonized: daemonChild,
      toTerminal,
      ready: () => channel.ready(),
      rereadConfig: async (overrides) => applyCommandLine(readConfig(config.file, overrides), cli),
    });
  } catch (err) {
    if (err instanceof UsageExit) {
      for (const line of err.lines) toTerminal(line);
      return err.status;
    }
    toTerminal(`Error: ${(err as Error).stack ?? String(err)}`);
    return 2;
  } finally {
    channel.close();
  }
}

main(process.argv.slice(2)).then(
  (status) => {
    process.exitCode = status;
    // Anything still open (a stuck stream) must not keep a finished daemon alive.
    setImmediate(() => process.exit(status)).unref();
  },
  (err: unknown) => {
    process.stderr.write(`${String(err)}\n`);
    process.exit(2);
  },
);
