/**
 * The interactive shell (CTL-05): `status` first, then `<prompt>> ` lines until quit/exit/Ctrl-D/Ctrl-C, with
 * tab completion of actions and names and a history file read at start and written at exit.
 */
import { readFileSync, writeFileSync } from "node:fs";
import type { NameInfo } from "./completion.js";
import { complete } from "./completion.js";
import type { Controller } from "./controller.js";

/** readline history as node keeps it (newest first) from a GNU readline history file (oldest first). */
export function loadHistory(file: string | null): string[] {
  if (file === null) return [];
  try {
    return readFileSync(file, "utf8").split("\n").filter((l) => l !== "").reverse();
  } catch {
    return [];
  }
}

export function saveHistory(file: string | null, newestFirst: readonly string[]): void {
  if (file === null) return;
  try {
    const lines = [...newestFirst].reverse();
    writeFileSync(file, lines.length > 0 ? `${lines.join("\n")}\n` : "");
  } catch {
    // As supervisorctl: an unwritable history file is not an error.
  }
}

/** The completion source: one getAllProcessInfo per command line, kept until the next command runs. */
export class CompletionCache {
  private infos: Promise<readonly NameInfo[]> | null = null;
  constructor(private readonly ctl: Controller) {}

  reset(): void {
    this.infos = null;
  }

  names(): Promise<readonly NameInfo[]> {
    this.infos ??= this.ctl
      .backend()
      .getAllProcessInfo()
      .catch(() => []);
    return this.infos;
  }

  complete(line: string): Promise<[string[], string]> {
    return complete(line, () => this.names());
  }
}

/** Runs the shell loop; resolves when the user leaves. The exit status of the shell is always 0 (EXIT-02). */
export async function runShell(ctl: Controller, cache: CompletionCache): Promise<void> {
  const prompt = `${ctl.options.prompt}> `;
  if (await ctl.onecmd("status")) return;
  for (;;) {
    cache.reset();
    const line = await ctl.term.readLine(prompt);
    if (line === null) {
      // Ctrl-D: do_EOF prints an empty line.
      ctl.output("");
      return;
    }
    if (await ctl.onecmd(line)) return;
  }
}
