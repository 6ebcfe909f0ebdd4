/**
 * How supervisord shows child output in text (LOG-02 activity log lines, EVT-05 event payloads): the bytes
 * decoded as UTF-8, or `Undecodable: b'…'` (Python's bytes repr) when they are not valid UTF-8.
 */
import { pyBytesRepr, pyRepr } from "@tsupervisord/pycompat";

const strictDecoder = new TextDecoder("utf-8", { fatal: true });

/** UTF-8 text of `data`, or `Undecodable: b'…'` (supervisord's `as_string` fallback in the dispatchers). */
export function decodeOutput(data: Uint8Array): string {
  try {
    return strictDecoder.decode(data);
  } catch {
    return `Undecodable: ${pyBytesRepr(data)}`;
  }
}

/** LOG-02: the activity log line for a chunk of child output, `'<name>' <channel> output:\n<data>`. */
export function formatOutputForActivityLog(processName: string, channel: string, data: Uint8Array): string {
  return `${pyRepr(processName)} ${channel} output:\n${decodeOutput(data)}`;
}

