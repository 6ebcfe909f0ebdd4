/** Finding the config file when `-c` is not given (CFG-02/03). */
import { existsSync } from "node:fs";
import path from "node:path";

/**
 * The six search paths in supervisord's order: `<bin>` is the directory two levels up from argv[0]
 * (`os.path.dirname(os.path.dirname(argv0))`), then the cwd-relative and system paths.
 */
export function configSearchPaths(argv0: string): string[] {
  const here = pyDirname(pyDirname(argv0));
  return [
    pyJoin(here, "etc", "supervisord.conf"),
    pyJoin(here, "supervisord.conf"),
    "supervisord.conf",
    "etc/supervisord.conf",
    "/etc/supervisord.conf",
    "/etc/supervisor/supervisord.conf",
  ];
}

function pyDirname(p: string): string {
  const i = p.lastIndexOf("/") + 1;
  const head = p.slice(0, i);
  return head && head !== "/".repeat(head.length) ? head.replace(/\/+$/, "") : head;
}

function pyJoin(...parts: string[]): string {
  let out = "";
  for (const part of parts) {
    if (part.startsWith("/")) out = part;
    else if (out === "" || out.endsWith("/")) out += part;
    else out += "/" + part;
  }
  return out;
}

/**
 * CFG-02: the first search path that exists (relative ones against `cwd`), as written in the list, or null. `paths`
 * replaces the list (tests keep the machine's own /etc/supervisor out).
 */
export function findConfigFile(argv0: string, cwd: string, paths: readonly string[] = configSearchPaths(argv0)): string | null {
  for (const p of paths) {
    if (existsSync(path.resolve(cwd, p))) return p;
  }
  return null;
}

/** CFG-03's message (without the `Error: ` prefix). */
export function noConfigFileMessage(argv0: string): string {
  return (
    `No config file found at default paths (${configSearchPaths(argv0).join(", ")}); ` +
    `use the -c option to specify a config file at a different path`
  );
}
