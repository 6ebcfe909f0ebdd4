/** The conformance runner's normalisation (runner.py `Normalizer`, `norm_ctl`), so transcripts compare equal. */
const MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec";

export function normalize(text: string, paths: readonly [literal: string, token: string][] = []): string {
  let t = text;
  for (const [literal, token] of [...paths].sort((a, b) => b[0].length - a[0].length)) t = t.split(literal).join(token);
  t = t.replace(/\bpid \d+/g, "pid <PID>");
  t = t.replace(/\buptime (\d+ days?, )?\d+:\d\d:\d\d/g, "uptime <UPTIME>");
  t = t.replace(new RegExp(`\\b(${MONTHS}) \\d\\d \\d\\d:\\d\\d [AP]M\\b`, "g"), "<DATE>");
  t = t.replace(/(---[^\s/]*?-)[a-z0-9_]{8}\.log/g, "$1<RAND>.log");
  const lines = t.replace(/\r\n/g, "\n").split("\n").map((l) => l.trimEnd());
  while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines.join("\n");
}

/** `pid` numbers become <PID>; multi-process start/stop/restart/signal lines compare as a sorted set. */
export function normalizeCtl(args: string, text: string, paths: readonly [string, string][] = []): string {
  let t = normalize(text, paths);
  const words = args.trim().split(/\s+/);
  if (words[0] === "pid") t = t.replace(/^\d+$/gm, "<PID>");
  if (["start", "stop", "restart", "signal"].includes(words[0] ?? "")) {
    const lines = t.split("\n");
    if (lines.length > 1 && lines.every((l) => /^\S+: /.test(l))) t = lines.sort().join("\n");
  }
  return t;
}

/** Python shlex.split for the simple quoting the cases use. */
export function shlexSplit(text: string): string[] {
  const words: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) words.push(m[1] ?? m[2] ?? (m[3] as string));
  return words;
}
