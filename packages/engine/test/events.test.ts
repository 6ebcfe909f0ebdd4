/** Event payloads (§6.3), hierarchy (§6.1), the bus: bounded queues, snapshot without gap, ticks (TICK-01). */
import { afterEach, describe, expect, it } from "vitest";
import { EventBus } from "../src/event-bus.js";
import { eventMatches, formatPayload } from "../src/events.js";
import { Harness, isState, program } from "./helpers.js";

const h = new Harness();
afterEach(() => h.cleanup());

describe("payloads (§6.3, EVT-04)", () => {
  it("process state payloads carry tries / pid / expected exactly as supervisord", () => {
    const base = { processName: "cat", groupName: "cat" } as const;
    expect(formatPayload({ ...base, name: "PROCESS_STATE_STARTING", fromState: "STOPPED", toState: "STARTING", tries: 0 })).toBe(
      "processname:cat groupname:cat from_state:STOPPED tries:0",
    );
    expect(formatPayload({ ...base, name: "PROCESS_STATE_BACKOFF", fromState: "STARTING", toState: "BACKOFF", tries: 2 })).toBe(
      "processname:cat groupname:cat from_state:STARTING tries:2",
    );
    expect(formatPayload({ ...base, name: "PROCESS_STATE_RUNNING", fromState: "STARTING", toState: "RUNNING", pid: 9 })).toBe(
      "processname:cat groupname:cat from_state:STARTING pid:9",
    );
    expect(
      formatPayload({ ...base, name: "PROCESS_STATE_EXITED", fromState: "RUNNING", toState: "EXITED", expected: false, pid: 9924 }),
    ).toBe("processname:cat groupname:cat from_state:RUNNING expected:0 pid:9924");
    expect(formatPayload({ ...base, name: "PROCESS_STATE_FATAL", fromState: "BACKOFF", toState: "FATAL" })).toBe(
      "processname:cat groupname:cat from_state:BACKOFF",
    );
  });

  it("other payloads: group (trailing newline), tick, supervisor state, log, communication, remote", () => {
    expect(formatPayload({ name: "PROCESS_GROUP_ADDED", groupName: "g" })).toBe("groupname:g\n");
    expect(formatPayload({ name: "TICK_5", when: 1795462930 })).toBe("when:1795462930");
    expect(formatPayload({ name: "SUPERVISOR_STATE_CHANGE_RUNNING" })).toBe("");
    expect(
      formatPayload({ name: "PROCESS_LOG_STDOUT", processName: "printer", groupName: "printer", pid: 9924, channel: "stdout", data: "out\n" }),
    ).toBe("processname:printer groupname:printer pid:9924 channel:stdout\nout\n");
    expect(
      formatPayload({ name: "PROCESS_COMMUNICATION_STDOUT", processName: "p", groupName: "p", pid: 1, data: "captured data" }),
    ).toBe("processname:p groupname:p pid:1\ncaptured data");
    expect(formatPayload({ name: "REMOTE_COMMUNICATION", commType: "t", data: "d" })).toBe("type:t\nd");
  });

  it("subscription by ancestor type (§6.1)", () => {
    expect(eventMatches("EVENT", "TICK_60")).toBe(true);
    expect(eventMatches("PROCESS_STATE", "PROCESS_STATE_FATAL")).toBe(true);
    expect(eventMatches("PROCESS_STATE", "PROCESS_LOG_STDOUT")).toBe(false);
    expect(eventMatches("PROCESS_STATE_FATAL", "PROCESS_STATE_FATAL")).toBe(true);
  });
});

describe("event bus", () => {
  it("filters by name; seq is strictly increasing", async () => {
    const bus = new EventBus(Date.now, 100);
    const groups = bus.subscribe({ events: ["PROCESS_GROUP"] });
    bus.publish({ name: "REMOTE_COMMUNICATION", commType: "x", data: "" });
    const a = bus.publish({ name: "PROCESS_GROUP_ADDED", groupName: "a" });
    const b = bus.publish({ name: "PROCESS_GROUP_REMOVED", groupName: "a" });
    expect(b.seq).toBeGreaterThan(a.seq);
    expect(await groups.next()).toBe(a);
    expect(await groups.next()).toBe(b);
    groups.close();
    expect(await groups.next()).toBeUndefined();
    expect(bus.subscriberCount).toBe(0);
  });

  it("overflow=disconnect ends a slow subscription with overflowed=true after what it had queued", async () => {
    const bus = new EventBus(Date.now, 100);
    const sub = bus.subscribe({ events: ["EVENT"], maxQueue: 2 });
    for (const d of ["1", "2", "3"]) bus.publish({ name: "REMOTE_COMMUNICATION", commType: "t", data: d });
    expect(sub.overflowed).toBe(true);
    const got: string[] = [];
    for await (const e of sub) got.push(e.payload);
    expect(got).toEqual(["type:t\n1", "type:t\n2"]);
    bus.close();
  });

  it("overflow=drop-oldest keeps the newest events and counts the dropped", async () => {
    const bus = new EventBus(Date.now, 100);
    const sub = bus.subscribe({ events: ["REMOTE_COMMUNICATION"], maxQueue: 2, overflow: "drop-oldest" });
    for (const d of ["1", "2", "3"]) bus.publish({ name: "REMOTE_COMMUNICATION", commType: "t", data: d });
    expect(sub.dropped).toBe(1);
    expect((await sub.next())?.payload).toBe("type:t\n2");
    expect((await sub.next())?.payload).toBe("type:t\n3");
    sub.close();
  });

  it("TICK-01/02: ticks at wall-clock boundaries only while subscribed, none at subscription time", async () => {
    // A clock 100 ms before a 5-second boundary, so the test does not wait seconds.
    const offset = (4900 - (Date.now() % 5000) + 5000) % 5000;
    const now = (): number => Date.now() + offset;
    const bus = new EventBus(now, 100);
    const sub = bus.subscribe({ events: ["TICK"] });
    const first = await sub.next();
    expect(first?.name).toBe("TICK_5");
    const when = (first as { when: number }).when;
    expect(when % 5).toBe(0);
    expect(first?.payload).toBe(`when:${when}`);
    expect(when * 1000).toBeLessThanOrEqual(now());
    sub.close();
    expect(bus.subscriberCount).toBe(0);
  });

  it("subscribeWithSnapshot: process infos plus every later event, with no gap", async () => {
    const { sup } = h.make([program("web", "/bin/sleep 1000", { startsecs: 1 })]);
    sup.start();
    const snap = sup.subscribeWithSnapshot({ events: ["PROCESS_STATE"] });
    expect(snap.state).toBe("RUNNING");
    expect(snap.processes.map((p) => `${p.name}:${p.state}`)).toEqual(["web:STARTING"]);
    const next = await snap.events.next();
    expect(next && isState("web", "RUNNING")(next)).toBe(true);
    expect(next?.payload).toMatch(/^processname:web groupname:web from_state:STARTING pid:\d+$/);
    snap.events.close();
  });

  it("emit() passes PROCESS_LOG / REMOTE_COMMUNICATION events from the daemon through the bus", async () => {
    const { sup, rec } = h.make([]);
    sup.start();
    const e = sup.emit({ name: "PROCESS_LOG_STDERR", processName: "p", groupName: "g", pid: 3, channel: "stderr", data: "x" });
    expect(e.payload).toBe("processname:p groupname:g pid:3 channel:stderr\nx");
    await rec.waitFor((ev) => ev.name === "PROCESS_LOG_STDERR");
  });
});
