/** Reading a process tree from /proc (stats/tree.ts), behind the stats sampler of getProcessInfo, Watch and /metrics. */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { readTree } from "../src/stats/tree.js";

const children: ChildProcess[] = [];
afterEach(() => {
  // detached: the shell leads its own process group, so one kill ends it and its sleeps.
  for (const child of children.splice(0)) {
    try {
      process.kill(-(child.pid as number), "SIGKILL");
    } catch {
      // already gone
    }
  }
});

function rssPagesOf(pid: number): number {
  const text = readFileSync(`/proc/${pid}/stat`, "latin1");
  return Number(text.slice(text.lastIndexOf(")") + 2).split(" ")[24 - 3]);
}

/** A shell with two sleeping children, returned once both children have exec'd sleep. */
async function shellWithTwoChildren(): Promise<{ root: number; kids: number[] }> {
  const child = spawn("/bin/sh", ["-c", "sleep 60 & sleep 60 & wait"], { stdio: "ignore", detached: true });
  children.push(child);
  const root = child.pid as number;
  const deadline = Date.now() + 10_000;
  for (;;) {
    const kids = readFileSync(`/proc/${root}/task/${root}/children`, "latin1").trim().split(" ").filter(Boolean);
    const exec = (pid: string): boolean => readFileSync(`/proc/${pid}/comm`, "latin1") === "sleep\n";
    if (kids.length === 2 && kids.every(exec) && kids.every((k) => rssPagesOf(Number(k)) > 0)) {
      return { root, kids: kids.map(Number) };
    }
    if (Date.now() > deadline) throw new Error(`children never appeared: ${kids.join(",")}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe("readTree", () => {
  // RSS moves while the forked shells exec sleep and load it: read between two identical readings of the three.
  async function steady<T>(read: () => T, pids: number[]): Promise<T> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const before = pids.map(rssPagesOf).join(",");
      const result = read();
      if (pids.map(rssPagesOf).join(",") === before) return result;
      if (Date.now() > deadline) throw new Error("RSS never settled");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it.each(["walk", "scan"] as const)("%s: a tree's RSS is its root's plus every descendant's; members are the three", async (mode) => {
    const { root, kids } = await shellWithTwoChildren();
    const [k1, k2] = kids as [number, number];
    const r = await steady(() => ({ tree: readTree(root, true, mode), leaf1: readTree(k1, true, mode), leaf2: readTree(k2, true, mode) }), [root, k1, k2]);
    const leaf1 = r.leaf1?.rssBytes ?? 0;
    expect(leaf1).toBeGreaterThan(0);
    const page = leaf1 / rssPagesOf(k1);
    expect(r.tree?.rssBytes).toBe(rssPagesOf(root) * page + leaf1 + (r.leaf2?.rssBytes ?? 0));
    expect(r.tree?.members.map((m) => m.pid).sort((a, b) => a - b)).toEqual([root, k1, k2].sort((a, b) => a - b));
  });

  it("walk and scan agree on the tree", async () => {
    const { root, kids } = await shellWithTwoChildren();
    const both = await steady(() => [readTree(root, false, "walk")?.rssBytes, readTree(root, false, "scan")?.rssBytes], [root, ...kids]);
    expect(both[0]).toBe(both[1]);
  });

  it("a pid that is gone has no reading", () => {
    expect(readTree(2 ** 22 + 1)).toBeNull();
  });
});
