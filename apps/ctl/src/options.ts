/**
 * supervisorctl's command line (spec §4.1): getopt parsing with Python's messages (CTL-02), the config file
 * lookup (CFG-02/04/05) and the precedence command line > `[supervisorctl]` > defaults (CTL-01).
 */
import { findConfigFile, readCtlConfig } from "@tsupervisord/config/ctl";
import { ConfigError } from "@tsupervisord/errors";
import { GetoptError, getopt, pyRepr } from "@tsupervisord/pycompat";
import { isHttpsUrl, type CtlTls } from "./tls.js";
import { loadContexts } from "./hosts/contexts.js";
import { HostSpecError, contextTarget, hostTarget, splitHostList, type HostTarget, type TargetDefaults } from "./hosts/targets.js";

export const PROGNAME = "tsctl";

export const USAGE = `tsctl -- control applications run by supervisord from the cmd line.

Usage: %s [options] [action [arguments]]

Options:
-c/--configuration FILENAME -- configuration file path (searches if not given)
-h/--help -- print usage message and exit
-i/--interactive -- start an interactive shell after executing commands
-s/--serverurl URL -- URL on which supervisord server is listening
     (default "http://localhost:9001").
-u/--username USERNAME -- username to use for authentication with server
-p/--password PASSWORD -- password to use for authentication with server
-r/--history-file -- keep a readline history (if readline is available)

action [arguments] -- see below

Actions are commands like "tail" or "stop".  If -i is specified or no action is
specified on the command line, a "shell" interpreting actions typed
interactively is started.  Use the action "help" to find out about available
actions.

tsctl also has: "status --json", "avail --json", "pid --json" (also as
"tsctl --json status"), "top" (a live dashboard), "completion bash|zsh|fish"
(prints a shell completion script) and "--version" (prints tsctl's version).

TLS (an https:// serverurl; [supervisorctl] tls_ca, tls_cert, tls_key):
--ca FILE -- PEM CA that signed the server's certificate (default: system roots)
--cert FILE --key FILE -- client certificate and key (server with tls_client_ca)
--insecure -- do not verify the server's certificate (prints a warning)

Several hosts: "--context NAME" connects as the context NAME of
~/.config/tsctl/contexts says; "-H/--hosts a,b" (contexts or URLs) runs the
command on every host at once with a host column ("context list|show NAME").
`;

export interface CtlOptions {
  configfile: string | null;
  serverurl: string;
  username: string | null;
  password: string | null;
  prompt: string;
  historyFile: string | null;
  interactive: boolean;
  /** The action and its arguments (empty: start the shell). */
  args: string[];
  /** issue 19: TLS for an https:// serverurl (command line > context > [supervisorctl]). */
  tls: CtlTls;
  /** issue 19: `--context NAME`: the context the single target came from (with its TLS fields), else null. */
  context: HostTarget | null;
  /** issue 19: `-H a,b` or `--context a,b`: run the command on each of these; null = one host, as supervisorctl. */
  hosts: HostTarget[] | null;
}

export type ParseOutcome =
  | { kind: "help"; text: string }
  | { kind: "version" }
  | { kind: "usage"; message: string }
  | { kind: "run"; options: CtlOptions };

const SHORT = "h?c:is:u:p:r:H:";
// `--version` and `--json` are tsctl's (supervisorctl has neither): its own version, and `--json` given before
// the command instead of after it.
const LONG = [
  "help",
  "configuration=",
  "interactive",
  "serverurl=",
  "username=",
  "password=",
  "history_file=",
  "version",
  "json",
  // issue 19
  "ca=",
  "cert=",
  "key=",
  "insecure",
  "context=",
  "hosts=",
];

/** The commands that answer in JSON with `--json`. */
export const JSON_COMMANDS: readonly string[] = ["status", "avail", "pid"];

type Name = "configfile" | "interactive" | "serverurl" | "username" | "password" | "historyFile" | TlsName | "context" | "hosts";
type TlsName = "ca" | "cert" | "key" | "insecure";

const OPTION_NAMES: Readonly<Record<string, Name | "help" | "version" | "json">> = {
  "--version": "version",
  "--json": "json",
  "-h": "help",
  "--help": "help",
  "-?": "help",
  "-c": "configfile",
  "--configuration": "configfile",
  "-i": "interactive",
  "--interactive": "interactive",
  "-s": "serverurl",
  "--serverurl": "serverurl",
  "-u": "username",
  "--username": "username",
  "-p": "password",
  "--password": "password",
  "-r": "historyFile",
  "--history_file": "historyFile",
  "--ca": "ca",
  "--cert": "cert",
  "--key": "key",
  "--insecure": "insecure",
  "--context": "context",
  "-H": "hosts",
  "--hosts": "hosts",
};

/** supervisor.datatypes.url: a scheme and something after it (`localhost:9001` passes, as in Python). */
export function isUrl(value: string): boolean {
  const colon = value.indexOf(":");
  if (colon <= 0 || !/^[A-Za-z][A-Za-z0-9+.-]*$/.test(value.slice(0, colon))) return false;
  let rest = value.slice(colon + 1);
  const cut = rest.search(/[?#]/);
  if (cut !== -1) rest = rest.slice(0, cut);
  return rest !== "" && rest !== "//";
}

export function parseCommandLine(
  argv: readonly string[],
  env: {
    argv0: string;
    cwd: string;
    vars: Record<string, string | undefined>;
    /** Replaces the CFG-02 search list (tests: the machine's own /etc/supervisor must not leak in). */
    searchPaths?: readonly string[];
  },
): ParseOutcome {
  let parsed: { options: [string, string][]; rest: string[] };
  try {
    parsed = getopt(argv, { short: SHORT, long: LONG });
  } catch (err) {
    if (err instanceof GetoptError) return { kind: "usage", message: err.message };
    throw err;
  }
  const given: Partial<Record<Name, string | true>> = {};
  let json = false;
  for (const [opt, value] of parsed.options) {
    const name = OPTION_NAMES[opt] as Name | "help" | "version" | "json";
    if (name === "help") return { kind: "help", text: USAGE.replace("%s", PROGNAME) };
    if (name === "version") return { kind: "version" };
    if (name === "json") {
      json = true;
      continue;
    }
    if (name === "serverurl" && !isUrl(value)) {
      return {
        kind: "usage",
        message: `invalid value for ${opt} ${pyRepr(value)}: value ${pyRepr(value)} is not a URL`,
      };
    }
    if (given[name] !== undefined) return { kind: "usage", message: `conflicting command line option ${pyRepr(opt)}` };
    given[name] = name === "interactive" || name === "insecure" ? true : value;
  }

  let args = parsed.rest;
  if (json) {
    // `tsctl --json status web` is `tsctl status --json web`.
    const [command, ...rest] = args;
    if (command === undefined || !JSON_COMMANDS.includes(command)) {
      return { kind: "usage", message: `--json needs one of the commands ${JSON_COMMANDS.join(", ")}` };
    }
    args = [command, "--json", ...rest];
  }

  const str = (name: Name): string | null => {
    const v = given[name];
    return typeof v === "string" ? v : null;
  };
  const configfile = str("configfile") ?? findConfigFile(env.argv0, env.cwd, env.searchPaths);
  let fromFile = null;
  if (configfile !== null) {
    try {
      fromFile = readCtlConfig(configfile, { cwd: env.cwd, env: env.vars });
    } catch (err) {
      // supervisorctl prints the ValueError's own text (no file/line prefix), and stops at the first problem.
      if (err instanceof ConfigError) return { kind: "usage", message: err.issues[0]?.message ?? err.message };
      throw err;
    }
  }
  const defaults: TargetDefaults = {
    commandLine: { serverurl: str("serverurl"), username: str("username"), password: str("password") },
    configFile: { username: fromFile?.username ?? null, password: fromFile?.password ?? null },
  };
  const remote = resolveRemote(str("context"), str("hosts"), defaults, env.vars);
  if ("message" in remote) return { kind: "usage", message: remote.message };
  const ctx = remote.context;
  const serverurl = ctx?.serverurl ?? str("serverurl") ?? fromFile?.serverurl ?? "http://localhost:9001";
  const tlsGiven = (["ca", "cert", "key", "insecure"] as const).filter((n) => given[n] !== undefined);
  if (tlsGiven.length > 0 && remote.hosts === null && !isHttpsUrl(serverurl)) {
    // Flags that suggest a verified connection must not quietly go out in clear text.
    return { kind: "usage", message: `--${tlsGiven.join(", --")} need an https:// serverurl, not ${pyRepr(serverurl)}` };
  }
  return {
    kind: "run",
    options: {
      configfile,
      serverurl,
      username: ctx !== null ? ctx.username : (str("username") ?? fromFile?.username ?? null),
      password: ctx !== null ? ctx.password : (str("password") ?? fromFile?.password ?? null),
      prompt: fromFile?.prompt ?? "supervisor",
      historyFile: str("historyFile") ?? fromFile?.historyFile ?? null,
      interactive: given.interactive === true || args.length === 0,
      args,
      // A context's `ca` / `insecure` stand where [supervisorctl]'s keys would; the command line wins.
      tls: {
        ca: str("ca") ?? ctx?.ca ?? fromFile?.tlsCa ?? null,
        cert: str("cert") ?? fromFile?.tlsCert ?? null,
        key: str("key") ?? fromFile?.tlsKey ?? null,
        insecure: given.insecure === true || ctx?.insecure === true,
      },
      context: ctx,
      hosts: remote.hosts,
    },
  };
}

/**
 * issue 19: `--context NAME` (one host, as if given -s/-u/-p), `--context a,b` or `-H a,b` (several). The
 * contexts file is read only when one of them is given, so plain commands never depend on it.
 */
function resolveRemote(
  context: string | null,
  hosts: string | null,
  defaults: TargetDefaults,
  vars: Record<string, string | undefined>,
): { context: HostTarget | null; hosts: HostTarget[] | null } | { message: string } {
  if (context === null && hosts === null) return { context: null, hosts: null };
  if (context !== null && hosts !== null) return { message: "give either --context or -H/--hosts, not both" };
  try {
    const specs = splitHostList((context ?? hosts) as string);
    const { file, contexts } = loadContexts(vars);
    if (context !== null && specs.length === 1) {
      const found = contexts.get(specs[0] as string);
      if (found === undefined) return { message: `no context named ${pyRepr(specs[0] as string)} in ${file}` };
      return { context: contextTarget(found, defaults), hosts: null };
    }
    if (defaults.commandLine.serverurl !== null) return { message: "-s/--serverurl names one server: with several hosts, list them with -H" };
    if (context !== null) {
      const missing = specs.find((s) => !contexts.has(s));
      if (missing !== undefined) return { message: `no context named ${pyRepr(missing)} in ${file}` };
    }
    return { context: null, hosts: specs.map((spec) => hostTarget(spec, contexts, defaults, isUrl, file)) };
  } catch (err) {
    if (err instanceof HostSpecError || err instanceof ConfigError) return { message: err.message };
    throw err;
  }
}
