/**
 * Typed events with supervisord's names, hierarchy and exact payload strings (spec §6.1, §6.3). Every event
 * carries its `payload` already formatted, so event-listener pools, gRPC streams and the TUI pass it through
 * unchanged.
 */
import type { ProcessStateName } from "@tsupervisord/pycompat";

export type ProcessStateEventName = `PROCESS_STATE_${ProcessStateName}`;

export type EventName =
  | ProcessStateEventName
  | "PROCESS_LOG_STDOUT"
  | "PROCESS_LOG_STDERR"
  | "PROCESS_COMMUNICATION_STDOUT"
  | "PROCESS_COMMUNICATION_STDERR"
  | "REMOTE_COMMUNICATION"
  | "SUPERVISOR_STATE_CHANGE_RUNNING"
  | "SUPERVISOR_STATE_CHANGE_STOPPING"
  | "TICK_5"
  | "TICK_60"
  | "TICK_3600"
  | "PROCESS_GROUP_ADDED"
  | "PROCESS_GROUP_REMOVED"
  /** tsupervisord's own (issue 14): not under EVENT, so supervisord event listeners never receive it. */
  | "PROCESS_READINESS_CHANGED"
  /** tsupervisord's own (issue 19): a control call allowed or refused; never sent to event listeners. */
  | "CONTROL_AUDIT";

/** Abstract names: valid in subscriptions (they select a subtree), never emitted. */
export type AbstractEventName =
  | "EVENT"
  | "PROCESS_STATE"
  | "PROCESS_LOG"
  | "PROCESS_COMMUNICATION"
  | "SUPERVISOR_STATE_CHANGE"
  | "TICK"
  | "PROCESS_GROUP";

export type AnyEventName = EventName | AbstractEventName;

/** Parent of every event type (spec §6.1). */
export const EVENT_PARENTS: Readonly<Record<AnyEventName, AbstractEventName | null>> = {
  EVENT: null,
  PROCESS_STATE: "EVENT",
  PROCESS_STATE_STOPPED: "PROCESS_STATE",
  PROCESS_STATE_STARTING: "PROCESS_STATE",
  PROCESS_STATE_RUNNING: "PROCESS_STATE",
  PROCESS_STATE_BACKOFF: "PROCESS_STATE",
  PROCESS_STATE_STOPPING: "PROCESS_STATE",
  PROCESS_STATE_EXITED: "PROCESS_STATE",
  PROCESS_STATE_FATAL: "PROCESS_STATE",
  PROCESS_STATE_UNKNOWN: "PROCESS_STATE",
  PROCESS_LOG: "EVENT",
  PROCESS_LOG_STDOUT: "PROCESS_LOG",
  PROCESS_LOG_STDERR: "PROCESS_LOG",
  PROCESS_COMMUNICATION: "EVENT",
  PROCESS_COMMUNICATION_STDOUT: "PROCESS_COMMUNICATION",
  PROCESS_COMMUNICATION_STDERR: "PROCESS_COMMUNICATION",
  REMOTE_COMMUNICATION: "EVENT",
  SUPERVISOR_STATE_CHANGE: "EVENT",
  SUPERVISOR_STATE_CHANGE_RUNNING: "SUPERVISOR_STATE_CHANGE",
  SUPERVISOR_STATE_CHANGE_STOPPING: "SUPERVISOR_STATE_CHANGE",
  TICK: "EVENT",
  TICK_5: "TICK",
  TICK_60: "TICK",
  TICK_3600: "TICK",
  PROCESS_GROUP: "EVENT",
  PROCESS_GROUP_ADDED: "PROCESS_GROUP",
  PROCESS_GROUP_REMOVED: "PROCESS_GROUP",
  PROCESS_READINESS_CHANGED: null,
  CONTROL_AUDIT: null,
};

export function isEventName(value: string): value is AnyEventName {
  return Object.prototype.hasOwnProperty.call(EVENT_PARENTS, value);
}

/** True when a subscription to `subscribed` (a concrete or abstract name) receives `event`. */
export function eventMatches(subscribed: AnyEventName, event: AnyEventName): boolean {
  for (let name: AnyEventName | null = event; name !== null; name = EVENT_PARENTS[name]) {
    if (name === subscribed) return true;
  }
  return false;
}

interface EventBase {
  /** Engine-local sequence number, strictly increasing (gap detection, snapshot consistency). */
  seq: number;
  /** Epoch milliseconds when the event was created. */
  at: number;
  /** The exact supervisord payload (spec §6.3). */
  payload: string;
}

export interface ProcessStateEvent extends EventBase {
  name: ProcessStateEventName;
  processName: string;
  groupName: string;
  fromState: ProcessStateName;
  toState: ProcessStateName;
  /** STARTING, BACKOFF. */
  tries?: number;
  /** EXITED. */
  expected?: boolean;
  /** RUNNING, STOPPING, STOPPED, EXITED. */
  pid?: number;
}

export interface ProcessLogEvent extends EventBase {
  name: "PROCESS_LOG_STDOUT" | "PROCESS_LOG_STDERR";
  processName: string;
  groupName: string;
  pid: number;
  channel: "stdout" | "stderr";
  data: string;
}

export interface ProcessCommunicationEvent extends EventBase {
  name: "PROCESS_COMMUNICATION_STDOUT" | "PROCESS_COMMUNICATION_STDERR";
  processName: string;
  groupName: string;
  pid: number;
  data: string;
}

export interface RemoteCommunicationEvent extends EventBase {
  name: "REMOTE_COMMUNICATION";
  commType: string;
  data: string;
}

export interface SupervisorStateChangeEvent extends EventBase {
  name: "SUPERVISOR_STATE_CHANGE_RUNNING" | "SUPERVISOR_STATE_CHANGE_STOPPING";
}

export interface TickEvent extends EventBase {
  name: "TICK_5" | "TICK_60" | "TICK_3600";
  /** Epoch seconds rounded down to the period. */
  when: number;
}

export interface ProcessGroupEvent extends EventBase {
  name: "PROCESS_GROUP_ADDED" | "PROCESS_GROUP_REMOVED";
  groupName: string;
}

/** issue 14: a process's readiness or liveness (or their status text) changed. */
export interface ProcessReadinessEvent extends EventBase {
  name: "PROCESS_READINESS_CHANGED";
  processName: string;
  groupName: string;
  readiness: string;
  readinessStatus: string;
  liveness: string;
  livenessStatus: string;
}

/**
 * issue 19: who did what to which program, published by the daemon's access control (the engine only
 * carries it to Watch). Chosen fields only: no password, header or stdin contents can ride along.
 */
export interface ControlAuditEvent extends EventBase {
  name: "CONTROL_AUDIT";
  user: string;
  role: string;
  peer: string;
  uid: number | null;
  face: string;
  method: string;
  target: string;
  outcome: "allowed" | "denied";
}

export type SupervisorEvent =
  | ControlAuditEvent
  | ProcessStateEvent
  | ProcessLogEvent
  | ProcessCommunicationEvent
  | RemoteCommunicationEvent
  | SupervisorStateChangeEvent
  | TickEvent
  | ProcessGroupEvent
  | ProcessReadinessEvent;

/** An event before the bus stamps it (`seq`, `at`, `payload` are filled in by the bus). */
export type EventInput =
  | Omit<ControlAuditEvent, "seq" | "at" | "payload">
  | Omit<ProcessStateEvent, "seq" | "at" | "payload">
  | Omit<ProcessLogEvent, "seq" | "at" | "payload">
  | Omit<ProcessCommunicationEvent, "seq" | "at" | "payload">
  | Omit<RemoteCommunicationEvent, "seq" | "at" | "payload">
  | Omit<SupervisorStateChangeEvent, "seq" | "at" | "payload">
  | Omit<TickEvent, "seq" | "at" | "payload">
  | Omit<ProcessGroupEvent, "seq" | "at" | "payload">
  | Omit<ProcessReadinessEvent, "seq" | "at" | "payload">;

/** The exact §6.3 payload text of an event (token sets have no trailing newline; group events do). */
export function formatPayload(event: EventInput): string {
  switch (event.name) {
    case "PROCESS_STATE_STARTING":
    case "PROCESS_STATE_BACKOFF":
    case "PROCESS_STATE_RUNNING":
    case "PROCESS_STATE_STOPPING":
    case "PROCESS_STATE_STOPPED":
    case "PROCESS_STATE_EXITED":
    case "PROCESS_STATE_FATAL":
    case "PROCESS_STATE_UNKNOWN":
      return formatProcessStatePayload(event as Omit<ProcessStateEvent, "seq" | "at" | "payload">);
    case "PROCESS_LOG_STDOUT":
    case "PROCESS_LOG_STDERR": {
      const e = event as Omit<ProcessLogEvent, "seq" | "at" | "payload">;
      return `processname:${e.processName} groupname:${e.groupName} pid:${e.pid} channel:${e.channel}\n${e.data}`;
    }
    case "PROCESS_COMMUNICATION_STDOUT":
    case "PROCESS_COMMUNICATION_STDERR": {
      const e = event as Omit<ProcessCommunicationEvent, "seq" | "at" | "payload">;
      return `processname:${e.processName} groupname:${e.groupName} pid:${e.pid}\n${e.data}`;
    }
    case "REMOTE_COMMUNICATION": {
      const e = event as Omit<RemoteCommunicationEvent, "seq" | "at" | "payload">;
      return `type:${e.commType}\n${e.data}`;
    }
    case "SUPERVISOR_STATE_CHANGE_RUNNING":
    case "SUPERVISOR_STATE_CHANGE_STOPPING":
      return "";
    case "TICK_5":
    case "TICK_60":
    case "TICK_3600":
      return `when:${(event as Omit<TickEvent, "seq" | "at" | "payload">).when}`;
    case "PROCESS_GROUP_ADDED":
    case "PROCESS_GROUP_REMOVED":
      return `groupname:${(event as Omit<ProcessGroupEvent, "seq" | "at" | "payload">).groupName}\n`;
    case "CONTROL_AUDIT": {
      const e = event as Omit<ControlAuditEvent, "seq" | "at" | "payload">;
      return `user:${e.user} role:${e.role} peer:${e.peer} face:${e.face} method:${e.method} target:${e.target} outcome:${e.outcome}`;
    }
    case "PROCESS_READINESS_CHANGED": {
      const e = event as Omit<ProcessReadinessEvent, "seq" | "at" | "payload">;
      return `processname:${e.processName} groupname:${e.groupName} readiness:${e.readiness} liveness:${e.liveness}\n${e.readinessStatus}`;
    }
  }
}

function formatProcessStatePayload(e: Omit<ProcessStateEvent, "seq" | "at" | "payload">): string {
  const head = `processname:${e.processName} groupname:${e.groupName} from_state:${e.fromState}`;
  switch (e.toState) {
    case "STARTING":
    case "BACKOFF":
      return `${head} tries:${e.tries ?? 0}`;
    case "RUNNING":
    case "STOPPING":
    case "STOPPED":
      return `${head} pid:${e.pid ?? 0}`;
    case "EXITED":
      return `${head} expected:${e.expected === true ? 1 : 0} pid:${e.pid ?? 0}`;
    case "FATAL":
    case "UNKNOWN":
      return head;
  }
}
