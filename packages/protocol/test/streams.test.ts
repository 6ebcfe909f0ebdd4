import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, type MethodName, type SupervisorClient } from "../src/index.js";
import { echoService } from "./echo-service.js";
import { startHarness, until, type Harness } from "./harness.js";

const CHUNK = Buffer.alloc(64 * 1024, 0x61);

let harness: Harness;
let client: SupervisorClient;
let produced = 0;
let producerFinished = 0;
let serverSawAbort = 0;
const blocked: MethodName[] = [];

beforeAll(async () => {
  const service = echoService();
  // An endless log: the only thing that can stop it is the client, by not reading or by cancelling.
  service.tailProcessLogFollow = async function* (_req, ctx) {
    ctx.signal.addEventListener("abort", () => serverSawAbort++, { once: true });
    try {
      while (true) {
        produced++;
        yield { data: CHUNK };
      }
    } finally {
      producerFinished++;
    }
  };
  // A producer that waits for events, as Watch does between engine events: cancellation must still end it.
  service.watch = async function* (_req, ctx) {
    ctx.signal.addEventListener("abort", () => serverSawAbort++, { once: true });
    try {
      yield { event: { $case: "groupRemoved", groupRemoved: { name: "first" } } };
      await new Promise<void>((resolve) => ctx.signal.addEventListener("abort", () => resolve(), { once: true }));
    } finally {
      producerFinished++;
    }
  };
  harness = await startHarness(service, { onBackpressure: (method) => blocked.push(method) });
  client = connect(harness.unixUrl);
});
afterAll(async () => {
  client.close();
  await harness.close();
});

describe("server streams", () => {
  it("a slow consumer makes the producer wait (backpressure), and reading again resumes it", async () => {
    produced = 0;
    producerFinished = 0;
    blocked.length = 0;
    const iterator = client.tailProcessLogFollow({ name: "big" })[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.value?.data.length).toBe(CHUNK.length);

    // Stop reading: the transport fills up and the server stops pulling from the producer.
    await until(() => blocked.length > 0, "the stream to block on the slow client");
    const whenBlocked = produced;
    // Bounded: only what fits in the transport's buffers was produced, not an endless log.
    expect(whenBlocked).toBeLessThan(200);
    // And it stays parked while the client does not read, however busy the server is with other calls.
    const other = connect(harness.tcpUrl);
    for (let i = 0; i < 5; i++) await other.getApiVersion();
    other.close();
    expect(produced).toBe(whenBlocked);
    expect(blocked).toHaveLength(1);

    // Drain what was buffered plus more: the producer resumes.
    for (let i = 0; i < whenBlocked + 20; i++) expect((await iterator.next()).done).toBe(false);
    expect(produced).toBeGreaterThan(whenBlocked);

    await iterator.return?.();
    await until(() => producerFinished === 1, "the producer to be told to stop");
  });

  it("aborting the signal cancels the call on both sides", async () => {
    serverSawAbort = 0;
    producerFinished = 0;
    const controller = new AbortController();
    const received: string[] = [];
    const err = await (async () => {
      for await (const message of client.watch({}, { signal: controller.signal })) {
        received.push(message.event?.$case ?? "none");
        controller.abort();
      }
    })().catch((e: unknown) => e);
    expect(received).toEqual(["groupRemoved"]);
    expect((err as Error).name).toBe("AbortError");
    await until(() => serverSawAbort === 1 && producerFinished === 1, "the server to see the cancellation");
  });

  it("breaking out of the loop cancels the call on the server", async () => {
    serverSawAbort = 0;
    producerFinished = 0;
    for await (const _ of client.watch()) break;
    await until(() => serverSawAbort === 1 && producerFinished === 1, "the server to see the cancellation");
  });

  it("an already aborted signal fails unary calls and streams without calling", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(client.getApiVersion({}, { signal: controller.signal })).rejects.toMatchObject({ name: "AbortError" });
    const err = await (async () => {
      for await (const _ of client.watch({}, { signal: controller.signal })) void _;
    })().catch((e: unknown) => e);
    expect((err as Error).name).toBe("AbortError");
  });

  it("aborting a pending unary call cancels it on the server", async () => {
    let sawAbort = false;
    let arrived = false;
    const local = echoService();
    local.startProcess = (_req, ctx) =>
      new Promise((resolve) => {
        arrived = true;
        // A start that waits forever (wait=true on a process that never leaves STARTING) until cancelled.
        ctx.signal.addEventListener("abort", () => {
          sawAbort = true;
          resolve({});
        });
      });
    const h = await startHarness(local);
    const c = connect(h.unixUrl);
    try {
      const controller = new AbortController();
      const pending = c.startProcess({ name: "slow" }, { signal: controller.signal });
      await until(() => arrived, "the call to reach the server");
      controller.abort();
      await expect(pending).rejects.toMatchObject({ name: "AbortError" });
      await until(() => sawAbort, "the handler's signal to abort");
    } finally {
      c.close();
      await h.close();
    }
  });
});
