/**
 * One typed bus for every engine event. Subscribers get bounded queues (see SubscribeOptions.overflow) and an
 * async iterable. TICK_* events exist only while someone subscribes to them: the timer is armed at the next
 * wall-clock boundary of 5 s and re-armed after each firing (TICK-01: slices recorded when ticking starts, one
 * event per period whenever its slice changes, no catch-up; TICK-02 order 5, 60, 3600).
 */
import type { AnyEventName, EventInput, EventName, SupervisorEvent } from "./events.js";
import { eventMatches, formatPayload } from "./events.js";
import type { SubscribeOptions, Subscription } from "./types.js";

const DEFAULT_SUBSCRIPTION: AnyEventName[] = [
  "PROCESS_STATE",
  "PROCESS_LOG",
  "PROCESS_COMMUNICATION",
  "REMOTE_COMMUNICATION",
  "SUPERVISOR_STATE_CHANGE",
  "PROCESS_GROUP",
];

const TICK_PERIODS: ReadonlyArray<readonly [EventName & `TICK_${string}`, number]> = [
  ["TICK_5", 5],
  ["TICK_60", 60],
  ["TICK_3600", 3600],
];

export class EventBus {
  private seq = 0;
  private readonly subscribers = new Set<QueueSubscription>();
  private tickTimer: NodeJS.Timeout | null = null;
  private readonly tickSlices = new Map<string, number>();
  /** Synchronous listeners inside the engine (event-listener pools): called in publish order, never bounded. */
  private readonly listeners = new Set<SyncListener>();

  constructor(
    private readonly now: () => number,
    private readonly defaultLimit: number,
  ) {}

  publish(input: EventInput): SupervisorEvent {
    this.seq += 1;
    const event = { ...input, seq: this.seq, at: this.now(), payload: formatPayload(input) } as SupervisorEvent;
    for (const listener of [...this.listeners]) if (listener.wants(event.name)) listener.fn(event);
    for (const sub of this.subscribers) {
      if (sub.wants(event.name)) sub.push(event);
    }
    return event;
  }

  /** Internal synchronous hook for the given names (concrete or abstract); returns the unsubscribe function. */
  listen(names: AnyEventName[], fn: (event: SupervisorEvent) => void): () => void {
    const cache = new Map<string, boolean>();
    const listener: SyncListener = {
      fn,
      wants: (name) => {
        let hit = cache.get(name);
        if (hit === undefined) cache.set(name, (hit = names.some((n) => eventMatches(n, name))));
        return hit;
      },
    };
    this.listeners.add(listener);
    this.updateTicking();
    return () => {
      this.listeners.delete(listener);
      this.updateTicking();
    };
  }

  subscribe(options: SubscribeOptions = {}): Subscription {
    const sub = new QueueSubscription(
      options.events ?? DEFAULT_SUBSCRIPTION,
      options.maxQueue ?? this.defaultLimit,
      options.overflow ?? "disconnect",
      (s) => {
        this.subscribers.delete(s);
        this.updateTicking();
      },
    );
    this.subscribers.add(sub);
    this.updateTicking();
    return sub;
  }

  /** Number of live subscriptions (for tests and diagnostics). */
  get subscriberCount(): number {
    return this.subscribers.size;
  }

  /** End every subscription and stop ticking. */
  close(): void {
    for (const sub of [...this.subscribers]) sub.close();
    this.stopTicking();
  }

  private wantsTicks(): boolean {
    const all: Array<{ wants(name: EventName): boolean }> = [...this.subscribers, ...this.listeners];
    return all.some((s) => TICK_PERIODS.some(([name]) => s.wants(name)));
  }

  private updateTicking(): void {
    const wanted = this.wantsTicks();
    if (wanted && this.tickTimer === null) this.startTicking();
    else if (!wanted) this.stopTicking();
  }

  private startTicking(): void {
    const nowSec = Math.floor(this.now() / 1000);
    for (const [name, period] of TICK_PERIODS) this.tickSlices.set(name, nowSec - (nowSec % period));
    this.armTick();
  }

  private armTick(): void {
    const now = this.now();
    const delay = 5000 - (now % 5000) + 1;
    this.tickTimer = setTimeout(() => this.onTick(), delay);
    this.tickTimer.unref();
  }

  private onTick(): void {
    this.tickTimer = null;
    const nowSec = Math.floor(this.now() / 1000);
    for (const [name, period] of TICK_PERIODS) {
      const slice = nowSec - (nowSec % period);
      if (this.tickSlices.get(name) !== slice) {
        this.tickSlices.set(name, slice);
        this.publish({ name, when: slice });
      }
    }
    if (this.wantsTicks()) this.armTick();
  }

  private stopTicking(): void {
    if (this.tickTimer !== null) clearTimeout(this.tickTimer);
    this.tickTimer = null;
  }
}

interface SyncListener {
  fn: (event: SupervisorEvent) => void;
  wants(name: EventName): boolean;
}

class QueueSubscription implements Subscription {
  private queue: SupervisorEvent[] = [];
  private head = 0;
  private waiter: ((event: SupervisorEvent | undefined) => void) | null = null;
  private closed = false;
  overflowed = false;
  dropped = 0;
  private readonly wantCache = new Map<string, boolean>();

  constructor(
    private readonly names: AnyEventName[],
    private readonly limit: number,
    private readonly overflow: "disconnect" | "drop-oldest",
    private readonly onClose: (sub: QueueSubscription) => void,
  ) {}

  wants(name: EventName): boolean {
    let hit = this.wantCache.get(name);
    if (hit === undefined) {
      hit = this.names.some((n) => eventMatches(n, name));
      this.wantCache.set(name, hit);
    }
    return hit;
  }

  push(event: SupervisorEvent): void {
    if (this.closed) return;
    if (this.waiter !== null) {
      const w = this.waiter;
      this.waiter = null;
      w(event);
      return;
    }
    if (this.queue.length - this.head >= this.limit) {
      if (this.overflow === "disconnect") {
        this.overflowed = true;
        this.close();
        return;
      }
      this.head += 1;
      this.dropped += 1;
    }
    this.queue.push(event);
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }

  next(): Promise<SupervisorEvent | undefined> {
    if (this.head < this.queue.length) {
      const event = this.queue[this.head] as SupervisorEvent;
      this.head += 1;
      return Promise.resolve(event);
    }
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    // Queued events stay readable after a normal close? No: close means "stop"; an overflow close still lets the
    // consumer drain what it has, so it can process up to the gap before resyncing.
    if (!this.overflowed) {
      this.queue = [];
      this.head = 0;
    }
    if (this.waiter !== null) {
      const w = this.waiter;
      this.waiter = null;
      w(undefined);
    }
    this.onClose(this);
  }

  [Symbol.asyncIterator](): AsyncIterator<SupervisorEvent> {
    return {
      next: async () => {
        const event = await this.next();
        return event === undefined ? { done: true, value: undefined } : { done: false, value: event };
      },
      return: async () => {
        this.close();
        return { done: true, value: undefined };
      },
    };
  }
}
