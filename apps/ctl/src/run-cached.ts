/**
 * issue 20: tsctl's start-up for every command but `top` (bin/tsctl). Node 20 has no compile cache for modules
 * (`module.enableCompileCache` is Node 22), so this runner does what it would: it compiles `dist/tsctl.cjs` (the
 * CommonJS bundle of src/main.ts, build.mjs) as a `vm.Script` with the V8 code cache kept next to it
 * (`dist/tsctl.cjs.cache`), and V8 deserializes compiled functions instead of parsing ~1.5 MB of JavaScript.
 * The cache is written when a run finds none or V8 rejects it (another Node, other V8 flags, a rebuilt bundle),
 * at exit, so it holds every function that run compiled. A directory nobody may write costs speed, not function.
 *
 * Measured against tsctl's V8 start-up snapshot, which it replaces (an 8 MB heap to deserialize whatever the
 * command), on `tsctl status` with 100 programs: less CPU per run, nothing frozen at build time (grpc-js reads
 * its GRPC_* variables as it loads), and no Node restriction on what the bundle may load.
 */
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Script } from "node:vm";

type CommonJsWrapper = (exports: object, require: NodeJS.Require, module: { exports: object }, filename: string, dirname: string) => void;

function readCache(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined; // first run after a build: this run writes it
  }
}

function writeCache(file: string, data: Buffer): void {
  // Through a temporary name: two first runs at once must not leave a torn cache (V8 would reject it, no worse).
  const temporary = `${file}.${process.pid}`;
  try {
    writeFileSync(temporary, data);
    renameSync(temporary, file);
  } catch {
    // Read-only install: every run compiles, as without a cache.
  }
}

/** Runs the CommonJS bundle `file` as Node's module loader would, compiled with its code cache. */
export function runCached(file: string): void {
  const cacheFile = `${file}.cache`;
  const cachedData = readCache(cacheFile);
  // The bundle keeps main.ts's `#!` line, which is only valid at the very start of a script: a comment here.
  const source = readFileSync(file, "utf8").replace(/^#!/, "//");
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: file,
    ...(cachedData === undefined ? {} : { cachedData }),
  });
  if (cachedData === undefined || script.cachedDataRejected === true) {
    process.once("exit", () => writeCache(cacheFile, script.createCachedData()));
  }
  const module = { exports: {} };
  (script.runInThisContext() as CommonJsWrapper)(module.exports, createRequire(file), module, file, dirname(file));
}

runCached(join(__dirname, "tsctl.cjs"));
