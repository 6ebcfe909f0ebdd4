/**
 * issue 20: NODE_EXTRA_CA_CERTS without its start-up cost. Node 20 reads and parses that file, together with
 * its own ~140 bundled roots, before any JavaScript runs, whether the process ever opens a TLS connection or not
 * (Node 22 does it on the first TLS use). Where Debian's bundle is named there (144 certificates), that is
 * ~40 ms of every `tsctl` command, about a quarter of a `tsctl status` on a unix socket, which needs no TLS.
 *
 * So bin/tsctl hands the path over as TSCTL_DEFERRED_EXTRA_CA_CERTS and starts Node without the variable. Here,
 * first thing, it is put back into the environment (for anything that reads it later), and the path is kept:
 * an https:// connection that relies on the default trust gets what Node's default store would have held, its
 * bundled roots plus the file's certificates (`defaultCaWithExtra`). A connection given `--ca`/`tls_ca` never
 * used the extra file (Node ignores it when a CA is given), and still does not.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type * as Tls from "node:tls";

/** The variable bin/tsctl moves NODE_EXTRA_CA_CERTS to. */
export const DEFERRED_EXTRA_CA_VARIABLE = "TSCTL_DEFERRED_EXTRA_CA_CERTS";

/** The file this run's Node did not read at start-up, or null (no deferral: Node's own store is complete). */
let deferredFile: string | null = null;
/** The default CA bundle, built on the first https:// connection that needs it. */
let bundle: Buffer | undefined;

/**
 * Puts NODE_EXTRA_CA_CERTS back from the deferred variable and remembers that Node's store lacks it. A caller
 * that set NODE_EXTRA_CA_CERTS itself after bin/tsctl ran (none does) would keep its value, read by Node.
 */
export function restoreDeferredExtraCa(env: NodeJS.ProcessEnv = process.env): string | null {
  const file = env[DEFERRED_EXTRA_CA_VARIABLE];
  if (file === undefined) return null;
  delete env[DEFERRED_EXTRA_CA_VARIABLE];
  if (env["NODE_EXTRA_CA_CERTS"] !== undefined || file === "") return null;
  env["NODE_EXTRA_CA_CERTS"] = file;
  if (env === process.env) deferredFile = file;
  return file;
}

/**
 * The CAs Node's default store would hold had it read NODE_EXTRA_CA_CERTS itself, as one PEM bundle; undefined
 * when nothing was deferred (Node's default is right as it is). A file that cannot be read or holds no
 * certificate gives Node's warning, once, and the bundled roots alone, as Node does at start-up.
 */
export function defaultCaWithExtra(): Buffer | undefined {
  if (deferredFile === null) return undefined;
  if (bundle !== undefined) return bundle;
  // Not `import`: an ES-module facade of node:tls would read `rootCertificates` at import, whoever imports it.
  const tls = createRequire("/")("node:tls") as typeof Tls;
  let extra = "";
  try {
    extra = readFileSync(deferredFile, "latin1");
    if (!extra.includes("-----BEGIN CERTIFICATE-----")) throw new Error("no certificate in the file");
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    process.stderr.write(`Warning: Ignoring extra certs from \`${deferredFile}\`, load failed: ${why}\n`);
    extra = "";
  }
  bundle = Buffer.from(`${tls.rootCertificates.join("\n")}\n${extra}`, "latin1");
  return bundle;
}
