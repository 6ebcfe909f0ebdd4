/**
 * tsctl: supervisorctl's command line. Parses options, then runs one command (exit status = its status) or the
 * interactive shell (exit status 0). `tsctl top` and `tsctl completion …` are tsctl's own additions.
 */
import type * as Tui from "@tsupervisord/tui";
import { wantsColor } from "./color.js";
import { COMMANDS } from "./commands/index.js";
import { COMPLETION_SCRIPTS } from "./completion-scripts.js";
import { Controller } from "./controller.js";
import { lazyGrpcBackend, speaksOnlyHttp1 as speaksOnlyHttp1Error } from "./lazy-backend.js";
import { PROGNAME, parseCommandLine, type CtlOptions } from "./options.js";
import { CTL_VERSION, SUPERVISOR_COMPAT_VERSION } from "./version.js";
import { dropIpServernameWarning, INSECURE_WARNING, isHttpsUrl, loadCtlTls } from "./tls.js";
import { CompletionCache, loadHistory, runShell, saveHistory } from "./shell.js";
import { ProcessTerminal } from "./tty-terminal.js";
import { runContextCommand } from "./hosts/context-command.js";
import { fanoutJson, refuseFanout, runOnHosts, withHostColumn, worstExit } from "./hosts/fanout.js";

/**
 * Ends tsctl with this status once stdout and stderr have handed everything to the kernel. Into a pipe Node
 * writes them asynchronously, so exiting at once dropped what the pipe had not taken yet: `tsctl status | grep`
 * with 2,000 programs printed anything from 279 to 2,000 lines. Exiting (rather than letting the loop drain)
 * still ends what a command leaves open, such as the gRPC channel. Once called, later calls are ignored.
 */
let finishing = false;
export function finish(code: number): void {
  if (finishing) return;
  finishing = true;
  process.exitCode = code;
  const streams = [process.stdout, process.stderr];
  let pending = streams.length;
  const flushed = (): void => {
    if (--pending === 0) process.exit(code);
  };
  // An empty write's callback runs after every earlier write of that stream is done (or failed: EPIPE).
  for (const stream of streams) {
    if (stream.writableLength === 0 || stream.destroyed) flushed();
    else stream.write("", flushed);
  }
}

/** `tsctl top`: the Ink dashboard, imported only here so other commands never load ink or react. */
async function runTop(options: CtlOptions): Promise<number> {
  let tui: typeof Tui;
  try {
    tui = await import("@tsupervisord/tui");
  } catch (err) {
    process.stderr.write(`Error: tsctl top is not available: ${(err as Error).message}\n`);
    return 1;
  }
  // issue 19: several hosts in one table; a host that speaks XML-RPC only shows as lost, with the reason.
  if (options.hosts !== null) {
    return tui.runTop({
      serverUrl: options.serverurl,
      hosts: options.hosts.map((h) => ({
        name: h.label,
        serverUrl: h.serverurl,
        ...(h.username !== null ? { username: h.username } : {}),
        ...(h.password !== null ? { password: h.password } : {}),
      })),
    });
  }
  // A real supervisord speaks XML-RPC only: the live view needs tsupervisord's Watch stream (issue 21 defect 6).
  const { createGrpcBackend } = await import("./grpc-backend.js");
  const probe = createGrpcBackend({ serverurl: options.serverurl, username: options.username, password: options.password, tls: options.tls });
  try {
    await probe.getAPIVersion();
  } catch (err) {
    if (speaksOnlyHttp1Error(err)) {
      process.stderr.write(`${options.serverurl}: this server speaks XML-RPC only; the live view needs tsupervisord\n`);
      return 1;
    }
    // Anything else (daemon not up yet, credentials): the view shows it and keeps trying, as before.
  } finally {
    probe.close();
  }
  let tls: ReturnType<typeof loadCtlTls> | undefined;
  try {
    // The live view's Watch stream goes through grpc-js.
    tls = isHttpsUrl(options.serverurl) ? loadCtlTls(options.tls, "grpc-js") : undefined;
  } catch (err) {
    process.stderr.write(`error: ${(err as Error).message}\n`);
    return 2;
  }
  return tui.runTop({
    serverUrl: options.serverurl,
    ...(tls === undefined ? {} : { tls }),
    ...(options.username !== null ? { username: options.username } : {}),
    ...(options.password !== null ? { password: options.password } : {}),
  });
}

/** issue 19: `-H a,b CMD`: CMD on every host at once, printed with a host column. */
async function runFanout(options: CtlOptions): Promise<number> {
  const hosts = options.hosts ?? [];
  const refusal = refuseFanout(options.args);
  if (refusal !== null) {
    process.stderr.write(`Error: ${refusal}\n`);
    return 2;
  }
  if (options.args[0] === "top") return runTop(options);
  const outcomes = await runOnHosts(hosts, options.args.join(" "), {
    commands: COMMANDS,
    makeBackend: lazyGrpcBackend,
    prompt: options.prompt,
  });
  if (options.args.includes("--json")) process.stdout.write(fanoutJson(outcomes));
  else {
    process.stdout.write(withHostColumn(outcomes, (o) => o.stdout));
    process.stderr.write(withHostColumn(outcomes, (o) => o.stderr));
  }
  return worstExit(outcomes);
}

/** `tsctl completion bash|zsh|fish`. */
function printCompletion(args: readonly string[]): number {
  const script = COMPLETION_SCRIPTS[args[0] ?? ""];
  if (script === undefined || args.length !== 1) {
    process.stderr.write(`Error: usage: ${PROGNAME} completion bash|zsh|fish\n`);
    return 2;
  }
  process.stdout.write(script);
  return 0;
}

export async function main(argv: readonly string[]): Promise<number> {
  // `tsctl status | head -1`: a closed pipe ends us quietly, as it would a C program.
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code !== "EPIPE") throw err;
    finish(0);
  });
  // Before option parsing too, so printing a script never depends on a config file being readable.
  if (argv[0] === "completion") return printCompletion(argv.slice(1));

  const parsed = parseCommandLine(argv, { argv0: process.argv[1] ?? PROGNAME, cwd: process.cwd(), vars: process.env });
  if (parsed.kind === "help") {
    process.stdout.write(`${parsed.text}\n`);
    return 0;
  }
  if (parsed.kind === "version") {
    process.stdout.write(`${PROGNAME} ${CTL_VERSION} (supervisorctl ${SUPERVISOR_COMPAT_VERSION} compatible)\n`);
    return 0;
  }
  if (parsed.kind === "usage") {
    process.stderr.write(`Error: ${parsed.message}\nFor help, use ${PROGNAME} -h\n`);
    return 2;
  }
  const options = parsed.options;
  if (options.tls.insecure) process.stderr.write(`${INSECURE_WARNING}\n`); // issue 19: said, never silent
  if (isHttpsUrl(options.serverurl)) dropIpServernameWarning();
  if (options.args[0] === "context") {
    return runContextCommand(options.args.slice(1), process.env, (t) => process.stdout.write(t), (t) => process.stderr.write(t));
  }
  if (options.hosts !== null) return runFanout(options);
  if (options.args[0] === "top") return runTop(options);
  if (options.args[0] === "completion") return printCompletion(options.args.slice(1));

  const shell = options.args.length === 0;
  let ctl: Controller | null = null;
  let cache: CompletionCache | null = null;
  const term = new ProcessTerminal({
    color: wantsColor(process.stdout.isTTY, process.env),
    history: shell ? loadHistory(options.historyFile) : [],
    ...(shell
      ? { completer: (line: string, cb: (err: null, result: [string[], string]) => void) => {
          void (cache as CompletionCache).complete(line).then((r) => cb(null, r), () => cb(null, [[], line]));
        } }
      : {}),
    onInterrupt: () => onInterrupt(),
  });
  const onInterrupt = (): void => {
    if (ctl?.interrupt() === true) return;
    // Ctrl-C outside tail -f / fg: the shell prints a newline and ends (status 0); one-shot is interrupted.
    process.stdout.write("\n");
    if (shell) saveHistory(options.historyFile, term.history);
    finish(shell ? 0 : 130);
  };
  process.on("SIGINT", onInterrupt);

  ctl = new Controller(
    {
      target: { serverurl: options.serverurl, username: options.username, password: options.password, tls: options.tls },
      interactive: shell,
      prompt: options.prompt,
      historyFile: options.historyFile,
    },
    term,
    COMMANDS,
    lazyGrpcBackend,
  );

  if (!shell) {
    // CTL-04: the words are joined with single spaces and run as one command line.
    await ctl.onecmd(options.args.join(" "));
    ctl.close();
    term.close();
    return ctl.exitstatus;
  }
  cache = new CompletionCache(ctl);
  await runShell(ctl, cache);
  saveHistory(options.historyFile, term.history);
  ctl.close();
  term.close();
  return 0;
}


/** Runs tsctl with these words and exits with its status (the entry points call this). */
export function runAndExit(argv: readonly string[]): void {
  main(argv).then(finish, (err: unknown) => {
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    finish(1);
  });
}
