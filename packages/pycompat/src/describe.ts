/** The description texts of supervisord's ProcessInfo (CMD-STATUS-4, SHP-01) with Python's formatting. */
import type { ProcessStateName } from "./states.js";

/** Python `str(timedelta(seconds=n))` for whole non-negative seconds: `0:00:05`, `1 day, 1:00:05`. */
export function formatTimedelta(totalSeconds: number): string {
  const secs = Math.max(0, Math.floor(totalSeconds));
  const days = Math.floor(secs / 86400);
  const rem = secs % 86400;
  const h = Math.floor(rem / 3600);
  const m = Math.floor((rem % 3600) / 60);
  const s = rem % 60;
  const hms = `${h}:${String(m).padStart(2, "0")}:${String(s).padStart(2, "0")}`;
  return days === 0 ? hms : `${days} day${days === 1 ? "" : "s"}, ${hms}`;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** `time.strftime('%b %d %I:%M %p', time.localtime(epoch))` in the C locale: `Nov 23 07:40 PM`. */
export function formatLocalStopTime(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000);
  const hour24 = d.getHours();
  const hour12 = hour24 % 12 === 0 ? 12 : hour24 % 12;
  const pad = (n: number): string => String(n).padStart(2, "0");
  return `${MONTHS[d.getMonth()]} ${pad(d.getDate())} ${pad(hour12)}:${pad(d.getMinutes())} ${hour24 < 12 ? "AM" : "PM"}`;
}

export interface DescribeInput {
  state: ProcessStateName;
  name: string;
  pid: number;
  /** Epoch seconds, truncated like supervisord's capped_int; 0 = never. */
  start: number;
  stop: number;
  now: number;
  spawnerr: string;
}

/** supervisord's `_interpretProcessInfo()`. */
export function describeProcess(info: DescribeInput): string {
  switch (info.state) {
    case "RUNNING":
      return `pid ${info.pid}, uptime ${formatTimedelta(info.now - info.start)}`;
    case "FATAL":
    case "BACKOFF":
      return info.spawnerr !== "" ? info.spawnerr : `unknown error (try "tail ${info.name}")`;
    case "STOPPED":
    case "EXITED":
      return info.start !== 0 ? formatLocalStopTime(info.stop) : "Not started";
    default:
      return "";
  }
}
