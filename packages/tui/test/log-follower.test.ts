import { describe, expect, it } from "vitest";
import { keepTail, LogFollower } from "../src/log-follower.js";
import { initialState } from "../src/reducer.js";
import { TopStore } from "../src/store.js";
import { FakeSource, proc, snapshot, untilState } from "./helpers/fake-source.js";

function setup(maxChars = 512 * 1024) {
  const source = new FakeSource();
  const store = new TopStore(
    initialState({
      viewport: { columns: 100, rows: 30 },
      now: 0,
      logLimits: { maxLines: 100, maxChars, maxLineLength: 1000 },
    }),
    { minIntervalMs: 0 },
  );
  store.dispatch({ type: "watch", event: snapshot([proc("a", "a"), proc("b", "b")]), at: 0 });
  const follower = new LogFollower(source, store, { flushIntervalMs: 5 });
  return { source, store, follower };
}

describe("log follower", () => {
  it("follows nothing until the pane opens, then the selected process's stdout", async () => {
    const { source, store, follower } = setup();
    expect(source.follows).toHaveLength(0);
    store.dispatch({ type: "toggleLogPane" });
    const f = await source.nthFollow(1);
    expect(f).toMatchObject({ key: "a:a", channel: "stdout" });
    f.stream.push("hello ");
    f.stream.push("world\n");
    await untilState(store, (s) => s.logPane.log.lines.length === 1, "the line");
    expect(store.getState().logPane.log.lines).toEqual(["hello world"]);
    follower.dispose();
    store.dispose();
  });

  it("switches streams when the selection or the channel changes, closing the old one", async () => {
    const { source, store, follower } = setup();
    store.dispatch({ type: "toggleLogPane" });
    const first = await source.nthFollow(1);
    store.dispatch({ type: "move", delta: 1 });
    const second = await source.nthFollow(2);
    expect(second).toMatchObject({ key: "b:b", channel: "stdout" });
    await first.stream.closed;
    store.dispatch({ type: "switchChannel" });
    const third = await source.nthFollow(3);
    expect(third).toMatchObject({ key: "b:b", channel: "stderr" });
    await second.stream.closed;
    follower.dispose();
    await third.stream.closed;
    store.dispose();
  });

  it("restarts the follow after a reconnect (new connection epoch)", async () => {
    const { source, store, follower } = setup();
    store.dispatch({ type: "toggleLogPane" });
    const first = await source.nthFollow(1);
    store.dispatch({ type: "disconnected", error: "gone", retryAt: 0 });
    await first.stream.closed;
    store.dispatch({ type: "watch", event: snapshot([proc("a", "a")]), at: 1 });
    expect(await source.nthFollow(2)).toMatchObject({ key: "a:a" });
    follower.dispose();
    store.dispose();
  });

  it("stays bounded while a child floods: pending text and the pane both keep only the newest output", async () => {
    const { source, store, follower } = setup(10_000);
    store.dispatch({ type: "toggleLogPane" });
    const f = await source.nthFollow(1);
    // 5 MB pushed in one go, faster than any flush: the follower must not keep it all.
    const line = `${"x".repeat(90)}\n`;
    for (let i = 0; i < 50_000; i++) f.stream.push(i === 49_999 ? "the end\n" : line);
    await untilState(store, (s) => s.logPane.log.lines.at(-1) === "the end", "the last line");
    const log = store.getState().logPane.log;
    expect(log.chars).toBeLessThanOrEqual(10_000);
    expect(log.lines.length).toBeLessThanOrEqual(100);
    follower.dispose();
    store.dispose();
  });

  it("shows a failed follow (e.g. no log file) in the status line", async () => {
    const { source, store, follower } = setup();
    store.dispatch({ type: "toggleLogPane" });
    const f = await source.nthFollow(1);
    f.stream.fail(new Error("NO_FILE: a:a"));
    await untilState(store, (s) => s.status !== null, "the status");
    expect(store.getState().status).toEqual({ text: "log a:a: NO_FILE: a:a", level: "error" });
    follower.dispose();
    store.dispose();
  });

  it("keepTail cuts at a line boundary", () => {
    expect(keepTail("aaaa\nbbbb\ncc", 7)).toBe("cc");
    expect(keepTail("abcdefgh", 3)).toBe("fgh");
  });
});
