import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { unavailableReason } from "../src/index.js";

export const FIXTURE = fileURLToPath(new URL("./fixtures/orphan-parent.mjs", import.meta.url));

/** Set when the addon could not be built here: the only reason these tests may skip. */
export const SKIP_REASON = unavailableReason();
if (SKIP_REASON !== undefined) console.warn(`reaper tests skipped: ${SKIP_REASON}`);

export interface FixtureRun {
  code: number | null;
  result: Record<string, unknown>;
  stderr: string;
}

/** Runs `command args`, waits for it to exit and parses the fixture's JSON line. */
export function runFixture(command: string, args: string[]): Promise<FixtureRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => {
      const line = stdout.trim().split("\n").pop() ?? "";
      try {
        resolve({ code, result: JSON.parse(line) as Record<string, unknown>, stderr });
      } catch {
        reject(new Error(`fixture printed no JSON (exit ${code}): ${stdout}\n${stderr}`));
      }
    });
  });
}
