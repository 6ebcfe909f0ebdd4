/**
 * supervisorctl's `Controller`: runs one command line, keeps the run's exit status (spec §4.6), performs the
 * connectivity check (§4.2) and turns unexpected failures into one `error: …` line (CTL-07).
 */
import { SupervisorError, isSupervisorError } from "@tsupervisord/errors";
import type { BackendFactory, CtlBackend, ServerTarget } from "./backend.js";
import { isBackendConnectionError } from "./backend.js";
import type { CommandTable } from "./commands/types.js";
import { exitStatusForFault } from "./faults.js";
import { ExitStatus } from "./states.js";
import type { Terminal } from "./terminal.js";

export const API_VERSION = "3.0";

/** Python cmd's identchars: a command name is the leading run of these. */
const IDENT = /^[A-Za-z0-9_]*/;

export interface ControllerOptions {
  target: ServerTarget;
  interactive: boolean;
  /** The shell prompt without `> `. */
  prompt: string;
  historyFile: string | null;
}

export class Controller {
  exitstatus: number = ExitStatus.SUCCESS;
  readonly options: ControllerOptions;
  readonly term: Terminal;
  private readonly commands: CommandTable;
  private readonly makeBackend: BackendFactory;
  private backendInstance: CtlBackend | null = null;
  private currentAbort: AbortController | null = null;

  constructor(options: ControllerOptions, term: Terminal, commands: CommandTable, makeBackend: BackendFactory) {
    this.options = options;
    this.term = term;
    this.commands = commands;
    this.makeBackend = makeBackend;
  }

  get serverurl(): string {
    return this.options.target.serverurl;
  }

  /** The connection, opened on first use (plain `help` never connects). */
  backend(): CtlBackend {
    this.backendInstance ??= this.makeBackend(this.options.target);
    return this.backendInstance;
  }

  /** `open` and the credential prompt point later calls elsewhere. */
  retarget(change: Partial<ServerTarget>): void {
    this.options.target = { ...this.options.target, ...change };
    this.close();
  }

  close(): void {
    this.backendInstance?.close();
    this.backendInstance = null;
  }

  output(line: string): void {
    this.term.write(`${line}\n`);
  }

  /** EXIT-01 (FAULT_EXIT_STATUS): the command's ignored fault leaves the status alone, as SUCCESS does. */
  setExitFromFault(status: number, ignored?: number): void {
    if (status === ignored) return;
    this.exitstatus = exitStatusForFault(status) ?? this.exitstatus;
  }

  /**
   * Runs `fn` so that Ctrl-C aborts it instead of ending tsctl (`tail -f`, `maintail -f`, `fg`).
   */
  async interruptible<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const abort = new AbortController();
    this.currentAbort = abort;
    try {
      return await fn(abort.signal);
    } finally {
      if (this.currentAbort === abort) this.currentAbort = null;
    }
  }

  /** Ctrl-C: aborts the interruptible command in progress; false when there is none. */
  interrupt(): boolean {
    if (this.currentAbort === null || this.currentAbort.signal.aborted) return false;
    this.currentAbort.abort();
    return true;
  }

  /** §4.2: one getAPIVersion call before most commands; false (with the message printed) when it fails. */
  async upcheck(): Promise<boolean> {
    try {
      const api = await this.backend().getAPIVersion();
      if (api !== API_VERSION) {
        this.output(
          `Sorry, this version of supervisorctl expects to talk to a server with API version ${API_VERSION}, ` +
            `but the remote version is ${api}.`,
        );
        this.exitstatus = ExitStatus.NOT_INSTALLED;
        return false;
      }
    } catch (err) {
      if (isSupervisorError(err) && err.code === "UNKNOWN_METHOD") {
        this.output(
          "Sorry, supervisord responded but did not recognize the supervisor namespace commands that " +
            "supervisorctl uses to control it.  Please check that the [rpcinterface:supervisor] section is " +
            "enabled in the configuration file (see sample.conf).",
        );
        this.exitstatus = ExitStatus.UNIMPLEMENTED_FEATURE;
        return false;
      }
      if (isBackendConnectionError(err) && err.reason === "refused") {
        this.output(`${this.serverurl} refused connection`);
        this.exitstatus = ExitStatus.INSUFFICIENT_PRIVILEGES;
        return false;
      }
      if (isBackendConnectionError(err) && err.reason === "no-such-file") {
        this.output(`${this.serverurl} no such file`);
        this.exitstatus = ExitStatus.NOT_RUNNING;
        return false;
      }
      this.exitstatus = ExitStatus.GENERIC;
      throw err;
    }
    return true;
  }

  /** Python cmd's parseline: `?` means help, the command is the leading identifier, the rest its argument. */
  static parseLine(line: string): { cmd: string | null; arg: string; line: string } {
    let text = line.trim();
    if (text === "") return { cmd: null, arg: "", line: text };
    if (text.startsWith("?")) text = `help ${text.slice(1)}`;
    else if (text.startsWith("!")) return { cmd: null, arg: "", line: text };
    const cmd = (IDENT.exec(text) as RegExpExecArray)[0];
    return { cmd, arg: text.slice(cmd.length).trim(), line: text };
  }

  /** Runs one command line. Resolves true when the shell should end (quit, exit, EOF). */
  async onecmd(rawLine: string): Promise<boolean> {
    const { cmd, arg, line } = Controller.parseLine(rawLine);
    if (line === "") return false;
    const run = cmd !== null && cmd !== "" && Object.prototype.hasOwnProperty.call(this.commands, cmd)
      ? this.commands[cmd]
      : undefined;
    if (run === undefined) {
      this.output(`*** Unknown syntax: ${line}`);
      this.exitstatus = ExitStatus.GENERIC;
      return false;
    }
    try {
      return (await run(this, arg)) === true;
    } catch (err) {
      if (isBackendConnectionError(err) && err.reason === "unauthenticated") {
        this.output("Server requires authentication");
        if (this.options.interactive && (await this.askCredentials())) return this.onecmd(line);
        this.exitstatus = ExitStatus.GENERIC;
        return false;
      }
      this.output(`error: ${describeFailure(err, this.serverurl)}`);
      this.exitstatus = ExitStatus.GENERIC;
      return false;
    }
  }

  /** CTL-06 (interactive): `Username:` and a hidden `Password:`, then an empty line. */
  private async askCredentials(): Promise<boolean> {
    const username = await this.term.readLine("Username:");
    if (username === null) return false;
    const password = await this.term.readSecret("Password:");
    if (password === null) return false;
    this.output("");
    this.retarget({ username, password });
    return true;
  }
}

/** One line for a failure nobody handled (CTL-07), naming the socket when the daemon could not be reached. */
export function describeFailure(err: unknown, serverurl: string): string {
  if (isBackendConnectionError(err)) {
    switch (err.reason) {
      case "refused":
        return `${serverurl} refused connection (is supervisord running?)`;
      case "no-such-file":
        return `${serverurl} no such file (is supervisord running?)`;
      case "unauthenticated":
        return `${serverurl} rejected the username or password`;
      default:
        return err.message.startsWith(serverurl) ? err.message : `${serverurl}: ${err.message}`;
    }
  }
  if (err instanceof SupervisorError) return err.faultString;
  if (err instanceof Error) return err.message;
  return String(err);
}
