import { describe, expect, it } from "vitest";
import { statChangedMeaningfully } from "../src/service/handlers.js";

const base = { name: "web", group: "web", pid: 100, cpuPercent: 2.0, rssBytes: 50 * 1024 * 1024, cpuSeconds: 1.5, fds: 7 };

describe("Watch(include_stats): which changes are sent", () => {
  it("a new pid, half a CPU point, or 1% (≥ 64 KiB) of RSS", () => {
    expect(statChangedMeaningfully(base, { ...base })).toBe(false);
    expect(statChangedMeaningfully(base, { ...base, pid: 101 })).toBe(true);
    // Issue 17: a change in open fds is news (a leak shows as a climbing count); CPU seconds alone are not.
    expect(statChangedMeaningfully(base, { ...base, fds: 8 })).toBe(true);
    expect(statChangedMeaningfully(base, { ...base, cpuSeconds: 1.6 })).toBe(false);
    expect(statChangedMeaningfully(base, { ...base, cpuPercent: 2.4 })).toBe(false);
    expect(statChangedMeaningfully(base, { ...base, cpuPercent: 2.5 })).toBe(true);
    expect(statChangedMeaningfully(base, { ...base, rssBytes: base.rssBytes + 100 * 1024 })).toBe(false);
    expect(statChangedMeaningfully(base, { ...base, rssBytes: base.rssBytes + 600 * 1024 })).toBe(true);
    const small = { ...base, rssBytes: 1024 * 1024 };
    expect(statChangedMeaningfully(small, { ...small, rssBytes: small.rssBytes + 32 * 1024 })).toBe(false);
    expect(statChangedMeaningfully(small, { ...small, rssBytes: small.rssBytes + 64 * 1024 })).toBe(true);
  });
});
