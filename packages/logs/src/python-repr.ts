/**
 * How supervisord shows child output in text (LOG-02 activity log lines, EVT-05 event payloads): the bytes
 * decoded as UTF-8, or `Undecodable: b'…'` (Python's bytes repr) when they are not valid UTF-8.
 */
const strictDecoder = new TextDecoder("utf-8", { fatal: true });

/** Python's `repr(bytes)`: `b'…'` with \t \n \r \\ \' escaped, printable ASCII as is, the rest as \xNN. */
export function pythonBytesRepr(data: Uint8Array): string {
  const hasSingle = data.includes(0x27);
  const hasDouble = data.includes(0x22);
  const quote = hasSingle && !hasDouble ? '"' : "'";
  let out = `b${quote}`;
  for (const byte of data) {
    if (byte === 0x5c) out += "\\\\";
    else if (byte === 0x09) out += "\\t";
    else if (byte === 0x0a) out += "\\n";
    else if (byte === 0x0d) out += "\\r";
    else if (quote === "'" && byte === 0x27) out += "\\'";
    else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else out += `\\x${byte.toString(16).padStart(2, "0")}`;
  }
  return `${out}${quote}`;
}

/** UTF-8 text of `data`, or `Undecodable: b'…'` (supervisord's `as_string` fallback in the dispatchers). */
export function decodeOutput(data: Uint8Array): string {
  try {
    return strictDecoder.decode(data);
  } catch {
    return `Undecodable: ${pythonBytesRepr(data)}`;
  }
}

/** LOG-02: the activity log line for a chunk of child output, `'<name>' <channel> output:\n<data>`. */
export function formatOutputForActivityLog(processName: string, channel: string, data: Uint8Array): string {
  return `${pythonStrRepr(processName)} ${channel} output:\n${decodeOutput(data)}`;
}

/** Python's `repr(str)` for the simple cases process names have (quotes chosen as Python does). */
export function pythonStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch === quote) out += `\\${quote}`;
    else out += ch;
  }
  return out + quote;
}
