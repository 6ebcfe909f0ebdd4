import fs from "node:fs";

/**
 * The pid file (§7.2 step 10, D-DMN-03): written as `<pid>\n`; removed at exit only if it still holds our pid,
 * so a pid file written by another instance is left alone.
 */
export class PidFile {
  private written = false;

  constructor(
    readonly path: string,
    private readonly pid: number = process.pid,
  ) {}

  /** Returns an error message (logged CRIT by the caller, startup continues) or null. */
  write(): string | null {
    try {
      fs.writeFileSync(this.path, `${this.pid}\n`);
      this.written = true;
      return null;
    } catch {
      return `could not write pidfile ${this.path}`;
    }
  }

  /** Synchronous so it can run from an exit path. */
  remove(): void {
    if (!this.written) return;
    this.written = false;
    try {
      const content = fs.readFileSync(this.path, "utf8").trim();
      if (content === String(this.pid)) fs.unlinkSync(this.path);
    } catch {
      // Already gone, or unreadable: nothing of ours to remove.
    }
  }
}
