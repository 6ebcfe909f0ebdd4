/** The CPU/RSS sampler behind getProcessInfo({ stats: true }) and Watch's include_stats. */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { ProcessTreeSampler } from "../src/proc-stats.js";

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

describe("ProcessTreeSampler", () => {
  // RSS moves while the forked shells exec sleep and load it: sample between two identical readings of the three.
  async function steadySample(sample: () => Map<number, { rssBytes: number }>, pids: number[]) {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const before = pids.map(rssPagesOf).join(",");
      const stats = sample();
      if (pids.map(rssPagesOf).join(",") === before) return stats;
      if (Date.now() > deadline) throw new Error("RSS never settled");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it.each(["walk", "scan"] as const)("%s: a tree's RSS is its root's plus every descendant's", async (mode) => {
    const { root, kids } = await shellWithTwoChildren();
    const [k1, k2] = kids as [number, number];
    const sampler = new ProcessTreeSampler(mode);
    const stats = await steadySample(() => sampler.sample([root, k1, k2], Date.now()), [root, k1, k2]);
    const tree = stats.get(root)?.rssBytes ?? 0;
    const leaf1 = stats.get(k1)?.rssBytes ?? 0;
    const leaf2 = stats.get(k2)?.rssBytes ?? 0;
    expect(leaf1).toBeGreaterThan(0);
    const page = leaf1 / rssPagesOf(k1);
    expect(tree).toBe(rssPagesOf(root) * page + leaf1 + leaf2);
  });

  it("walk and scan agree on the tree", async () => {
    const { root, kids } = await shellWithTwoChildren();
    const both = () => {
      const now = Date.now();
      const walk = new ProcessTreeSampler("walk").sample([root], now).get(root)?.rssBytes ?? -1;
      const scan = new ProcessTreeSampler("scan").sample([root], now).get(root)?.rssBytes ?? -2;
      return new Map([[root, { rssBytes: walk }], [0, { rssBytes: scan }]]);
    };
    const stats = await steadySample(both, [root, ...kids]);
    expect(stats.get(root)?.rssBytes).toBe(stats.get(0)?.rssBytes);
  });

  it("the first sample of a pid has a CPU share since its start; later ones a rate", async () => {
    const { root } = await shellWithTwoChildren();
    const sampler = new ProcessTreeSampler();
    const now = Date.now();
    expect(sampler.sample([root], now).get(root)?.cpuPercent).toBeGreaterThanOrEqual(0);
    expect(sampler.sample([root], now + 1000).get(root)?.cpuPercent).toBeGreaterThanOrEqual(0);
  });

  it("a pid that is gone has no entry", () => {
    const sampler = new ProcessTreeSampler();
    expect(sampler.sample([2 ** 22 + 1], Date.now()).size).toBe(0);
  });
});
