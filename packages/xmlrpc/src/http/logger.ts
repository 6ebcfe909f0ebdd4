/** Where the HTTP layer reports what supervisord would log (levels as supervisord names them). All optional. */
export interface RpcLogger {
  trace?(message: string): void;
  info?(message: string): void;
  warn?(message: string): void;
  error?(message: string): void;
  critical?(message: string): void;
}

/** Python's `repr()` of a str, for log lines that quote request data as supervisord does (`%r`). */
export function pythonStrRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === "\\") out += "\\\\";
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else out += ch;
  }
  return out + quote;
}
