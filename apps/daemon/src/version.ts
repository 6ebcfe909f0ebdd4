import fs from "node:fs";

/** tsupervisord's own version (package.json), for `-v` and GetSupervisorVersion. */
export function daemonVersion(): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version?: string };
    return pkg.version ?? "0.0.0";
  } catch {
    return "0.0.0";
  }
}
