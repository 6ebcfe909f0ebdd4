/**
 * The few request defaults proto3 cannot express, in one place so the daemon and every client read them alike.
 */
import { LogChannel } from "./gen/supervisor/v1/supervisor.js";

/** What GetAPIVersion answers; supervisorctl's upcheck insists on exactly this (UPC-01). */
export const API_VERSION = "3.0";

/** TLF-01: `tail -f` starts with the last 1024 bytes. */
export const DEFAULT_FOLLOW_TAIL_BYTES = 1024;

/** `wait` unset means true, supervisord's default for start/stop (spec §5.4). */
export function effectiveWait(wait: boolean | undefined): boolean {
  return wait ?? true;
}

/** `tail_bytes` unset means DEFAULT_FOLLOW_TAIL_BYTES; negative values count as 0. */
export function effectiveTailBytes(tailBytes: number | undefined): number {
  return Math.max(0, tailBytes ?? DEFAULT_FOLLOW_TAIL_BYTES);
}

/** The log a request names; UNSPECIFIED (and anything unknown) means stdout, as supervisord's aliases do. */
export function channelName(channel: LogChannel): "stdout" | "stderr" {
  return channel === LogChannel.STDERR ? "stderr" : "stdout";
}
