import { describe, expect, it } from "vitest";
import { appendLog, displayLines, EMPTY_LOG, sanitizeLine, type LogLimits } from "../src/log-lines.js";

const small: LogLimits = { maxLines: 3, maxChars: 1000, maxLineLength: 10 };

describe("log lines (the log pane's bounded memory)", () => {
  it("splits chunks into lines and keeps the unfinished one apart", () => {
    let log = appendLog(EMPTY_LOG, "one\ntw");
    expect(log.lines).toEqual(["one"]);
    expect(log.partial).toBe("tw");
    log = appendLog(log, "o\r\nthree\n");
    expect(log.lines).toEqual(["one", "two", "three"]);
    expect(log.partial).toBe("");
    expect(displayLines(appendLog(log, "four"))).toEqual(["one", "two", "three", "four"]);
  });

  it("keeps only the newest maxLines and counts what it dropped", () => {
    const log = appendLog(EMPTY_LOG, "a\nb\nc\nd\ne\n", small);
    expect(log.lines).toEqual(["c", "d", "e"]);
    expect(log.dropped).toBe(2);
    const more = appendLog(log, "f\n", small);
    expect(more.lines).toEqual(["d", "e", "f"]);
    expect(more.dropped).toBe(3);
  });

  it("counts every dropped line when one chunk brings more lines than fit", () => {
    let log = appendLog(EMPTY_LOG, "a\nb\n", small);
    log = appendLog(log, "1\n2\n3\n4\n5\n6\npart", small);
    expect(log.lines).toEqual(["4", "5", "6"]);
    expect(log.partial).toBe("part");
    expect(log.dropped).toBe(5);
    expect(log.lines.length + log.dropped).toBe(8);
  });

  it("keeps the total size under maxChars even with few, long lines", () => {
    const limits: LogLimits = { maxLines: 100, maxChars: 25, maxLineLength: 100 };
    const log = appendLog(EMPTY_LOG, `${"x".repeat(10)}\n${"y".repeat(10)}\n${"z".repeat(10)}\n`, limits);
    expect(log.lines).toEqual(["y".repeat(10), "z".repeat(10)]);
    expect(log.chars).toBe(20);
  });

  it("cuts a line longer than maxLineLength, including output that never ends a line", () => {
    const log = appendLog(EMPTY_LOG, "0123456789abcdefghij-tail", small);
    expect(log.lines).toEqual(["0123456789", "abcdefghij"]);
    expect(log.partial).toBe("-tail");
  });

  it("stays bounded under a flood of a million characters", () => {
    let log = EMPTY_LOG;
    const limits: LogLimits = { maxLines: 50, maxChars: 2_000, maxLineLength: 80 };
    for (let i = 0; i < 1_000; i++) log = appendLog(log, `${"line ".repeat(20)}${i}\n`.repeat(10), limits);
    expect(log.lines.length).toBeLessThanOrEqual(50);
    expect(log.chars).toBeLessThanOrEqual(2_000);
    expect(log.lines.at(-1)).toContain("999");
  });

  it("strips escape sequences and control characters a child prints", () => {
    expect(sanitizeLine("\x1b[31mred\x1b[0m\tok\x07\x1b]0;title\x07!")).toBe("red    ok!");
    const log = appendLog(EMPTY_LOG, "\x1b[2J\x1b[Hclear\n");
    expect(log.lines).toEqual(["clear"]);
  });
});
