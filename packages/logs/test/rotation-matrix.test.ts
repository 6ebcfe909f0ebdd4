/**
 * issue 15: every combination of framing × rotation trigger × compression, byte-exact, on real files, with a fake
 * clock driving time triggers. What the child wrote (framed) must be exactly the concatenation of the rotated
 * files (gunzipped) and the current file, in rotation order; gzip files decompress to exactly the bytes written.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { gunzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { createProcessLogs } from "../src/index.js";
import type { LogChannelConfig, LogChannelExtensions, LogFormat, RotateSpec } from "../src/index.js";
import { FakeClock } from "./fake-clock.js";
import { tempDir, writeEach } from "./helpers.js";

beforeAll(() => {
  // Day boundaries are local time; pin the zone so the expected names are fixed.
  process.env.TZ = "UTC";
});

const HOUR = 3_600_000;
const START = Date.UTC(2026, 11, 4, 21, 30, 0, 0);

const TRIGGERS: Record<string, RotateSpec> = {
  size: { size: true, time: null },
  daily: { size: false, time: { kind: "daily" } },
  hourly: { size: false, time: { kind: "hourly" } },
  "@02:00": { size: false, time: { kind: "at", hour: 2, minute: 0 } },
  "size+daily": { size: true, time: { kind: "daily" } },
};

function ext(over: Partial<LogChannelExtensions>): LogChannelExtensions {
  return {
    destinations: [],
    rotate: { size: true, time: null },
    suffix: "number",
    compress: "none",
    maxageMs: 0,
    format: "raw",
    maxLineBytes: 16 * 1024,
    rateLimit: null,
    ...over,
  };
}

function channel(file: string, e: LogChannelExtensions): LogChannelConfig {
  return {
    logfile: { kind: "file", path: file },
    maxbytes: 300,
    backups: 100,
    captureMaxbytes: 0,
    eventsEnabled: false,
    syslog: false,
    ext: e,
  };
}

/** What the framing must produce for one complete line written at `at` (computed here, independently). */
function expectedRecord(format: LogFormat, line: string, at: number): string {
  const ts = new Date(at).toISOString();
  if (format === "raw") return `${line}\n`;
  if (format === "line") return `${ts} app stdout | ${line}\n`;
  return `{"ts":"${ts}","name":"app","group":"grp","stream":"stdout","pid":77,"line":${JSON.stringify(line)}}\n`;
}

/** Rotated files in rotation order (oldest first), then the current one. */
function filesInOrder(file: string, suffix: "number" | "date"): string[] {
  const dir = path.dirname(file);
  const base = path.basename(file);
  const rotated = fs.readdirSync(dir).filter((n) => n.startsWith(`${base}.`));
  const key = (n: string): [string, number] => {
    const rest = n.slice(base.length + 1).replace(/\.gz$/u, "");
    if (suffix === "number") return ["", -Number(rest)];
    const m = /^(\d{4}-\d{2}-\d{2}(?:-\d{2})?)(?:\.(\d+))?$/u.exec(rest);
    return [m?.[1] ?? "?", Number(m?.[2] ?? 0)];
  };
  rotated.sort((a, b) => {
    const [la, na] = key(a);
    const [lb, nb] = key(b);
    return la < lb ? -1 : la > lb ? 1 : na - nb;
  });
  return [...rotated.map((n) => path.join(dir, n)), file];
}

function contents(p: string): Buffer {
  const raw = fs.readFileSync(p);
  return p.endsWith(".gz") ? gunzipSync(raw) : raw;
}

interface Case {
  format: LogFormat;
  trigger: string;
  compress: "none" | "gzip";
  suffix: "number" | "date";
}

const cases: Case[] = [];
for (const format of ["raw", "line", "json"] as const) {
  for (const trigger of Object.keys(TRIGGERS)) {
    for (const compress of ["none", "gzip"] as const) {
      cases.push({ format, trigger, compress, suffix: trigger === "size" ? "number" : "date" });
    }
  }
}
// The other naming for each kind of trigger.
cases.push({ format: "line", trigger: "size", compress: "gzip", suffix: "date" });
cases.push({ format: "json", trigger: "daily", compress: "gzip", suffix: "number" });
cases.push({ format: "raw", trigger: "hourly", compress: "none", suffix: "number" });

describe("log pipeline matrix: framing × trigger × compression", () => {
  it.each(cases)("$format / $trigger / $compress / $suffix names: byte-exact", async ({ format, trigger, compress, suffix }) => {
    const dir = tempDir();
    const file = path.join(dir, "app.log");
    const clock = new FakeClock(START);
    const spec = TRIGGERS[trigger]!;
    const logs = createProcessLogs({
      processName: "app",
      groupName: "grp",
      pid: () => 77,
      clock,
      stdout: channel(file, ext({ rotate: spec, suffix, compress, format })),
      stderr: channel(path.join(dir, "err.log"), ext({})),
      redirectStderr: true,
      childlogdir: dir,
      identifier: "t",
      stripAnsi: false,
    });
    logs.prepare();
    await logs.ready;

    // 60 lines over 30 hours: crosses midnight, 02:00 and many hours; sizes vary so size rotation triggers too.
    let expected = "";
    const writtenAt: number[] = [];
    for (let i = 0; i < 60; i += 1) {
      const line = `line ${i} ${"é".repeat(i % 5)}${"x".repeat((i * 7) % 23)}`;
      expected += expectedRecord(format, line, clock.now());
      writtenAt.push(clock.now());
      await writeEach(logs.stdout, [`${line}\n`]);
      clock.advance(HOUR / 2);
      await logs.flush();
    }
    await logs.close();

    const order = filesInOrder(file, suffix);
    if (process.env.DEBUG_MATRIX) for (const p of order) console.log(path.basename(p), contents(p).toString().split("\n").map((l) => l.slice(7, 20)).join(","));
    const joined = Buffer.concat(order.map(contents));
    expect(joined.toString("utf8")).toBe(expected);
    expect(joined.equals(Buffer.from(expected))).toBe(true);

    const rotated = order.slice(0, -1);
    expect(rotated.length).toBeGreaterThan(0);
    // Compression: every rotated file is gzip (no uncompressed twin, no temp file left) — or none is.
    for (const p of rotated) expect(p.endsWith(".gz")).toBe(compress === "gzip");
    expect(fs.readdirSync(dir).some((n) => n.endsWith(".tmp") || n.includes("pending"))).toBe(false);

    // Time triggers: every framed record in a dated file belongs to the period its name says.
    if (spec.time !== null && format !== "raw" && suffix === "date") {
      for (const p of rotated) {
        const label = /\.(\d{4}-\d{2}-\d{2}(?:-\d{2})?)(?:\.\d+)?(?:\.gz)?$/u.exec(p)?.[1];
        for (const rec of contents(p).toString("utf8").trimEnd().split("\n")) {
          const ts = format === "json" ? (JSON.parse(rec) as { ts: string }).ts : rec.slice(0, 24);
          const at = Date.parse(ts);
          const start = spec.time.kind === "at" ? at - 2 * HOUR : at;
          const iso = new Date(start).toISOString();
          const periodOf = spec.time.kind === "hourly" ? `${iso.slice(0, 10)}-${iso.slice(11, 13)}` : iso.slice(0, 10);
          expect(periodOf).toBe(label);
        }
      }
    }
    // Time only (no size trigger): exactly one rotated file per period that had output, none for the last.
    if (spec.time !== null && !spec.size) {
      const periods = new Set(
        writtenAt.map((at) => {
          const shifted = spec.time?.kind === "at" ? at - 2 * HOUR : at;
          const iso = new Date(shifted).toISOString();
          return spec.time?.kind === "hourly" ? iso.slice(0, 13) : iso.slice(0, 10);
        }),
      );
      expect(rotated.length).toBe(periods.size - 1);
    }
    // Size only: no file but the current exceeds maxbytes by more than one record.
    if (spec.time === null) {
      for (const p of rotated) expect(contents(p).length).toBeGreaterThanOrEqual(300);
    }
  });
});
