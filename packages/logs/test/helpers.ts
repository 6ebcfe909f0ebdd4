import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { waitFor as pollFor } from "@tsupervisord/testkit";
import { afterEach } from "vitest";

const dirs: string[] = [];

/** A fresh temp directory, removed after the test. */
export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tsup-logs-"));
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

export function size(file: string): number {
  return fs.statSync(file).size;
}

export function read(file: string): string {
  return fs.readFileSync(file, "utf8");
}

/** Poll a condition with a deadline (for effects that have no event of their own): testkit's waitFor. */
export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  await pollFor("the condition", condition, timeoutMs, 10);
}

/** Write chunks one at a time, each after the previous one was handled (as separate pipe reads would be). */
export async function writeEach(w: NodeJS.WritableStream, chunks: Array<string | Buffer>): Promise<void> {
  for (const chunk of chunks) {
    await new Promise<void>((resolve, reject) => w.write(chunk, (err) => (err ? reject(err) : resolve())));
  }
}

/** Whether this process may mount a small tmpfs (root with CAP_SYS_ADMIN): the full-disk tests need one. */
export function canMountTmpfs(): boolean {
  if (process.getuid?.() !== 0) return false;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tsup-mount-probe-"));
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=16k", "tmpfs", dir], { stdio: "ignore" });
    execFileSync("umount", [dir], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
