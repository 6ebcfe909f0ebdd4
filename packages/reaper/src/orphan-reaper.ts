/**
 * Collects orphaned descendants that the kernel re-parented to us (we are PID 1, or a child subreaper) and that
 * nobody else will ever wait for. Runs on SIGCHLD, and once at start for zombies that piled up before.
 */
import { nativeReaper, unavailableReason, type ReapedChild } from "./native.js";
import { isNativeChild } from "./native-spawn.js";
import { trackNodeChildren } from "./node-children.js";
import { listZombieChildren } from "./proc.js";
import { describeWaitStatus } from "./wait-status.js";

export interface OrphanReaperOptions {
  /**
   * True for pids the caller spawned and waits for itself (the engine's children). Children spawned through
   * node:child_process in this thread after start are recognised without it; list here anything spawned before
   * start and not referenced, or spawned another way.
   */
  isManaged?: (pid: number) => boolean;
  /** Called once per reaped orphan with its RAP-03 text (`exit status 0`, `terminated by SIGKILL`). */
  onReaped: (pid: number, how: string, child: ReapedChild) => void;
  /** Errors from a scan or from onReaped; without it they are rethrown (uncaught) after the scan finishes. */
  onError?: (err: unknown) => void;
}

export interface OrphanReaper {
  /** False when the native addon is missing: then nothing was installed and nothing will be reaped. */
  readonly available: boolean;
  /** Why it is unavailable (undefined when available). */
  readonly reason: string | undefined;
  /** Reaps the orphans that are zombies right now; returns how many. For tests and the odd explicit sweep. */
  sweep(): number;
  /** Removes the SIGCHLD listener. Idempotent. */
  stop(): void;
}

/**
 * Starts reaping. Call it only where orphans can reach us (process.pid === 1, or after setChildSubreaper()):
 * elsewhere it would just scan /proc on every SIGCHLD for nothing.
 */
export function startOrphanReaper(options: OrphanReaperOptions): OrphanReaper {
  const addon = nativeReaper();
  if (addon === undefined) {
    return { available: false, reason: unavailableReason(), sweep: () => 0, stop: () => undefined };
  }
  const isManaged = options.isManaged ?? (() => false);
  const nodeChildren = trackNodeChildren();
  let stopped = false;
  let pending: NodeJS.Immediate | undefined;

  const sweep = (): number => {
    let reaped = 0;
    let firstError: unknown;
    for (const pid of listZombieChildren(process.pid)) {
      // libuv (or native-spawn.ts) will wait for it; stealing it loses its exit
      if (isManaged(pid) || nodeChildren.owns(pid) || isNativeChild(pid)) continue;
      try {
        const child = addon.reap(pid);
        if (child === null) continue; // somebody else collected it meanwhile
        reaped++;
        options.onReaped(child.pid, describeWaitStatus(child), child);
      } catch (err) {
        firstError ??= err;
      }
    }
    if (firstError !== undefined) {
      if (options.onError === undefined) throw firstError;
      options.onError(firstError);
    }
    return reaped;
  };

  // Deferred to the check phase: coalesces a burst of SIGCHLDs into one /proc walk, and by then libuv has run
  // its own SIGCHLD handling for this wake-up, so its exited children are already gone from /proc.
  const schedule = (): void => {
    if (stopped || pending !== undefined) return;
    pending = setImmediate(() => {
      pending = undefined;
      if (!stopped) sweep();
    });
  };

  process.on("SIGCHLD", schedule);
  schedule();

  return {
    available: true,
    reason: undefined,
    sweep,
    stop() {
      if (stopped) return;
      stopped = true;
      process.off("SIGCHLD", schedule);
      if (pending !== undefined) clearImmediate(pending);
      pending = undefined;
      nodeChildren.stop();
    },
  };
}

/**
 * Makes this process a child subreaper (prctl PR_SET_CHILD_SUBREAPER) so orphaned descendants come to it rather
 * than to PID 1. Returns false when the addon is unavailable or the kernel refused.
 */
export function setChildSubreaper(): boolean {
  const addon = nativeReaper();
  if (addon === undefined) return false;
  try {
    addon.setChildSubreaper();
    return true;
  } catch {
    return false;
  }
}

/** True when this process is a child subreaper (false too when that cannot be known). */
export function isChildSubreaper(): boolean {
  try {
    return nativeReaper()?.isChildSubreaper() ?? false;
  } catch {
    return false;
  }
}
