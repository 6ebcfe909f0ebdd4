/**
 * RAP-02 with backpressure (issue 15's rate limits, or a slow disk): a child that exits while its output still
 * sits in a pipe paused by the sink must lose nothing. The 100 ms drain grace only applies to a pipe that is
 * not paused (a grandchild holding it open); a paused one is waited for until the sink takes data again.
 */
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { spawnChild } from "../src/spawn.js";
import type { ProcessOutputSink } from "../src/index.js";
import { proc } from "./helpers.js";

/** A sink whose stdout accepts one chunk per `delayMs` (a slow consumer applying backpressure). */
function slowSink(delayMs: number): { sink: ProcessOutputSink; received: () => number } {
  let total = 0;
  const stdout = new Writable({
    highWaterMark: 16 * 1024,
    write(chunk: Buffer, _enc, callback) {
      total += chunk.length;
      setTimeout(callback, delayMs);
    },
  });
  const stderr = new Writable({ write: (_c, _e, cb) => cb() });
  const sink: ProcessOutputSink = {
    stdout,
    stderr,
    stdoutLogfile: null,
    stderrLogfile: null,
    clear: async () => {},
    reopen: async () => {},
    close: async () => {},
  };
  return { sink, received: () => total };
}

describe("drain after exit under backpressure", () => {
  it("every byte a child wrote before exiting reaches a slow sink", async () => {
    const bytes = 512 * 1024;
    const { sink, received } = slowSink(150);
    const exited = new Promise<void>((resolve) => {
      const result = spawnChild({
        config: proc("burst", `/bin/sh -c 'head -c ${bytes} /dev/zero'`),
        daemonEnv: process.env,
        serverUrl: null,
        sink,
        onExit: () => resolve(),
      });
      expect(result.kind).toBe("spawned");
    });
    await exited;
    // onExit comes only after the pipe reached EOF: everything was read into the sink by then.
    expect(received()).toBe(bytes);
  });
});
