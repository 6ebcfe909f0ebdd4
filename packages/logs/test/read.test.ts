import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { isSupervisorError } from "@tsupervisord/errors";
import { readLogRange, tailLog, tailLogBytes } from "../src/index.js";
import { tempDir } from "./helpers.js";

const ALPHABET = "abcdefghijklmnopqrstuvwxyz";

function alphabetFile(): string {
  const f = path.join(tempDir(), "a.log");
  fs.writeFileSync(f, ALPHABET);
  return f;
}

async function faultOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (isSupervisorError(err)) return err.faultString;
    throw err;
  }
  throw new Error("expected a fault");
}

describe("readLogRange", () => {
  it("RD-01: offset >= 0, length > 0 reads [offset, offset+length), short at EOF, empty past EOF", async () => {
    const f = alphabetFile();
    expect(await readLogRange(f, 0, 3)).toBe("abc");
    expect(await readLogRange(f, 24, 10)).toBe("yz");
    expect(await readLogRange(f, 26, 5)).toBe("");
    expect(await readLogRange(f, 100, 5)).toBe("");
  });

  it("RD-02: length 0 reads from offset to EOF", async () => {
    const f = alphabetFile();
    expect(await readLogRange(f, 0, 0)).toBe(ALPHABET);
    expect(await readLogRange(f, 20, 0)).toBe("uvwxyz");
  });

  it("RD-03: negative offset with length 0 reads the last |offset| bytes (whole file if smaller)", async () => {
    const f = alphabetFile();
    expect(await readLogRange(f, -3, 0)).toBe("xyz");
    expect(await readLogRange(f, -1600, 0)).toBe(ALPHABET);
  });

  it("RD-04: BAD_ARGUMENTS for mixed signs, NO_FILE first for a missing file or NONE, FAILED on I/O errors", async () => {
    const f = alphabetFile();
    expect(await faultOf(readLogRange(f, -1, 5))).toBe("BAD_ARGUMENTS");
    expect(await faultOf(readLogRange(f, 0, -5))).toBe("BAD_ARGUMENTS");
    const missing = path.join(path.dirname(f), "missing.log");
    expect(await faultOf(readLogRange(missing, -1, 5))).toBe(`NO_FILE: ${missing}`);
    // supervisord raises RPCError(NO_FILE, None), which renders without a detail (recorded: xmlrpc-raw-calls).
    expect(await faultOf(readLogRange(null, 0, 0))).toBe("NO_FILE");
    expect(await faultOf(readLogRange(path.dirname(f), 0, 0))).toBe("FAILED");
  });

  it("RD-05 (fixed): a slice cutting a multi-byte character decodes with replacement instead of failing", async () => {
    const f = path.join(tempDir(), "u.log");
    fs.writeFileSync(f, "caf\u00e9\n");
    expect(await readLogRange(f, -2, 0)).toBe("\ufffd\n");
    expect(await readLogRange(f, 0, 0)).toBe("caf\u00e9\n");
  });
});

describe("tailLog", () => {
  it("TL-02: supervisord's exact results on a 26-byte file", async () => {
    const f = alphabetFile();
    expect(await tailLog(f, 0, 5)).toEqual({ data: "vwxyz", offset: 26, overflow: true });
    expect(await tailLog(f, 0, 26)).toEqual({ data: ALPHABET, offset: 26, overflow: false });
    expect(await tailLog(f, 0, 100)).toEqual({ data: ALPHABET, offset: 26, overflow: false });
    // Not from offset 10: the last `length` bytes whenever offset+length exceeds the size.
    expect(await tailLog(f, 10, 100)).toEqual({ data: ALPHABET, offset: 26, overflow: false });
    expect(await tailLog(f, 26, 100)).toEqual({ data: "", offset: 26, overflow: false });
    expect(await tailLog(f, 30, 100)).toEqual({ data: "", offset: 26, overflow: false });
    expect(await tailLog(f, 20, 3)).toEqual({ data: "xyz", offset: 26, overflow: true });
  });

  it("TL-01: the returned offset is the file size and follows growth", async () => {
    const f = alphabetFile();
    const first = await tailLog(f, 0, 1600);
    fs.appendFileSync(f, "0123");
    // offset+length exceeds the size, so (TL-02) the whole file comes back again, not just the new bytes.
    expect(await tailLog(f, first.offset, 1600)).toEqual({ data: `${ALPHABET}0123`, offset: 30, overflow: false });
    expect(await tailLog(f, first.offset, 4)).toEqual({ data: "0123", offset: 30, overflow: false });
  });

  it("TL-03: a missing file or NONE gives empty data, offset 0, no overflow (no fault)", async () => {
    const dir = tempDir();
    expect(await tailLog(path.join(dir, "missing.log"), 0, 100)).toEqual({ data: "", offset: 0, overflow: false });
    expect(await tailLog(null, 5, 100)).toEqual({ data: "", offset: 0, overflow: false });
  });

  it("TL-01: an empty file", async () => {
    const f = path.join(tempDir(), "empty.log");
    fs.writeFileSync(f, "");
    expect(await tailLog(f, 0, 100)).toEqual({ data: "", offset: 0, overflow: false });
  });

  it("TL-01: tailLogBytes returns the same window as raw bytes (no decoding)", async () => {
    const f = path.join(tempDir(), "b.log");
    fs.writeFileSync(f, Buffer.from([0x61, 0xc3, 0xa9, 0x88]));
    expect(await tailLogBytes(f, 0, 3)).toEqual({ data: Buffer.from([0xc3, 0xa9, 0x88]), offset: 4, overflow: true });
    expect((await tailLog(f, 0, 3)).data).toBe("\u00e9\ufffd");
  });
});
