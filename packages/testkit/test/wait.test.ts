import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { waitFor, waitForSignal } from "../src/index.js";

describe("waitFor", () => {
  it("resolves with the check's first done value", async () => {
    let n = 0;
    await expect(waitFor("n to reach 3", () => (++n >= 3 ? n : false), 5_000, 1)).resolves.toBe(3);
  });

  it("says what it waited for and the check's last error when it gives up", async () => {
    const failing = waitFor(
      "the file",
      () => {
        throw new Error("ENOENT");
      },
      30,
      5,
    );
    await expect(failing).rejects.toThrow("timed out waiting for the file: Error: ENOENT");
  });
});

describe("waitForSignal", () => {
  it("checks at once, then only when signalled, and unsubscribes when done", async () => {
    const emitter = new EventEmitter();
    let value = 0;
    let checks = 0;
    const subscribe = (listener: () => void) => {
      emitter.on("change", listener);
      return () => emitter.off("change", listener);
    };
    const done = waitForSignal("value 2", subscribe, () => (++checks, value === 2 ? "two" : undefined), 5_000);
    value = 1;
    emitter.emit("change");
    value = 2;
    emitter.emit("change");
    await expect(done).resolves.toBe("two");
    expect(checks).toBe(3);
    expect(emitter.listenerCount("change")).toBe(0);
  });

  it("gives up at the deadline when no signal makes the check true", async () => {
    const emitter = new EventEmitter();
    const subscribe = (listener: () => void) => {
      emitter.on("change", listener);
      return () => emitter.off("change", listener);
    };
    await expect(waitForSignal("never", subscribe, () => false, 20)).rejects.toThrow("timed out waiting for never");
    expect(emitter.listenerCount("change")).toBe(0);
  });
});
