/** ANSI colour for status states, used only when the Terminal says colour is wanted. */
const CODES: Readonly<Record<string, string>> = {
  RUNNING: "32", // green
  STARTING: "33", // yellow
  BACKOFF: "33",
  STOPPING: "33",
  STOPPED: "2", // dim
  EXITED: "2",
  FATAL: "31", // red
  UNKNOWN: "35", // magenta
};

export function paintState(statename: string, padded: string): string {
  const code = CODES[statename];
  if (code === undefined) return padded;
  const word = padded.trimEnd();
  return `\u001b[${code}m${word}\u001b[0m${padded.slice(word.length)}`;
}

/** Whether to colour: a TTY, and no NO_COLOR (https://no-color.org: any non-empty value disables). */
export function wantsColor(isTTY: boolean | undefined, env: Record<string, string | undefined>): boolean {
  if (env["NO_COLOR"] !== undefined && env["NO_COLOR"] !== "") return false;
  if (env["FORCE_COLOR"] !== undefined && env["FORCE_COLOR"] !== "" && env["FORCE_COLOR"] !== "0") return true;
  return isTTY === true && env["TERM"] !== "dumb";
}
