/** issue 18: the operation registry (pure: operations are promises the test resolves; no processes, no timers). */
import { describe, expect, it } from "vitest";
import { isSupervisorError } from "@tsupervisord/errors";
import { OperationRegistry, type OperationContext, type OperationOutcome, type OperationUpdate } from "../src/control/operation-registry.js";

/** An operation body the test drives: `ctx` once it runs, `finish` to end it. */
function controlled(): { body: (ctx: OperationContext) => Promise<OperationOutcome>; ctx: Promise<OperationContext>; finish: (o: OperationOutcome) => void } {
  let finish: (o: OperationOutcome) => void = () => {};
  let started: (ctx: OperationContext) => void = () => {};
  const ctx = new Promise<OperationContext>((resolve) => (started = resolve));
  const body = (c: OperationContext): Promise<OperationOutcome> => {
    started(c);
    return new Promise((resolve) => (finish = resolve));
  };
  return { body, ctx, finish: (o) => finish(o) };
}

async function collect(updates: AsyncIterable<OperationUpdate>): Promise<string[]> {
  const out: string[] = [];
  for await (const u of updates) out.push(u.kind === "done" ? `done ${u.operation.state}: ${u.operation.summary}` : u.progress.text || `${u.progress.verb} ${u.progress.result?.name}`);
  return out;
}

const settled = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe("OperationRegistry", () => {
  it("begin answers at once with a running operation; a follower gets every step, then the end", async () => {
    const reg = new OperationRegistry({ wallClock: () => 1000 });
    const op = controlled();
    const view = reg.begin("rolling-restart", "restart --rolling web:*", op.body);
    expect(view).toEqual({ id: 1, kind: "rolling-restart", description: "restart --rolling web:*", state: "running", summary: "", startedAt: 1000, finishedAt: 0 });
    const ctx = await op.ctx;
    ctx.note("batch 1/2: web:a");
    const following = collect(reg.follow(1));
    ctx.outcome("restart", { name: "a", group: "web", status: "SUCCESS", description: "OK" });
    ctx.note("batch 2/2: web:b");
    op.finish({ ok: true, summary: "2 restarted" });
    expect(await following).toEqual(["batch 1/2: web:a", "restart a", "batch 2/2: web:b", "done succeeded: 2 restarted"]);
    // A late follower replays the kept steps.
    expect(await collect(reg.follow(1))).toHaveLength(4);
    expect(reg.get(1).finishedAt).toBe(1000);
  });

  it("a follower that leaves does not affect the operation; cancel does, and says cancelled", async () => {
    const reg = new OperationRegistry();
    const op = controlled();
    reg.begin("rolling-restart", "x", op.body);
    const ctx = await op.ctx;
    const abort = new AbortController();
    const following = collect(reg.follow(1, abort.signal));
    await settled();
    abort.abort();
    expect(await following).toEqual([]);
    expect(reg.get(1).state).toBe("running");
    expect(ctx.signal.aborted).toBe(false);
    expect(reg.cancel(1)).toBe(true);
    expect(ctx.signal.aborted).toBe(true);
    op.finish({ ok: false, summary: "cancelled after 0 of 2" });
    await settled();
    expect(reg.get(1)).toMatchObject({ state: "cancelled", summary: "cancelled after 0 of 2" });
    expect(reg.cancel(1)).toBe(false);
  });

  it("a body that fails or throws ends the operation failed", async () => {
    const reg = new OperationRegistry();
    reg.begin("start", "start web:*", () => Promise.resolve({ ok: false, summary: "start: 1 failed" }));
    reg.begin("start", "start x", () => Promise.reject(new Error("boom")));
    expect(await collect(reg.follow(1))).toEqual(["done failed: start: 1 failed"]);
    expect(await collect(reg.follow(2))).toEqual(["done failed: boom"]);
  });

  it("keeps running operations and the last N finished; unknown ids are BAD_NAME", async () => {
    const reg = new OperationRegistry({ keepFinished: 2 });
    const running = controlled();
    reg.begin("rolling-restart", "long", running.body);
    for (let i = 0; i < 4; i++) reg.begin("start", `start ${i}`, () => Promise.resolve({ ok: true, summary: "" }));
    await settled();
    expect(reg.list().map((o) => o.description)).toEqual(["long", "start 2", "start 3"]);
    let caught: unknown;
    try {
      reg.get(2);
    } catch (err) {
      caught = err;
    }
    expect(isSupervisorError(caught) && caught.code === "BAD_NAME").toBe(true);
  });

  it("keeps at most maxProgress steps per operation; a follower starts at the oldest kept", async () => {
    const reg = new OperationRegistry({ maxProgress: 2 });
    const op = controlled();
    reg.begin("start", "s", op.body);
    const ctx = await op.ctx;
    for (const text of ["one", "two", "three"]) ctx.note(text);
    op.finish({ ok: true, summary: "" });
    expect(await collect(reg.follow(1))).toEqual(["two", "three", "done succeeded: "]);
  });
});
