import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { followLog, RotatingFile, TRUNCATED_MARKER } from "../src/index.js";
import { tempDir, writeEach } from "./helpers.js";

/** Collects what a follower yields; `until` waits for the collected text to satisfy a predicate. */
function collect(file: string, options: { initialBytes?: number; recheckMs?: number } = {}) {
  const controller = new AbortController();
  let text = "";
  let waiters: Array<() => void> = [];
  const done = (async () => {
    for await (const chunk of followLog(file, { signal: controller.signal, ...options })) {
      text += chunk.toString();
      for (const w of waiters.splice(0)) w();
    }
  })();
  return {
    get text() {
      return text;
    },
    async until(predicate: (t: string) => boolean, timeoutMs = 5000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(text)) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`follow output never matched; got ${JSON.stringify(text)}`);
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(t);
            resolve();
          });
        });
      }
    },
    async stop(): Promise<void> {
      controller.abort();
      await done;
      waiters = [];
    },
  };
}

describe("followLog", () => {
  it("TLF-01: starts with the last 1024 bytes, then streams appended bytes", async () => {
    const f = path.join(tempDir(), "f.log");
    fs.writeFileSync(f, `${"a".repeat(2000)}${"b".repeat(1000)}`);
    const follower = collect(f, { recheckMs: 60_000 });
    await follower.until((t) => t.length === 1024);
    expect(follower.text).toBe(`${"a".repeat(24)}${"b".repeat(1000)}`);
    fs.appendFileSync(f, "new line\n");
    await follower.until((t) => t.endsWith("new line\n"));
    fs.appendFileSync(f, "second\n");
    await follower.until((t) => t.endsWith("new line\nsecond\n"));
    await follower.stop();
  });

  it("TLF-02: shrinking shows `==> File truncated <==` and streams the file from its start", async () => {
    const f = path.join(tempDir(), "f.log");
    fs.writeFileSync(f, "long enough content\n");
    const follower = collect(f, { recheckMs: 60_000 });
    await follower.until((t) => t === "long enough content\n");
    fs.truncateSync(f, 0);
    fs.appendFileSync(f, "short\n");
    await follower.until((t) => t.endsWith("short\n"));
    expect(follower.text).toBe(`long enough content\n${TRUNCATED_MARKER.toString()}short\n`);
    await follower.stop();
  });

  it("TLF-02: follows rotation by a RotatingFile (new inode: streamed from its start)", async () => {
    const f = path.join(tempDir(), "f.log");
    const w = new RotatingFile({ path: f, maxbytes: 20, backups: 2 });
    await writeEach(w, ["first line\n"]);
    const follower = collect(f, { recheckMs: 60_000 });
    await follower.until((t) => t === "first line\n");
    await writeEach(w, ["second line\n"]); // 23 bytes: rotated after this write
    await writeEach(w, ["third\n"]);
    await follower.until((t) => t.endsWith("third\n"));
    expect(follower.text).toBe("first line\nsecond line\nthird\n");
    expect(fs.readFileSync(`${f}.1`, "utf8")).toBe("first line\nsecond line\n");
    await follower.stop();
    await w.close();
  });

  it("TLF-02: follows clear (delete + recreate) and keeps following an open file whose path disappeared", async () => {
    const f = path.join(tempDir(), "f.log");
    const w = new RotatingFile({ path: f, maxbytes: 0, backups: 0 });
    await writeEach(w, ["before clear\n"]);
    const follower = collect(f, { recheckMs: 60_000 });
    await follower.until((t) => t === "before clear\n");
    await w.clear();
    await writeEach(w, ["after clear\n"]);
    await follower.until((t) => t.endsWith("after clear\n"));
    expect(follower.text).toBe("before clear\nafter clear\n");
    fs.unlinkSync(f);
    await writeEach(w, ["to the unlinked file\n"]);
    await follower.until((t) => t.endsWith("to the unlinked file\n"));
    await follower.stop();
    await w.close();
  });

  it("the safety re-check alone follows a file when no fs event is delivered", async () => {
    const f = path.join(tempDir(), "f.log");
    fs.writeFileSync(f, "x");
    const follower = collect(f, { recheckMs: 50 });
    await follower.until((t) => t === "x");
    fs.appendFileSync(f, "y");
    await follower.until((t) => t === "xy");
    await follower.stop();
  });

  it("abort ends the iteration; a missing file fails at the start", async () => {
    const dir = tempDir();
    const controller = new AbortController();
    controller.abort();
    const f = path.join(dir, "f.log");
    fs.writeFileSync(f, "abc");
    const chunks: string[] = [];
    for await (const c of followLog(f, { signal: controller.signal })) chunks.push(c.toString());
    expect(chunks).toEqual([]);
    await expect(followLog(path.join(dir, "missing.log")).next()).rejects.toMatchObject({ code: "ENOENT" });
  });
});

/** `count` numbered lines `000000\n`.. of 7 bytes each, as one string. */
function numbered(from: number, count: number): string {
  let s = "";
  for (let i = from; i < from + count; i += 1) s += `${String(i).padStart(6, "0")}\n`;
  return s;
}

describe("followLog keyed on the logical log (issue 21 defect 1)", () => {
  it("TLF-02: a follower that falls 12 rotations behind (backups=2) still gets every byte once, in order", { timeout: 10_000 }, async () => {
    const f = path.join(tempDir(), "r.log");
    const w = new RotatingFile({ path: f, maxbytes: 70, backups: 2 });
    await w.ready;
    const controller = new AbortController();
    const it = followLog(f, { signal: controller.signal, initialBytes: 0 })[Symbol.asyncIterator]();
    // The first next() attaches the follower; the writer has nothing yet, so it waits for data.
    const firstChunk = it.next();
    // 10 lines per file: 12 full files, rotated 12 times, while the follower reads nothing more than one chunk.
    await writeEach(w, numbered(0, 120).match(/.{7}/gs) ?? []);
    await w.flush();
    expect(fs.existsSync(`${f}.3`), "only 2 backups are on disk").toBe(false);
    let text = "";
    let r = await firstChunk;
    while (!r.done) {
      text += (r.value).toString();
      if (text.length >= 120 * 7) break;
      r = await it.next();
    }
    controller.abort();
    await it.return?.();
    expect(text).toBe(numbered(0, 120));
    await w.close();
  });

  it("ROT-02: the path exists at every moment of a rotation (hard link to .1, new file renamed over the path)", async () => {
    const dir = tempDir();
    const f = path.join(dir, "p.log");
    const w = new RotatingFile({ path: f, maxbytes: 7, backups: 3 });
    await w.ready;
    // Every rename/unlink of the log's own name is seen by inotify: the name must never be reported gone.
    const missing: string[] = [];
    const watcher = fs.watch(dir, (_event, name) => {
      if (name === "p.log" && !fs.existsSync(f)) missing.push("gone");
    });
    await writeEach(w, numbered(0, 50).match(/.{7}/gs) ?? []);
    await w.flush();
    watcher.close();
    expect(missing).toEqual([]);
    expect(fs.readFileSync(`${f}.1`, "utf8")).toBe(numbered(49, 1));
    expect(fs.readFileSync(`${f}.3`, "utf8")).toBe(numbered(47, 1));
    expect(fs.readFileSync(f, "utf8")).toBe("");
    await w.archived(); // the backup that fell off the end is deleted after its rotation (issue 20)
    expect(fs.readdirSync(dir).sort()).toEqual(["p.log", "p.log.1", "p.log.2", "p.log.3"]);
    await w.close();
  });
});
