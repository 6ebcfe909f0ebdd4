/**
 * What the user sees on the terminal before the daemon is up: supervisord's `usage()` errors (ERR-01) and
 * notices. In a daemon child these go back to the waiting parent (see runtime/daemonize.ts).
 */
export class UsageExit extends Error {
  override readonly name = "UsageExit";
  constructor(
    readonly lines: readonly string[],
    readonly status = 2,
  ) {
    super(lines.join("\n"));
  }
}

/** `Error: <message>` lines plus `For help, use <argv0> -h`, exit 2. */
export function usageError(messages: string | readonly string[], progname: string): UsageExit {
  const list = typeof messages === "string" ? [messages] : messages;
  return new UsageExit([...list.map((m) => `Error: ${m}`), `For help, use ${progname} -h`]);
}

/**
 * The name for `Usage: %s` and `For help, use %s -h`. supervisord prints its argv[0], the command the user typed;
 * ours is node's script path (`…/apps/daemon/dist/main.js`), which is no command at all, so the name is ours.
 */
export function programName(): string {
  return "tsupervisord";
}
