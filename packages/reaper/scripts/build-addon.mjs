#!/usr/bin/env node
// Compiles native/reaper.c with node-gyp (npm's bundled copy, Node's installed headers: no network) and copies
// the result to dist/native/reaper.node, where turbo caches it with the rest of dist/.
//
// A failed build must not fail `turbo run build`: the package then reports itself unavailable at runtime and
// the daemon runs without orphan reaping. So every failure ends in one warning line and exit code 0.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const pkg = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const nativeDir = join(pkg, "native");
const built = join(nativeDir, "build", "Release", "reaper.node");
const target = join(pkg, "dist", "native", "reaper.node");
const prefix = resolve(dirname(process.execPath), "..");

function warn(why) {
  console.warn(`@tsupervisord/reaper: native addon not built (${why}); orphan reaping will be unavailable`);
  process.exit(0);
}

if (process.platform !== "linux") warn(`${process.platform} is not Linux`);

// node-gyp: the one npm/pnpm hands to lifecycle scripts, else npm's bundled copy next to this node, else PATH.
const candidates = [
  process.env.npm_config_node_gyp,
  join(prefix, "lib", "node_modules", "npm", "node_modules", "node-gyp", "bin", "node-gyp.js"),
  "/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js",
].filter((file) => file !== undefined && file !== "" && existsSync(file));
const nodeGyp = candidates[0];
const command = nodeGyp === undefined ? ["node-gyp"] : [process.execPath, nodeGyp];

// Node's own headers as installed with this binary (<prefix>/include/node): with --nodedir node-gyp never
// downloads anything. Without them node-gyp would try to fetch headers, which fails offline.
const args = ["rebuild", "--directory", nativeDir, "--loglevel", "warn"];
if (existsSync(join(prefix, "include", "node", "node_api.h"))) args.push(`--nodedir=${prefix}`);

const result = spawnSync(command[0], [...command.slice(1), ...args], {
  cwd: pkg,
  encoding: "utf8",
  timeout: 180_000,
  env: { ...process.env, npm_config_offline: "true" },
});
if (result.error !== undefined) warn(`${command.join(" ")}: ${result.error.message}`);
if (result.status !== 0 || !existsSync(built)) {
  const lines = `${result.stderr ?? ""}${result.stdout ?? ""}`.split("\n").map((l) => l.trim());
  const reason = lines.find((l) => /error|not found|No such file/i.test(l) && !/^gyp ERR! (stack|cwd|node -v|node-gyp -v|System|command)/.test(l));
  rmSync(target, { force: true });
  warn(reason ?? `node-gyp exited with ${result.status ?? result.signal}`);
}
mkdirSync(dirname(target), { recursive: true });
copyFileSync(built, target);
