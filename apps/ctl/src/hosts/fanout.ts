/**
 * issue 19: `tsctl -H web1,web2 status`: one command line run on every host at once, each through its own
 * Controller (so every command keeps its supervisorctl output and exit status per host), then printed host by
 * host in the order given, each line behind a host column. An unreachable host is lines of its error, never a
 * crash. The exit status is the worst (highest) of the hosts'.
 *
 *   web1  app                              RUNNING   pid 4121, uptime 0:03:05
 *   web2  http://web2:9001 refused connection
 */
import { BufferTerminal } from "../terminal.js";
import type { BackendFactory } from "../backend.js";
import { Controller } from "../controller.js";
import type { CommandTable } from "../commands/types.js";
import type { HostTarget } from "./targets.js";

/** Read-only and control commands that make sense per host and print a bounded answer. */
const FANOUT_COMMANDS: readonly string[] = [
  "status", "pid", "version", "avail", "start", "stop", "restart", "signal", "reread", "update", "clear", "tail",
];

/** Why a command line cannot run on several hosts, or null when it can. */
export function refuseFanout(args: readonly string[]): string | null {
  const [command, ...rest] = args;
  if (command === undefined) return "-H needs a command: the interactive shell talks to one host";
  if (command === "top") return null;
  if (!FANOUT_COMMANDS.includes(command)) {
    return `${command} cannot run on several hosts (-H runs: ${FANOUT_COMMANDS.join(", ")}, and top)`;
  }
  if (command === "tail" && rest.includes("-f")) return "tail -f follows one host: use --context NAME";
  return null;
}

export interface HostOutcome {
  host: string;
  stdout: string;
  stderr: string;
  exitstatus: number;
}

export interface FanoutDeps {
  commands: CommandTable;
  makeBackend: BackendFactory;
  prompt: string;
}

/** Runs `line` on each host in parallel; resolves once every host has answered or failed. */
export async function runOnHosts(hosts: readonly HostTarget[], line: string, deps: FanoutDeps): Promise<HostOutcome[]> {
  return Promise.all(
    hosts.map(async (host) => {
      const term = new BufferTerminal();
      const ctl = new Controller(
        { target: host, interactive: false, prompt: deps.prompt, historyFile: null },
        term,
        deps.commands,
        deps.makeBackend,
      );
      try {
        await ctl.onecmd(line);
      } finally {
        ctl.close();
      }
      return { host: host.label, stdout: term.stdout, stderr: term.stderr, exitstatus: ctl.exitstatus };
    }),
  );
}

function lines(text: string): string[] {
  if (text === "") return [];
  const parts = text.split("\n");
  if (parts[parts.length - 1] === "") parts.pop();
  return parts;
}

/** Each host's lines behind a host column padded to the longest host name; a silent host gets no row. */
export function withHostColumn(outcomes: readonly HostOutcome[], pick: (o: HostOutcome) => string): string {
  const width = Math.max(4, ...outcomes.map((o) => o.host.length));
  let out = "";
  for (const o of outcomes) for (const l of lines(pick(o))) out += `${o.host.padEnd(width)}  ${l}\n`;
  return out;
}

/**
 * `--json`: one JSON array, an entry per host with its exit status and either its parsed answer or what it
 * printed instead (an error line), so the result stays one JSON document.
 */
export function fanoutJson(outcomes: readonly HostOutcome[]): string {
  const entries = outcomes.map((o) => {
    try {
      return { host: o.host, exitstatus: o.exitstatus, result: JSON.parse(o.stdout) as unknown, errors: lines(o.stderr) };
    } catch {
      return { host: o.host, exitstatus: o.exitstatus, error: [...lines(o.stdout), ...lines(o.stderr)].join("\n") };
    }
  });
  return `${JSON.stringify(entries, null, 2)}\n`;
}

/** The worst exit status of the hosts (statuses grow with badness: 0 ok, 3 stopped, 4 unknown, 7 not running). */
export function worstExit(outcomes: readonly HostOutcome[]): number {
  return outcomes.reduce((worst, o) => Math.max(worst, o.exitstatus), 0);
}
