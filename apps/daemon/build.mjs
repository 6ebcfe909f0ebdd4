// Bundles the daemon after `tsc` has emitted dist/ (which stays: other packages and tests import
// `@tsupervisord/daemon/access/role-table` from it). Issue 20, measured on an empty config: the unbundled daemon
// (~260 ES modules, each resolved, read and compiled separately) sits at ~74 MiB RSS, this bundle at ~57 MiB,
// and it starts faster. The faces it may never need are dynamic `import()`s (src/runtime/lazy-faces.ts), which
// esbuild's splitting turns into chunks read only on the first HTTP/2 connection (grpc-js and the generated
// messages) or the first HTTP/1.1 request (XML-RPC and the web UI).
// Everything is written flat in dist/ next to tsc's output, so `../package.json` (src/version.ts) still resolves;
// files that other packages find relative to themselves (reaper's addon, the web UI's assets) fall back to their
// package's directory. The native addons stay outside: they are `require`d by path at run time.
import { build } from "esbuild";
import { nodeBundleOptions } from "../../scripts/esbuild-node-bundle.mjs";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";

// The files of the previous bundle (chunk names carry a content hash): removed so dist/ does not grow.
const listing = new URL("./dist/bundle-files.json", import.meta.url);
if (existsSync(listing)) {
  for (const file of JSON.parse(readFileSync(listing, "utf8"))) rmSync(new URL(`./${file}`, import.meta.url), { force: true });
}

const result = await build({
  ...nodeBundleOptions("__daemonCreateRequire"),
  entryPoints: { tsupervisord: "dist/main.js" },
  outdir: "dist",
  // Without comments and indentation the chunks' sources are ASCII: tsc's JSDoc had non-Latin-1 characters
  // (§, —, …) that made V8 hold the two large chunks' source as two-byte strings, 3.7 MiB of heap (issue 20).
  minifyWhitespace: true,
  metafile: true,
});
writeFileSync(listing, `${JSON.stringify(Object.keys(result.metafile.outputs), null, 1)}\n`);

// The bundle's shebang carries the daemon's node flags, read from ../node-flags (their one source): a
// `./dist/tsupervisord.js` started directly runs as bin/tsupervisord does.
const flags = readFileSync(new URL("./node-flags", import.meta.url), "utf8").split("\n", 1)[0].trim();
const bundle = new URL("./dist/tsupervisord.js", import.meta.url);
const code = readFileSync(bundle, "utf8");
const shebang = `#!/usr/bin/env -S node ${flags}`;
writeFileSync(bundle, code.startsWith("#!") ? `${shebang}${code.slice(code.indexOf("\n"))}` : `${shebang}\n${code}`);
