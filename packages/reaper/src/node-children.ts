/**
 * Keeps the set of children that Node itself spawned (child_process, in this thread) and has not yet collected.
 *
 * libuv waits for each of its children by pid; if we reaped one first, libuv would get ECHILD and silently drop
 * it, so its ChildProcess would never emit 'exit'. Node publishes every new ChildProcess on the `child_process`
 * diagnostics channel, which lets us protect them without the caller listing them. A ChildProcess counts as
 * "Node's" until Node has recorded its exit (exitCode or signalCode set), which happens right after libuv's
 * own waitpid().
 */
import { ChildProcess } from "node:child_process";
import diagnosticsChannel from "node:diagnostics_channel";

export interface NodeChildTracker {
  /** True while `pid` belongs to a ChildProcess whose exit Node has not recorded yet. */
  owns(pid: number): boolean;
  stop(): void;
}

function exitRecorded(child: ChildProcess): boolean {
  // A failed spawn also lands here: Node sets exitCode to the negative errno and never emits 'exit'.
  return child.exitCode !== null || child.signalCode !== null;
}

export function trackNodeChildren(): NodeChildTracker {
  const children = new Set<ChildProcess>();
  const add = (child: ChildProcess): void => {
    children.add(child);
    child.once("exit", () => children.delete(child));
  };
  const onCreated = (message: unknown): void => {
    const child = (message as { process?: unknown } | undefined)?.process;
    if (child instanceof ChildProcess) add(child);
  };
  diagnosticsChannel.subscribe("child_process", onCreated);

  // Children spawned before we subscribed: best effort through the (undocumented) active handle list, which
  // holds every referenced ChildProcess. Unreferenced ones must be covered by the caller's isManaged().
  // PRIVATE NODE INTERNAL: process._getActiveHandles has no public replacement that returns the handles
  // themselves (process.getActiveResourcesInfo() gives only type names). Without it only children spawned after
  // start-up are known; packages/reaper/test/node-internals.test.ts fails loudly on a Node that drops or changes it.
  const activeHandles = (process as unknown as { _getActiveHandles?: () => unknown[] })._getActiveHandles;
  for (const handle of activeHandles?.call(process) ?? []) {
    if (handle instanceof ChildProcess && !exitRecorded(handle)) add(handle);
  }

  return {
    owns(pid) {
      let owned = false;
      for (const child of children) {
        if (exitRecorded(child)) children.delete(child); // keeps the set bounded even if 'exit' never came
        else if (child.pid === pid) owned = true;
      }
      return owned;
    },
    stop() {
      diagnosticsChannel.unsubscribe("child_process", onCreated);
      children.clear();
    },
  };
}
