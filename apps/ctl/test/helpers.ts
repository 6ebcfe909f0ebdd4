import type { CtlBackend } from "../src/backend.js";
import { COMMANDS } from "../src/commands/index.js";
import { Controller } from "../src/controller.js";
import { BufferTerminal } from "../src/terminal.js";

export const URL = "unix:///tmp/tsctl-test.sock";

export function controller(
  backend: CtlBackend,
  opts: { interactive?: boolean; input?: string[]; color?: boolean } = {},
): { ctl: Controller; term: BufferTerminal } {
  const term = new BufferTerminal(opts.input ?? [], opts.color ?? false);
  const ctl = new Controller(
    {
      target: { serverurl: URL, username: null, password: null },
      interactive: opts.interactive ?? false,
      prompt: "supervisor",
      historyFile: null,
    },
    term,
    COMMANDS,
    () => backend,
  );
  return { ctl, term };
}

/** One-shot: the command's output and the run's exit status. */
export async function run(
  backend: CtlBackend,
  line: string,
  opts: { interactive?: boolean; input?: string[]; color?: boolean } = {},
): Promise<{ out: string; err: string; exit: number }> {
  const { ctl, term } = controller(backend, opts);
  await ctl.onecmd(line);
  return { out: term.stdout, err: term.stderr, exit: ctl.exitstatus };
}
