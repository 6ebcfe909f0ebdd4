// The esbuild options the daemon (apps/daemon/build.mjs) and tsctl (apps/ctl/build.mjs) bundles share: an ES
// module bundle for this repository's Node, split so that what a run may never need is a chunk read only on its
// first dynamic `import()`, and (tsctl) single CommonJS scripts. Options only, not a call to esbuild: esbuild is
// each app's dev dependency and does not resolve from here.

/** What every bundle of this repository is: self-contained, for Node 20, quiet unless something is wrong. */
const forThisNode = { bundle: true, platform: "node", target: "node20", logLevel: "warning" };

/**
 * One CommonJS script (tsctl's code-cached bundle and its loader, apps/ctl/src/run-cached.ts): a `vm.Script` can
 * hold CommonJS, not an ES module. The caller adds its entry point, outfile and anything else.
 */
export function nodeScriptOptions() {
  return { ...forThisNode, format: "cjs" };
}

/**
 * The shared options; the caller adds its entry points, outdir and anything else. `requireName` names the
 * `createRequire` import of the banner (each bundle its own, so a stack trace says whose it is).
 */
export function nodeBundleOptions(requireName) {
  return {
    ...forThisNode,
    splitting: true,
    format: "esm",
    // A linked map so a stack trace points at the sources when run with NODE_OPTIONS=--enable-source-maps; not on
    // by default, as Node then parses the maps of everything it loads.
    sourcemap: "linked",
    // CommonJS dependencies (grpc-js, pino, ...) require node builtins: give the ESM bundle a `require`.
    banner: { js: `import { createRequire as ${requireName} } from "node:module"; const require = ${requireName}(import.meta.url);` },
    minify: false,
  };
}
