/** Python behaviours supervisorctl's texts depend on: `int()` of an argument and `%r` of a string. */

/** Python `int()` of a `-N` modifier: optional sign, digits, surrounding whitespace, underscores between digits. */
export function parsePythonInt(text: string): number | null {
  const m = /^\s*([+-]?)(\d+(?:_\d+)*)\s*$/.exec(text);
  if (m === null) return null;
  const value = Number((m[2] as string).replace(/_/g, ""));
  return m[1] === "-" ? -value : value;
}

/** Python's `repr()` of a str, as `%r` prints it. */
export function pythonRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let body = "";
  for (const ch of text) {
    const code = ch.codePointAt(0) as number;
    if (ch === "\\") body += "\\\\";
    else if (ch === quote) body += `\\${quote}`;
    else if (ch === "\n") body += "\\n";
    else if (ch === "\r") body += "\\r";
    else if (ch === "\t") body += "\\t";
    else if (code < 0x20 || code === 0x7f) body += `\\x${code.toString(16).padStart(2, "0")}`;
    else body += ch;
  }
  return `${quote}${body}${quote}`;
}
