import fs from "node:fs";

/**
 * CFG-02: without `-c`, the first existing path of supervisord's search list. `<bin>` is two levels up from
 * argv[0] (Python's `os.path.dirname(os.path.dirname(sys.argv[0]))`), so paths keep the caller's spelling.
 */
export function defaultConfigSearchPaths(argv0: string): string[] {
  const here = pyDirname(pyDirname(argv0));
  const join = (...parts: string[]): string => [here, ...parts].filter((p) => p !== "").join("/").replace(/\/+/g, "/");
  return [
    join("etc", "supervisord.conf"),
    join("supervisord.conf"),
    "supervisord.conf",
    "etc/supervisord.conf",
    "/etc/supervisord.conf",
    "/etc/supervisor/supervisord.conf",
  ];
}

/** Returns the file to use, or throws with CFG-03's message (printed as `Error: …`, exit 2). */
export function locateConfigFile(explicit: string | null, argv0: string): string {
  if (explicit !== null) return explicit;
  const candidates = defaultConfigSearchPaths(argv0);
  const found = candidates.find((p) => fs.existsSync(p));
  if (found !== undefined) return found;
  throw new Error(
    `No config file found at default paths (${candidates.join(", ")}); ` +
      "use the -c option to specify a config file at a different path",
  );
}

/** Python's os.path.dirname: no normalisation, "" for a bare name. */
function pyDirname(p: string): string {
  const slash = p.lastIndexOf("/");
  if (slash === -1) return "";
  const head = p.slice(0, slash + 1);
  return /^\/+$/.test(head) ? head : head.replace(/\/+$/, "");
}
