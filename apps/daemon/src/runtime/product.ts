import { readFileSync } from "node:fs";

/**
 * tsupervisord's own name and version (this package's), for places that say who we are — the web UI's
 * footer. The XML-RPC/gRPC API keeps reporting supervisord's version (version.ts), which clients compare.
 */
export function productIdentity(): { productName: string; productVersion: string } {
  let productVersion = "";
  try {
    // dist/runtime/ and src/runtime/ are both two levels below the package root.
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version?: unknown };
    if (typeof pkg.version === "string") productVersion = pkg.version;
  } catch {
    // A copy without its package.json still serves; the footer then shows the name alone.
  }
  return { productName: "tsupervisord", productVersion };
}
