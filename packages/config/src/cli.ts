/** supervisord's way of showing a config error on the command line (ERR-01/02, INI-13, CFG-03). */
import { formatConfigIssue, isConfigError, type ConfigIssue } from "@tsupervisord/errors";

const PARSE_HEADER = /^(Source contains parsing errors: .*)\n(\t\[line +\d+\]: .*)$/su;

/** Issues from one `Source contains parsing errors` report are merged back into Python's single message. */
function mergedMessages(issues: readonly ConfigIssue[]): { message: string; issues: ConfigIssue[] }[] {
  const out: { message: string; issues: ConfigIssue[] }[] = [];
  for (const issue of issues) {
    const m = PARSE_HEADER.exec(issue.message);
    const last = out[out.length - 1];
    if (m && last && last.message.startsWith((m[1] ?? "") + "\n")) {
      last.message += "\n" + (m[2] ?? "");
      last.issues.push(issue);
    } else out.push({ message: issue.message, issues: [issue] });
  }
  return out;
}

function where(issue: ConfigIssue): string | null {
  const loc = formatConfigIssue({ ...issue, message: "" }).replace(/: $/, "");
  return loc === "" ? null : loc;
}

/**
 * The text to print on stderr for a config error: `Error: <message>` per problem (supervisord prints only
 * the first; we print all), each followed by an indented ` (at <file>:<line> [<section>] <option>)` line,
 * then `For help, use <argv0> -h`. Non-config errors are shown with their message.
 */
export function formatConfigErrorForCli(err: unknown, argv0: string): string {
  const lines: string[] = [];
  if (isConfigError(err)) {
    for (const group of mergedMessages(err.issues)) {
      lines.push(`Error: ${group.message}`);
      for (const issue of group.issues) {
        const loc = where(issue);
        if (loc !== null) lines.push(`  (at ${loc})`);
      }
    }
  } else {
    lines.push(`Error: ${err instanceof Error ? err.message : String(err)}`);
  }
  lines.push(`For help, use ${argv0} -h`);
  return lines.join("\n") + "\n";
}
