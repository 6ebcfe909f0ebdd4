import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ServerResponse } from "node:http";
import { formatTimedelta } from "@tsupervisord/pycompat";
import { SERVER_HEADER } from "./responses.js";

/**
 * The web UI's static files, at the paths supervisord's pages use (`stylesheets/supervisor.css`,
 * `images/supervisor.gif`, `images/icon.png`) plus our script. They are tsupervisord's own (drawn from
 * `assets/logo.svg`; nothing of supervisord's is shipped) and live in the package's `assets/` folder, next to
 * `src/` and `dist/`, read once on first use.
 */
const ASSETS: Record<string, { file: string; type: string }> = {
  "/stylesheets/supervisor.css": { file: "supervisor.css", type: "text/css; charset=utf-8" },
  "/images/supervisor.gif": { file: "supervisor.gif", type: "image/gif" },
  "/images/icon.png": { file: "icon.png", type: "image/png" },
  "/images/logo.svg": { file: "logo.svg", type: "image/svg+xml" },
  "/javascripts/live.js": { file: "live.js", type: "text/javascript; charset=utf-8" },
};

/**
 * What a script shares with the server goes in front of it as source: the page advances supervisord's uptime text
 * with pycompat's own `formatTimedelta` (a self-contained function), so there is one copy of that text's rules.
 */
const PRELUDES: Record<string, string> = {
  "live.js": `// From @tsupervisord/pycompat (the server's copy).\n${formatTimedelta.toString()}\n`,
};

const cache = new Map<string, Buffer>();
let assetsDirectory: string | undefined;

/**
 * The package's `assets/`: two levels above src/http/ and dist/http/; in the daemon's esbuild bundle (issue 20)
 * this code runs from apps/daemon/dist/, so when that relative guess is absent, the package's own directory.
 */
function assetsDir(): string {
  if (assetsDirectory !== undefined) return assetsDirectory;
  const relative = fileURLToPath(new URL("../../assets/", import.meta.url));
  assetsDirectory = existsSync(join(relative, "logo.svg"))
    ? relative
    : join(dirname(createRequire(import.meta.url).resolve("@tsupervisord/xmlrpc/package.json")), "assets");
  return assetsDirectory;
}

function load(file: string): Buffer {
  let bytes = cache.get(file);
  if (bytes === undefined) {
    bytes = readFileSync(join(assetsDir(), file));
    const prelude = PRELUDES[file];
    if (prelude !== undefined) bytes = Buffer.concat([Buffer.from(prelude), bytes]);
    cache.set(file, bytes);
  }
  return bytes;
}

/**
 * Reads every asset now. The daemon calls it before `user=` drops privileges: the install may not be readable by
 * that user (a clone under a 0700 home), and a page without its stylesheet is worse than a few KiB held early.
 */
export function preloadWebUiAssets(): void {
  for (const { file } of Object.values(ASSETS)) load(file);
}

export function isAssetPath(pathname: string): boolean {
  return Object.hasOwn(ASSETS, pathname);
}

export function sendAsset(res: ServerResponse, pathname: string, headOnly: boolean): void {
  const asset = ASSETS[pathname];
  if (asset === undefined) throw new Error(`not an asset: ${pathname}`);
  const bytes = load(asset.file);
  res.writeHead(200, {
    Server: SERVER_HEADER,
    "Content-Type": asset.type,
    "Content-Length": String(bytes.length),
    // Short: a daemon upgrade brings new files under the same names.
    "Cache-Control": "max-age=300",
  });
  res.end(headOnly ? undefined : bytes);
}
