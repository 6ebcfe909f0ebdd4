/**
 * What happens to a file once it is rotated, beyond supervisord's rename-and-shift: date names, gzip and
 * retention. Split in two so a child is never held up by compression:
 * - `moveAside()` runs inside the writer's serialised chain with the file closed and only renames (as fast as
 *   supervisord's own rotation);
 * - the slow part (gzip, shifting numbered archives, deleting old ones) is queued on this archiver's own chain,
 *   one job at a time, while the writer already appends to the fresh file.
 */
import * as fs from "node:fs";
import { errnoCode } from "../errors.js";
import type { RotateTime } from "../types.js";
import { gzipFile } from "./compress.js";
import { datedPattern, numberedPattern } from "./names.js";
import { applyRetention } from "./retention.js";
import { periodLabel } from "./time-trigger.js";
import type { Clock } from "./time-trigger.js";

export interface ArchiveOptions {
  path: string;
  backups: number;
  suffix: "number" | "date";
  compress: "none" | "gzip";
  maxageMs: number;
  time: RotateTime | null;
  clock: Clock;
  report: (err: unknown) => void;
}

async function exists(p: string): Promise<boolean> {
  try {
    await fs.promises.lstat(p);
    return true;
  } catch {
    return false;
  }
}

async function renameIfExists(from: string, to: string): Promise<void> {
  try {
    await fs.promises.rename(from, to);
  } catch (err) {
    if (errnoCode(err) !== "ENOENT") throw err;
  }
}

async function unlinkIfExists(p: string): Promise<void> {
  try {
    await fs.promises.unlink(p);
  } catch (err) {
    if (errnoCode(err) !== "ENOENT") throw err;
  }
}

export class Archiver {
  private chain: Promise<void> = Promise.resolve();
  private seq = 0;
  /** Bytes deleted by retention or pushed off the end of the numbered backups. */
  bytesRotatedAway = 0;

  constructor(private readonly options: ArchiveOptions) {}

  /**
   * Whether rotation goes through `moveAside()` instead of supervisord's classic rename-and-shift (which stays
   * byte-for-byte supervisord's when neither date names nor compression are asked for).
   */
  get replacesClassicRotation(): boolean {
    const o = this.options;
    return o.suffix === "date" || (o.compress === "gzip" && o.backups > 0);
  }

  /** Settles when every queued archive job has finished. */
  idle(): Promise<void> {
    return this.chain;
  }

  /**
   * The writer's file (closed) leaves its name. `endedLabel` is the period a time trigger just closed; a size
   * rotation passes null: the file is named after the period it was opened in (`openedAt`), which is the period
   * its data belongs to even when the rotation itself runs just after a boundary. Throws ENOENT when the file
   * vanished (the caller reports ROT-04).
   */
  async moveAside(endedLabel: string | null, openedAt: number): Promise<void> {
    const o = this.options;
    if (o.suffix === "date") {
      const target = await this.freeDatedName(endedLabel ?? periodLabel(o.time, openedAt));
      await fs.promises.rename(o.path, target);
      this.enqueue(async () => {
        if (o.compress === "gzip") await this.compressKeepingOnFailure(target, `${target}.gz`);
        await this.retain();
      });
      return;
    }
    const staging = `${o.path}.pending-${o.clock.now()}-${this.seq++}`;
    await fs.promises.rename(o.path, staging);
    this.enqueue(async () => {
      const compressed = await this.compressKeepingOnFailure(staging, `${staging}.gz`);
      await this.shiftNumbered();
      if (compressed) await fs.promises.rename(`${staging}.gz`, `${o.path}.1.gz`);
      else await fs.promises.rename(staging, `${o.path}.1`);
      await this.retain();
    });
  }

  /** After a classic rotation: only retention by age remains to be done. */
  afterClassicRotation(): void {
    if (this.options.maxageMs > 0) this.enqueue(() => this.retain());
  }

  private enqueue(job: () => Promise<void>): void {
    this.chain = this.chain.then(job).catch((err: unknown) => this.options.report(err));
  }

  /** gzip `source` to `target`; on failure report, keep `source`, return false. */
  private async compressKeepingOnFailure(source: string, target: string): Promise<boolean> {
    try {
      await gzipFile(source, target);
      return true;
    } catch (err) {
      this.options.report(new Error(`cannot compress ${source} (kept uncompressed): ${(err as Error).message}`));
      return false;
    }
  }

  /** ROT-02 with `.gz` twins: `.N` falls off, `.i` → `.i+1` for i = N-1 … 1. */
  private async shiftNumbered(): Promise<void> {
    const { path, backups } = this.options;
    for (const oldest of [`${path}.${backups}`, `${path}.${backups}.gz`]) {
      try {
        this.bytesRotatedAway += (await fs.promises.stat(oldest)).size;
      } catch {
        continue;
      }
      await unlinkIfExists(oldest);
    }
    for (let i = backups - 1; i >= 1; i -= 1) {
      await renameIfExists(`${path}.${i}`, `${path}.${i + 1}`);
      await renameIfExists(`${path}.${i}.gz`, `${path}.${i + 1}.gz`);
    }
  }

  private async retain(): Promise<void> {
    const o = this.options;
    this.bytesRotatedAway += await applyRetention(o.path, {
      pattern: o.suffix === "date" ? datedPattern(o.path) : numberedPattern(o.path),
      maxageMs: o.maxageMs,
      // Numbered names are bounded by the shift itself; dated ones by `backups` here (0 = no count limit).
      keep: o.suffix === "date" ? o.backups : 0,
      now: o.clock.now(),
    });
  }

  /** `<path>.<label>`, or `<path>.<label>.<n>` with the smallest free n, free in plain and `.gz` form. */
  private async freeDatedName(label: string): Promise<string> {
    const base = `${this.options.path}.${label}`;
    for (let n = 0; ; n += 1) {
      const candidate = n === 0 ? base : `${base}.${n}`;
      if (!(await exists(candidate)) && !(await exists(`${candidate}.gz`)) && !(await exists(`${candidate}.gz.tmp`))) {
        return candidate;
      }
    }
  }
}
