/**
 * What supervisord's size rotation (ROT-02) needs from the filesystem, and the backups that fall off its end.
 *
 * A splice pump, and its child on a full pipe, waits for the whole rotation (issue 20). Through libuv's pool each
 * of its ~15 metadata calls is a round trip of two threads (~2.8 ms per rotation measured here, ~60 ms per GiB at
 * 50 MB files); made synchronously they are a few microseconds each, as supervisord makes them. That holds only
 * where the calls never leave the machine: on NFS, SMB or FUSE each one is a server round trip, and synchronous
 * calls would stop the whole daemon (its API, every other log) for every rotation. So the calls are synchronous on
 * the local filesystems below and go through the pool everywhere else (`metadataCallsFor`).
 */
import * as fs from "node:fs";
import * as nodePath from "node:path";
import { errnoCode } from "../errors.js";

/** The calls a classic rotation makes. Synchronous or through libuv's pool: `await` works on both. */
export interface MetadataCalls {
  readonly kind: "sync" | "pool";
  size(path: string): number | Promise<number>;
  fdSize(fd: number): number | Promise<number>;
  rename(from: string, to: string): void | Promise<void>;
  link(existing: string, name: string): void | Promise<void>;
  unlink(path: string): void | Promise<void>;
  open(path: string, flags: string, mode: number): number | Promise<number>;
  close(fd: number): void | Promise<void>;
}

export const SYNC_CALLS: MetadataCalls = {
  kind: "sync",
  size: (path) => fs.statSync(path).size,
  fdSize: (fd) => fs.fstatSync(fd).size,
  rename: (from, to) => fs.renameSync(from, to),
  link: (existing, name) => fs.linkSync(existing, name),
  unlink: (path) => fs.unlinkSync(path),
  open: (path, flags, mode) => fs.openSync(path, flags, mode),
  close: (fd) => fs.closeSync(fd),
};

export const POOL_CALLS: MetadataCalls = {
  kind: "pool",
  size: async (path) => (await fs.promises.stat(path)).size,
  fdSize: (fd) => new Promise((resolve, reject) => fs.fstat(fd, (err, st) => (err ? reject(err) : resolve(st.size)))),
  rename: (from, to) => fs.promises.rename(from, to),
  link: (existing, name) => fs.promises.link(existing, name),
  unlink: (path) => fs.promises.unlink(path),
  open: (path, flags, mode) =>
    new Promise((resolve, reject) => fs.open(path, flags, mode, (err, fd) => (err ? reject(err) : resolve(fd)))),
  close: (fd) => new Promise((resolve, reject) => fs.close(fd, (err) => (err ? reject(err) : resolve()))),
};

/**
 * statfs(2) `f_type` of filesystems whose metadata calls stay on this machine: ext2/3/4, XFS, Btrfs, tmpfs, ramfs,
 * overlayfs (a container's root), ZFS, F2FS, bcachefs, ReiserFS, JFS. NFS, SMB/CIFS, FUSE (sshfs, virtiofs), Ceph,
 * 9p and anything unknown take the pool.
 */
const LOCAL_FILESYSTEMS = new Set([
  0xef53, 0x58465342, 0x9123683e, 0x01021994, 0x858458f6, 0x794c7630, 0x2fc12fc1, 0xf2f52010, 0xca451a4e, 0x52654973,
  0x3153464a,
]);

export function isLocalFilesystem(type: number): boolean {
  return LOCAL_FILESYSTEMS.has(type);
}

/** The calls for files in `dir`: synchronous on a local filesystem, through the pool elsewhere or when unknown. */
export async function metadataCallsFor(dir: string): Promise<MetadataCalls> {
  try {
    const st = await fs.promises.statfs(dir);
    return isLocalFilesystem(Number(st.type)) ? SYNC_CALLS : POOL_CALLS;
  } catch {
    return POOL_CALLS;
  }
}

/**
 * A rotation is written once, as steps that yield each metadata call (`const size = (yield () => calls.size(p))`)
 * and get its result back, or its error thrown in. `runNow` makes the calls one after the other with no `await`:
 * an `await` per call, even of a plain value, cost ~0.3 ms per rotation in V8's interpreter (the daemon runs
 * without the optimizing compiler), as much as the calls themselves. `runAwaiting` awaits each (the pool's).
 */
export type Call = () => unknown;
export type Steps<T> = Generator<Call, T, unknown>;

export function runNow<T>(steps: Steps<T>): T {
  let step = steps.next();
  while (step.done !== true) {
    let value: unknown;
    try {
      value = step.value();
    } catch (err) {
      step = steps.throw(err);
      continue;
    }
    step = steps.next(value);
  }
  return step.value;
}

export async function runAwaiting<T>(steps: Steps<T>): Promise<T> {
  let step = steps.next();
  while (step.done !== true) {
    let value: unknown;
    try {
      value = await step.value();
    } catch (err) {
      step = steps.throw(err);
      continue;
    }
    step = steps.next(value);
  }
  return step.value;
}

/** Run the steps with `calls`: synchronously for SYNC_CALLS, awaiting each call for the pool's. */
export function runWith<T>(calls: MetadataCalls, steps: Steps<T>): Promise<T> {
  return calls.kind === "sync" ? Promise.resolve(runNow(steps)) : runAwaiting(steps);
}

/** One call as a step, ENOENT ignored. */
export function* ignoringEnoent(call: Call): Steps<void> {
  try {
    yield call;
  } catch (err) {
    if (errnoCode(err) !== "ENOENT") throw err;
  }
}

/** Hidden names a log's expired backups may hold at once while their deletions run. */
export const EXPIRED_NAMES = 4;

/**
 * The backup that falls off the end of a rotation is renamed to a hidden name (`.<log>.expired.<i>`) and deleted
 * through the pool once the new file is in use: deleting 50 MB frees its page cache there and then (~17 ms here),
 * and the child, blocked on a full pipe while a rotation runs, must not wait for it. Renamed, not hard-linked and
 * renamed over: on ext4 a rename over an existing name first writes out the source's delayed allocations
 * (auto_da_alloc, ~1.5 ms for a 50 MB backup still in the page cache); into a free name it is a plain rename.
 * `.N` is missing for the moment between this rename and the shift, as under supervisord (which deletes it first).
 *
 * Each name is reused only once its deletion has finished: renaming over one still waiting would free that file
 * on the rotating thread. Names left by a daemon that stopped between the rename and the deletion (and the single
 * `.<log>.expired` of earlier versions) are deleted in the background from the first rotation on.
 */
export class ExpiredBackups {
  private readonly pending = new Map<string, Promise<void>>();
  private swept = false;
  private failed = false;
  private readonly dir: string;
  private readonly base: string;

  constructor(
    logPath: string,
    private readonly report: (err: unknown) => void,
  ) {
    this.dir = nodePath.dirname(logPath);
    this.base = nodePath.basename(logPath);
  }

  private name(i: number | null): string {
    return nodePath.join(this.dir, i === null ? `.${this.base}.expired` : `.${this.base}.expired.${i}`);
  }

  /**
   * Rename `oldest` aside (a step of the rotation): its hidden name, or null when it is not set aside, and the
   * shift then renames over it, freeing it in place. That happens when every name still has a deletion running
   * (the pool is far behind), or after a failure, which is reported once; later rotations no longer try.
   */
  *setAside(oldest: string, calls: MetadataCalls): Steps<string | null> {
    if (this.failed) return null;
    if (!this.swept) {
      // Leftovers of a daemon that stopped mid-rotation. Not the first name, which this rotation takes now: a
      // leftover there is renamed over (freed in place, once).
      this.swept = true;
      this.deleteLater(this.name(null));
      for (let i = 1; i < EXPIRED_NAMES; i += 1) this.deleteLater(this.name(i));
    }
    let name: string | null = null;
    for (let i = 0; i < EXPIRED_NAMES && name === null; i += 1) if (!this.pending.has(this.name(i))) name = this.name(i);
    if (name === null) return null;
    const to = name;
    try {
      yield () => calls.rename(oldest, to);
      return to;
    } catch (err) {
      if (errnoCode(err) === "ENOENT") return null;
      this.failed = true;
      this.report(err);
      return null;
    }
  }

  /** Delete `name` through the pool, off the rotation's path; ENOENT is not an error. */
  deleteLater(name: string): void {
    const previous = this.pending.get(name) ?? Promise.resolve();
    const deletion = previous
      .then(() => runAwaiting(ignoringEnoent(() => fs.promises.unlink(name))))
      .catch((err: unknown) => this.report(err))
      .finally(() => {
        if (this.pending.get(name) === deletion) this.pending.delete(name);
      });
    this.pending.set(name, deletion);
  }

  /** Settles when every deletion started so far has finished. */
  idle(): Promise<void> {
    return Promise.all(this.pending.values()).then(() => undefined);
  }
}
