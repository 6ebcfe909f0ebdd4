import { describe, expect, it } from "vitest";
import { LineFramer, completeUtf8Length, utf8Boundary } from "../src/index.js";
import type { FramerOptions } from "../src/index.js";

const T0 = Date.UTC(2026, 11, 4, 15, 0, 0, 123);

function framer(over: Partial<FramerOptions> = {}): LineFramer {
  return new LineFramer({
    format: "line",
    name: "app",
    group: "web",
    stream: "stdout",
    pid: () => 4242,
    now: () => T0,
    maxLineBytes: 16 * 1024,
    ...over,
  });
}

const text = (bufs: Buffer[]) => Buffer.concat(bufs).toString("utf8");

describe("line framing (stdout_log_format=line)", () => {
  it("prefixes each complete line with the ISO time, name and stream", () => {
    const f = framer();
    expect(text(f.push(Buffer.from("hello\nworld\n")))).toBe(
      "2026-12-04T15:00:00.123Z app stdout | hello\n2026-12-04T15:00:00.123Z app stdout | world\n",
    );
  });

  it("holds a partial line until its newline arrives, across chunks", () => {
    const f = framer();
    expect(f.push(Buffer.from("hel"))).toEqual([]);
    expect(f.pendingBytes).toBe(3);
    expect(text(f.push(Buffer.from("lo\nwo")))).toBe("2026-12-04T15:00:00.123Z app stdout | hello\n");
    expect(text(f.flushAll())).toBe("2026-12-04T15:00:00.123Z app stdout + wo\n");
    expect(f.flushAll()).toEqual([]);
  });

  it("an empty line is a record; bytes (\\r, invalid UTF-8) are kept as they are", () => {
    const f = framer();
    const out = Buffer.concat(f.push(Buffer.from([0x0a, 0x61, 0x0d, 0xff, 0x0a])));
    expect(out).toEqual(
      Buffer.concat([
        Buffer.from("2026-12-04T15:00:00.123Z app stdout | \n2026-12-04T15:00:00.123Z app stdout | a\r"),
        Buffer.from([0xff, 0x0a]),
      ]),
    );
  });

  it("splits an over-long line into marked pieces, never inside a UTF-8 character", () => {
    const f = framer({ maxLineBytes: 16 });
    // 15 ASCII bytes then a 3-byte character: a cut at 16 would split it.
    const line = `${"a".repeat(15)}€${"b".repeat(4)}\n`;
    expect(text(f.push(Buffer.from(line)))).toBe(
      `2026-12-04T15:00:00.123Z app stdout + ${"a".repeat(15)}\n2026-12-04T15:00:00.123Z app stdout | €bbbb\n`,
    );
  });

  it("an over-long unfinished line is written in pieces as it grows: memory stays bounded", () => {
    const f = framer({ maxLineBytes: 16 });
    const out = f.push(Buffer.from("x".repeat(40)));
    expect(text(out)).toBe(
      `2026-12-04T15:00:00.123Z app stdout + ${"x".repeat(16)}\n2026-12-04T15:00:00.123Z app stdout + ${"x".repeat(16)}\n`,
    );
    expect(f.pendingBytes).toBe(8);
  });

  it("flushPartial keeps back an incomplete UTF-8 character for the next chunk", () => {
    const f = framer();
    const euro = Buffer.from("€");
    f.push(Buffer.concat([Buffer.from("ab"), euro.subarray(0, 2)]));
    expect(text(f.flushPartial())).toBe("2026-12-04T15:00:00.123Z app stdout + ab\n");
    expect(f.pendingBytes).toBe(2);
    expect(text(f.push(Buffer.concat([euro.subarray(2), Buffer.from("\n")])))).toBe(
      "2026-12-04T15:00:00.123Z app stdout | €\n",
    );
  });
});

describe("json framing (stdout_log_format=json)", () => {
  it("one object per line with ts, name, group, stream, pid, line", () => {
    const f = framer({ format: "json", stream: "stderr" });
    const out = text(f.push(Buffer.from('say "hi"\n')));
    expect(out).toBe(
      '{"ts":"2026-12-04T15:00:00.123Z","name":"app","group":"web","stream":"stderr","pid":4242,"line":"say \\"hi\\""}\n',
    );
    expect(JSON.parse(out)).toEqual({
      ts: "2026-12-04T15:00:00.123Z",
      name: "app",
      group: "web",
      stream: "stderr",
      pid: 4242,
      line: 'say "hi"',
    });
  });

  it("every kind of line decodes back to itself (plain ASCII fast path, escapes, controls, non-ASCII, invalid)", () => {
    const lines = ["plain ascii line", 'q"uote', "back\\slash", "tab\there", "bell\u0007", "del\u007f", "naïve €😀"];
    for (const [i, line] of lines.entries()) {
      const f = framer({ format: "json", maxLineBytes: 1024 });
      const partial = i % 2 === 1;
      const out = text(partial ? [...f.push(Buffer.from(line)), ...f.flushAll()] : f.push(Buffer.from(`${line}\n`)));
      const record = JSON.parse(out) as { line: string; partial?: boolean };
      expect(record.line).toBe(line);
      expect(record.partial === true).toBe(partial);
      expect(out.endsWith("}\n")).toBe(true);
    }
    const invalid = framer({ format: "json" });
    expect((JSON.parse(text(invalid.push(Buffer.from([0x61, 0xff, 0x0a])))) as { line: string }).line).toBe("a\ufffd");
  });

  it("partial and split records carry partial:true; pieces rejoin to the line", () => {
    const f = framer({ format: "json", maxLineBytes: 16 });
    const line = "é".repeat(20); // 40 bytes of 2-byte characters
    const records = text(f.push(Buffer.from(`${line}\n`)))
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as { line: string; partial?: boolean });
    expect(records.map((r) => r.partial === true)).toEqual([true, true, false]);
    expect(records.map((r) => r.line).join("")).toBe(line);
    for (const r of records) expect(Buffer.byteLength(r.line)).toBeLessThanOrEqual(16);
  });
});

describe("UTF-8 boundaries", () => {
  it("utf8Boundary backs off over continuation bytes only", () => {
    const b = Buffer.from("a€b"); // 61 e2 82 ac 62
    expect(utf8Boundary(b, 1)).toBe(1);
    expect(utf8Boundary(b, 2)).toBe(1);
    expect(utf8Boundary(b, 3)).toBe(1);
    expect(utf8Boundary(b, 4)).toBe(4);
    expect(utf8Boundary(Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80]), 4)).toBe(4);
  });

  it("completeUtf8Length drops only a truncated trailing sequence", () => {
    expect(completeUtf8Length(Buffer.from("a€"))).toBe(4);
    expect(completeUtf8Length(Buffer.from("a€").subarray(0, 3))).toBe(1);
    expect(completeUtf8Length(Buffer.from("😀").subarray(0, 1))).toBe(0);
    expect(completeUtf8Length(Buffer.from([0x61, 0xff]))).toBe(2);
  });
});
