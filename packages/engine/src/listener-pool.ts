/**
 * Event-listener pools (spec §6.2, §6.4, §6.5): a `[eventlistener:x]` group buffers the events it subscribed to
 * (at most buffer_size, the oldest discarded on overflow) and hands each to the first RUNNING listener in READY
 * state, as the `ver:3.0 …` envelope on its stdin; the listener answers `RESULT <n>\n<n bytes>` on stdout, then
 * `READY\n` again. Dispatch is event-driven: it runs when an event is buffered, when a listener becomes READY and
 * when a listener process becomes RUNNING (supervisord: every loop iteration, POOL-02).
 *
 * Differences, documented: `len` counts UTF-8 bytes (EVT-02, supervisord counts code points); an event that
 * matches several of a pool's subscriptions is buffered once (supervisord buffers it once per matching
 * subscription); a rejected event goes back to its own pool only.
 */
import type { EventListenerPoolConfig } from "@tsupervisord/config";
import type { EventBus } from "./event-bus.js";
import type { AnyEventName, SupervisorEvent } from "./events.js";
import { isEventName } from "./events.js";
import type { EngineLogger } from "./logger.js";
import type { ManagedProcess } from "./process.js";

export type ListenerStateName = "ACKNOWLEDGED" | "READY" | "BUSY" | "UNKNOWN";

/** EVT-03: one serial counter for the daemon's lifetime (module state survives a restart's new Supervisor). */
let globalSerial = -1;
function nextGlobalSerial(): number {
  if (globalSerial >= Number.MAX_SAFE_INTEGER) globalSerial = -1;
  globalSerial += 1;
  return globalSerial;
}

interface EventSerials {
  serial: number;
  poolSerials: Map<string, number>;
}

/** Serials are assigned the first time any pool accepts an event, shared by every pool. */
const serials = new WeakMap<SupervisorEvent, EventSerials>();

const READY_TOKEN = Buffer.from("READY\n");
const RESULT_TOKEN = Buffer.from("RESULT ");

interface Listener {
  state: ListenerStateName;
  buffer: Buffer;
  event: SupervisorEvent | null;
}

export class EventListenerPool {
  private readonly queue: SupervisorEvent[] = [];
  private poolSerial = -1;
  private readonly listeners = new Map<ManagedProcess, Listener>();
  private readonly stopListening: () => void;
  private closed = false;

  constructor(
    readonly name: string,
    private readonly config: EventListenerPoolConfig,
    private readonly processes: readonly ManagedProcess[],
    bus: EventBus,
    private readonly logger: EngineLogger,
    private readonly identifier: string,
  ) {
    for (const proc of processes) {
      const listener: Listener = { state: "ACKNOWLEDGED", buffer: Buffer.alloc(0), event: null };
      this.listeners.set(proc, listener);
      proc.listenerHooks = {
        onSpawn: () => {
          listener.state = "ACKNOWLEDGED";
          listener.buffer = Buffer.alloc(0);
          listener.event = null;
        },
        onStdout: (chunk) => this.onStdout(proc, listener, chunk),
        onExit: () => {
          // LSN-06: an event the listener never acknowledged goes back to the head of the queue.
          const event = listener.event;
          listener.event = null;
          if (event !== null) this.rejected(proc, event);
        },
      };
    }
    const names = config.events.map((e) => e.toUpperCase()).filter(isEventName) as AnyEventName[];
    this.stopListening = bus.listen(names, (event) => this.accept(event, false));
  }

  /** The listener state of one of the pool's processes. */
  listenerState(proc: ManagedProcess): ListenerStateName | undefined {
    return this.listeners.get(proc)?.state;
  }

  /** Events waiting for a listener (oldest first). */
  get buffered(): readonly SupervisorEvent[] {
    return this.queue;
  }

  /** POOL-04: unsubscribe and drop the queue. */
  close(): void {
    this.closed = true;
    this.stopListening();
    this.queue.length = 0;
  }

  private accept(event: SupervisorEvent, head: boolean): void {
    if (this.closed) return;
    let s = serials.get(event);
    if (s === undefined) {
      s = { serial: nextGlobalSerial(), poolSerials: new Map() };
      serials.set(event, s);
    }
    if (!s.poolSerials.has(this.name)) {
      this.poolSerial += 1;
      s.poolSerials.set(this.name, this.poolSerial);
    } else {
      this.logger.debug(
        `rebuffering event ${s.serial} for pool ${this.name} (buf size=${this.queue.length}, max=${this.config.bufferSize})`,
      );
    }
    if (this.queue.length >= this.config.bufferSize && this.queue.length > 0) {
      // POOL-01: discard the oldest.
      const discarded = this.queue.shift() as SupervisorEvent;
      this.logger.error(`pool ${this.name} event buffer overflowed, discarding event ${serials.get(discarded)?.serial}`);
    }
    if (head) this.queue.unshift(event);
    else this.queue.push(event);
    this.dispatch();
  }

  private rejected(proc: ManagedProcess, event: SupervisorEvent): void {
    this.logger.debug(`rejected event ${serials.get(event)?.serial} from ${proc.name} (${proc.groupName})`);
    this.accept(event, true);
  }

  /** POOL-02: send events oldest first while some RUNNING listener is READY. */
  dispatch(): void {
    while (this.queue.length > 0 && !this.closed) {
      const event = this.queue[0] as SupervisorEvent;
      if (!this.dispatchOne(event)) return;
      this.queue.shift();
    }
  }

  private dispatchOne(event: SupervisorEvent): boolean {
    const s = serials.get(event) as EventSerials;
    for (const proc of this.processes) {
      const listener = this.listeners.get(proc) as Listener;
      if (proc.state !== "RUNNING" || listener.state !== "READY") continue;
      if (!proc.stdinOpen) {
        this.logger.debug(`epipe occurred while sending event ${s.serial} to listener ${proc.name}, listener state unchanged`);
        continue;
      }
      const payload = Buffer.from(event.payload, "utf8");
      const header =
        `ver:3.0 server:${this.identifier} serial:${s.serial} pool:${this.name} ` +
        `poolserial:${s.poolSerials.get(this.name)} eventname:${event.name} len:${payload.length}\n`;
      proc.writeStdin(Buffer.concat([Buffer.from(header, "utf8"), payload]));
      listener.state = "BUSY";
      listener.event = event;
      this.logger.debug(`event ${s.serial} sent to listener ${proc.name}`);
      return true;
    }
    return false;
  }

  private change(proc: ManagedProcess, listener: Listener, to: ListenerStateName): void {
    this.logger.debug(`${proc.name}: ${listener.state} -> ${to}`);
    listener.state = to;
    if (to === "UNKNOWN") {
      this.logger.warn(
        `${proc.name}: has entered the UNKNOWN state and will no longer receive events, this usually indicates the process violated the eventlistener protocol`,
      );
    }
  }

  /** The protocol parser (LSN-01…05), run on every stdout chunk. */
  private onStdout(proc: ManagedProcess, listener: Listener, chunk: Buffer): void {
    listener.buffer = listener.buffer.length === 0 ? chunk : Buffer.concat([listener.buffer, chunk]);
    let becameReady = false;
    for (;;) {
      const data = listener.buffer;
      if (data.length === 0) break;
      if (listener.state === "UNKNOWN") {
        listener.buffer = Buffer.alloc(0);
        break;
      }
      if (listener.state === "ACKNOWLEDGED") {
        if (data.length < READY_TOKEN.length) break;
        if (data.subarray(0, READY_TOKEN.length).equals(READY_TOKEN)) {
          this.change(proc, listener, "READY");
          listener.buffer = data.subarray(READY_TOKEN.length);
          listener.event = null;
          becameReady = true;
          continue;
        }
        this.change(proc, listener, "UNKNOWN");
        listener.buffer = Buffer.alloc(0);
        listener.event = null;
        break;
      }
      if (listener.state === "READY") {
        // LSN-02: anything in READY is a protocol violation.
        this.change(proc, listener, "UNKNOWN");
        listener.buffer = Buffer.alloc(0);
        listener.event = null;
        break;
      }
      // BUSY
      if (!data.includes(RESULT_TOKEN)) break;
      const eol = data.indexOf(0x0a);
      if (eol < 0) break;
      const header = data.subarray(0, eol);
      const lengthText = header.subarray(RESULT_TOKEN.length).toString("latin1");
      const resultLength = /^\s*[+-]?\d+\s*$/.test(lengthText) ? Number.parseInt(lengthText, 10) : Number.NaN;
      const event = listener.event;
      if (Number.isNaN(resultLength)) {
        this.logger.warn(`${proc.name}: bad result line: '${header.toString("utf8")}'`);
        this.change(proc, listener, "UNKNOWN");
        listener.buffer = Buffer.alloc(0);
        listener.event = null;
        if (event !== null) this.rejected(proc, event);
        break;
      }
      const rest = data.subarray(eol + 1);
      if (rest.length < resultLength) break;
      const result = rest.subarray(0, resultLength);
      listener.buffer = rest.subarray(resultLength);
      listener.event = null;
      if (result.toString("latin1") === "OK") {
        this.logger.debug(`${proc.name}: event was processed`);
        this.change(proc, listener, "ACKNOWLEDGED");
      } else {
        this.logger.warn(`${proc.name}: event was rejected`);
        this.change(proc, listener, "ACKNOWLEDGED");
        if (event !== null) this.rejected(proc, event);
      }
    }
    if (becameReady) this.dispatch();
  }
}
